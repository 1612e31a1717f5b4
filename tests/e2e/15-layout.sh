#!/bin/sh
# 15-layout.sh - layout goldens: the articles of each case in tests/layout/cases laid out by the
# engine (bt_layout_dump through build/tests/layout-dump) must give tests/layout/NAME.layout, one
# line per typeset line (baseline, start and end x, faces, words). After an intended layout
# change: `make layout-update`, and read the diff.
. tests/lib.sh
tool=${UNIT_DIR:-build/tests}/layout-dump
have python3 || { skip "layout goldens (python3 missing)"; exit 0; }
[ -x "$tool" ] || { fail "layout goldens: $tool not built (make units)"; exit 0; }
python3 tests/layout/golden.py "$tool" "$OUT"

#!/bin/sh
# demo.sh BANTIN OUTDIR - the main jobs on the bundled sample articles (tests/fixtures/text):
# one PDF per article, one PDF of several articles with bookmarks, an EPUB digest grouped by
# category, and a BagIt archive of the whole set, then verify it.
set -e
B=$1; D=$2
rm -rf "$D"; mkdir -p "$D/pdf"
S=tests/fixtures/text
echo "== bantin pdf: one PDF per article -> $D/pdf/"
"$B" pdf -q "$S"/*.txt -d "$D/pdf/"
echo "== bantin pdf: three articles in one PDF -> $D/three.pdf"
"$B" pdf -q "$S/000-seed.txt" "$S/001.txt" "$S/025.txt" -o "$D/three.pdf"
echo "== bantin epub: digest of all samples -> $D/digest.epub"
"$B" epub -q "$S"/*.txt -o "$D/digest.epub" --title "Bản tin mẫu" --group-by category
echo "== bantin archive: BagIt archive -> $D/archive/"
"$B" archive -q "$S" -o "$D/archive"
echo "== bantin verify"
"$B" verify "$D/archive"
n=$(ls "$D/pdf" | wc -l)
echo "demo: $n PDFs in $D/pdf, $D/three.pdf, $D/digest.epub, archive in $D/archive"

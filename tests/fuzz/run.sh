#!/bin/sh
# run.sh - run the libFuzzer harnesses built by fuzz.mk (use `make fuzz`, not this directly).
#   run.sh NAME...             fuzz each for $FUZZ_SECONDS, print executions and coverage
#   run.sh --regress NAME...   replay tests/fixtures/hostile/ (and committed seeds) only
# Exit status 1 when any harness crashed, leaked, timed out or ran out of memory.
FZ=${FZ:-build-fuzz}
FUZZ_SECONDS=${FUZZ_SECONDS:-60}
# Input size cap per harness, unless FUZZ_MAX_LEN sets one for all. Parsers get libFuzzer's
# own default of 4 KB: every byte costs coverage callbacks on every comparison, so 64 KB inputs
# ran 26-35 executions per second where 4 KB ones run 170-200; big inputs are the hostile
# suite's job. Images need room for a header, a palette and a few rows.
maxlen_for() {
    if [ -n "${FUZZ_MAX_LEN:-}" ]; then echo "$FUZZ_MAX_LEN"; return; fi
    case $1 in image) echo 65536 ;; *) echo 4096 ;; esac
}
regress=0
if [ "${1:-}" = --regress ]; then regress=1; shift; fi
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
dict=tests/fuzz/html.dict
bad=0

# Seeds: every fixture that fits the harness (text and HTML inputs, hostile cases).
seed() { # NAME DIR
    mkdir -p "$2"
    for f in tests/fixtures/*/*.txt tests/fixtures/*/*.html tests/fixtures/*/*.htm \
             tests/fixtures/*/*/*.txt tests/fixtures/*/*/*.html tests/fixtures/*/*/*.htm \
             tests/fixtures/*/*.png tests/fixtures/*/*.jpg tests/fixtures/*/*/*.png \
             tests/fixtures/*/*/*.jpg tests/fixtures/*/*/*.gif tests/fixtures/*/*/*.webp \
             tests/fixtures/hostile/* tests/fuzz/seeds/*; do
        [ -f "$f" ] || continue
        sz=$(wc -c <"$f")
        [ "$sz" -le 1048576 ] || continue # libFuzzer truncates seeds to -max_len
        case $1:$f in
        image:*.png | image:*.jpg | image:*.jpeg | image:*.gif | image:*.webp) ;;
        image:*) continue ;;
        *:*.png | *:*.jpg | *:*.jpeg | *:*.gif | *:*.webp | *:*.bin) ;;
        esac
        case $1 in
        pdf | epub) # these harnesses read an option byte first
            { printf '\001'; cat "$f"; } >"$2/seed-$(echo "$f" | tr '/' '_')" ;;
        *) cp "$f" "$2/seed-$(echo "$f" | tr '/' '_')" ;;
        esac
    done
}

for name in "$@"; do
    bin=$FZ/fuzz_$name
    [ -x "$bin" ] || { echo "fuzz_$name: not built"; bad=1; continue; }
    corpus=$FZ/corpus/$name
    seeds=$FZ/seeds/$name
    rm -rf "$seeds"; seed "$name" "$seeds"
    mkdir -p "$corpus"
    log=$FZ/fuzz_$name.log
    extra=""
    [ "$name" = html ] && extra="-dict=$dict"
    if [ $regress = 1 ]; then
        # replay every seed once: a crash input committed as a regression case must not crash
        "$bin" -rss_limit_mb=4096 -timeout=60 $(ls -d "$seeds"/* 2>/dev/null) >"$log" 2>&1
        rc=$?
        n=$(ls "$seeds" | wc -l)
        if [ $rc -eq 0 ]; then echo "fuzz_$name: $n inputs replayed, ok"
        else echo "fuzz_$name: FAILED replaying (see $log)"; tail -30 "$log"; bad=1; fi
        continue
    fi
    "$bin" $extra -max_total_time="$FUZZ_SECONDS" -max_len="$(maxlen_for "$name")" -timeout=30 \
        -rss_limit_mb=4096 -print_final_stats=1 \
        -artifact_prefix="$FZ/crash-$name-" "$corpus" "$seeds" >"$log" 2>&1
    rc=$?
    execs=$(grep 'stat::number_of_executed_units' "$log" | awk '{s += $2} END {print s + 0}')
    last=$(grep -E '^#[0-9]+' "$log" | tail -1)
    cov=$(echo "$last" | sed -n 's/.*cov: \([0-9]*\).*/\1/p')
    ft=$(echo "$last" | sed -n 's/.*ft: \([0-9]*\).*/\1/p')
    corp=$(ls "$corpus" | wc -l)
    if [ $rc -eq 0 ]; then
        rate=$((execs / (FUZZ_SECONDS > 0 ? FUZZ_SECONDS : 1)))
        echo "fuzz_$name: ${FUZZ_SECONDS}s, $execs executions ($rate/s, max_len $(maxlen_for "$name")), cov: ${cov:-?} ft: ${ft:-?}, corpus $corp"
    else
        echo "fuzz_$name: FAILED after $execs executions (cov: ${cov:-?} ft: ${ft:-?}); see $log"
        grep -E 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error|SUMMARY' "$log" | head -5
        ls "$FZ"/crash-"$name"-* 2>/dev/null | sed 's/^/  crash input: /'
        bad=1
    fi
done
exit $bad

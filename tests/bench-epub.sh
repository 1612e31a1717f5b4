#!/bin/sh
# bench-epub.sh [BANTIN] - time and size of `bantin epub` for 1, 100 and 1,000 articles.
# The large sets repeat the text fixtures with varied titles, in a temporary directory.
# If pandoc is installed, the same sets go through it too (plain text -> EPUB 3) for comparison.
B=${1:-./bantin}
FIX=${FIX:-tests/fixtures/text}
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1685170800}
w=$(mktemp -d); trap 'rm -rf "$w"' EXIT
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
size() { wc -c <"$1" | awk '{ printf "%.1f KB", $1 / 1024 }'; }

# make_set N DIR: N articles; copy k of fixture f gets " (k)" appended to its title line.
make_set() {
    mkdir -p "$2"
    set -- "$1" "$2" "$FIX"/*.txt
    n=$1; d=$2; shift 2
    nf=$#; i=0
    while [ "$i" -lt "$n" ]; do
        j=$((i % nf + 1)); k=$((i / nf + 1))
        eval "f=\${$j}"
        awk -v k="$k" 'NR == 1 && k > 1 { print $0 " (" k ")"; next } { print }' "$f" \
            >"$d/$(printf '%05d' "$i").txt"
        i=$((i + 1))
    done
}

echo "bantin epub benchmark ($(nproc) CPUs)"
for n in 1 100 1000; do
    make_set "$n" "$w/set$n"
    for mode in fonts no-fonts; do
        extra=""; [ "$mode" = no-fonts ] && extra=--no-fonts
        t0=$(now)
        "$B" epub "$w/set$n" -o "$w/b$n.epub" --group-by category $extra -q || echo "  (exit $?)"
        t1=$(now)
        printf '  %5d articles, %-8s  %6ss  %s\n' "$n" "$mode" "$(secs "$t0" "$t1")" "$(size "$w/b$n.epub")"
    done
    if command -v pandoc >/dev/null 2>&1; then
        t0=$(now)
        pandoc -f markdown -t epub3 -o "$w/p$n.epub" "$w/set$n"/*.txt 2>/dev/null
        t1=$(now)
        printf '  %5d articles, pandoc    %6ss  %s\n' "$n" "$(secs "$t0" "$t1")" "$(size "$w/p$n.epub")"
    fi
done
command -v pandoc >/dev/null 2>&1 || echo "  (pandoc not installed: no comparison)"

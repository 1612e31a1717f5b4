#!/bin/sh
# deps.sh PKG...          - install the Debian packages that are missing (apt-get, as root or via sudo).
# deps.sh --locale NAME   - generate a locale (e.g. de_DE.UTF-8) when it is missing; from the Debian
#                           `locales` package, enabled in /etc/locale.gen so locale-gen keeps it.
if [ "$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null; then SUDO=sudo; else SUDO=none; fi

if [ "${1:-}" = --locale ]; then
    name=$2; want=$(echo "$name" | sed 's/\.UTF-8$/.utf8/I')
    locale -a 2>/dev/null | grep -qix "$want" && exit 0
    echo "bantin: generating the locale $name (for the comma-decimal tests)"
    [ "$SUDO" = none ] && { echo "bantin: run as root, or generate it yourself: localedef -i ${name%%.*} -f UTF-8 $name" >&2; exit 1; }
    if [ -f /etc/locale.gen ] && command -v locale-gen >/dev/null; then
        grep -q "^$name UTF-8" /etc/locale.gen || $SUDO sed -i "s/^# *\\($name UTF-8\\)/\\1/" /etc/locale.gen
        grep -q "^$name UTF-8" /etc/locale.gen || echo "$name UTF-8" | $SUDO tee -a /etc/locale.gen >/dev/null
        $SUDO locale-gen >/dev/null || exit 1
    else
        $SUDO localedef -i "${name%%.*}" -c -f UTF-8 "$name" || exit 1
    fi
    locale -a 2>/dev/null | grep -qix "$want" || { echo "bantin: locale $name still missing" >&2; exit 1; }
    exit 0
fi

missing=""
for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "bantin: installing missing Debian packages:$missing"
[ "$SUDO" = none ] && { echo "bantin: run as root, or install them yourself: apt-get install$missing" >&2; exit 1; }
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq || exit 1
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null || {
    echo "bantin: apt-get install failed for:$missing" >&2; exit 1; }

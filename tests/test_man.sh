#!/bin/sh
# The man pages: btfkit(1) names every command `btfkit --help` lists; each
# command has btfkit-CMD(1), which names every option `btfkit help CMD`
# lists; every page renders with man(1) without a warning.
. "$(dirname "$0")/help-lib.sh"
MAN=${BK_BUILD:-build}/man

# a page's roff as plain words: fonts, \& and \- undone
page_text() { sed -e 's/\\f[BIRP]//g' -e 's/\\&//g' -e 's/\\-/-/g' "$1"; }
# word (an option or a command) stands alone in the text: not inside a longer one
names() { grep -qE -- "(^|[^A-Za-z0-9-])$2([^A-Za-z0-9-]|$)" "$1"; }

no_warnings() {
	w=$(MANWIDTH=80 man --warnings -l "$1" 2>&1 >/dev/null)
	[ -z "$w" ] || { echo "$1: $w"; return 1; }
}

command -v man >/dev/null || { bad "man(1) is missing (man-db, in scripts/packages.txt)"; finish; exit; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
[ -f "$MAN/btfkit.1" ] && page_text "$MAN/btfkit.1" > "$tmp/btfkit" || : > "$tmp/btfkit"
check "btfkit.1 exists" test -s "$tmp/btfkit"
for cmd in $(help_commands); do
	page=$MAN/btfkit-$cmd.1
	check "btfkit.1 names the command '$cmd'" names "$tmp/btfkit" "$cmd"
	if [ ! -f "$page" ]; then
		bad "no man page for '$cmd': write docs/man/btfkit-$cmd.1.scd"; continue
	fi
	page_text "$page" > "$tmp/$cmd"
	for opt in $(help_options "$cmd"); do
		check "btfkit-$cmd.1 does not name $opt ('btfkit help $cmd' lists it)" names "$tmp/$cmd" "$opt"
	done
done
for page in "$MAN"/*.1; do
	check "$page renders without warnings" no_warnings "$page"
done
finish

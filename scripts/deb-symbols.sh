#!/bin/sh
# deb-symbols.sh: write debian/libbtfkit0.symbols from the shared library as
# built now (what it exports: the public API). Run it when the API changes,
# and review the diff: a symbol that goes away needs a new SONAME.
set -eu
cd "$(dirname "$0")/.."
make -s lib >/dev/null
ver=$(sed -n 's/^VERSION := //p' Makefile)
so=build/libbtfkit.so.$ver
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/DEBIAN"
: > "$tmp/empty" # from the library alone, not from the symbols file there is
dpkg-gensymbols -q -plibbtfkit0 -P"$tmp" -I"$tmp/empty" -e"$so" -v"$ver" -O"$tmp/symbols" -c0 >/dev/null
{ head -1 "$tmp/symbols"; echo "* Build-Depends-Package: libbtfkit-dev"; tail -n +2 "$tmp/symbols"; } \
	> debian/libbtfkit0.symbols
echo "debian/libbtfkit0.symbols: $(grep -c '@Base' debian/libbtfkit0.symbols) symbols"

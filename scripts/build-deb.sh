#!/bin/sh
# build-deb.sh [OUTDIR]: build the Debian packages (btfkit, libbtfkit0,
# libbtfkit-dev) from a copy of this tree with `dpkg-buildpackage -us -uc -b`,
# check them with lintian (no errors allowed), then unpack them into a fresh
# directory (dpkg -x: nothing is installed on this system) and run what they
# hold: `btfkit --version` on the packaged shared library's neighbour, the man
# page, and a program built against libbtfkit-dev with pkg-config.
# The .debs are left in OUTDIR (default build/deb). DEB_BUILD_OPTIONS is
# passed on (CI uses nocheck: the tests ran already).
set -eu
cd "$(dirname "$0")/.."
out=$(mkdir -p "${1:-build/deb}" && cd "${1:-build/deb}" && pwd)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/src"
if git rev-parse --git-dir >/dev/null 2>&1; then
	git ls-files -co --exclude-standard | grep -v '^build' | tar -cf - -T - | tar -xf - -C "$tmp/src"
else
	tar --exclude='./build*' -cf - . | tar -xf - -C "$tmp/src"
fi
ver=$(dpkg-parsechangelog -l debian/changelog -S Version)
(cd "$tmp/src" && dpkg-buildpackage -us -uc -b >"$tmp/build.log" 2>&1) ||
	{ tail -40 "$tmp/build.log"; echo "build-deb: dpkg-buildpackage failed" >&2; exit 1; }
rm -f "$out"/*.deb
cp "$tmp"/*.deb "$tmp"/*.changes "$tmp"/*.buildinfo "$out"/
lint=ok
lintian --fail-on error "$out/btfkit_${ver}_$(dpkg --print-architecture).changes" >"$tmp/lintian" 2>&1 ||
	lint=
grep -v 'root privileges' "$tmp/lintian" || true
[ -n "$lint" ] || { echo "build-deb: lintian reports errors" >&2; exit 1; }

root=$tmp/root
for p in btfkit libbtfkit0 libbtfkit-dev; do dpkg -x "$out/${p}_${ver}_"*.deb "$root"; done
lib=$root/usr/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH)
LD_LIBRARY_PATH=$lib "$root/usr/bin/btfkit" --version
MANWIDTH=80 man -l "$root/usr/share/man/man1/btfkit.1.gz" | grep -q 'btfkit - read, validate' ||
	{ echo "build-deb: btfkit.1 missing from the package" >&2; exit 1; }
cat > "$tmp/use.c" <<'C'
#include <btfkit/btfkit.h>
#include <stdio.h>
int main(void)
{
	struct bk_btf *b = NULL;
	struct bk_error err = {0};
	int rc = bk_btf_load("/nonexistent", NULL, &b, &err);
	printf("libbtfkit: load of a missing file: %d\n", rc);
	return rc ? 0 : 1;
}
C
PKG_CONFIG_SYSROOT_DIR=$root PKG_CONFIG_LIBDIR=$lib/pkgconfig \
	sh -c 'cc "$1" -o "$2" $(pkg-config --cflags --libs btfkit)' _ "$tmp/use.c" "$tmp/use"
LD_LIBRARY_PATH=$lib "$tmp/use"
LD_LIBRARY_PATH=$lib ldd "$tmp/use" | grep -q "$lib/libbtfkit.so.0" ||
	{ echo "build-deb: the program did not link the packaged libbtfkit.so.0" >&2; exit 1; }
echo "build-deb: $(cd "$out" && ls *.deb | tr '\n' ' ')in $out"

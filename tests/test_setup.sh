#!/bin/sh
# Set-up: without ../shared the corpus tests are skipped (counted, and
# run.sh says how to get the corpus) and the rest pass; the package list
# scripts/setup.sh and .ci/run install is what debian/control builds with.
. "$(dirname "$0")/help-lib.sh"
B=${BK_BUILD:-build}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/empty"

SHARED=$tmp/empty BK_TESTDATA=$tmp/empty sh tests/run.sh "$B/tests/test_dump" "$B/tests/test_asm" >"$tmp/out" 2>&1
rc=$?
check "run.sh passes without the corpus" test "$rc" -eq 0
check "test_dump skips its corpus tests" grep -q '^\[  SKIPPED \] [1-9]' "$tmp/out"
check "test_asm's own tests still run" grep -q '^\[  PASSED  \] [1-9]' "$tmp/out"
check "run.sh counts the skipped tests" grep -q '^skipped [1-9][0-9]* tests that need the corpus' "$tmp/out"
check "run.sh says how to get the corpus" grep -q 'sh scripts/get-corpus.sh' "$tmp/out"
check "prepare-data.sh without the corpus is not an error" \
	sh -c 'SHARED=$1 sh tests/prepare-data.sh "$2" 2>/dev/null' _ "$tmp/empty" "$tmp/data"

in_build_depends() {
	sed -n '/^Build-Depends:/,/^[A-Z]/p' debian/control | grep -qE "(^| )$1( |,|$)"
}
for p in $(sed 's/#.*//' scripts/packages.txt); do
	case $p in build-essential | python3 | gzip) continue ;; esac # essential, or tests' own tools
	check "debian/control's Build-Depends names $p (scripts/packages.txt)" in_build_depends "$p"
done
check ".ci/run installs scripts/packages.txt" grep -q 'scripts/packages.txt' .ci/run

# make install puts everything where Debian's tools look, make uninstall
# takes exactly that away
root=$tmp/root
make -s install B="$B" DESTDIR="$root" PREFIX=/usr >/dev/null 2>"$tmp/install.err"
check "make install" test $? -eq 0
for f in bin/btfkit share/man/man1/btfkit.1 share/bash-completion/completions/btfkit \
	share/btfkit/dkms/btfkit-dkms-btf include/btfkit/btfkit.h lib/pkgconfig/btfkit.pc lib/libbtfkit.so.0; do
	check "make install: /usr/$f" test -e "$root/usr/$f"
done
for cmd in $(help_commands); do
	check "make install: btfkit-$cmd.1" test -f "$root/usr/share/man/man1/btfkit-$cmd.1"
done
make -s uninstall B="$B" DESTDIR="$root" PREFIX=/usr >/dev/null 2>&1
check "make uninstall removes every file install wrote" sh -c '[ -z "$(find "$1" ! -type d)" ]' _ "$root"
finish

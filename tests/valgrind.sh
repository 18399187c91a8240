#!/bin/sh
# Run the CLI under Valgrind memcheck on a few real modules and kernels; any
# error or leak fails. Usage: tests/valgrind.sh BUILD_DIR
set -eu
B=${1:-build}
T=${BK_TESTDATA:-build/testdata}
S=${SHARED:-../shared}
VG="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect"
base=$T/vmlinux/6.1.0-47-amd64.btf
# a non-zero exit of btfkit itself (1: the module does not relocate) is
# fine where the caller says so; valgrind's own (99) never is
run() {
	echo "+ btfkit $*"
	rc=0; $VG "$B/btfkit" "$@" >/dev/null || rc=$?
	[ "$rc" -ne 99 ] || { echo "valgrind found errors"; exit 1; }
	return "$rc"
}
run dump "$S/corpus/ko/crc16.ko" -B "$base"
run dump -j -B "$base" "$S/corpus/ko/tcp_bbr.ko"
run dump "$S/golden/dump/crafted/kinds_base.btf"
run dump "$S/golden/dump/crafted/fake_mod_distilled.ko"
run validate -B "$base" "$T/modules/6.1.0-47-amd64/kernel/net/ipv4/tcp_bbr.btf"
d=$(mktemp -d)
run distill -B "$base" "$S/corpus/ko/dummy.nosig.ko" -o "$d/out.ko"
run dump "$d/out.ko"
run relocate -B "$T/vmlinux/6.1.0-56-amd64.btf" "$d/out.ko" -o "$d/moved.btf"
run relocate -j -B "$T/vmlinux/running.btf" --built-against "$base" "$S/corpus/ko/tcp_bbr.ko" || true
run check -B "$T/vmlinux/6.1.0-56-amd64.btf" --built-against "$base" "$S/corpus/ko" || true
run check --report --html "$d/report.html" -B "$T/vmlinux/6.1.0-56-amd64.btf" --built-against "$base" "$S/corpus/ko" || true
run diff -j "$base" "$T/vmlinux/6.1.0-56-amd64.btf" --modules "$T/modules/6.1.0-47-amd64/kernel/net/ipv4" || true
run diff -B "$base" "$T/modules/6.1.0-47-amd64/kernel/net/ipv4/tcp_bbr.btf" \
	--new-base "$T/vmlinux/6.12.117+deb12-amd64.btf" "$T/modules/6.12.117+deb12-amd64/kernel/net/ipv4/tcp_bbr.btf" || true
run asm -o "$d/kinds.btf" "$S/golden/dump/crafted/kinds_base.txt"
run extract "$S/corpus/ko/crc16.ko" -o "$d/crc16.btf"
rm -rf "$d"
echo "valgrind: no errors"

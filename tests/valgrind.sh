#!/bin/sh
# Run the CLI under Valgrind memcheck on a few real modules and kernels; any
# error or leak fails. Usage: tests/valgrind.sh BUILD_DIR
set -eu
B=${1:-build}
T=${BK_TESTDATA:-build/testdata}
S=${SHARED:-../shared}
VG="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect"
base=$T/vmlinux/6.1.0-47-amd64.btf
run() { echo "+ btfkit $*"; $VG "$B/btfkit" "$@" >/dev/null; }
run dump "$S/corpus/ko/crc16.ko" -B "$base"
run dump -j -B "$base" "$S/corpus/ko/tcp_bbr.ko"
run dump "$S/golden/dump/crafted/kinds_base.btf"
run dump "$S/golden/dump/crafted/fake_mod_distilled.ko"
for cmd in validate distill relocate; do
	grep -q "not built yet" "cli/cmd_$cmd.c" && continue
	case $cmd in
	validate) run validate -B "$base" "$T/modules/6.1.0-47-amd64/kernel/net/ipv4/tcp_bbr.btf" ;;
	distill) d=$(mktemp -d); run distill -B "$base" "$S/corpus/ko/dummy.nosig.ko" -o "$d/out.ko"; rm -rf "$d" ;;
	relocate) run relocate -B "$T/vmlinux/6.1.0-56-amd64.btf" --built-against "$base" \
			"$S/corpus/ko/dummy.nosig.ko" -o /dev/null ;;
	esac
done
echo "valgrind: no errors"

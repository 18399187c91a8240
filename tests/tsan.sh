#!/bin/sh
# The CLI's threaded paths under ThreadSanitizer (clang), each output
# compared with the plain build's: the C header's helper thread (printing
# ahead, the sort's shared jobs, the walk), the note pass's second thread,
# the raw and JSON dumps' relay, check's and diff's workers. Any report
# fails. Usage: tests/tsan.sh PLAIN_BUILD_DIR (the TSan build goes to
# build-tsan/)
set -eu
B=${1:-build}
TB=build-tsan
T=${BK_TESTDATA:-build/testdata}
V=$T/vmlinux
make -s CC=clang B="$TB" SANFLAGS="-fsanitize=thread -fno-omit-frame-pointer" OPT="-O1 -g" \
	-j"$(nproc)" "$TB/btfkit"
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
# the same output from both builds, and no report (exit 66 on one)
same() {
	echo "+ btfkit $*"
	rc=0; TSAN_OPTIONS="exitcode=66" "$TB/btfkit" "$@" >"$d/tsan.out" || rc=$?
	[ "$rc" -ne 66 ] || { echo "ThreadSanitizer reported a race"; exit 1; }
	want=0; "$B/btfkit" "$@" >"$d/plain.out" || want=$?
	[ "$rc" -eq "$want" ] || { echo "exit $rc under TSan, $want without"; exit 1; }
	cmp -s "$d/tsan.out" "$d/plain.out" || { echo "output differs under TSan"; exit 1; }
}
same dump --format c "$V/running.btf"
same dump --format c --bpftool-quirks "$V/6.1.0-47-amd64.btf"
same dump --format c --unsorted "$V/6.12.117+deb12-amd64.btf"
same dump "$V/running.btf"
same dump -j "$V/running.btf"
# (-q: check's summary names the time taken)
same check -q -B "$V/6.1.0-56-amd64.btf" --built-against "$V/6.1.0-47-amd64.btf" \
	"$T/modules/6.1.0-47-amd64/kernel/net"
same diff "$V/6.1.0-47-amd64.btf" "$V/6.1.0-56-amd64.btf" \
	--modules "$T/modules/6.1.0-47-amd64/kernel/net/ipv4"
echo "ThreadSanitizer: no reports"

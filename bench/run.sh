#!/bin/sh
# make bench: every benchmark, medians of repeated runs. The machine is shared
# and noisy: compare medians and ratios, not single runs.
set -eu
B=${BK_BUILD:-build}
T=${BK_TESTDATA:-build/testdata}
RUNS=${RUNS:-21}
K=$T/vmlinux/running.btf

echo "== library: reading the running kernel's vmlinux BTF ($(du -h "$K" | cut -f1))"
"$B/bench/bench_read" "$K" "$RUNS"

echo "== whole process: btfkit dump of that vmlinux to /dev/null (wall, peak RSS)"
"$B/bench/measure" "$RUNS" "$B/btfkit" dump "$K"
"$B/bench/measure" "$RUNS" "$B/btfkit" dump -j "$K"
echo "== whole process: btfkit dump --format c (vmlinux.h) of that vmlinux to /dev/null"
"$B/bench/measure" "$RUNS" "$B/btfkit" dump --format c "$K"
# BPFTOOL: another bpftool to compare with (bpftool 7.8, built from
# libbpf/bpftool 0ffb986, is what the goldens were made with)
# The two take turns, run for run: this machine's speed drifts by half from
# one minute to the next, and the ratio of runs side by side is what holds.
BPFTOOL=${BPFTOOL:-bpftool}
if command -v "$BPFTOOL" >/dev/null 2>&1; then
	echo "== for comparison, alternated: bpftool $("$BPFTOOL" version | head -1 | cut -d' ' -f2-)"
	"$B/bench/measure" "$RUNS" "$B/btfkit" dump "$K" --vs "$BPFTOOL" btf dump file "$K"
	"$B/bench/measure" "$RUNS" "$B/btfkit" dump -j "$K" --vs "$BPFTOOL" btf dump file "$K" -j
	"$B/bench/measure" "$RUNS" "$B/btfkit" dump --format c "$K" \
		--vs "$BPFTOOL" btf dump file "$K" format c
fi
if [ -x "$B/bench/bench_libbpf" ]; then
	echo "== for comparison: libbpf btf__parse_raw (installed libbpf-dev)"
	"$B/bench/bench_libbpf" "$K" "$RUNS"
fi
V=$T/vmlinux
echo "== whole process: btfkit diff of two vmlinux (wall, peak RSS, CPU)"
export MEASURE_EXIT=1 MEASURE_CPU=1
"$B/bench/measure" "$RUNS" "$B/btfkit" diff "$V/6.1.0-47-amd64.btf" "$V/6.1.0-56-amd64.btf"
"$B/bench/measure" "$RUNS" "$B/btfkit" diff "$V/6.12.107+deb12-amd64.btf" "$V/6.12.117+deb12-amd64.btf"
"$B/bench/measure" "$RUNS" "$B/btfkit" diff "$V/6.1.0-47-amd64.btf" "$V/6.12.117+deb12-amd64.btf"
"$B/bench/measure" "$RUNS" "$B/btfkit" diff "$V/6.12.117+deb12-amd64.btf" "$V/running.btf"
echo "== library: bk_diff alone on the two largest pairs (the reading is bench_read's)"
"$B/bench/bench_diff" "$V/6.1.0-47-amd64.btf" "$V/6.12.117+deb12-amd64.btf" "$RUNS"
"$B/bench/bench_diff" "$V/6.12.117+deb12-amd64.btf" "$V/running.btf" "$RUNS"
echo "== whole process: btfkit diff --modules over the 4,022 modules of 6.1.0-47"
"$B/bench/measure" 5 "$B/btfkit" diff "$V/6.1.0-47-amd64.btf" "$V/6.1.0-56-amd64.btf" \
	--modules "$T/modules/6.1.0-47-amd64"
unset MEASURE_EXIT MEASURE_CPU

for b in "$B"/bench/bench_*; do
	case $b in */bench_read|*/bench_diff|*/bench_libbpf|*/measure|*.o|*.d) continue ;; esac
	echo "== $(basename "$b")"
	"$b" "$T" "$RUNS"
done

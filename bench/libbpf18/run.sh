#!/bin/sh
# Whole-process distill of a small module, btfkit against a libbpf program
# that writes the same blobs without syncing (issue 11's comparison).
# Usage: sh bench/libbpf18/run.sh LIBBPF_SOURCE_DIR [RUNS]
#   LIBBPF_SOURCE_DIR: a libbpf checkout (1.5 or later; this project measures
#   libbpf 1.8, f7081a6b). Built static into build/libbpf18; the outputs go to
#   build/bench-out, on the disk of the checkout (syncs cost nothing on tmpfs).
set -eu
SRC=${1:?usage: run.sh LIBBPF_SOURCE_DIR [RUNS]}
RUNS=${2:-31}
B=${BK_BUILD:-build}
T=${BK_TESTDATA:-build/testdata}
SHARED=${SHARED:-../shared}
L=$(realpath -m "$B/libbpf18")
mkdir -p "$L" "$B/bench-out"
make -s -C "$SRC/src" BUILD_STATIC_ONLY=1 OBJDIR="$L/obj" DESTDIR="$L/inst" PREFIX=/usr \
	install_headers "$L/obj/libbpf.a" >/dev/null
cc -O2 -I"$L/inst/usr/include" -o "$L/distill" bench/libbpf18/distill.c "$L/obj/libbpf.a" -lelf -lz
V=$T/vmlinux/6.1.0-47-amd64.btf
M=$SHARED/corpus/ko/crc16.nosig.ko
O=$B/bench-out
"$L/distill" "$V" "$M" "$O/lb.base" "$O/lb.split"
"$B/btfkit" distill -B "$V" "$M" --base-out "$O/bk.base" --split-out "$O/bk.split"
cmp "$O/lb.base" "$O/bk.base" && cmp "$O/lb.split" "$O/bk.split"
echo "== same bytes; outputs on $(stat -f -c %T "$O")"
export MEASURE_CPU=1
"$B/bench/measure" "$RUNS" "$L/distill" "$V" "$M" "$O/lb.base" "$O/lb.split"
"$B/bench/measure" "$RUNS" "$B/btfkit" distill -B "$V" "$M" --base-out "$O/bk.base" --split-out "$O/bk.split"
"$B/bench/measure" "$RUNS" "$B/btfkit" distill -B "$V" "$M" -o "$O/bk.ko"

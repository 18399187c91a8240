#!/bin/bash
# bench/mem_ceiling.sh CMD...: the smallest `ulimit -v` (bisected to 1 MiB) under which
# CMD still exits 0, e.g.
#   bench/mem_ceiling.sh build/btfkit validate /sys/kernel/btf/vmlinux
# (README: "Memory ceilings"). Not for a sanitizer build, which cannot start under it.
lo=2048; hi=1048576
"$@" >/dev/null 2>&1 || { echo "fails unlimited"; exit 1; }
while [ $((hi - lo)) -gt 1024 ]; do
	mid=$(( (lo + hi) / 2 ))
	if ( ulimit -v $mid; "$@" >/dev/null 2>&1 ); then hi=$mid; else lo=$mid; fi
done
echo "$((hi / 1024)) MiB"

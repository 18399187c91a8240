#!/bin/sh
# Run every test binary given, show its output, and close with one line:
# "N passed, N failed". Exit 1 when any test failed or a binary crashed.
passed=0; failed=0; crashed=0
log=$(mktemp); trap 'rm -f "$log"' EXIT
for t in "$@"; do
	echo "== $t"
	"$t" >"$log" 2>&1; rc=$?
	cat "$log"
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
	passed=$((passed + p)); failed=$((failed + f))
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "!! $t exited with status $rc"; crashed=$((crashed + 1)); failed=$((failed + 1))
	fi
done
echo
echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

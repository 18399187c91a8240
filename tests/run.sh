#!/bin/sh
# Run every test binary given, show its output, and close with one line:
# "N passed, N failed". Exit 1 when any test failed or a binary crashed.
# Tests skipped for want of ../shared (corpus, goldens) are counted and the
# way to get the corpus is shown. A tests/test_*.sh script is run with sh and
# reports in cmocka's words ("[  PASSED  ] N test(s).", "[  FAILED  ] ...").
passed=0; failed=0; crashed=0; skipped=0
log=$(mktemp); trap 'rm -f "$log"' EXIT
# Without the corpus a test is skipped where it first asks for it, by
# cmocka's longjmp, leaving what it had allocated (as a failed assertion
# does): under AddressSanitizer, leak detection is then off.
if [ ! -f "${SHARED:-../shared}/corpus/sample.txt" ]; then
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"; export ASAN_OPTIONS
fi
for t in "$@"; do
	echo "== $t"
	case $t in
	*.sh) sh "$t" >"$log" 2>&1; rc=$? ;;
	*) "$t" >"$log" 2>&1; rc=$? ;;
	esac
	cat "$log"
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
	s=$(sed -n 's/^\[  SKIPPED \] \([0-9]*\) test.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
	passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "!! $t exited with status $rc"; crashed=$((crashed + 1)); failed=$((failed + 1))
	fi
done
echo
if [ "$skipped" -gt 0 ]; then
	echo "skipped $skipped tests that need the corpus or goldens (not found under ${SHARED:-../shared}),"
	echo "or the project's running kernel in the corpus (see the messages above)."
	echo "Get the corpus (the Debian 12 kernel packages, from apt) with:"
	echo "  sh scripts/get-corpus.sh ${SHARED:-../shared}"
	echo "(the goldens, made by bpftool 7.8 and libbpf 1.8, come with the project's shared data)"
fi
echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

# Sourced by the shell tests (tests/test_*.sh): what `btfkit --help` and
# `btfkit help CMD` list, and cmocka's closing words for tests/run.sh.
TOOL=${BK_BUILD:-build}/btfkit
passed=0 failed=0

# the commands: the lines "  NAME  summary" under "commands:"
help_commands() { "$TOOL" --help | sed -n '/^commands:/,/^$/s/^  \([a-z][a-z0-9-]*\)  .*/\1/p'; }

# every option a command's help names: each --long anywhere, and each -X that
# starts an option's line or stands in the usage line's brackets
help_options() {
	"$TOOL" help "$1" |
		grep -oE -- '(^|[][ ,|(])(--[a-z][a-z0-9-]*|-[A-Za-z0-9])([] ,|)=]|$)' |
		sed -E 's/^[][ ,|(]*//; s/[] ,|)=]*$//' | sort -u
}

ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "[  FAILED  ] $*"; }
check() { # check "what" command...: a test that passes when the command does
	what=$1; shift
	if "$@"; then ok; else bad "$what"; fi
}
finish() {
	echo "[  PASSED  ] $passed test(s)."
	[ "$failed" -eq 0 ] || echo "[  FAILED  ] $failed test(s), listed above."
	[ "$failed" -eq 0 ]
}

#!/bin/sh
# The shape of the library, checked on what was built (run by `make test`;
# prints cmocka's closing lines so that tests/run.sh counts it):
#  - exports: libbtfkit.so exports exactly the functions include/btfkit/
#    declares with BK_API;
#  - headers: each public header compiles on its own, as C11 and as C++;
#  - includes: public headers include only public headers, with no cycle;
#  - layers: each src/ folder uses only the folders src/README.md allows.
B=${BK_BUILD:-build}
CC=${CC:-cc}
passed=0; failed=0
ok() { echo "[       OK ] $1"; passed=$((passed + 1)); }
bad() { echo "[  FAILED  ] $1: $2"; failed=$((failed + 1)); }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# exports
grep -ho '^BK_API[^(]*(' include/btfkit/*.h | grep -o 'bk_[a-z0-9_]*($' | tr -d '(' | sort >"$tmp/declared"
nm -D --defined-only "$B/libbtfkit.so" | awk '$2 ~ /^[TDBRW]$/ {print $3}' | sort >"$tmp/exported"
if cmp -s "$tmp/declared" "$tmp/exported"; then ok "exports ($(wc -l <"$tmp/declared") functions)"
else bad exports "$(diff "$tmp/declared" "$tmp/exported" | grep '^[<>]' | head -5 | tr '\n' ' ')"; fi

# headers alone
for h in include/btfkit/*.h; do
	n=$(basename "$h")
	printf '#include "btfkit/%s"\n' "$n" >"$tmp/one.c"
	if $CC -std=c11 -Wall -Wextra -Werror -Iinclude -fsyntax-only "$tmp/one.c" 2>"$tmp/err" &&
	   { ! command -v c++ >/dev/null ||
	     c++ -Wall -Wextra -Werror -Iinclude -fsyntax-only -x c++ "$tmp/one.c" 2>"$tmp/err"; }; then
		ok "header $n alone"
	else bad "header $n alone" "$(head -3 "$tmp/err")"; fi
done

# includes: only btfkit/ headers and the C library; a cycle would make some
# header fail to compile alone above, but say it plainly
if grep -h '#include "' include/btfkit/*.h | grep -v '"btfkit/[a-z_]*\.h"' >"$tmp/inc"; then
	bad "public includes" "$(head -3 "$tmp/inc")"
else ok "public headers include only public headers"; fi
cycle=$(python3 - <<'PY'
import re, glob, os
g = {os.path.basename(f): re.findall(r'#include "btfkit/([a-z_]+\.h)"', open(f).read())
     for f in glob.glob('include/btfkit/*.h')}
state = {}
def visit(n, path):
    if state.get(n) == 1: return ' -> '.join(path + [n])
    if state.get(n) == 2: return ''
    state[n] = 1
    for m in g.get(n, []):
        c = visit(m, path + [n])
        if c: return c
    state[n] = 2
    return ''
for n in g:
    c = visit(n, [])
    if c: print(c); break
PY
)
if [ -z "$cycle" ]; then ok "no include cycle"; else bad "include cycle" "$cycle"; fi

# layers: the rule of src/README.md, on the objects' undefined symbols
allowed() {
	case $1 in
	core) echo "core" ;;
	io) echo "core io" ;;
	validate|text) echo "core $1" ;;
	diff) echo "core text diff" ;;
	module) echo "core io validate text diff module" ;;
	*) echo "" ;;
	esac
}
for dir in "$B"/src/*/; do
	l=$(basename "$dir")
	nm --defined-only "$dir"*.o 2>/dev/null | awk '$2 ~ /^[TDBR]$/ {print $3}' | sort -u >"$tmp/def_$l"
done
for dir in "$B"/src/*/; do
	l=$(basename "$dir"); verdict=
	nm -u "$dir"*.o 2>/dev/null | awk '{print $2}' | sort -u >"$tmp/und"
	for other in "$B"/src/*/; do
		m=$(basename "$other")
		case " $(allowed "$l") " in *" $m "*) continue ;; esac
		use=$(comm -12 "$tmp/und" "$tmp/def_$m" | head -3 | tr '\n' ' ')
		[ -n "$use" ] && verdict="$verdict $l uses $m ($use)"
	done
	if [ -z "$(allowed "$l")" ]; then bad "layer $l" "not in src/README.md's rule"
	elif [ -n "$verdict" ]; then bad "layer $l" "$verdict"
	else ok "layer $l uses only: $(allowed "$l")"; fi
done

echo "[  PASSED  ] $passed test(s)."
[ "$failed" -eq 0 ] || echo "[  FAILED  ] $failed test(s), listed above."
[ "$failed" -eq 0 ]

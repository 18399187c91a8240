#!/bin/sh
# The CLI details of issue 14, on crafted BTF (btfkit asm): '-' for standard
# input, every file in validate -j, JSON for any path bytes, singular and
# plural, quoted paths, no binary output to a terminal, the automatic base
# of /sys/kernel/btf/<module>.
. "$(dirname "$0")/help-lib.sh"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
printf "[1] INT 'int' size=4 bits_offset=0 nr_bits=32 encoding=SIGNED\n" | "$TOOL" asm -o "$tmp/one.btf"
printf "[1] INT 'int' size=4 bits_offset=0 nr_bits=32 encoding=SIGNED\n[2] STRUCT 'foo' size=4 vlen=1\n\t'a' type_id=1 bits_offset=0\n" |
	"$TOOL" asm -o "$tmp/base.btf"
printf "[3] PTR '(anon)' type_id=2\n" | "$TOOL" asm -B "$tmp/base.btf" -o "$tmp/split.btf"
json_ok() { python3 -c 'import json, sys; json.load(sys.stdin)' < "$1"; }
same() { cmp -s "$1" "$2" || { echo "$1 and $2 differ:"; diff "$1" "$2" | head -5; return 1; }; }

# '-' is standard input
"$TOOL" dump -B "$tmp/base.btf" "$tmp/split.btf" > "$tmp/dump.file"
"$TOOL" dump -B "$tmp/base.btf" - < "$tmp/split.btf" > "$tmp/dump.stdin"
check "dump - reads standard input" same "$tmp/dump.file" "$tmp/dump.stdin"
xz -c "$tmp/split.btf" | "$TOOL" dump -B "$tmp/base.btf" - > "$tmp/dump.xz"
check "dump - reads compressed standard input" same "$tmp/dump.file" "$tmp/dump.xz"
"$TOOL" validate - < "$tmp/one.btf" > "$tmp/v.stdin"
check "validate - reads standard input" grep -qx '<stdin>: .BTF: valid (1 type)' "$tmp/v.stdin"

# singular and plural
"$TOOL" validate "$tmp/one.btf" "$tmp/base.btf" > "$tmp/v.out"
check "validate: '1 type'" grep -q "one.btf: .BTF: valid (1 type)$" "$tmp/v.out"
check "validate: '2 types'" grep -q "base.btf: .BTF: valid (2 types)$" "$tmp/v.out"
"$TOOL" validate "$tmp/split.btf" > "$tmp/v.bad"
check "validate: '1 fault'" grep -q "split.btf: .BTF: invalid (1 fault)$" "$tmp/v.bad"

# paths quoted where they could be ambiguous; JSON for any bytes
mkdir "$tmp/a b"
cp "$tmp/one.btf" "$tmp/a b/x: y.btf"
ff=$(printf '%s/\377.btf' "$tmp")
cp "$tmp/one.btf" "$ff"
"$TOOL" validate "$tmp/a b/x: y.btf" "$ff" > "$tmp/q.out"
check "validate: a path with ': ' and a space in quotes" grep -qF "'$tmp/a b/x: y.btf': .BTF: valid" "$tmp/q.out"
check "validate: a byte that is not UTF-8 as \\xNN, in quotes" grep -qF "'$tmp/\\xff.btf': .BTF: valid" "$tmp/q.out"
check "validate: a plain path as it is" sh -c '"$1" validate "$2" | grep -q "^$2: "' _ "$TOOL" "$tmp/one.btf"

"$TOOL" validate -j "$tmp/one.btf" "$tmp/missing.btf" "$ff" "$tmp/a b/x: y.btf" > "$tmp/v.json" 2>/dev/null
check "validate -j: valid JSON with a path that is not UTF-8" json_ok "$tmp/v.json"
files_listed() {
	python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
names = [f["file"] for f in d["files"]]
want = [sys.argv[2] + s for s in ["/one.btf", "/missing.btf", "/\u00ff.btf", "/a b/x: y.btf"]]
assert names == want, names
assert d["files"][1]["valid"] is False and "cannot open" in d["files"][1]["error"]' "$tmp/v.json" "$tmp"
}
check "validate -j lists every file, the unreadable one with its error" files_listed

# binary output never to a terminal (script(1) gives the command one)
on_tty() { script -qec "$*" /dev/null > "$tmp/tty.out" 2>&1; }
refused() { ! on_tty "$@" && grep -q 'will not write binary .* to a terminal' "$tmp/tty.out"; }
check "extract -o - refuses a terminal" refused "$TOOL" extract "$tmp/one.btf" -o -
check "asm refuses a terminal" refused "printf '' | $TOOL asm"
check "distill --split-out - refuses a terminal" \
	refused "$TOOL" distill -B "$tmp/base.btf" "$tmp/split.btf" --base-out "$tmp/d.base" --split-out -
"$TOOL" distill -B "$tmp/base.btf" "$tmp/split.btf" --base-out "$tmp/dist.btf" --split-out "$tmp/dsplit.btf"
check "relocate -o - refuses a terminal" \
	refused "$TOOL" relocate -B "$tmp/base.btf" --dist-base "$tmp/dist.btf" "$tmp/dsplit.btf" -o -
check "relocate -o - to a pipe works" sh -c '"$1" relocate -B "$2" --dist-base "$3" "$4" -o - | "$1" dump -B "$2" - | grep -q PTR' \
	_ "$TOOL" "$tmp/base.btf" "$tmp/dist.btf" "$tmp/dsplit.btf"
check "extract -o - to a pipe works" sh -c '"$1" extract "$2" -o - | cmp -s - "$2"' _ "$TOOL" "$tmp/one.btf"

# bpftool's automatic base: /sys/kernel/btf/<module> is read on .../vmlinux
mkdir -p "$tmp/sys/kernel/btf"
cp "$tmp/base.btf" "$tmp/sys/kernel/btf/vmlinux"
cp "$tmp/split.btf" "$tmp/sys/kernel/btf/mod"
"$TOOL" dump "$tmp/sys/kernel/btf/mod" > "$tmp/dump.auto" 2>&1
check "dump .../kernel/btf/MOD is read on .../kernel/btf/vmlinux" same "$tmp/dump.file" "$tmp/dump.auto"
"$TOOL" dump "$tmp/sys/kernel/btf/vmlinux" > "$tmp/dump.vmlinux"
"$TOOL" dump "$tmp/base.btf" > "$tmp/dump.base"
check "dump .../kernel/btf/vmlinux is base BTF" same "$tmp/dump.base" "$tmp/dump.vmlinux"
! "$TOOL" dump "$tmp/split.btf" > /dev/null 2>&1
check "elsewhere a split file gets no automatic base" test $? -eq 0
# check: '-', a file reached twice, quiet, plural, quoted paths, JSON for any bytes
# (a kernel whose IDs moved by one: the modules, without .BTF.base, relocate
# onto it, and need rewriting though it relocates at load)
printf "[1] INT 'long' size=8 bits_offset=0 nr_bits=64 encoding=SIGNED\n[2] INT 'int' size=4 bits_offset=0 nr_bits=32 encoding=SIGNED\n[3] STRUCT 'foo' size=4 vlen=1\n\t'a' type_id=2 bits_offset=0\n" |
	"$TOOL" asm -o "$tmp/moved.btf"
chk() { "$TOOL" check --kernel-relocates yes -B "$tmp/moved.btf" --built-against "$tmp/base.btf" "$@"; }
mkdir "$tmp/mods"
cp "$tmp/split.btf" "$tmp/mods/m.btf"
ln -s m.btf "$tmp/mods/link.btf"
chk "$tmp/mods" "$tmp/mods/m.btf" > "$tmp/c.out" 2>&1
check "check: a symlink and its target, and a path given twice, are one module" \
	grep -q "^1 module against" "$tmp/c.out"
check "check: the module under its first path" grep -q "^needs-rewrite $tmp/mods/link.btf: no .BTF.base: " "$tmp/c.out"
check "check: '1 needs rewriting'" grep -q "^1 needs rewriting$" "$tmp/c.out"
chk - < "$tmp/split.btf" > "$tmp/c.stdin" 2>&1
check "check - reads standard input" grep -q "^needs-rewrite -: " "$tmp/c.stdin"
"$TOOL" check -q -B "$tmp/base.btf" --built-against "$tmp/base.btf" "$tmp/mods" > "$tmp/c.quiet" 2>&1
check "check -q: nothing when every module loads (on the kernel it was built for)" test ! -s "$tmp/c.quiet"
on_tty "$TOOL" check -q -B "$tmp/base.btf" --built-against "$tmp/base.btf" "$tmp/mods"
check "check -q on a terminal: no progress either" test ! -s "$tmp/tty.out"
on_tty "$TOOL" check -B "$tmp/base.btf" --built-against "$tmp/base.btf" "$tmp/mods"
check "check on a terminal: its progress and summary" grep -q "module against" "$tmp/tty.out"
printf "[3] PTR '(anon)' type_id=2\n" | "$TOOL" asm -B "$tmp/base.btf" -o "$tmp/mods/two.btf"
printf "[1] INT 'int' size=4 bits_offset=0 nr_bits=32 encoding=SIGNED\n" | "$TOOL" asm -o "$tmp/nofoo.btf"
"$TOOL" check -q -B "$tmp/nofoo.btf" --built-against "$tmp/base.btf" "$tmp/mods" > "$tmp/c.q2" 2>&1
check "check -q: the failing modules, then nothing: no blank line, no slowest" \
	sh -c '[ "$(grep -c . "$1")" -ge 2 ] && ! grep -qE "^$|slowest|modules against" "$1" &&
		grep -q "^fails     $2/mods/link.btf" "$1"' _ "$tmp/c.q2" "$tmp"
cp "$tmp/split.btf" "$tmp/mods/a b.btf"
cp "$tmp/split.btf" "$ff"
chk "$tmp/mods/a b.btf" > "$tmp/c.quoted" 2>&1
check "check: a path with a space in quotes" grep -qF "needs-rewrite '$tmp/mods/a b.btf'" "$tmp/c.quoted"
chk -j "$ff" "$tmp/mods/a b.btf" > "$tmp/c.json" 2>&1
jsonl_ok() { python3 -c 'import json, sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
mods = [json.loads(l)["module"] for l in lines[:-1]]
assert mods == [sys.argv[2] + "/mods/a b.btf", sys.argv[2] + "/\u00ff.btf"], mods  # path order
assert json.loads(lines[-1])["summary"]["modules"] == 2' "$tmp/c.json" "$tmp"; }
check "check -j: JSON Lines valid for a path that is not UTF-8" jsonl_ok
finish

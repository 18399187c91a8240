#!/bin/sh
# make test-dkms: the DKMS hook (contrib/dkms) on a real out-of-tree module.
# DKMS builds contrib/dkms/example against Debian's linux-headers-6.1.0-47-amd64
# in private trees (nothing is installed), the hook gives it .BTF and
# .BTF.base, and btfkit shows that it relocates onto the BTF of Debian's
# 6.1.0-56 and 6.12.117 kernels (corpus) and is valid.
# Needs: dkms, dwarves (pahole), linux-headers-6.1.0-47-amd64, the corpus.
set -u
. "$(dirname "$0")/help-lib.sh"
B=${BK_BUILD:-build}
DATA=$(cd "${BK_TESTDATA:-build/testdata}" && pwd)
KVER=6.1.0-47-amd64
missing=
command -v dkms >/dev/null || missing="$missing dkms"
command -v pahole >/dev/null || missing="$missing dwarves"
[ -d /lib/modules/$KVER/build ] || missing="$missing linux-headers-$KVER"
[ -n "$missing" ] && { bad "test-dkms needs: apt-get install$missing"; finish; exit 1; }
for k in $KVER 6.1.0-56-amd64 6.12.117+deb12-amd64; do
	[ -f "$DATA/vmlinux/$k.btf" ] || { bad "no $DATA/vmlinux/$k.btf (the corpus: make testdata)"; finish; exit 1; }
done
tmp=$(mktemp -d); [ -n "${KEEP:-}" ] || trap 'rm -rf "$tmp"' EXIT
src=$tmp/src/btfkit-hello-1.0
mkdir -p "$src" "$tmp/dkms" "$tmp/bin"
cp contrib/dkms/example/* contrib/dkms/btfkit-dkms-btf "$src/"
ln -s "$(pwd)/$B/btfkit" "$tmp/bin/btfkit"

dkms_run() {
	PATH=$tmp/bin:$PATH BTFKIT_BTF_BASE=$DATA/vmlinux/$KVER.btf BTFKIT_DKMS_CONF=/nonexistent \
		dkms "$@" -m btfkit-hello -v 1.0 -k "$KVER" --dkmstree "$tmp/dkms" --sourcetree "$tmp/src" \
		>>"$tmp/dkms.log" 2>&1
}
check "dkms add" dkms_run add
check "dkms build (with the POST_BUILD hook)" dkms_run build
# DKMS ignores a POST_BUILD script's exit status: its words are the evidence
sed 's/^/  dkms: /' "$tmp/dkms.log" | grep -E 'btfkit-dkms-btf|rror|Sign|warning' || true
ko=$(ls "$tmp"/dkms/btfkit-hello/1.0/$KVER/*/module/btfkit_hello.ko* 2>/dev/null | head -1)
check "the built module is there" test -n "$ko"
[ -n "$ko" ] || { cat "$tmp/dkms.log"; finish; exit 1; }
echo "  module: $ko"

check "it has .BTF" "$TOOL" extract "$ko" -s .BTF -o "$tmp/btf"
check "it has .BTF.base" "$TOOL" extract "$ko" -s .BTF.base -o "$tmp/base"
check "its BTF is valid" sh -c '"$1" validate "$2" >/dev/null' _ "$TOOL" "$ko"
has_own_type() { "$TOOL" dump "$ko" | grep -q "STRUCT 'btfkit_hello_entry'"; }
check "its BTF has the module's own struct" has_own_type
no_dwarf() { ! readelf -SW "$ko" | grep -q '\.debug_info'; }
check "the hook stripped the DWARF, as DKMS would" no_dwarf
if [ -f /var/lib/dkms/mok.key ]; then
	signed() { [ "$(tail -c 28 "$ko" | head -c 27)" = '~Module signature appended~' ]; }
	check "DKMS signed it, the hook signed it again" signed
	signer() { modinfo -F signer "$ko" | grep -q .; }
	check "its signature names a signer (modinfo)" signer
fi
# Its BTF relocates onto each kernel (as a 6.11+ loader would do it, or
# `btfkit relocate -o` for a kernel before 6.11); the 6.1 kernels cannot
# relocate at load themselves, which check says as "needs-rewrite".
for k in $KVER 6.1.0-56-amd64 6.12.117+deb12-amd64; do
	check "its BTF relocates onto $k (btfkit check --kernel-relocates yes)" \
		sh -c '"$1" check --kernel-relocates yes -B "$2" "$3" > "$4" 2>&1' _ "$TOOL" \
		"$DATA/vmlinux/$k.btf" "$ko" "$tmp/check.$k"
	grep -E 'relocates|fails' "$tmp/check.$k" | head -2 | sed "s/^/  $k: /"
	case $k in
	6.1.*) check "$k does not relocate at load: check says needs-rewrite" \
		sh -c '"$1" check -B "$2" "$3" 2>&1 | grep -q "^needs-rewrite"' _ "$TOOL" \
		"$DATA/vmlinux/$k.btf" "$ko" ;;
	esac
done
finish

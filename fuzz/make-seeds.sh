#!/bin/sh
# Regenerate fuzz/seeds/<target>/ from the shared corpus and goldens.
#   SHARED=/work/shared BK_TESTDATA=build/testdata sh fuzz/make-seeds.sh
# Seeds are small real inputs; a part separator (see fuzz/fuzz.h) joins a
# base blob and the split blob (or text) that sits on it.
set -eu
SHARED=${SHARED:-../shared}
DATA=${BK_TESTDATA:-build/testdata}
OUT=fuzz/seeds
EX=$SHARED/golden/examples
CR=$SHARED/golden/dump/crafted
EN=$SHARED/golden/dump/endian
MOD=$DATA/modules/6.1.0-47-amd64/kernel
SEP_FILE=$(mktemp)
trap 'rm -f "$SEP_FILE"' EXIT
printf '\n#btfkit-part#\n' >"$SEP_FILE"

rm -rf "$OUT"
for t in raw elf asm dump distill dumpc; do mkdir -p "$OUT/$t"; done

# join OUT FILE... : the files joined by the part separator
join() {
	out=$1; shift
	: >"$out"
	first=1
	for f in "$@"; do
		[ $first = 1 ] || cat "$SEP_FILE" >>"$out"
		cat "$f" >>"$out"
		first=0
	done
}

# single blobs: bases, split blobs alone, big-endian, a layout section, modules
for f in doc_base doc_split doc_dist_base doc_split_distilled emb_split kinds_base \
	 kinds_split kinds_dist_base kinds_split_distilled quirk_base quirk_split; do
	cp "$EX/$f.btf" "$OUT/raw/$f"
done
cp "$CR/pahole_layout_base.btf" "$OUT/raw/pahole_layout_base"
cp "$CR/pahole_local_mod.BTF.base" "$OUT/raw/pahole_local_mod.base"
cp "$EN/kinds_base.be.btf" "$OUT/raw/kinds_base.be"
cp "$EN/crc16.be.btf" "$OUT/raw/crc16.be"
for m in lib/crc16 drivers/net/dummy net/ipv4/tcp_bbr; do
	cp "$MOD/$m.btf" "$OUT/raw/mod_$(basename $m)"
done

# base + split pairs (raw and dump), and base + split + new base (distill)
pair() { # NAME BASE SPLIT
	join "$OUT/raw/$1.pair" "$2" "$3"
	join "$OUT/dump/$1.pair" "$2" "$3"
}
pair doc "$EX/doc_base.btf" "$EX/doc_split.btf"
pair doc_distilled "$EX/doc_dist_base.btf" "$EX/doc_split_distilled.btf"
pair emb "$EX/doc_base.btf" "$EX/emb_split.btf"
pair kinds "$EX/kinds_base.btf" "$EX/kinds_split.btf"
pair kinds_distilled "$EX/kinds_dist_base.btf" "$EX/kinds_split_distilled.btf"
pair quirk "$EX/quirk_base.btf" "$EX/quirk_split.btf"
pair pahole_local "$CR/pahole_local_mod.BTF.base" "$CR/pahole_local_mod.BTF"
pair pahole_vmlinux "$CR/pahole_vmlinux_mod.BTF.base" "$CR/pahole_vmlinux_mod.BTF"
pair kinds_be "$EN/kinds_base.be.btf" "$EX/kinds_split.btf"
for f in kinds_base doc_base pahole_layout_base; do
	cp "$OUT/raw/$f" "$OUT/dump/$f"
done
cp "$EN/kinds_base.be.btf" "$OUT/dump/kinds_base.be"
# C dump: a few of the same, and libbpf's own BTF (every C construct it has)
for f in kinds_base doc_base kinds.pair pahole_local.pair quirk.pair; do
	cp "$OUT/dump/$f" "$OUT/dumpc/$f"
done
cp "$CR/pahole_libbpf_all.btf" "$OUT/dumpc/pahole_libbpf_all"

join "$OUT/distill/doc" "$EX/doc_base.btf" "$EX/doc_split.btf"
join "$OUT/distill/doc_new_base" "$EX/doc_base.btf" "$EX/doc_split.btf" "$EX/doc_new_base.btf"
join "$OUT/distill/doc_resized" "$EX/doc_base.btf" "$EX/doc_split.btf" "$EX/doc_resized_base.btf"
join "$OUT/distill/doc_dup" "$EX/doc_base.btf" "$EX/doc_split.btf" "$EX/doc_dup_base.btf"
join "$OUT/distill/doc_missing" "$EX/doc_base.btf" "$EX/doc_split.btf" "$EX/doc_missing_base.btf"
join "$OUT/distill/emb_new_base" "$EX/doc_base.btf" "$EX/emb_split.btf" "$EX/doc_new_base.btf"
join "$OUT/distill/emb_resized" "$EX/doc_base.btf" "$EX/emb_split.btf" "$EX/doc_resized_base.btf"
join "$OUT/distill/kinds" "$EX/kinds_base.btf" "$EX/kinds_split.btf"
join "$OUT/distill/quirk" "$EX/quirk_base.btf" "$EX/quirk_split.btf"
join "$OUT/distill/quirk_enum_only" "$EX/quirk_base.btf" "$EX/quirk_split.btf" \
	"$EX/quirk_enum_only_base.btf"
join "$OUT/distill/pahole_v2" "$CR/pahole_local_base.btf" "$CR/pahole_local_mod.BTF" \
	"$CR/pahole_local_base_v2.btf"

# ELF: plain and signed modules, distilled-base objects, other ELF classes
# and byte orders, and compressed inputs
for f in crc16.ko crc16.nosig.ko cast_common.ko nls_utf8.ko; do
	cp "$SHARED/corpus/ko/$f" "$OUT/elf/$f"
done
for f in fake_mod_nobase.ko fake_mod_distilled.ko pahole_local_mod.o \
	 pahole_local_mod_gnu_objcopy.o pahole_vmlinux_mod.o; do
	cp "$CR/$f" "$OUT/elf/$f"
done
for f in doc_base.elf32-big.o kinds_base.elf32-little.o kinds_base.elf64-big.o; do
	cp "$EN/$f" "$OUT/elf/$f"
done
cp "$EX/kinds_base.btf" "$OUT/elf/kinds_base.btf"
xz -9 -c "$EX/kinds_base.btf" >"$OUT/elf/kinds_base.btf.xz"
zstd -q -19 -c "$EX/kinds_base.btf" >"$OUT/elf/kinds_base.btf.zst"
gzip -9 -n -c "$EX/kinds_base.btf" >"$OUT/elf/kinds_base.btf.gz"
xz -9 -c "$SHARED/corpus/ko/crc16.nosig.ko" >"$OUT/elf/crc16.nosig.ko.xz"
zstd -q -19 -c "$CR/pahole_local_mod.o" >"$OUT/elf/pahole_local_mod.o.zst"

# asm: bpftool text of base BTF alone, and base blob + the text of split BTF on it
for f in doc_base kinds_base quirk_base doc_dist_base kinds_dist_base; do
	cp "$EX/$f.txt" "$OUT/asm/$f.txt"
done
cp "$CR/pahole_layout_base.txt" "$OUT/asm/pahole_layout_base.txt"
join "$OUT/asm/doc_split.txt" "$EX/doc_base.btf" "$EX/doc_split.txt"
join "$OUT/asm/emb_split.txt" "$EX/doc_base.btf" "$EX/emb_split.txt"
join "$OUT/asm/kinds_split.txt" "$EX/kinds_base.btf" "$EX/kinds_split.txt"
join "$OUT/asm/kinds_split_distilled.txt" "$EX/kinds_dist_base.btf" \
	"$EX/kinds_split_distilled.txt"
join "$OUT/asm/pahole_local_mod.txt" "$CR/pahole_local_mod.BTF.base" "$CR/pahole_local_mod.BTF.txt"

du -sh "$OUT"
for t in raw elf asm dump distill dumpc; do
	echo "$t: $(ls "$OUT/$t" | wc -l) seeds"
done

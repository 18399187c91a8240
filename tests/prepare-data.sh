#!/bin/sh
# Decompress what the tests read from ../shared into OUT (build output, never
# committed): vmlinux blobs, every module's .BTF, and the .xz goldens.
# Re-running is cheap: each part is skipped when its stamp is newer than its source.
set -eu
SHARED=${SHARED:-../shared}
OUT=${1:-build/testdata}
[ -d "$SHARED/corpus" ] || { echo "prepare-data: no corpus at $SHARED/corpus" >&2; exit 2; }
mkdir -p "$OUT/vmlinux" "$OUT/modules" "$OUT/golden"

fresh() { [ -e "$1" ] && [ "$1" -nt "$2" ]; }

for x in "$SHARED"/corpus/vmlinux/*.btf.xz; do
	out="$OUT/vmlinux/$(basename "$x" .xz)"
	fresh "$out" "$x" && continue
	xz -dc "$x" > "$out.tmp" && mv "$out.tmp" "$out"
done

for x in "$SHARED"/corpus/modules-*.tar.xz; do
	kver=$(basename "$x" .tar.xz); kver=${kver#modules-}
	stamp="$OUT/modules/$kver.stamp"
	fresh "$stamp" "$x" && continue
	rm -rf "$OUT/modules/$kver" && mkdir -p "$OUT/modules/$kver"
	tar -xJf "$x" -C "$OUT/modules/$kver"
	touch "$stamp"
done

(cd "$SHARED/golden" && find . -name '*.xz') | while read -r rel; do
	src="$SHARED/golden/$rel"; out="$OUT/golden/${rel%.xz}"
	fresh "$out" "$src" && continue
	mkdir -p "$(dirname "$out")"
	xz -dc "$src" > "$out.tmp" && mv "$out.tmp" "$out"
done

#!/bin/sh
# Decompress what the tests read from ../shared into OUT (build output, never
# committed): vmlinux blobs, every module's .BTF, and the .xz goldens.
# Re-running is cheap: each part is skipped when its stamp is newer than its source.
set -eu
SHARED=${SHARED:-../shared}
OUT=${1:-build/testdata}
# Without the corpus the tests that need it are skipped (tests/run.sh says how
# to get it); there is nothing to prepare.
[ -d "$SHARED/corpus" ] || { echo "prepare-data: no corpus at $SHARED/corpus: the tests that need it will be skipped" >&2; exit 0; }
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

[ -d "$SHARED/golden" ] || exit 0
(cd "$SHARED/golden" && find . -name '*.xz') | while read -r rel; do
	src="$SHARED/golden/$rel"; out="$OUT/golden/${rel%.xz}"
	fresh "$out" "$src" && continue
	mkdir -p "$(dirname "$out")"
	xz -dc "$src" > "$out.tmp" && mv "$out.tmp" "$out"
done

#!/bin/sh
# get-corpus.sh [DIR]: make the test corpus the tests read from DIR/corpus
# (default ../shared, where `make test` looks), from the Debian 12 kernel
# packages the corpus was made of (shared/corpus/README.md):
#   DIR/corpus/vmlinux/<kver>.btf.xz       raw .BTF of each kernel's vmlinux
#   DIR/corpus/modules-<kver>.tar.xz       every module's raw .BTF (6.1.0-47, 6.12.117)
#   DIR/corpus/ko/*.ko                     nine whole modules of 6.1.0-47 (two unsigned copies)
#   DIR/corpus/sample.txt                  the 43 sample modules
#   DIR/corpus/vmlinux/running.btf.xz      /sys/kernel/btf/vmlinux, when readable
# Packages are fetched with `apt-get download` (nothing is installed) and
# checked against the sha256 the corpus was made from; every vmlinux blob
# and .ko is checked against the corpus's sha256 too, so the result is the
# project's corpus byte for byte (except running.btf.xz: this machine's
# kernel). The goldens (bpftool 7.8, libbpf 1.8 outputs) are not made here:
# the tests that need them stay skipped.
# Needs: apt (bookworm and bookworm-security in its sources), dpkg-deb,
# objcopy (binutils), xz, zstd, gzip, tar. Env KERNELS="kver ..." limits the
# kernels (default all four); re-running skips what is done.
set -eu
DIR=${1:-../shared}
C=$DIR/corpus
WORK=$C/.download
KERNELS=${KERNELS:-"6.1.0-47-amd64 6.1.0-56-amd64 6.12.107+deb12-amd64 6.12.117+deb12-amd64"}

die() { echo "get-corpus: $*" >&2; exit 1; }
say() { echo "get-corpus: $*" >&2; }

# kver package-version deb-sha256 vmlinux-btf-sha256
table() {
	cat <<'T'
6.1.0-47-amd64 6.1.170-3 cb9a263a6d0d2debe8ac20eadc1065ffb8b22d27f4a6471ac1c0314db341dfb0 465bdfeb99080d0314d51da1f677d9b0555d88a86731260a7c8e2eec92bef4d5
6.1.0-56-amd64 6.1.192-2 530631662c9ad84758eca2d7609cf40623309afd4bccbeb563f33e9c7f220bdf a53c4b97419ba67ae7ac95a171706d5888752e67c9812af22f50b48675414d87
6.12.107+deb12-amd64 6.12.107-1~deb12u1 ef903673810c7054dd49c60f79fa7d11bb5d67b6839d94981ec679279126f399 e5312389e824314dcbf494e28d7cbf4e68405ad87666f2174cb9b24abf24cd04
6.12.117+deb12-amd64 6.12.117-1~deb12u1 5de3e329c887173debec07ff1325c975cf4f286d364929d17fecb1e1325c5c46 e0e6430bf6ddca2c65bebe329cd8244ffd06756cbc25f9b37acff9d1d0244131
T
}

# name (under ko/), path under lib/modules/6.1.0-47-amd64/, signed (1/0), sha256
ko_table() {
	cat <<'T'
cast_common.ko kernel/crypto/cast_common.ko 1 146dd6993f8a4f6456164e52c5a830d79eadd2b8b663450a0fdd29fed06d1e1e
crc16.ko kernel/lib/crc16.ko 1 f759f46f2e54ad3cf49198ff4b0ec9d81add3c729f8bfe6d62fb292639ed8123
crc16.nosig.ko kernel/lib/crc16.ko 0 a0d0061476fdd2d4f2baba066872c33acc1b9a80723af2b29f8cad3ca395dcbd
dummy.ko kernel/drivers/net/dummy.ko 1 4d3ae7e0abca9a87fa15b39c6964d70d5980abcfd06dd4fbcb81ffa27fa74b64
dummy.nosig.ko kernel/drivers/net/dummy.ko 0 626a0cf70d9179a2296618977d2e7e4bc4cde89bd72215608e6003dc7eba4652
nls_utf8.ko kernel/fs/nls/nls_utf8.ko 1 68a10fef042a16e7c8e80778c6f9a0b333ba2b4c23650ada436b6317b3359057
pcspkr.ko kernel/drivers/input/misc/pcspkr.ko 1 7c032ca06fca870eb9c89fbcf71c226ee400a464e61c22787256d4370a18368d
tcp_bbr.ko kernel/net/ipv4/tcp_bbr.ko 1 310912a3b7d76f0fd221283bb7880b355a4e82fe1bd5baf523131d7703a79e12
nf_conntrack.ko kernel/net/netfilter/nf_conntrack.ko 1 fad12b13e77f94913f3a175fb538c81c6e71e843c1a721ca4caa02f080eebeb2
T
}

sample() {
	echo "# 43 modules with .BTF, present in all four Debian kernels of this corpus,"
	echo "# paths relative to <kver>/modules/, sorted by .BTF size in 6.12.117+deb12-amd64."
	for m in crypto/cast_common lib/crc16 fs/nls/nls_utf8 drivers/input/misc/pcspkr \
		drivers/net/dummy fs/binfmt_misc virt/lib/irqbypass net/ipv4/tcp_bbr \
		drivers/virtio/virtio_balloon fs/fat/vfat drivers/net/veth arch/x86/crypto/aesni-intel \
		fs/squashfs/squashfs drivers/net/virtio_net sound/drivers/pcsp/snd-pcsp \
		drivers/hid/usbhid/usbhid drivers/net/vxlan/vxlan fs/overlayfs/overlay \
		drivers/usb/storage/usb-storage sound/core/snd net/netfilter/nf_conntrack \
		drivers/md/dm-mod drivers/net/ethernet/intel/e1000e/e1000e sound/core/snd-pcm \
		net/openvswitch/openvswitch net/bridge/bridge drivers/nvme/host/nvme-core \
		net/netfilter/nf_tables sound/pci/hda/snd-hda-codec-realtek net/sctp/sctp \
		sound/soc/snd-soc-core sound/usb/snd-usb-audio fs/nfs/nfs \
		drivers/infiniband/core/ib_core net/bluetooth/bluetooth fs/ext4/ext4 arch/x86/kvm/kvm \
		fs/btrfs/btrfs net/mac80211/mac80211 fs/xfs/xfs drivers/gpu/drm/i915/i915 \
		drivers/net/ethernet/mellanox/mlx5/core/mlx5_core drivers/gpu/drm/amd/amdgpu/amdgpu; do
		echo "kernel/$m.ko"
	done
}

# sha256 of the uncompressed modules-<kver>.tar
tar_sha() {
	case $1 in
	6.1.0-47-amd64) echo df018c5e27e78e8c4f59dd0b7e0809c8e9bbd79d10ccd3e128859c6e30518e94 ;;
	6.12.117+deb12-amd64) echo aafe96879b7a54605f94a672617eda2ebc0160b497f4c266606895f2f7ea469b ;;
	esac
}

sha() { sha256sum "$1" | cut -d' ' -f1; }
u8() { od -An -tu1 -j "$2" -N1 "$1" | tr -d ' '; }
u32() { od -An -tu4 -j "$2" -N4 "$1" | tr -d ' '; }
be32() { od -An -tx1 -j "$2" -N4 "$1" | tr -d ' \n'; }
magic() { od -An -tx1 -N4 "$1" | tr -d ' \n'; }

for t in apt-get dpkg-deb objcopy xz zstd gzip tar sha256sum od; do
	command -v "$t" >/dev/null 2>&1 || die "needs $t (sh scripts/setup.sh installs what the build needs; objcopy is in binutils)"
done

# The .deb of kernel kver at version ver, checked against its sha256.
fetch_deb() {
	name=linux-image-$1-unsigned
	deb=$(ls "$WORK"/"${name}"_*.deb 2>/dev/null | head -1 || true)
	if [ -z "$deb" ] || [ "$(sha "$deb")" != "$3" ]; then
		rm -f "$WORK"/"${name}"_*.deb
		say "apt-get download $name=$2"
		if ! (cd "$WORK" && apt-get download -q "$name=$2" >&2); then
			apt-cache policy "$name" >&2 || true
			die "$name=$2 cannot be downloaded from this machine's apt sources: it needs Debian 12's
  bookworm and bookworm-security; a superseded version is dropped from the security archive,
  then fetch the same file from https://snapshot.debian.org/ into $WORK (its sha256 is $3)"
		fi
		deb=$(ls "$WORK"/"${name}"_*.deb | head -1)
	fi
	[ "$(sha "$deb")" = "$3" ] || die "$deb: sha256 $(sha "$deb"), expected $3"
	echo "$deb"
}

# The vmlinux ELF out of a bzImage: the x86 boot header locates the compressed
# payload (setup_sects at 0x1f1, payload_offset/length at 0x248/0x24c).
unpack_vmlinux() {
	img=$1 out=$2
	setup=$(u8 "$img" $((0x1f1))); [ "$setup" = 0 ] && setup=4
	off=$(( (setup + 1) * 512 + $(u32 "$img" $((0x248))) ))
	len=$(u32 "$img" $((0x24c)))
	tail -c +$((off + 1)) "$img" | head -c "$len" > "$out.z"
	case $(magic "$out.z") in
	fd377a58) xz -dc --single-stream < "$out.z" > "$out" 2>/dev/null || true ;;
	28b52ffd) head -c -4 "$out.z" | zstd -dcq > "$out" 2>/dev/null || zstd -dcq < "$out.z" > "$out" || true ;;
	1f8b08*) gzip -dc < "$out.z" > "$out" 2>/dev/null || true ;;
	*) die "$img: kernel payload compressed in a way this script does not know ($(magic "$out.z"))" ;;
	esac
	rm -f "$out.z"
	[ "$(magic "$out")" = 7f454c46 ] || die "$img: no ELF vmlinux in its payload"
}

# A module's raw .BTF (the module decompressed first when it is .ko.xz/.zst/.gz).
module_btf() {
	case $1 in
	*.xz) xz -dc "$1" > "$2.ko" ;;
	*.zst) zstd -dcq "$1" > "$2.ko" ;;
	*.gz) gzip -dc "$1" > "$2.ko" ;;
	*) cp "$1" "$2.ko" ;;
	esac
	objcopy --dump-section .BTF="$2" "$2.ko" /dev/null 2>/dev/null || rm -f "$2"
	rm -f "$2.ko"
}

# A signed module without its signature: the ELF image ends before the
# signature, the 12-byte struct module_signature (sig_len: its last 4 bytes,
# big-endian) and the 28-byte magic.
strip_signature() {
	size=$(stat -c %s "$1")
	siglen=$((0x$(be32 "$1" $((size - 28 - 4)))))
	head -c $((size - 28 - 12 - siglen)) "$1" > "$2"
}

one_kernel() {
	kver=$1 ver=$2 debsha=$3 btfsha=$4
	blob=$C/vmlinux/$kver.btf.xz
	mods=
	case $kver in 6.1.0-47-amd64 | 6.12.117+deb12-amd64) mods=$C/modules-$kver.tar.xz ;; esac
	if [ -e "$blob" ] && { [ -z "$mods" ] || [ -e "$mods" ]; } &&
		{ [ "$kver" != 6.1.0-47-amd64 ] || [ -e "$C/ko/nf_conntrack.ko" ]; }; then
		say "$kver: done before"; return 0
	fi
	deb=$(fetch_deb "$kver" "$ver" "$debsha")
	x=$WORK/$kver; rm -rf "$x"; mkdir -p "$x"
	say "$kver: unpacking $(basename "$deb")"
	dpkg-deb -x "$deb" "$x/root"
	unpack_vmlinux "$x/root/boot/vmlinuz-$kver" "$x/vmlinux"
	objcopy --dump-section .BTF="$x/vmlinux.btf" "$x/vmlinux" /dev/null
	[ "$(sha "$x/vmlinux.btf")" = "$btfsha" ] || die "$kver: vmlinux .BTF sha256 $(sha "$x/vmlinux.btf"), expected $btfsha"
	xz -9 -c "$x/vmlinux.btf" > "$blob.tmp" && mv "$blob.tmp" "$blob"
	m=$x/root/lib/modules/$kver
	if [ -n "$mods" ]; then
		say "$kver: every module's .BTF"
		(cd "$m" && find kernel -name '*.ko' -o -name '*.ko.xz' -o -name '*.ko.zst' -o -name '*.ko.gz') |
		while read -r f; do
			rel=${f%.xz}; rel=${rel%.zst}; rel=${rel%.gz}; rel=${rel%.ko}
			mkdir -p "$x/btf/$(dirname "$rel")"
			module_btf "$m/$f" "$x/btf/$rel.btf"
		done
		(cd "$x/btf" && find . -name '*.btf' | sed 's|^\./||' | LC_ALL=C sort > ../list &&
		 tar --owner=0 --group=0 --numeric-owner --mtime=2026-01-01 -cf ../modules.tar -T ../list)
		want=$(tar_sha "$kver")
		[ "$(sha "$x/modules.tar")" = "$want" ] ||
			die "$kver: the modules' .BTF differ from the corpus's (tar sha256 $(sha "$x/modules.tar"), expected $want)"
		xz -9 -c "$x/modules.tar" > "$mods.tmp" && mv "$mods.tmp" "$mods"
	fi
	if [ "$kver" = 6.1.0-47-amd64 ]; then
		ko_table | while read -r name rel signed want; do
			if [ "$signed" = 1 ]; then cp "$m/$rel" "$C/ko/$name.tmp"
			else strip_signature "$m/$rel" "$C/ko/$name.tmp"; fi
			[ "$(sha "$C/ko/$name.tmp")" = "$want" ] || die "ko/$name: sha256 $(sha "$C/ko/$name.tmp"), expected $want"
			mv "$C/ko/$name.tmp" "$C/ko/$name"
		done
	fi
	rm -rf "$x"
	say "$kver: done"
}

mkdir -p "$C/vmlinux" "$C/ko" "$WORK"
table | while read -r kver ver debsha btfsha; do
	case " $KERNELS " in *" $kver "*) one_kernel "$kver" "$ver" "$debsha" "$btfsha" ;; esac
done
if [ -r /sys/kernel/btf/vmlinux ] && [ ! -e "$C/vmlinux/running.btf.xz" ]; then
	xz -9 -c /sys/kernel/btf/vmlinux > "$C/vmlinux/running.btf.xz"
	uname -r > "$C/vmlinux/running.RELEASE"
	say "running.btf.xz: this machine's kernel $(uname -r); the project's is 6.18.44-fc-v595:"
	say "  unless they are the same, the tests that know the project's kernel are skipped"
fi
[ -e "$C/sample.txt" ] || sample > "$C/sample.txt"
say "corpus in $C; the .deb files stay in $WORK (delete it to save the space)"

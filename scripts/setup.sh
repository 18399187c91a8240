#!/bin/sh
# setup.sh: install what btfkit needs on Debian 12 (scripts/packages.txt),
# then build it. Works as root (no sudo needed) and as a user with sudo;
# packages already installed are not asked for again, so a user without
# sudo can build once root has installed them.
#   sh scripts/setup.sh            install, then make -j
#   sh scripts/setup.sh --no-build install only
set -eu
cd "$(dirname "$0")/.."
pkgs=$(sed 's/#.*//' scripts/packages.txt | tr -s ' \n' '  ')
missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	if [ "$(id -u)" -eq 0 ]; then
		as_root=
	elif command -v sudo >/dev/null 2>&1; then
		as_root=sudo
	else
		echo "setup: not root and no sudo; as root, run:" >&2
		echo "  apt-get update && apt-get install -y$missing" >&2
		exit 2
	fi
	echo "setup: installing$missing" >&2
	$as_root apt-get update -qq
	$as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
fi
[ "${1:-}" = --no-build ] && exit 0
make -j"$(nproc)"

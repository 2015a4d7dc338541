#!/bin/bash
# Extract the uncompressed ELF vmlinux from a bzImage, when it can be booted
# directly: qemu starts an ELF kernel through its PVH entry point
# (CONFIG_PVH), which skips the decompressor.  Under TCG the decompressor
# costs seconds per boot (about 5 s for a 6.1 xz image here), so cached
# Debian kernels keep a vmlinux beside their vmlinuz.
#
#   extract-vmlinux.sh BZIMAGE OUT
# Exit status 0 when OUT is a PVH-bootable ELF, 1 when the image holds none
# (OUT is then not created), 2 for bad arguments.
set -euo pipefail

if [ $# -ne 2 ]; then
	echo "usage: extract-vmlinux.sh BZIMAGE OUT" >&2
	exit 2
fi
in=$1
out=$2
[ -r "$in" ] || {
	echo "extract-vmlinux: cannot read '$in'" >&2
	exit 2
}

# An ELF with a Xen PHYS32_ENTRY note (type 0x12): the PVH entry point.
pvh_elf() {
	[ "$(head -c 4 "$1" | od -An -tx1 | tr -d ' ')" = 7f454c46 ] &&
		readelf -n "$1" 2>/dev/null | grep -q 'Xen.*(0x00000012)'
}

try() { # MAGIC DECOMPRESSOR...
	local magic=$1 off
	shift
	for off in $(LC_ALL=C grep -obUaP "$magic" "$in" 2>/dev/null | cut -d: -f1 | head -n 4); do
		tail -c +$((off + 1)) "$in" | "$@" >"$out.tmp" 2>/dev/null || true
		if [ -s "$out.tmp" ] && pvh_elf "$out.tmp"; then
			mv "$out.tmp" "$out"
			return 0
		fi
	done
	rm -f "$out.tmp"
	return 1
}

try '\xfd\x37\x7a\x58\x5a\x00' xz -dc --single-stream ||
	try '\x28\xb5\x2f\xfd' zstd -dcq ||
	try '\x1f\x8b\x08' gzip -dc ||
	exit 1

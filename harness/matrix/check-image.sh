#!/bin/bash
# Check that a file given to the matrix is a kernel image qemu can boot, before
# anything boots it, and print the file to boot.
#
#   check-image.sh IMAGE WORKDIR
#
# Accepted: a bzImage (the 0xAA55 boot flag at 0x1fe and "HdrS" at 0x202), an
# x86-64 ELF vmlinux with the PVH entry note qemu starts it through, or one
# of these compressed with gzip, xz, zstd or bzip2 (a vmlinux.gz, say), which
# is unpacked into WORKDIR (at most 512 MiB) and printed instead.  Anything
# else: one line naming what the file is not, exit 2.
set -euo pipefail

[ $# -eq 2 ] || {
	echo "usage: check-image.sh IMAGE WORKDIR" >&2
	exit 2
}
img=$1 work=$2
bad() {
	echo "nsapi matrix: '$img' is not a kernel image: $*" >&2
	exit 2
}
[ -f "$img" ] && [ -r "$img" ] || bad "not a readable regular file"

hex() { od -An -tx1 -j "$2" -N "$3" "$1" 2>/dev/null | tr -d ' \n'; }

# 0: bzImage, 1: PVH ELF, 2: an ELF qemu cannot start, 3: neither.
kind() {
	if [ "$(hex "$1" 510 2)" = 55aa ] && [ "$(hex "$1" 514 4)" = 48647253 ]; then
		return 0
	fi
	if [ "$(hex "$1" 0 4)" = 7f454c46 ]; then
		# ELFCLASS64 and EM_X86_64 (0x3e, little-endian at offset 18).
		[ "$(hex "$1" 4 1)" = 02 ] && [ "$(hex "$1" 18 2)" = 3e00 ] || return 2
		readelf -n "$1" 2>/dev/null | grep -q 'Xen.*(0x00000012)' || return 2
		return 1
	fi
	return 3
}

rc=0
kind "$img" || rc=$?
case $rc in
0 | 1)
	echo "$img"
	exit 0
	;;
2) bad "an ELF file but not an x86-64 vmlinux with a PVH entry note (qemu boots only those; give its bzImage)" ;;
esac

case $(hex "$img" 0 6) in
1f8b*) unpack=(gzip -dc) ;;
fd377a585a00) unpack=(xz -dc) ;;
28b52ffd*) unpack=(zstd -dcq) ;;
425a68*) unpack=(bzip2 -dc) ;;
*) bad "no bzImage header, not an ELF vmlinux, not a gzip/xz/zstd/bzip2 file" ;;
esac
mkdir -p "$work"
out=$(mktemp "$work/image.XXXXXX")
# The cap keeps a decompression bomb from filling the disk.
"${unpack[@]}" <"$img" 2>/dev/null | head -c $((512 << 20)) >"$out" || true
rc=0
kind "$out" || rc=$?
case $rc in
0 | 1) echo "$out" ;;
*)
	rm -f "$out"
	bad "a ${unpack[0]} file that does not hold a bzImage or a PVH-bootable ELF vmlinux"
	;;
esac

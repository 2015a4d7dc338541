#!/bin/bash
# Build the kernel matrix's guest image: a gzip'd newc initramfs holding
# static busybox, guest-init.sh as /init, /etc/passwd with root and nobody,
# and the static builds (runner, tests, bench, tracer, nsjoin) under /nsapi.
# No kernel modules: the guests need only what Debian kernels build in.
#
#   build-initramfs.sh STATIC_DIR OUT.cpio.gz
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [ $# -ne 2 ]; then
	echo "usage: build-initramfs.sh STATIC_DIR OUT.cpio.gz" >&2
	exit 2
fi
static=$1
out=$2
if [ ! -d "$static/tests" ]; then
	echo "build-initramfs: $static/tests does not exist (build it: make static)" >&2
	exit 2
fi
busybox=${NSAPI_BUSYBOX:-/bin/busybox}
if ! file -L "$busybox" 2>/dev/null | grep -q 'statically linked' &&
	! ldd "$busybox" 2>&1 | grep -q 'not a dynamic'; then
	echo "build-initramfs: $busybox is not a static busybox (install busybox-static)" >&2
	exit 2
fi

mkdir -p "$(dirname "$out")"
root=$(mktemp -d "$(dirname "$out")/initramfs.XXXXXX")
# A private temporary name: two matrices (make check, engineers sharing the
# tree) may build the image at once; the rename keeps whichever is last.
tmp=$(mktemp "$out.XXXXXX")
trap 'rm -rf "$root" "$tmp"' EXIT

mkdir -p "$root"/{bin,dev,etc,proc,sys,tmp,results,root,nsapi}
cp "$busybox" "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
install -m 0755 "$here/guest-init.sh" "$root/init"
printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' \
	'nobody:x:65534:65534:nobody:/nonexistent:/bin/false' >"$root/etc/passwd"
printf '%s\n' 'root:x:0:' 'nogroup:x:65534:' >"$root/etc/group"
chmod 1777 "$root/tmp"
# The console must exist before devtmpfs is mounted, for /init's output.
mknod -m 600 "$root/dev/console" c 5 1 2>/dev/null || true
cp -a "$static/." "$root/nsapi/"

# Byte-identical for identical inputs: the guest's instruction count (the
# icount clock) depends on the bytes it unpacks, so no build time goes in.
find "$root" -exec touch -h -d @0 {} +
(cd "$root" && find . -mindepth 1 | LC_ALL=C sort |
	cpio --quiet -o -H newc -R 0:0 --reproducible) | gzip -n -6 >"$tmp"
chmod 0644 "$tmp"
mv "$tmp" "$out"

#!/bin/bash
# Decide how the matrix's guests run: print "kvm" when a short probe boot
# under KVM reaches /init and powers off in time, else "tcg".  /dev/kvm can
# exist while KVM does not work (nested KVM may hang the guest or make qemu
# abort), so its presence proves nothing.  The answer is cached for this host
# boot (boot_id) and qemu version in $NSAPI_CACHE/kvm-probe.
#
#   probe-kvm.sh KERNEL INITRAMFS [TIMEOUT_SEC]
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [ $# -lt 2 ] || [ $# -gt 3 ]; then
	echo "usage: probe-kvm.sh KERNEL INITRAMFS [TIMEOUT_SEC]" >&2
	exit 2
fi
kernel=$1 initramfs=$2 timeout=${3:-10}
cache=$("$here/../cache-dir.sh")

if [ ! -w /dev/kvm ]; then
	echo tcg
	exit 0
fi
key="$(cat /proc/sys/kernel/random/boot_id) $(qemu-system-x86_64 --version | head -n1)"
stamp=$cache/kvm-probe
if [ -r "$stamp" ] && [ "$(head -n1 "$stamp")" = "$key" ]; then
	sed -n 2p "$stamp"
	exit 0
fi

mkdir -p "$cache"
work=$(mktemp -d "$cache/tmp.probe.XXXXXX")
trap 'rm -rf "$work"' EXIT
# boot.sh's own stderr (bash's "Aborted" line with the whole qemu command
# when qemu aborts, the usual way this probe fails) is kept out of the
# matrix's progress: the outcome names the cause.
outcome=$("$here/boot.sh" --kernel "$kernel" --initramfs "$initramfs" --out "$work" \
	--accel kvm --mode probe --timeout "$timeout" 2>"$work/boot.err")
if [ "$outcome" = ok ]; then
	answer=kvm
else
	answer=tcg
	echo "  QEMU    KVM probe failed ($outcome); using TCG" >&2
fi
printf '%s\n%s\n' "$key" "$answer" >"$stamp"
echo "$answer"

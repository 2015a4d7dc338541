#!/bin/bash
# Boot one kernel with the matrix's initramfs under qemu and watch it.
#
#   boot.sh --kernel IMAGE --initramfs FILE --out DIR --accel kvm|tcg|icount
#           [--timeout SEC] [--mode run|probe] [--append ARGS] [--memory MIB]
#
# DIR receives console.log (ttyS0), ktap.raw (ttyS1), files.raw (ttyS2) and
# qemu.log.  One line on stdout says how the boot ended:
#   ok                 the guest's /init finished and powered off
#   crash REASON       a panic, an oops, a halted decompressor, or the guest
#                      stopped before /init finished (qemu may exit with 0
#                      after a panic: -no-reboot and panic=-1)
#   timeout            still running after SEC seconds; qemu was killed
#   qemu-error REASON  qemu could not start the kernel
# Exit status 0 for all four; 2 for bad arguments.
#
# icount is TCG with -icount shift=0,sleep=off: the guest's clock counts the
# instructions it executed (one per nanosecond) and skips idle time, so a
# timing is the same on any host, loaded or idle.  What would still differ
# between two boots is fixed: qemu's random source (-seed: RDRAND and the
# guest's entropy), the RTC (a fixed date on the virtual clock), KASLR,
# address-space randomization, the kernel stack offset and the page
# allocator's shuffling (boot parameters below).
set -euo pipefail

usage() {
	echo "usage: boot.sh --kernel IMAGE --initramfs FILE --out DIR --accel kvm|tcg|icount" \
		"[--timeout SEC] [--mode run|probe] [--append ARGS] [--memory MIB]" >&2
	exit 2
}
die2() {
	echo "boot: $*" >&2
	exit 2
}

kernel= initramfs= out= accel= timeout=300 mode=run append= memory=1024
while [ $# -gt 0 ]; do
	[ $# -ge 2 ] || usage
	case $1 in
	--kernel) kernel=$2 ;;
	--initramfs) initramfs=$2 ;;
	--out) out=$2 ;;
	--accel) accel=$2 ;;
	--timeout) timeout=$2 ;;
	--mode) mode=$2 ;;
	--append) append=$2 ;;
	--memory) memory=$2 ;;
	*) usage ;;
	esac
	shift 2
done
[ -n "$kernel" ] && [ -n "$initramfs" ] && [ -n "$out" ] && [ -n "$accel" ] || usage
[ -r "$kernel" ] || die2 "cannot read the kernel image '$kernel'"
[ -r "$initramfs" ] || die2 "cannot read the initramfs '$initramfs'"
[[ $timeout =~ ^[1-9][0-9]*$ ]] || die2 "--timeout wants a positive number of seconds, not '$timeout'"
[[ $memory =~ ^[1-9][0-9]*$ ]] || die2 "--memory wants MiB, not '$memory'"
case $accel in kvm | tcg | icount) ;; *) die2 "--accel is kvm, tcg or icount, not '$accel'" ;; esac
case $mode in run | probe) ;; *) die2 "--mode is run or probe, not '$mode'" ;; esac

mkdir -p "$out"
console=$out/console.log
: >"$console"
: >"$out/ktap.raw"
: >"$out/files.raw"

determinism=
case $accel in
kvm) accel_opts=(-accel kvm -cpu host -smp 2) ;;
tcg) accel_opts=(-accel tcg -cpu max -smp 1) ;;
icount)
	accel_opts=(-accel tcg -cpu max -smp 1 -icount shift=0,sleep=off -seed 1
		-rtc base=2025-01-01T00:00:00,clock=vm)
	determinism="nokaslr norandmaps randomize_kstack_offset=off page_alloc.shuffle=0"
	;;
esac

cmdline="console=ttyS0 panic=-1 rdinit=/init $determinism nsapi.mode=$mode nsapi.label=$accel $append"

qemu-system-x86_64 "${accel_opts[@]}" -m "$memory" \
	-nodefaults -display none -no-reboot -no-user-config \
	-kernel "$kernel" -initrd "$initramfs" -append "$cmdline" \
	-chardev "file,id=con,path=$console" -serial chardev:con \
	-chardev "file,id=ktap,path=$out/ktap.raw" -serial chardev:ktap \
	-chardev "file,id=res,path=$out/files.raw" -serial chardev:res \
	</dev/null >"$out/qemu.log" 2>&1 &
qemu=$!

# The reason a console shows a dead kernel, if it does.
crash_reason() {
	grep -a -m1 -o -E 'Kernel panic - not syncing.*|Oops: .*|kernel BUG at .*|BUG: .*|general protection fault.*|Unable to handle kernel.*|-- System halted|VFS: Unable to mount root fs.*' \
		"$console" | tr -d '\r' | head -n1 || true
}

stop_qemu() {
	kill "$qemu" 2>/dev/null || true
	wait "$qemu" 2>/dev/null || true
}

start=$SECONDS
halted_at=
result=
while kill -0 "$qemu" 2>/dev/null; do
	if [ $((SECONDS - start)) -ge "$timeout" ]; then
		stop_qemu
		result=timeout
		break
	fi
	# A halted decompressor never exits qemu: stop it after a grace second.
	if grep -a -q -e '-- System halted' "$console"; then
		if [ -n "$halted_at" ] && [ $((SECONDS - halted_at)) -ge 1 ]; then
			stop_qemu
			break
		fi
		halted_at=${halted_at:-$SECONDS}
	fi
	sleep 0.2
done
rc=0
if [ -z "$result" ]; then
	wait "$qemu" 2>/dev/null || rc=$?
fi

reason=$(crash_reason)
if [ "$mode" = probe ]; then
	done_token='nsapi-guest: probe ok'
else
	done_token='nsapi-guest: done'
fi
if [ -n "$result" ]; then
	if [ -n "$reason" ]; then
		echo "crash $reason"
	else
		echo timeout
	fi
elif [ -n "$reason" ]; then
	echo "crash $reason"
elif grep -a -q "$done_token" "$console"; then
	echo ok
elif [ ! -s "$console" ] && [ "$rc" -ne 0 ]; then
	echo "qemu-error $(grep -v '^$' "$out/qemu.log" | tail -n1)"
elif [ ! -s "$console" ]; then
	echo "crash the kernel stopped before printing anything (qemu status $rc)"
else
	echo "crash the guest stopped before /init finished (qemu status $rc)"
fi

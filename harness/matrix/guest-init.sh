#!/bin/busybox sh
# /init of the kernel matrix's guests (busybox, static).  Options come from
# the kernel command line:
#   nsapi.mode=run|probe    probe: print the probe token and power off
#   nsapi.label=kvm|tcg|icount  how the kernel runs, recorded in the results
#   nsapi.timeout=SEC       per-program timeout of the runner
#   nsapi.suite=0|1         run the suite (as root and as nobody)
#   nsapi.bench=0|1         run the quick bench after the suite
#   nsapi.tests=P1,P2       runner patterns (default: every test)
#   nsapi.benches=P1,P2     bench patterns (default: every benchmark)
#   nsapi.budget=MS         the bench's time per benchmark (default: --quick's)
#   nsapi.reps=N            the bench's repetitions (default 5)
# Serial ports: ttyS0 the console, ttyS1 the runner's KTAP, ttyS2 the result
# files (JSON, JUnit, the bench's text table and the TSVs nsapi plot reads),
# each file between "@@@ begin PATH" and "@@@ end PATH" lines.  samples.tsv
# stays behind: every sample is in bench.json, and the host rebuilds what the
# plots need from it (report.sh).  ttyS1 and ttyS2 are put in raw mode, so no
# \r is added.
/bin/busybox --install -s /bin
export PATH=/bin:/nsapi HOME=/root

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm /sys/fs/cgroup
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /results
mount -t cgroup2 cgroup2 /sys/fs/cgroup 2>/dev/null
hostname nsapi-guest
ip link set lo up 2>/dev/null

# Options and patterns are words, never file names.
set -f
mode=run label=tcg timeout=30 suite=1 bench=1 tests= benches= budget= reps=
for arg in $(cat /proc/cmdline); do
	case $arg in
	nsapi.mode=*) mode=${arg#*=} ;;
	nsapi.label=*) label=${arg#*=} ;;
	nsapi.timeout=*) timeout=${arg#*=} ;;
	nsapi.suite=*) suite=${arg#*=} ;;
	nsapi.bench=*) bench=${arg#*=} ;;
	nsapi.tests=*) tests=$(echo "${arg#*=}" | tr , ' ') ;;
	nsapi.benches=*) benches=$(echo "${arg#*=}" | tr , ' ') ;;
	nsapi.budget=*) budget="--budget ${arg#*=}" ;;
	nsapi.reps=*) reps="--repetitions ${arg#*=}" ;;
	esac
done

finish() {
	sync
	echo "nsapi-guest: $1"
	poweroff -f
	sleep 5
	# A kernel without ACPI cannot power off; qemu's -no-reboot ends on a reboot.
	echo "nsapi-guest: poweroff failed, rebooting" >&2
	reboot -f
}

if [ "$mode" = probe ]; then
	finish "probe ok"
fi

# icount: the same address-space layout in every run (norandmaps does it too).
[ "$label" != icount ] || echo 0 >/proc/sys/kernel/randomize_va_space 2>/dev/null
stty -F /dev/ttyS1 raw -echo 2>/dev/null
stty -F /dev/ttyS2 raw -echo 2>/dev/null
echo "nsapi-guest: $(uname -r) up, running as $label"

# run_suite NAME ARGS...: one runner pass, its KTAP framed on ttyS1.
run_suite() {
	name=$1
	shift
	echo "# nsapi-guest: begin $name" >/dev/ttyS1
	echo "nsapi-guest: suite $name"
	# shellcheck disable=SC2086 # $tests is a list of patterns
	/nsapi/nsapi-test --tests-dir /nsapi/tests --results /results \
		--label "$label" --timeout "$timeout" "$@" $tests >/dev/ttyS1 2>/dev/console
	echo "# nsapi-guest: end $name rc=$?" >/dev/ttyS1
}

# The bench first: its figures then do not depend on what the suite's
# programs left behind (slab and page-cache state, which under icount would
# show up as a few instructions more or less when tests are added).
if [ "$bench" = 1 ] && [ -x /nsapi/nsapi-bench ]; then
	echo "nsapi-guest: bench"
	mkdir -p "/results/$(uname -r)"
	# shellcheck disable=SC2086 # $benches: patterns, $budget: option and value
	/nsapi/nsapi-bench --quick $budget $reps --results /results $benches \
		>"/results/$(uname -r)/bench.txt" 2>/dev/console ||
		echo "nsapi-guest: nsapi-bench exited with $?"
fi

if [ "$suite" = 0 ]; then
	echo "nsapi-guest: suite not run (nsapi.suite=0)"
elif [ -x /nsapi/nsapi-test ]; then
	rel=$(uname -r)
	mkdir -p "/results/$rel"
	run_suite root --junit "/results/$rel/suite.junit.xml"
	run_suite nobody --user nobody --junit "/results/$rel/suite-nobody.junit.xml"
else
	echo "nsapi-guest: no nsapi-test in the image" >&2
fi

set +f
cd /results
for f in */*.json */*.xml */*.txt */*.tsv; do
	[ -f "$f" ] || continue
	[ "${f##*/}" != samples.tsv ] || continue
	echo "@@@ begin $f"
	cat "$f"
	echo
	echo "@@@ end $f"
done >/dev/ttyS2

finish done

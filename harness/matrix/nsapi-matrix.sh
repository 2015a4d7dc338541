#!/bin/bash
# nsapi matrix: validate and benchmark several kernels in one command.
#
# Each KERNEL boots under qemu with a busybox initramfs holding the static
# runner, tests and bench; inside, the suite runs as root and as nobody and
# the quick bench runs; the running kernel takes part natively.  Prints one
# KTAP document with a subtest per kernel; writes RESULTS/matrix/<release>-
# <label>/ per kernel, RESULTS/matrix.md (behavior x kernel) and the
# cross-kernel latency comparison and plots (report.sh).
set -euo pipefail

self=$(readlink -f "${BASH_SOURCE[0]}")
here=$(dirname "$self")
# Run as build/nsapi-matrix (a link made by matrix.mk) or from the tree.
build=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
[ -d "$build/static" ] || build=$(cd "$here/../.." && pwd)/build

usage() {
	cat <<'EOF'
usage: nsapi matrix [OPTIONS] [KERNEL...]
       nsapi matrix [--results DIR] [--prune] --merge RESULTS_DIR...

Boot each KERNEL under qemu, run the suite (as root and as nobody) and the
quick bench inside, and report a behavior x kernel table and a latency
comparison.  A KERNEL is a path to a bzImage/vmlinuz/vmlinux, or a Debian
kernel: 6.1 (or bookworm), 6.12, sid (or unstable), X.Y, or a linux-image-*
package (metapackages are followed; PACKAGE=VERSION pins one), or
config:NAME, a kernel built once from Debian's linux-source with the config
harness/matrix/kconfig/NAME.config.  Default: 6.1 6.12 sid
config:no-userns-netns, plus the running kernel natively.  A run updates its
kernels' rows and keeps the others' (--prune drops them).  --merge copies the
kernels of other matrices' results roots (CI's per-kernel jobs) into DIR and
reports them as one matrix.

Options:
  --results DIR     results root (default ./results): DIR/matrix/, DIR/matrix.md
  --timeout SEC     per-kernel timeout for boot + suite + bench (default 300,
                    under icount 1800: its guest clock runs slower)
  --test-timeout S  the runner's per-program timeout (default 30)
  --jobs N          kernels booted at once (default: every kernel, max 4)
  --accel MODE      auto (probe KVM, else icount), kvm, tcg or icount
                    (default auto); icount: TCG with -icount shift=0,sleep=off,
                    a deterministic instruction-count clock (see README)
  --append ARGS     extra kernel command line for every guest
  --tests P1,P2     run only these runner patterns
  --benches P1,P2   run only these bench patterns
  --budget MS       the guests' bench time per benchmark (default: 10 under
                    icount, whose figures repeat; --quick's 70 otherwise)
  --repetitions N   the guests' bench repetitions (default: 2 under icount,
                    5 otherwise)
  --no-native       leave the running kernel out
  --no-suite        skip the suite in the guests (bench only)
  --no-bench        skip the quick bench
  --no-report       skip matrix.md, the comparison and the plots
  --prune           delete run directories of kernels not in this matrix
  -h, --help        this text

Exit status: 0 every kernel ran and nothing failed, 1 a kernel crashed,
timed out or failed a test, 2 bad usage.
EOF
}

die2() {
	echo "nsapi matrix: $*" >&2
	exit 2
}

results=./results timeout= test_timeout=30 jobs= accel=auto append= tests= benches= budget= reps=
native=1 suite=1 bench=1 report=1 prune=0 merge=0
kernels=()
while [ $# -gt 0 ]; do
	case $1 in
	-h | --help)
		usage
		exit 0
		;;
	--no-native) native=0 ;;
	--no-suite) suite=0 ;;
	--no-bench) bench=0 ;;
	--no-report) report=0 ;;
	--prune) prune=1 ;;
	--merge) merge=1 ;;
	--results | --timeout | --test-timeout | --jobs | --accel | --append | --tests | --benches | --budget | --repetitions)
		[ $# -ge 2 ] || die2 "$1 needs a value"
		case $1 in
		--results) results=$2 ;;
		--timeout) timeout=$2 ;;
		--test-timeout) test_timeout=$2 ;;
		--jobs) jobs=$2 ;;
		--accel) accel=$2 ;;
		--append) append=$2 ;;
		--tests) tests=$2 ;;
		--benches) benches=$2 ;;
		--budget) budget=$2 ;;
		--repetitions) reps=$2 ;;
		esac
		shift
		;;
	--) ;;
	-*) die2 "unknown option '$1' (see --help)" ;;
	*) kernels+=("$1") ;;
	esac
	shift
done
[ -z "$timeout" ] || [[ $timeout =~ ^[1-9][0-9]*$ ]] || die2 "--timeout wants a positive number of seconds, not '$timeout'"
[[ $test_timeout =~ ^[1-9][0-9]*$ ]] && [ "$test_timeout" -le 3600 ] ||
	die2 "--test-timeout wants 1-3600 seconds, not '$test_timeout'"
[ -z "$jobs" ] || [[ $jobs =~ ^[1-9][0-9]*$ ]] || die2 "--jobs wants a positive number, not '$jobs'"
case $accel in auto | kvm | tcg | icount) ;; *) die2 "--accel is auto, kvm, tcg or icount, not '$accel'" ;; esac
[[ $tests =~ ^[A-Za-z0-9_*?,.-]*$ ]] || die2 "--tests wants comma-separated patterns, not '$tests'"
[ -z "$budget" ] || { [[ $budget =~ ^[1-9][0-9]*$ ]] && [ "$budget" -le 10000 ]; } ||
	die2 "--budget wants 1-10000 ms, not '$budget'"
[ -z "$reps" ] || { [[ $reps =~ ^[1-9][0-9]*$ ]] && [ "$reps" -le 16 ]; } ||
	die2 "--repetitions wants 1-16, not '$reps'"
[[ $benches =~ ^[A-Za-z0-9_*?,.:/-]*$ ]] || die2 "--benches wants comma-separated patterns, not '$benches'"
[[ $append != *$'\n'* ]] || die2 "--append must be one line"
command -v jq >/dev/null || die2 "jq is not installed (make deps)"
if [ $merge = 1 ]; then
	[ ${#kernels[@]} -gt 0 ] || die2 "--merge wants the results directories of other matrices"
	exec "$here/merge.sh" --results "$results" $([ $prune = 0 ] || echo --prune) "${kernels[@]}"
fi
command -v qemu-system-x86_64 >/dev/null || die2 "qemu-system-x86_64 is not installed (make deps)"
command -v jq >/dev/null || die2 "jq is not installed (make deps)"
[ ${#kernels[@]} -gt 0 ] || kernels=(6.1 6.12 sid config:no-userns-netns)
# Every kernel at once by default, even on fewer CPUs: a TCG guest is one
# busy host thread, and booting them in waves leaves CPUs idle while the last
# wave runs (3 kernels on 2 CPUs: ~150 s at once, ~200 s in two waves).
[ -n "$jobs" ] || jobs=$((${#kernels[@]} > 4 ? 4 : ${#kernels[@]}))

cache=$("$here/../cache-dir.sh")
mkdir -p "$cache" "$results/matrix"
results=$(cd "$results" && pwd)
work=$(mktemp -d "$cache/tmp.matrix.XXXXXX")
renderer=
cleanup() {
	[ -z "$renderer" ] || kill "$renderer" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Every KERNEL is checked before anything boots: a path must be a kernel
# image (check-image.sh; a compressed one is unpacked into the work
# directory), config:NAME a config in kconfig/, a name a Debian package.
specs=() displays=()
for k in "${kernels[@]}"; do
	if [ -e "$k" ] || [[ $k == */* ]]; then
		[ -e "$k" ] || die2 "no kernel image at '$k'"
		img=$("$here/check-image.sh" "$k" "$work/images") || exit 2
		specs+=("path:$(readlink -f "$img")")
		displays+=("$(basename "$k")")
	elif [[ $k == config:* ]]; then
		"$here/build-kernel.sh" --resolve-only "${k#config:}" >/dev/null || exit 2
		specs+=("config:${k#config:}")
		displays+=("$k")
	else
		"$here/fetch-kernel.sh" --resolve-only "$k" >/dev/null || exit 2
		specs+=("debian:$k")
		displays+=("$k")
	fi
done

# --- progress: one line per kernel -----------------------------------------

matrix_start=$SECONDS
rows=("${displays[@]}")
[ $native = 0 ] || rows+=("$(uname -r) (native)")
mkdir -p "$work/progress"
for i in "${!rows[@]}"; do
	echo "$SECONDS waiting" >"$work/progress/$i"
done

# progress ROW STATE...: record a row's state; without a terminal, say it.
progress() {
	local row=$1
	shift
	local since
	read -r since _ <"$work/progress/$row"
	case $1 in downloading | booting) since=$SECONDS ;; esac
	echo "$since $*" >"$work/progress/$row"
	if [ ! -t 2 ]; then
		printf '  MATRIX  [%4ds] %-28s %s\n' $((SECONDS - matrix_start)) "${rows[$row]}" "$*" >&2
	fi
}

render() {
	local i since state first=1
	while :; do
		[ $first = 1 ] || printf '\033[%dA' "${#rows[@]}" >&2
		first=0
		for i in "${!rows[@]}"; do
			read -r since state <"$work/progress/$i"
			case $state in
			waiting*) printf '\033[K  %-30s %s\n' "${rows[$i]}" "$state" >&2 ;;
			*) printf '\033[K  %-30s %-50s %4ds\n' "${rows[$i]}" "${state:0:50}" \
				$((SECONDS - since)) >&2 ;;
			esac
		done
		[ ! -e "$work/progress.stop" ] || break
		sleep 0.5
	done
}
if [ -t 2 ]; then
	render &
	renderer=$!
fi

# --- kernels: fetch, probe, boot ---------------------------------------------

images=() packages=()
for i in "${!specs[@]}"; do
	spec=${specs[$i]}
	case $spec in
	path:*)
		images+=("${spec#path:}")
		packages+=("")
		progress "$i" "waiting (image $(basename "${spec#path:}"))"
		;;
	debian:* | config:*)
		if [[ $spec == debian:* ]]; then
			progress "$i" downloading
			vmlinuz=$("$here/fetch-kernel.sh" "${spec#debian:}" 2>"$work/fetch.$i.log")
		else
			progress "$i" "building (once, cached)"
			vmlinuz=$("$here/build-kernel.sh" "${spec#config:}" 2>"$work/fetch.$i.log")
		fi || {
			cat "$work/fetch.$i.log" >&2
			exit 1
		}
		dir=$(dirname "$vmlinuz")
		rel=${vmlinuz##*/vmlinuz-}
		# The uncompressed ELF boots without the decompressor (much faster
		# under TCG); the bzImage when the kernel has no PVH entry point.
		if [ -r "$dir/vmlinux-$rel" ]; then
			images+=("$dir/vmlinux-$rel")
		else
			images+=("$vmlinuz")
		fi
		packages+=("$(cat "$dir/PACKAGE" 2>/dev/null || true)")
		rows[$i]="$rel"
		progress "$i" "waiting (cached: $(cat "$dir/PACKAGE"))"
		;;
	esac
done

# The static runner, tests and bench the guests run: built (or brought up to
# date) from the source tree the command belongs to.
tree=$(cd "$here/../.." && pwd)
if [ -f "$tree/Makefile" ] && [ -d "$tree/tests" ] && command -v make >/dev/null; then
	# One make at a time in a tree (two matrices started together).
	mkdir -p "$build"
	if ! flock "$build/.matrix-make.lock" nice -n 10 make -C "$tree" --no-print-directory \
		BUILD="$build" static >"$work/make-static.log" 2>&1; then
		tail -n 15 "$work/make-static.log" >&2
		echo "nsapi matrix: building the guests' static binaries failed (make static)" >&2
		exit 1
	fi
fi
initramfs=$build/matrix/initramfs.cpio.gz
# Under the same lock: two matrices started together build it once.
if ! flock "$build/.matrix-make.lock" bash -c '
	[ -e "$3" ] && [ -z "$(find "$1/static" "$2/guest-init.sh" "$2/build-initramfs.sh" \
		-type f -newer "$3" -print -quit)" ] || "$2/build-initramfs.sh" "$1/static" "$3"' \
	- "$build" "$here" "$initramfs"; then
	exit 2
fi
[ -x "$build/static/nsapi-test" ] ||
	echo "nsapi matrix: $build/static/nsapi-test is not built: the guests will run no suite" >&2

# Without usable KVM the guests run under icount: TCG whose clock counts
# instructions, so their timings repeat to a fraction of a percent.
if [ "$accel" = auto ]; then
	accel=$("$here/probe-kvm.sh" "${images[0]}" "$initramfs")
	[ "$accel" = kvm ] || accel=icount
fi

# A guest under icount executes fewer instructions per host second (a 6.12
# boot: 60-80 s, the quick bench 3-4 min on a loaded 2-CPU VM).
[ -n "$timeout" ] || { [ "$accel" = icount ] && timeout=1800 || timeout=300; }

guest_append="nsapi.timeout=$test_timeout nsapi.suite=$suite nsapi.bench=$bench"
[ -z "$tests" ] || guest_append+=" nsapi.tests=$tests"
[ -z "$benches" ] || guest_append+=" nsapi.benches=$benches"
# Under icount the figures repeat, so the guests' bench takes fewer samples:
# 10 ms per benchmark, 2 repetitions.  conc/pid is left out there: no pid
# cycle completes in its 2 s under icount (nor at 2 processes under TCG),
# and each failure costs the guest those 2 s.
if [ "$accel" = icount ]; then
	[ -n "$budget" ] || budget=10
	[ -n "$reps" ] || reps=2
	[ -n "$benches" ] || guest_append+=" nsapi.benches=floor/*,unshare/*,teardown/*,setns/*,clone/*,fork_unshare/*,nsfs/*,mount_sweep/*,conc/cgroup/*,conc/ipc/*,conc/mnt/*,conc/net/*,conc/time/*,conc/user/*,conc/uts/*"
fi
[ -z "$budget" ] || guest_append+=" nsapi.budget=$budget"
[ -z "$reps" ] || guest_append+=" nsapi.reps=$reps"
[ -z "$append" ] || guest_append+=" $append"

# The running kernel's suite runs beside the guests (it needs little CPU);
# its bench runs after them, on a quiet machine.
native_pid=
if [ $native = 1 ]; then
	native_row=$((${#rows[@]} - 1))
	progress "$native_row" "running (suite)"
	native_args=(--build "$build" --out-root "$results/matrix" --timeout "$test_timeout")
	[ -z "$tests" ] || native_args+=(--tests "$tests")
	"$here/run-native.sh" "${native_args[@]}" --no-bench >"$work/run.$native_row" \
		2>"$work/native.log" &
	native_pid=$!
fi

guest() { # ROW
	local i=$1 w=$work/guest.$i run_dir state
	progress "$i" booting
	"$here/run-guest.sh" --image "${images[$i]}" --name "${displays[$i]}" \
		--accel "$accel" --out-root "$results/matrix" --work "$w" \
		--timeout "$timeout" --append "$guest_append" --package "${packages[$i]}" \
		--initramfs "$initramfs" >"$work/run.$i" 2>"$work/guest.$i.log" &
	local pid=$! shown=booting
	while kill -0 $pid 2>/dev/null; do
		state=$shown
		# The guest's last step line says what it is doing.
		case $(grep -a -o 'nsapi-guest: \(bench\|suite [a-z]*\|[^ ]* up\)' "$w/console.log" \
			2>/dev/null | tail -n 1) in
		*bench) state="running (bench)" ;;
		*"suite nobody") state="running (suite as nobody)" ;;
		*"suite root") state="running (suite as root)" ;;
		*up) state="running (started)" ;;
		esac
		if [ "$state" != "$shown" ]; then
			progress "$i" "$state"
			shown=$state
		fi
		sleep 0.5
	done
	if ! wait $pid; then
		# The kernel still gets its row, as an error.
		progress "$i" "done: error (see below)"
		cat "$work/guest.$i.log" >&2
		run_dir=$results/matrix/${displays[$i]}-$accel
		mkdir -p "$run_dir"
		tail -n 5 "$work/guest.$i.log" | jq -R . | jq -s --arg name "${displays[$i]}" \
			--arg lbl "$accel" '{schema: "nsapi-matrix-run/1", name: $name, release: null,
			"label": $lbl, result: "error", reason: "run-guest.sh failed",
			elapsed_sec: null, suite_exit: {root: null, nobody: null}, console_tail: .}' \
			>"$run_dir/run.json"
		echo "$run_dir" >"$work/run.$i"
		return 0
	fi
	run_dir=$(cat "$work/run.$i")
	progress "$i" "done: $(jq -r '.result | ascii_upcase' "$run_dir/run.json" |
		sed 's/^OK$/ok/') in $(jq -r .elapsed_sec "$run_dir/run.json") s"
}

guest_pids=()
running() {
	local n=0 p
	for p in "${guest_pids[@]}"; do
		! kill -0 "$p" 2>/dev/null || n=$((n + 1))
	done
	echo $n
}
for i in "${!images[@]}"; do
	while [ "$(running)" -ge "$jobs" ]; do
		sleep 0.5
	done
	guest "$i" &
	guest_pids+=($!)
done
for p in "${guest_pids[@]}"; do
	wait "$p" || true
done
if [ -n "$native_pid" ]; then
	if ! wait "$native_pid"; then
		progress "$native_row" "done: the native run failed"
		cat "$work/native.log" >&2
		rm -f "$work/run.$native_row"
	else
		if [ $bench = 1 ]; then
			progress "$native_row" "running (bench)"
			"$here/run-native.sh" --build "$build" --out-root "$results/matrix" --bench-only \
				>/dev/null 2>>"$work/native.log" || cat "$work/native.log" >&2
		fi
		progress "$native_row" "done: $(jq -r '.result' "$(cat "$work/run.$native_row")/run.json")"
	fi
fi

if [ -n "$renderer" ]; then
	touch "$work/progress.stop"
	wait "$renderer" 2>/dev/null || true
	renderer=
fi
wall=$((SECONDS - matrix_start))
echo "  MATRIX  $((${#rows[@]})) kernels in ${wall} s ($accel)" >&2

# --- report ------------------------------------------------------------------

run_dirs=()
for i in "${!rows[@]}"; do
	[ -s "$work/run.$i" ] && run_dirs+=("$(cat "$work/run.$i")")
done
# The matrix composes: the kernels of earlier runs keep their directories
# and rows (this run replaced its own kernels' directories); --prune drops
# every kernel not in this run.
report_args=(--results "$results" --wall "$wall" --accel "$accel"
	--others "$([ $prune = 1 ] && echo prune || echo keep)")
[ $report = 1 ] || report_args+=(--ktap-only)
# Not exec: the EXIT trap must still remove $work.
rc=0
"$here/report.sh" "${report_args[@]}" "${run_dirs[@]}" || rc=$?
exit $rc

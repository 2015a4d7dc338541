#!/bin/bash
# The tracer's cost per traced call, beside bpftrace's on the same workload.
# Each workload of trace-overhead is timed without any tracer ("off"), with
# nsapi trace attached but filtering the calls out (-p 1: the tracepoints
# and the filter, "filtered"), with it tracing them one event per call
# (--json to /dev/null, "json") and aggregating them in the kernel
# (--hist, "hist"), and, when bpftrace is installed, with bpftrace's
# printf() per call ("bt-printf") and its in-kernel hist() ("bt-hist") on
# the same four syscalls, filtered by the same comm.  All are interleaved
# PAIRS times, so that a drift of the machine hits them alike; each column
# is the median over the repetitions of the per-repetition difference
# mode - off, in ns per call, with its range.  getppid, never traced, shows
# what the attached programs cost every other system call.  Extra
# arguments go to nsapi trace (e.g. --attach perf).  bpftrace runs in a
# mount namespace of its own where tracefs is mounted (the host's mount
# table is unchanged); without bpftrace its columns say "absent".
# -c: CPU time of the calling thread instead of wall time (a shared machine).
#   harness/trace/overhead.sh [-c] [BUILD] [CALLS] [PAIRS] [TRACER_ARG...]
set -euo pipefail

cpu=1 clock=0
if [ "${1:-}" = -c ]; then
	clock=$cpu
	shift
fi
build=${1:-build}
calls=${2:-50000}
pairs=${3:-7}
shift $(($# < 3 ? $# : 3))
extra=("$@")
tracer=$build/nsapi-trace
work=$build/trace/trace-overhead
comm=nsapi-overhead

rc=0
mode=$("$tracer" --check "${extra[@]}") || rc=$?
[ $rc = 0 ] || exit $rc # 2: bad extra arguments, 4: cannot trace here
bpftrace=$(command -v bpftrace || true)
dir=$(mktemp -d)
tracer_pid=
# Whatever stops the script, no tracer stays attached.
cleanup() {
	[ -z "$tracer_pid" ] || kill -INT "$tracer_pid" 2>/dev/null || true
	[ -z "$tracer_pid" ] || wait "$tracer_pid" 2>/dev/null || true
	rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
mkfifo "$dir/fifo"

# nsapi trace with extra arguments, once it is attached.
start_nsapi() {
	"$tracer" --ready-fd 3 "${extra[@]}" "$@" 3>"$dir/fifo" >/dev/null \
		2>"$dir/nsapi.err" &
	tracer_pid=$!
	head -c1 "$dir/fifo" >/dev/null
	kill -0 "$tracer_pid" 2>/dev/null || {
		echo "overhead.sh: nsapi trace $*:" >&2
		cat "$dir/nsapi.err" >&2
		exit 1
	}
}

enters="tracepoint:syscalls:sys_enter_unshare,tracepoint:syscalls:sys_enter_setns,tracepoint:syscalls:sys_enter_clone,tracepoint:syscalls:sys_enter_clone3"
exits="tracepoint:syscalls:sys_exit_unshare,tracepoint:syscalls:sys_exit_setns,tracepoint:syscalls:sys_exit_clone,tracepoint:syscalls:sys_exit_clone3"
# bpftrace's two ways: a line per call, or a histogram kept in the kernel.
bt_script() {
	local action
	if [ "$1" = printf ]; then
		action='printf("%d %d %s %d %d\n", pid, tid, probe, args->ret, nsecs - @start[tid]);'
	else
		action='@ns[probe] = hist(nsecs - @start[tid]);'
	fi
	printf '%s\n' "BEGIN { printf(\"ready\\n\"); }" \
		"$enters /comm == \"$comm\"/ { @start[tid] = nsecs; }" \
		"$exits /@start[tid]/ { $action delete(@start[tid]); }"
}

# bpftrace, in a private mount namespace with tracefs; once BEGIN ran
# (after every probe is attached).
start_bpftrace() {
	bt_script "$1" >"$dir/bt.$1"
	: >"$dir/bt.out"
	unshare -m --propagation private sh -c \
		'mount -t tracefs tracefs /sys/kernel/tracing && exec "$0" "$1"' \
		"$bpftrace" "$dir/bt.$1" >"$dir/bt.out" 2>"$dir/bt.err" &
	tracer_pid=$!
	for _ in $(seq 300); do
		grep -q '^ready' "$dir/bt.out" && return 0
		kill -0 "$tracer_pid" 2>/dev/null || break
		sleep 0.1
	done
	echo "overhead.sh: bpftrace did not start:" >&2
	cat "$dir/bt.err" >&2
	exit 1
}

stop_tracer() {
	kill -INT "$tracer_pid"
	wait "$tracer_pid" || true
	tracer_pid=
}

# ns per call: the median of 3 rounds of CALLS calls, wall time or (-c)
# the thread's CPU time, which on a loaded machine leaves out the waits
# for a CPU (the tracer's programs run in the caller's context: counted).
measure() {
	"$work" "$1" "$calls" 3 | awk -v f=$((clock == cpu ? 3 : 2)) '{print $f}'
}

median() {
	sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# "+median (min..max)" of a file of differences.
cell() {
	printf '%+.0f (%.0f..%.0f)' "$(median <"$1")" \
		"$(sort -g "$1" | head -1)" "$(sort -g "$1" | tail -1)"
}

modes="filtered json hist"
[ -z "$bpftrace" ] || modes="$modes bt-printf bt-hist"

# One measurement of workload $1 under mode $2, as ns per call.
run_mode() {
	case $2 in
	filtered) start_nsapi --json -p 1 ;;
	json) start_nsapi --json -c $comm ;;
	hist) start_nsapi --hist -c $comm ;;
	bt-printf) start_bpftrace printf ;;
	bt-hist) start_bpftrace hist ;;
	esac
	measure "$1"
	stop_tracer
}

echo "# ${mode#nsapi trace: }; $pairs repetitions of $calls calls x 3 rounds;" \
	"$([ $clock = $cpu ] && echo "thread CPU time" || echo "wall time");" \
	"ns added per call over off: median (range)"
if [ -n "$bpftrace" ]; then
	echo "# bpftrace: $("$bpftrace" --version) (tracepoints syscalls/sys_{enter,exit}_*)"
else
	echo "# bpftrace: absent (not installed; its columns say so)"
fi
printf '| %-13s | %7s | %-18s | %-18s | %-18s | %-20s | %-20s |\n' workload off_ns \
	"nsapi filtered" "nsapi --json" "nsapi --hist" "bpftrace printf" "bpftrace hist()"
printf '|%s|\n' "---------------|---------|--------------------|--------------------|--------------------|----------------------|----------------------"
for w in setns-einval unshare-uts getppid; do
	: >"$dir/off"
	for m in $modes; do : >"$dir/$m"; done
	for _ in $(seq "$pairs"); do
		off=$(measure "$w")
		echo "$off" >>"$dir/off"
		for m in $modes; do
			t=$(run_mode "$w" "$m")
			awk "BEGIN { print $t - $off }" >>"$dir/$m"
		done
	done
	row=()
	for m in filtered json hist bt-printf bt-hist; do
		if [ -s "$dir/$m" ]; then
			row+=("$(cell "$dir/$m")")
		else
			row+=("absent")
		fi
	done
	printf '| %-13s | %7.0f | %-18s | %-18s | %-18s | %-20s | %-20s |\n' "$w" \
		"$(median <"$dir/off")" "${row[@]}"
done

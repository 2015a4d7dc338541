#!/bin/bash
# The tracer's cost per traced call.  Each workload of trace-overhead is
# timed without the tracer ("off"), with it attached but filtering the calls
# out (-p 1: the tracepoints and the filter, "filtered"), and with it
# tracing them (--json to /dev/null: entry, exit, ring buffer, user-space
# formatting, "traced").  The three are interleaved PAIRS times, so that a
# drift of the machine hits all three alike; the figures are the medians
# over the repetitions, and "added" is the median of the per-repetition
# differences traced - off, with their range.  getppid, never traced, shows
# what the attached programs cost every other system call.  Extra arguments
# go to the tracer (e.g. --attach perf).
#   harness/trace/overhead.sh [BUILD] [CALLS] [PAIRS] [TRACER_ARG...]
set -euo pipefail

build=${1:-build}
calls=${2:-50000}
pairs=${3:-7}
shift $(($# < 3 ? $# : 3))
extra=("$@")
tracer=$build/nsapi-trace
work=$build/trace/trace-overhead

rc=0
mode=$("$tracer" --check "${extra[@]}") || rc=$?
[ $rc = 0 ] || exit $rc # 2: bad extra arguments, 4: cannot trace here
ready=$(mktemp -d)
tracer_pid=
# Whatever stops the script, no tracer stays attached.
cleanup() {
	[ -z "$tracer_pid" ] || kill -INT "$tracer_pid" 2>/dev/null || true
	rm -rf "$ready"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
mkfifo "$ready/fifo"

# Start the tracer with extra arguments, wait until it is attached.
start_tracer() {
	"$tracer" --json --ready-fd 3 "${extra[@]}" "$@" 3>"$ready/fifo" >/dev/null &
	tracer_pid=$!
	head -c1 "$ready/fifo" >/dev/null
}

stop_tracer() {
	kill -INT "$tracer_pid"
	wait "$tracer_pid"
	tracer_pid=
}

# ns per call: the median of 3 rounds of CALLS calls.
measure() {
	"$work" "$1" "$calls" 3 | awk '{print $2}'
}

median() {
	sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

echo "# ${mode#nsapi trace: }; $pairs repetitions of $calls calls x 3 rounds"
printf '%-14s %9s %11s %9s %9s %19s\n' workload off_ns filtered_ns traced_ns \
	added_ns "added range"
for w in setns-einval unshare-uts getppid; do
	: >"$ready/off" && : >"$ready/filtered" && : >"$ready/traced" && : >"$ready/added"
	for _ in $(seq "$pairs"); do
		off=$(measure "$w")
		start_tracer -p 1
		filtered=$(measure "$w")
		stop_tracer
		start_tracer -c nsapi-overhead
		traced=$(measure "$w")
		stop_tracer
		echo "$off" >>"$ready/off"
		echo "$filtered" >>"$ready/filtered"
		echo "$traced" >>"$ready/traced"
		awk "BEGIN { print $traced - $off }" >>"$ready/added"
	done
	printf '%-14s %9.1f %11.1f %9.1f %9.1f %9.1f..%-9.1f\n' "$w" \
		"$(median <"$ready/off")" "$(median <"$ready/filtered")" \
		"$(median <"$ready/traced")" "$(median <"$ready/added")" \
		"$(sort -g "$ready/added" | head -1)" "$(sort -g "$ready/added" | tail -1)"
done

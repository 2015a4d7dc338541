#!/bin/bash
# The tracer's cost per traced call: each workload of trace-overhead timed
# without the tracer, with it attached but filtering the calls out (-p of
# another process: the tracepoint and the filter), and with it tracing them
# (--json to /dev/null: entry, exit, ring buffer, user-space formatting).
#   harness/trace/overhead.sh [BUILD] [CALLS] [ROUNDS]
set -euo pipefail

build=${1:-build}
calls=${2:-200000}
rounds=${3:-11}
tracer=$build/nsapi-trace
work=$build/trace/trace-overhead

if ! "$tracer" --check; then
	exit 4
fi

# Start the tracer with extra arguments, wait until it is attached.
start_tracer() {
	local ready
	ready=$(mktemp -u)
	mkfifo "$ready"
	"$tracer" --json --ready-fd 3 "$@" 3>"$ready" >/dev/null &
	tracer_pid=$!
	head -c1 "$ready" >/dev/null
	rm -f "$ready"
}

stop_tracer() {
	kill -INT "$tracer_pid"
	wait "$tracer_pid"
}

measure() {
	"$work" "$1" "$calls" "$rounds" | awk '{print $2}'
}

printf '%-14s %12s %12s %12s %12s\n' workload off_ns filtered_ns \
	traced_ns added_ns
for w in setns-einval unshare-uts; do
	off=$(measure "$w")
	start_tracer -p 1
	filtered=$(measure "$w")
	stop_tracer
	start_tracer -c nsapi-overhead
	traced=$(measure "$w")
	stop_tracer
	printf '%-14s %12.1f %12.1f %12.1f %12.1f\n' "$w" "$off" "$filtered" \
		"$traced" "$(awk "BEGIN { print $traced - $off }")"
done

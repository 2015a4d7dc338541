#!/bin/bash
# stress-tests.sh: find flaky tests and tests that leave processes behind.
#
#   harness/stress-tests.sh [-n RUNS] [-t SECONDS] [-l] [-m MODES] [PATTERN...]
#
# Runs each test program of $BUILD/tests (default build; those whose name
# matches a PATTERN, a shell glob, when given) RUNS times (default 20) in
# each mode of MODES (default "root root-pipe nobody nobody-pipe"):
#   root         the program as is, output to a file
#   root-pipe    "prog | cat": a leftover process holding stdout hangs it
#   nobody       as uid/gid 65534 (setpriv --reuid=65534 --regid=65534
#                --clear-groups), output to a file
#   nobody-pipe  both (the pipeline's status is the program's: pipefail)
#   root-kill    "prog | cat", and after 0-90 ms one of its processes (any,
#   nobody-kill  the main one too) gets SIGKILL: failures are expected, but
#                the rest must end on their own and leave nothing behind
# Each run is bounded by `timeout` (-t, default 120 s, the whole pipeline).
# -l adds a CPU-burning load (one busy loop per CPU) for the whole stress.
#
# Every run carries a unique NSAPI_STRESS_TAG in its environment, which
# fork() and clone() pass on: a process still carrying it after the run has
# ended was left behind by the test (others' jobs on the machine are not
# counted).  Such processes are reported, then killed by pid.
#
# Per program and mode it prints passes, failures, hangs (timeouts) and
# runs that left processes, and the first failing log of each; the logs stay
# in $BUILD/stress/PID/.  Exit status 0 when everything passed cleanly, else 1.
# Run as root.
set -uo pipefail

build=${BUILD:-build}
runs=20
limit=120
load=0
modes="root root-pipe nobody nobody-pipe"
while getopts "n:t:lm:h" opt; do
	case $opt in
	n) runs=$OPTARG ;;
	t) limit=$OPTARG ;;
	l) load=1 ;;
	m) modes=$OPTARG ;;
	*) sed -n '2,/^set /{/^set /d;s/^# \{0,1\}//p}' "$0"; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[[ $runs =~ ^[1-9][0-9]*$ && $limit =~ ^[1-9][0-9]*$ ]] || {
	echo "stress-tests.sh: -n and -t take positive integers" >&2
	exit 2
}
[ "$(id -u)" -eq 0 ] || { echo "stress-tests.sh: run as root" >&2; exit 2; }

out=$build/stress/$$
mkdir -p "$out"
burners=()
cleanup() {
	for pid in "${burners[@]}"; do kill "$pid" 2>/dev/null; done
}
trap cleanup EXIT
if [ "$load" -eq 1 ]; then
	for _ in $(seq "$(nproc)"); do
		(while :; do :; done) &
		burners+=($!)
	done
fi

# Pids of the processes whose environment holds this tag.
tagged() {
	grep -lszFx -- "NSAPI_STRESS_TAG=$1" /proc/[0-9]*/environ |
		cut -d/ -f3
}

run_once() { # prog mode tag log
	local prog=$1 mode=$2 tag=$3 log=$4 cmd piped victim rc
	cmd=(env "NSAPI_STRESS_TAG=$tag")
	case $mode in nobody*)
		cmd+=(setpriv --reuid=65534 --regid=65534 --clear-groups) ;;
	esac
	cmd+=("$prog")
	piped=(bash -c 'set -o pipefail; "$@" 2>&1 | cat' -)
	case $mode in
	*-kill)
		timeout -k 5 "$limit" "${piped[@]}" "${cmd[@]}" >"$log" 2>&1 &
		sleep "0.0$((RANDOM % 10))"
		victim=$(tagged "$tag" | shuf -n 1)
		[ -z "$victim" ] || kill -KILL "$victim" 2>/dev/null
		wait $!
		rc=$?
		echo "# stress: SIGKILL to ${victim:-nothing}" >>"$log"
		return $rc ;;
	*-pipe) timeout -k 5 "$limit" "${piped[@]}" "${cmd[@]}" >"$log" 2>&1 ;;
	*) timeout -k 5 "$limit" "${cmd[@]}" >"$log" 2>&1 ;;
	esac
}

status=0
if [ $# -eq 0 ]; then set -- '*'; fi
for path in "$build"/tests/*; do
	name=$(basename "$path")
	[ -x "$path" ] && [ "$name" != LIST ] || continue
	match=0
	for pat in "$@"; do [[ $name == $pat ]] && match=1; done
	[ $match -eq 1 ] || continue
	for mode in $modes; do
		pass=0 fail=0 hang=0 left=0 first=
		for i in $(seq "$runs"); do
			tag=$name.$mode.$i.$$.$RANDOM
			log=$out/$name.$mode.$i.log
			rc=0
			run_once "$(realpath "$path")" "$mode" "$tag" "$log" || rc=$?
			# Children that are still exiting get a second to go.
			pids=$(tagged "$tag")
			[ -z "$pids" ] || { sleep 1; pids=$(tagged "$tag"); }
			pids=$(echo $pids)
			if [ -n "$pids" ]; then
				left=$((left + 1))
				{
					echo "# left behind:"
					ps -o pid,ppid,stat,wchan:20,args -p "${pids// /,}"
				} >>"$log" 2>&1
				kill -KILL $pids 2>/dev/null
			fi
			if [ "$rc" -eq 124 ] ||
				[[ $rc -eq 137 && $mode != *-kill ]]; then
				hang=$((hang + 1))
			elif [ "$rc" -ne 0 ] && [ "$rc" -ne 4 ]; then
				fail=$((fail + 1))
				[[ $mode == *-kill ]] && rc=0 # expected
			else
				pass=$((pass + 1))
			fi
			if [ "$rc" -ne 0 ] && [ "$rc" -ne 4 ] || [ -n "$pids" ]; then
				[ -n "$first" ] || first=$log
			else
				rm -f "$log"
			fi
		done
		printf '%-55s %-11s pass %3d fail %3d hang %3d left-behind %3d\n' \
			"$name" "$mode" "$pass" "$fail" "$hang" "$left"
		if [ -n "$first" ]; then
			status=1
			echo "  first bad run: $first"
			grep -E '^(not ok|# .*(Expected|FAIL|left)|#.*:[0-9]+:)' \
				"$first" | head -n 8 | sed 's/^/    /'
		fi
	done
done
exit $status

#!/bin/bash
# make check-bench-power: a small power check.  Three interleaved A/B runs
# (quick) of the setns and nsfs benchmarks with +800 ns injected per setns()
# call: every setns/* benchmark whose median is under 10 us must be judged
# slower in at least 2 of the 3, and the nsfs benchmarks that do not call
# setns() (open, fstat, readlink, ioctl_nstype) must get no verdict in any;
# the delay measured in the kernel must be within 15% of the one asked for.
# Bad --inject/--ab/--sysctl/power arguments exit 2 with one line.  Where
# the injection cannot run (no nsapi-inject, not root, no BPF) it is skipped
# with the reason.
set -uo pipefail
build=${1:-build}
tmp=$(mktemp -d /tmp/nsapi-power.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fails=0
DELAY=800 TRIES=3 NEED=2

fail() {
	echo "check-bench-power: $*" >&2
	fails=$((fails + 1))
}

expect_usage_error() { # DESCRIPTION CMD...
	local what=$1 rc lines
	shift
	"$@" >/dev/null 2>"$tmp/err"
	rc=$?
	lines=$(wc -l <"$tmp/err")
	[ $rc -eq 2 ] && [ "$lines" -eq 1 ] ||
		fail "$what: exit $rc, $lines stderr lines (want 2 and 1)"
}

B=$build/nsapi-bench
expect_usage_error "bench: --inject without NS" "$B" --inject setns floor/getppid
expect_usage_error "bench: --inject negative NS" "$B" --inject setns:-5 floor/getppid
expect_usage_error "bench: --inject bad syscall name" "$B" --inject 'set/ns:10' floor/getppid
expect_usage_error "bench: --ab without a condition" "$B" --ab floor/getppid
expect_usage_error "bench: --ab with both conditions" "$B" --ab --inject setns:1 --sysctl kernel.x=1 floor/getppid
expect_usage_error "bench: --sysctl outside /proc/sys" "$B" --ab --sysctl ../../etc/passwd=1 floor/getppid
expect_usage_error "bench: --sysctl without --ab" "$B" --sysctl kernel.hostname=x floor/getppid
expect_usage_error "power: bad tries" "$build/nsapi-power" --tries 0
expect_usage_error "power: bad delay" "$build/nsapi-power" --delays "10 x"

if [ "$(id -u)" = 0 ]; then
	out=$(setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$B" --no-write --inject setns:100 floor/getppid 2>"$tmp/err")
	rc=$?
	[ $rc -eq 4 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] ||
		fail "bench --inject as uid 65534: exit $rc (want 4 and one line): $(head -n2 "$tmp/err")"
fi

"$build/nsapi-power" --quick --keep --delays $DELAY --tries $TRIES \
	--out "$tmp/p" 'setns/*' 'nsfs/*' >"$tmp/power.txt" 2>"$tmp/power.err"
rc=$?
if [ $rc -eq 4 ]; then
	echo "  SKIP    power check: $(sed 's/^nsapi-power: //' "$tmp/power.err" | head -n1)"
	[ $fails -eq 0 ]
	exit
fi
[ $rc -eq 0 ] || { cat "$tmp/power.err" >&2; fail "nsapi-power exited $rc"; exit 1; }

# tries.tsv: delay try benchmark a_p50 b_p50 ratio lo hi p verdict ...
awk -F'\t' -v need=$NEED -v tries=$TRIES '
NR == 1 { next }
$3 ~ /^setns\// && $4 < 10000 { slow[$3] += ($10 == "slower"); seen[$3] = 1 }
$3 ~ /^nsfs\/(open|fstat|readlink|ioctl_nstype)$/ && $10 != "same" {
	printf "check-bench-power: %s judged %s (try %d, ratio %s)\n", $3, $10, $2, $6 > "/dev/stderr"; bad++ }
END {
	for (b in seen) {
		printf "  POWER   %-16s slower in %d/%d\n", b, slow[b], tries
		if (slow[b] < need) {
			printf "check-bench-power: %s slower in %d of %d tries (want >= %d)\n", b, slow[b], tries, need > "/dev/stderr"; bad++ }
	}
	exit bad > 0
}' "$tmp/p/tries.tsv" || fails=$((fails + 1))

# The delay really injected: the kernel-timed spin per call, B minus A.
measured=$(python3 - "$tmp"/p/runs.*/d$DELAY-t1/*/ <<'PY'
import json, sys
d = sys.argv[1]
ns = [json.load(open(d + arm + "/bench.json"))["context"]["inject"]["measured_ns_per_call"] for arm in "ab"]
print("%.0f" % (ns[1] - ns[0]))
PY
)
if [ -z "$measured" ] || [ $((measured * 100)) -lt $((DELAY * 85)) ] ||
	[ $((measured * 100)) -gt $((DELAY * 115)) ]; then
	fail "injected delay measured in the kernel: '$measured' ns per call, asked for $DELAY"
fi
[ $fails -eq 0 ] || exit 1
echo "  POWER   +$DELAY ns per setns() (measured +$measured ns): setns/* slower in >= $NEED/$TRIES interleaved runs, nsfs/* without setns never judged; bad inputs exit 2"

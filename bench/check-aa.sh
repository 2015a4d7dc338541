#!/bin/bash
# make check-bench-aa: the quick bench twice, then nsapi compare on the pair.
# A/A: the same code on the same kernel, so no benchmark may be judged
# "slower" or "faster"; prints the A/A spread (median and worst |ratio-1|).
#
# Two runs of one kernel differ by more than one run's CI says: some costs
# move between invocations (teardown/mnt gave 31 to 45 us in six quick runs
# of that benchmark alone on the 2-core VM, each run's own CI about +-5%).
# So the A/A check judges with a 20% threshold (compare's default is 10%),
# and a verdict in the first pair is checked on a second, fresh pair: a bias
# of the harness shows in every pair and fails the check; a one-off
# disturbance of the machine during one run does not repeat.  Both pairs'
# verdicts are printed.
AA_THRESHOLD=20
set -euo pipefail
build=${1:-build}
tmp=$(mktemp -d /tmp/nsapi-aa.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

quick_run() { # NAME
	local start ms
	start=$(date +%s%N)
	if ! "$build/nsapi-bench" --quick --results "$tmp/$1" >"$tmp/$1.txt" 2>&1; then
		tail -n 5 "$tmp/$1.txt" >&2
		echo "check-bench-aa: nsapi-bench --quick (run $1) failed" >&2
		exit 1
	fi
	ms=$((($(date +%s%N) - start) / 1000000))
	printf '  AA      quick run %s: %d.%d s\n' "$1" $((ms / 1000)) $((ms % 1000 / 100))
}

# Compare runs A and B; print the verdicts; list the flagged benchmarks.
compare_pair() { # A B
	"$build/nsapi-compare" --threshold "$AA_THRESHOLD" "$tmp/$1" "$tmp/$2" >"$tmp/$1$2.txt"
	echo "  AA      $1/$2 $(grep '^verdicts:' "$tmp/$1$2.txt")"
	echo "  AA      $1/$2 $(grep '^spread:' "$tmp/$1$2.txt")"
	grep -E ' (slower|faster)$' "$tmp/$1$2.txt" | awk '{ print $1 }' | sort >"$tmp/$1$2.flagged" || true
}

quick_run a
quick_run b
compare_pair a b
if [ ! -s "$tmp/ab.flagged" ]; then
	exit 0
fi
grep -E ' (slower|faster)$' "$tmp/ab.txt" | sed 's/^/  AA      a\/b: /'
echo "  AA      a verdict in the first pair: checking it on a fresh pair"
quick_run c
quick_run d
compare_pair c d
both=$(comm -12 "$tmp/ab.flagged" "$tmp/cd.flagged")
if [ -n "$both" ]; then
	grep -E ' (slower|faster)$' "$tmp/cd.txt" | sed 's/^/  AA      c\/d: /'
	echo "check-bench-aa: judged slower or faster in both A/A pairs: $both" >&2
	exit 1
fi
echo "  AA      not repeated in the second pair: a disturbance of one run, not of the harness"

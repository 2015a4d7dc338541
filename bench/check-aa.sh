#!/bin/bash
# make check-bench-aa: the quick bench twice, then nsapi compare on the pair.
# A/A: the same code on the same kernel, so no benchmark may be judged
# "slower" or "faster"; prints the A/A spread (median and worst |ratio-1|).
set -euo pipefail
build=${1:-build}
tmp=$(mktemp -d /tmp/nsapi-aa.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

for run in a b; do
	start=$(date +%s%N)
	if ! "$build/nsapi-bench" --quick --results "$tmp/$run" >"$tmp/$run.txt" 2>&1; then
		tail -n 5 "$tmp/$run.txt" >&2
		echo "check-bench-aa: nsapi-bench --quick (run $run) failed" >&2
		exit 1
	fi
	ms=$((($(date +%s%N) - start) / 1000000))
	printf '  AA      quick run %s: %d.%d s\n' $run $((ms / 1000)) $((ms % 1000 / 100))
done
"$build/nsapi-compare" "$tmp/a" "$tmp/b" >"$tmp/compare.txt"
summary=$(grep '^verdicts:' "$tmp/compare.txt")
spread=$(grep '^spread:' "$tmp/compare.txt")
echo "  AA      $summary"
echo "  AA      $spread"
if ! [[ $summary =~ ^verdicts:\ [0-9]+\ same,\ 0\ slower,\ 0\ faster ]]; then
	grep -E ' (slower|faster)$' "$tmp/compare.txt" >&2
	echo "check-bench-aa: the A/A comparison judged a benchmark slower or faster" >&2
	exit 1
fi

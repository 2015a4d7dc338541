#!/bin/bash
# Writes a synthetically slowed copy of a bench.json: every sample, real_time
# and cpu_time multiplied by FACTOR (the "slowed-A" of the compare check).
#   bench/slowdown.sh IN(DIR or bench.json) OUT_DIR FACTOR
set -euo pipefail

if [ $# -ne 3 ]; then
	echo "usage: $0 IN(DIR or bench.json) OUT_DIR FACTOR" >&2
	exit 2
fi
in=$1 out=$2 factor=$3
[ -d "$in" ] && in=$in/bench.json
if ! [[ $factor =~ ^[0-9]+([.][0-9]+)?$ ]]; then
	echo "slowdown: FACTOR '$factor' is not a positive number" >&2
	exit 2
fi
mkdir -p "$out"
jq --argjson f "$factor" '
	.benchmarks |= map(
		.real_time *= (if .aggregate_unit == "percentage" then 1 else $f end)
		| .cpu_time *= (if .aggregate_unit == "percentage" then 1 else $f end)
		| if .samples_ns then .samples_ns |= map(. * $f) else . end)
	| .context.synthetic_slowdown = $f' "$in" >"$out/.bench.json.tmp"
mv "$out/.bench.json.tmp" "$out/bench.json"

#!/bin/bash
# The running kernel's row of the matrix: the suite as root and as nobody and
# the quick bench, natively, filed in OUT_ROOT/<release>-native/ in the same
# layout as run-guest.sh's (run.json says how it went; bench.json gzip'd,
# samples.tsv not kept: pack-bench.sh).
#
#   run-native.sh --build DIR --out-root DIR [--timeout SEC] [--no-bench]
#                 [--bench-only] [--tests P1,P2]
# --bench-only adds the quick bench to the run directory of an earlier
# --no-bench run: the matrix runs the suite beside the guests and the bench
# alone, after them.  Prints the run directory.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
usage() {
	echo "usage: run-native.sh --build DIR --out-root DIR [--timeout SEC] [--no-bench] [--tests P1,P2]" >&2
	exit 2
}
build= out_root= timeout=30 bench=1 suite=1 tests=
while [ $# -gt 0 ]; do
	case $1 in
	--no-bench | --bench-only)
		[ "$1" = --no-bench ] && bench=0 || suite=0
		shift
		continue
		;;
	esac
	[ $# -ge 2 ] || usage
	case $1 in
	--build) build=$2 ;;
	--out-root) out_root=$2 ;;
	--timeout) timeout=$2 ;;
	--tests) tests=$2 ;;
	*) usage ;;
	esac
	shift 2
done
[ -n "$build" ] && [ -n "$out_root" ] || usage
[ -x "$build/nsapi-test" ] || {
	echo "run-native: $build/nsapi-test is not built (run make)" >&2
	exit 2
}

release=$(uname -r)
run_dir=$out_root/$release-native
mkdir -p "$out_root"
if [ $suite = 0 ]; then
	[ -r "$run_dir/run.json" ] || {
		echo "run-native: --bench-only needs an earlier run in $run_dir" >&2
		exit 2
	}
	tmp=$(mktemp -d "$out_root/.native.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	start=$(date +%s.%N)
	"$build/nsapi-bench" --quick --results "$tmp" >"$run_dir/bench.txt" 2>"$tmp/stderr" || true
	for f in bench.json bench.tsv mount_sweep.tsv conc.tsv; do
		[ ! -e "$tmp/$release/$f" ] || mv "$tmp/$release/$f" "$run_dir/$f"
	done
	"$here/pack-bench.sh" pack "$run_dir"
	elapsed=$(awk -v a="$(date +%s.%N)" -v b="$start" 'BEGIN { printf "%.3f", a - b }')
	jq --arg e "$elapsed" '.elapsed_sec = ((.elapsed_sec + ($e | tonumber)) * 10 | round / 10)' \
		"$run_dir/run.json" >"$tmp/run.json"
	mv "$tmp/run.json" "$run_dir/run.json"
	echo "$run_dir"
	exit 0
fi
tmp=$(mktemp -d "$out_root/.native.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/$release"
# shellcheck disable=SC2086 # the patterns are a list
patterns=$(echo "$tests" | tr , ' ')

start=$(date +%s.%N)
root_rc=0 nobody_rc=null
# shellcheck disable=SC2086
"$build/nsapi-test" --results "$tmp" --label native --timeout "$timeout" \
	--junit "$tmp/$release/suite.junit.xml" $patterns >/dev/null 2>"$tmp/stderr" || root_rc=$?
if [ "$(id -u)" = 0 ]; then
	nobody_rc=0
	# shellcheck disable=SC2086
	"$build/nsapi-test" --results "$tmp" --label native --timeout "$timeout" --user nobody \
		--junit "$tmp/$release/suite-nobody.junit.xml" $patterns >/dev/null 2>>"$tmp/stderr" ||
		nobody_rc=$?
fi
if [ "$bench" = 1 ] && [ -x "$build/nsapi-bench" ]; then
	"$build/nsapi-bench" --quick --results "$tmp" >"$tmp/$release/bench.txt" 2>>"$tmp/stderr" || true
fi
elapsed=$(awk -v a="$(date +%s.%N)" -v b="$start" 'BEGIN { printf "%.3f", a - b }')

result=ok reason=
if [ ! -s "$tmp/$release/suite.json" ]; then
	result=error
	reason="nsapi-test wrote no suite.json (exit $root_rc): $(tail -n1 "$tmp/stderr")"
fi
rm -rf "$run_dir"
mv "$tmp/$release" "$run_dir"
"$here/pack-bench.sh" pack "$run_dir"
jq -n --arg release "$release" --arg result "$result" --arg reason "$reason" \
	--arg elapsed "$elapsed" --argjson root_rc "$root_rc" --argjson nobody_rc "$nobody_rc" '
	{
		schema: "nsapi-matrix-run/1", name: "native", image: null, package: null,
		release: $release, "label": "native", result: $result, reason: $reason,
		elapsed_sec: ($elapsed | tonumber * 10 | round / 10),
		suite_exit: { root: $root_rc, nobody: $nobody_rc }, console_tail: []
	}' >"$run_dir/run.json"
echo "$run_dir"

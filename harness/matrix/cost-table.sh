#!/bin/bash
# The per-kernel cost table and the syscall plot of results/matrix.md, from
# the matrix's icount runs (report.sh calls it).
#
#   cost-table.sh --plots DIR --link PREFIX RUN_DIR...
#
# RUN_DIRs are icount run directories, oldest kernel first.  Prints markdown:
# every benchmark's median on every kernel, its ratio to the oldest kernel and
# a verdict, then the benchmarks that differ by more than 10%.  Writes
# DIR/syscalls.{png,svg} (unshare, setns and clone per namespace type across
# the kernels) and DIR/syscalls.tsv, its data.  An icount figure is a count
# of guest instructions (1 ns each), the same on any host: no statistics are
# needed, the verdict is "same" within the benchmark's noise floor, which
# floors.tsv beside this script lists (measured by A/A runs; default 0.5%).
set -euo pipefail

here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
plots= link=
runs=()
while [ $# -gt 0 ]; do
	case $1 in
	--plots | --link)
		[ $# -ge 2 ] || exit 2
		[ "$1" = --plots ] && plots=$2 || link=$2
		shift 2
		;;
	*)
		runs+=("$1")
		shift
		;;
	esac
done
[ -n "$plots" ] && [ ${#runs[@]} -ge 1 ] || {
	echo "usage: cost-table.sh --plots DIR --link PREFIX RUN_DIR..." >&2
	exit 2
}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# One {column, p50: {benchmark: ns}} per run with bench results.
for r in "${runs[@]}"; do
	if [ -s "$r/bench.json.gz" ]; then
		gzip -dc "$r/bench.json.gz" >"$work/bench.json"
	elif [ -s "$r/bench.json" ]; then
		cp "$r/bench.json" "$work/bench.json"
	else
		continue
	fi
	jq -c --arg col "${r##*/}" '{column: $col, p50: ([.benchmarks[]
		| select(.run_type == "aggregate" and .aggregate_name == "median" and .nsapi.p50_ns != null)
		| {key: .run_name, value: .nsapi.p50_ns}] | from_entries)}' "$work/bench.json" \
		>>"$work/runs.jsonl" || true
done
[ -s "$work/runs.jsonl" ] || exit 0

jq -s -r --rawfile floors "$here/floors.tsv" '
	def floor_of($b): ([$floors | split("\n")[] | select(test("^[^#]")) | split("\t")
		| select(.[0] as $p | $b | test("^" + ($p | gsub("\\*"; ".*")) + "$"))
		| .[1] | tonumber] | first // 0.5);
	def fmt: if . >= 100000 then (. / 1000 | round | tostring) + " µs"
		elif . >= 10000 then (. / 100 | round / 10 | tostring) + " µs"
		else (. | round | tostring) + " ns" end;
	. as $runs | $runs[0] as $base
	| ([$runs[] | .p50 | keys_unsorted[]] | unique) as $all
	| ([$base.p50 | keys_unsorted[]] + ($all - [$base.p50 | keys_unsorted[]])) as $names
	| "| benchmark | floor | " + ([$runs[].column] | join(" | ")) + " |",
	  "|---|---|" + ([$runs[] | "---:"] | join("|")) + "|",
	  ($names[] as $b | floor_of($b) as $f
		| "| \($b) | \($f)% | " + ([$runs[] | .p50[$b] as $v
			| if $v == null then "—"
			  elif . == $base or $base.p50[$b] == null then ($v | fmt)
			  else ($v / $base.p50[$b]) as $q
				| (if (($q - 1) * 100 | fabs) <= $f then "same"
				   elif $q > 1 then "**slower**" else "**faster**" end) as $verdict
				| "\($v | fmt) (×\($q * 1000 | round / 1000), \($verdict))" end] | join(" | ")) + " |"),
	  "",
	  ([$runs[1:][] as $k | $names[] as $b
		| select($k.p50[$b] != null and $base.p50[$b] != null)
		| ($k.p50[$b] / $base.p50[$b]) as $q | select(($q - 1 | fabs) > 0.10)
		| "- \($k.column): \($b) ×\($q * 100 | round / 100)"] as $big
	  | if ($runs | length) < 2 then empty
	    elif ($big | length) == 0 then "No benchmark differs by more than 10% from \($base.column)."
	    else "Over 10% from \($base.column) (\($big | length) benchmarks):\n\n" + ($big | join("\n")) end)
' "$work/runs.jsonl"

# syscalls.tsv: one row per kernel, one column per syscall/type.
command -v gnuplot >/dev/null || exit 0
mkdir -p "$plots"
jq -s -r '
	["unshare", "setns", "clone"] as $calls
	| ["cgroup", "ipc", "mnt", "net", "pid", "time", "user", "uts"] as $types
	| ([$calls[] as $c | $types[] | "\($c)/\(.)"]) as $cols
	| (["kernel"] + $cols | @tsv),
	  (.[] | . as $r | [.column] + [$cols[] | $r.p50[.] // "?" | tostring] | @tsv)
' "$work/runs.jsonl" >"$work/syscalls.tsv"
# The kernel names and column titles reach gnuplot only as data
# (xticlabels, columnheader), never as code.
cat >"$work/plot.gp" <<'EOF'
set datafile separator "\t"
set datafile missing "?"
set key below maxrows 4 font ",9"
set logscale y
set grid ytics mytics
set ylabel "median, icount ns (guest instructions), log scale"
set xtics rotate by -20 noenhanced
set key noenhanced
set style data linespoints
set multiplot layout 1,3
do for [c = 0:2] {
	set title word("unshare() setns() clone()", c + 1)
	plot for [t = 1:8] DATA using 0:(column(1 + c * 8 + t)):xticlabels(1) title columnheader(1 + c * 8 + t)
}
unset multiplot
EOF
for fmt in png svg; do
	if [ $fmt = png ]; then
		term="pngcairo size 1500,650"
		command -v gnuplot >/dev/null && gnuplot -e 'set terminal pngcairo' </dev/null 2>/dev/null ||
			term="png size 1500,650"
	else
		term="svg size 1500,650"
	fi
	gnuplot -e "DATA='$work/syscalls.tsv'; set terminal $term; set output '$work/syscalls.$fmt'" \
		"$work/plot.gp" 2>"$work/gnuplot.log" || {
		echo "cost-table: gnuplot failed: $(tail -n 1 "$work/gnuplot.log")" >&2
		exit 0
	}
	mv "$work/syscalls.$fmt" "$plots/syscalls.$fmt"
done
cp "$work/syscalls.tsv" "$plots/syscalls.tsv"
echo
echo "![unshare, setns and clone per type across kernels](${link}syscalls.png)"
echo "([SVG](${link}syscalls.svg), data: [syscalls.tsv](${link}syscalls.tsv))"

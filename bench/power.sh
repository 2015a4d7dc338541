#!/bin/bash
# nsapi power: what a comparison on this machine can detect.  For each
# injected delay and try, one interleaved A/B run (nsapi bench --ab --inject
# SC:NS: arm A 0 ns, arm B NS ns per call of SC, the same BPF program in
# both), compared paired; then per benchmark the detection rate per delay,
# the minimal detectable effect (the smallest delay detected in >= 80% of
# tries, and the change it made), and over the benchmarks that do not call
# SC (their name does not contain it) the false-verdict rate.  The rule is
# nsapi compare's; the same runs are also judged with other thresholds, to
# show what each would achieve.  A gnuplot plot of detection rate against
# delay per benchmark.  See bench/README.md ("What a comparison can detect").
set -uo pipefail

usage() {
	cat <<'USAGE'
usage: nsapi power [options] [PATTERN...]
  --quick           quick benches with 16 pairs, delays 400 800 1600 ns,
                    5 tries (under 3 minutes on the 2-core VM)
  --delays "NS..."  injected delays per call (default 100 200 400 800 1600)
  --tries N         A/B runs per delay (default 10; quick 5)
  --syscall SC      the syscall slowed (default setns)
  --threshold PCT   compare's effect threshold (default 10)
  --alpha A         compare's family-wise alpha (default 0.01)
  --out DIR         where tries.tsv, power.tsv and the plot go
                    (default $NSAPI_RESULTS or results, /<kernel>/power)
  --keep            keep every A/B run's result sets under DIR/runs.PID/
  --from RUNS       judge the runs a --keep left in RUNS again (with this
                    nsapi compare and --threshold/--alpha), run nothing
PATTERN: benchmarks (default 'setns/*' 'nsfs/*' floor/getppid 'unshare/*').
Exit 4 with one line when the injection cannot run here.
USAGE
}

die() {
	echo "nsapi-power: $*" >&2
	exit 2
}

here=$(dirname "$(readlink -f "$0")")
quick=0 delays="" tries="" sc=setns threshold=10 alpha=0.01 out="" keep=0 from=""
pats=()
while [ $# -gt 0 ]; do
	case $1 in
	--quick) quick=1 ;;
	--delays) [ $# -ge 2 ] || die "--delays needs a value"; delays=$2; shift ;;
	--tries) [ $# -ge 2 ] || die "--tries needs a value"; tries=$2; shift ;;
	--syscall) [ $# -ge 2 ] || die "--syscall needs a value"; sc=$2; shift ;;
	--threshold) [ $# -ge 2 ] || die "--threshold needs a value"; threshold=$2; shift ;;
	--alpha) [ $# -ge 2 ] || die "--alpha needs a value"; alpha=$2; shift ;;
	--out) [ $# -ge 2 ] || die "--out needs a value"; out=$2; shift ;;
	--keep) keep=1 ;;
	--from) [ $# -ge 2 ] || die "--from needs a value"; from=$2; shift ;;
	-h | --help) usage; exit 0 ;;
	-*) die "unknown option '$1' (see --help)" ;;
	*) pats+=("$1") ;;
	esac
	shift
done
[ ${#pats[@]} -gt 0 ] || pats=('setns/*' 'nsfs/*' floor/getppid 'unshare/*')
if [ $quick = 1 ]; then
	: "${delays:=400 800 1600}" "${tries:=5}"
else
	: "${delays:=100 200 400 800 1600}" "${tries:=10}"
fi
[[ $tries =~ ^[1-9][0-9]?$ ]] || die "--tries '$tries': expected 1-99"
[[ $sc =~ ^[a-z0-9_]+$ ]] || die "--syscall '$sc': expected a syscall name"
[[ $threshold =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "--threshold '$threshold': expected a percentage"
[[ $alpha =~ ^0?\.[0-9]+$ ]] || die "--alpha '$alpha': expected a number in (0, 1)"
for d in $delays; do
	[[ $d =~ ^[0-9]+$ ]] && [ "$d" -le 1000000 ] ||
		die "--delays: '$d' is not a number of ns in [0, 1000000]"
done
[ -n "$delays" ] || die "--delays is empty"
if [ -z "$out" ]; then
	out=${NSAPI_RESULTS:-results}/$(uname -r)/power
fi
mkdir -p "$out" 2>/dev/null && [ -d "$out" ] && [ -w "$out" ] ||
	die "--out '$out': not a writable directory"
for f in tries.tsv power.tsv power.gp; do
	if [ -e "$out/$f" ] && { [ -L "$out/$f" ] || [ ! -f "$out/$f" ]; }; then
		die "$out/$f exists and is not a regular file"
	fi
done
build=$here
[ -x "$build/nsapi-bench" ] || die "$build/nsapi-bench not found (run make)"
work=$(mktemp -d "$out/.power.XXXXXX") || die "cannot create a directory in $out"
trap 'rm -rf "$work"' EXIT

bench_args=(--ab)
# quick: 16 pairs instead of 30, each worker on --quick budgets
[ $quick = 1 ] && bench_args+=(--quick --repetitions 16)
start=$(date +%s)
printf 'delay_ns\ttry\tbenchmark\ta_p50_ns\tb_p50_ns\tratio\tlo\thi\tp\tverdict\thide_pct\ttarget\tcalls\n' >"$work/tries.tsv"
for d in $delays; do
	for t in $(seq 1 "$tries"); do
		r=$work/runs/d$d-t$t rc=0
		if [ -n "$from" ]; then
			r=$from/d$d-t$t
			[ -d "$r" ] || die "--from: no $r"
		else
			"$build/nsapi-bench" "${bench_args[@]}" --inject "$sc:$d" \
				--results "$r" "${pats[@]}" >"$work/bench.txt" 2>&1
			rc=$?
		fi
		if [ $rc -ne 0 ]; then
			line=$(grep -m1 'nsapi-bench:' "$work/bench.txt")
			[ $rc -eq 4 ] && { echo "nsapi-power: skipped: ${line#nsapi-bench: }" >&2; exit 4; }
			echo "nsapi-power: nsapi-bench exited $rc: $line" >&2
			exit 1
		fi
		set_dir=$r/$(uname -r)
		"$build/nsapi-compare" --tsv --threshold "$threshold" --alpha "$alpha" \
			"$set_dir/a" "$set_dir/b" >"$work/cmp.tsv" ||
			{ echo "nsapi-power: nsapi-compare failed" >&2; exit 1; }
		calls=$(python3 -c 'import json,sys; c=json.load(open(sys.argv[1]))["context"]["ab"].get("inject_calls",{}); [print(k+"\t"+str(v)) for k,v in c.items()]' "$set_dir/b/bench.json" 2>/dev/null)
		awk -F'\t' -v d="$d" -v t="$t" -v sc="$sc" -v OFS='\t' '
			FILENAME == ARGV[1] { calls[$1] = $2; next }
			{ print d, t, $1, $2, $3, $4, $5, $6, $7, $8, $9,
			  (index($1, sc) > 0), (($1 in calls) ? calls[$1] : "") }' \
			<(printf '%s\n' "$calls") "$work/cmp.tsv" >>"$work/tries.tsv"
		[ $keep = 1 ] || [ -n "$from" ] || rm -rf "$r"
		printf '  POWER   delay %5s ns, try %2d/%d: %s slower, %s faster (%ds)\n' "$d" "$t" "$tries" \
			"$(grep -c $'\tslower$' <(cut -f1-8 "$work/cmp.tsv"))" \
			"$(grep -c $'\tfaster$' <(cut -f1-8 "$work/cmp.tsv"))" $(($(date +%s) - start))
	done
done
[ $keep = 1 ] && [ -z "$from" ] && mv "$work/runs" "$out/runs.$$" &&
	echo "runs kept in $out/runs.$$"

# Per benchmark and delay: detection rate under the rule (threshold, alpha
# as given) and under thresholds 0 and 5% (p < alpha/m alone, or with a
# smaller effect bound); the false verdicts of the non-targets.
awk -F'\t' -v OFS='\t' -v alpha="$alpha" -v thr="$threshold" -v tries="$tries" '
NR == 1 { next }
{
	d = $1; b = $3; key = b SUBSEP d
	if (!(b in seen)) { seen[b] = 1; order[++nb] = b; target[b] = $12 }
	if (!(d in dseen)) { dseen[d] = 1; ds[++nd] = d }
	m[d SUBSEP $2]++
	row[NR] = $0
	n[key]++
	det[key] += ($10 == "slower")
	eff[key] += $6 - 1
	a50[b] += $4; na50[b]++
}
END {
	# m per try: the number of benchmarks compared (Bonferroni)
	for (i = 2; i <= NR; i++) {
		split(row[i], f, "\t")
		lim = alpha / m[f[1] SUBSEP f[2]]
		for (k = 0; k < 3; k++) {
			th = k == 0 ? 0 : k == 1 ? 5 : thr
			v = f[9] < lim && f[7] > 1 + th / 100 ? 1 : \
			    f[9] < lim && f[8] < 1 - th / 100 ? -1 : 0
			kk = f[3] SUBSEP f[1] SUBSEP k
			if (v == 1) up[kk]++
			if (v != 0) any[kk]++
		}
	}
	printf "benchmark\ttarget\ta_p50_ns"
	for (j = 1; j <= nd; j++) printf "\tdet_%s", ds[j]
	printf "\tmde_delay_ns\tmde_effect_pct\tfalse_verdicts\tcomparisons\n"
	for (i = 1; i <= nb; i++) {
		b = order[i]; mde = ""; mdeff = ""; fv = 0; nc = 0
		printf "%s\t%d\t%.1f", b, target[b], a50[b] / na50[b]
		for (j = 1; j <= nd; j++) {
			key = b SUBSEP ds[j]
			r = det[key] / n[key]
			printf "\t%.2f", r
			if (mde == "" && r >= 0.8) {
				mde = ds[j]; mdeff = sprintf("%.1f", 100 * eff[key] / n[key])
			}
			fv += any[b SUBSEP ds[j] SUBSEP 2]; nc += n[key]
		}
		if (!target[b]) mde = mdeff = "-"
		printf "\t%s\t%s\t%s\t%d\n", mde == "" ? ">" ds[nd] : mde, mdeff, \
			target[b] ? "-" : fv, nc
	}
	# the rules table, to stderr-free second file
	for (k = 0; k < 3; k++) {
		th = k == 0 ? 0 : k == 1 ? 5 : thr
		printf "#rule\tp<alpha/m, CI beyond %g%%", th > "/dev/stderr"
		for (j = 1; j <= nd; j++) {
			hit = 0; tot = 0
			for (i = 1; i <= nb; i++) if (target[order[i]]) {
				hit += up[order[i] SUBSEP ds[j] SUBSEP k]; tot += n[order[i] SUBSEP ds[j]]
			}
			printf "\t%s ns: %d/%d", ds[j], hit, tot > "/dev/stderr"
		}
		fv = 0; tot = 0
		for (i = 1; i <= nb; i++) if (!target[order[i]]) for (j = 1; j <= nd; j++) {
			fv += any[order[i] SUBSEP ds[j] SUBSEP k]; tot += n[order[i] SUBSEP ds[j]]
		}
		printf "\tfalse: %d/%d\n", fv, tot > "/dev/stderr"
	}
}' "$work/tries.tsv" >"$work/power.tsv" 2>"$work/rules.txt"

cp "$work/tries.tsv" "$out/tries.tsv.tmp" && mv "$out/tries.tsv.tmp" "$out/tries.tsv"
cp "$work/power.tsv" "$out/power.tsv.tmp" && mv "$out/power.tsv.tmp" "$out/power.tsv"

echo "nsapi power: $sc +NS per call, $tries tries per delay, interleaved A/B, paired;"
echo "rule: slower if p < $alpha/m and the 95% CI of the ratio lies above 1 + $threshold%"
column -t -s $'\t' "$out/power.tsv"
echo "target: the name contains '$sc'; det_NS: share of tries judged slower at NS ns"
echo "per call; mde: the smallest delay detected in >= 80% of tries and the mean"
echo "change it made; false_verdicts: slower or faster verdicts of the others."
echo "detections of the targets and false verdicts of the others, by rule:"
sed 's/^#rule\t/  /; s/\t/  /g' "$work/rules.txt"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); took $(($(date +%s) - start)) s"

# The plot: detection rate against delay, one line per target benchmark.
if command -v gnuplot >/dev/null; then
	awk -F'\t' -v OFS='\t' 'NR == 1 { for (i = 4; i <= NF; i++) if ($i ~ /^det_/) { c[i] = substr($i, 5) }; next }
		$2 == 1 { print "\"" $1 "\""; for (i = 4; i in c; i++) print c[i], $i; print ""; print "" }' \
		"$out/power.tsv" >"$work/plot.dat"
	awk 'NF == 1' "$work/plot.dat" | tr -d '"' >"$work/names"
	{
		echo 'set terminal pngcairo size 900,560 noenhanced'
		echo "set output '$out/power.png'"
		echo "set title 'detection rate against injected $sc() delay (interleaved A/B, $tries tries)'"
		echo "set xlabel 'injected delay per $sc() call (ns)'; set ylabel 'share judged slower'"
		echo 'set logscale x; set yrange [0:1.05]; set key outside right; set grid'
		echo 'set arrow from graph 0, first 0.8 to graph 1, first 0.8 nohead dt 2'
		printf "plot for [i=0:%d] '%s' index i using 1:2 with linespoints title columnheader(1)\n" \
			$(($(wc -l <"$work/names") - 1)) "$work/plot.dat"
	} >"$work/power.gp"
	if gnuplot "$work/power.gp" 2>"$work/gp.err"; then
		echo "plot: $out/power.png"
	else
		echo "nsapi-power: gnuplot: $(head -n1 "$work/gp.err")" >&2
	fi
fi

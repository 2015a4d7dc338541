#!/bin/bash
# nsapi plot: gnuplot figures from one or more `nsapi bench` result sets.
#   nsapi plot [--out DIR] [--cdf BENCHMARK] RESULT_DIR...
# Writes, as PNG and SVG, into --out (default: the first RESULT_DIR):
#   medians     per-benchmark medians with 95% CI error bars, log scale,
#               one series per result set
#   cdf         the distribution of one benchmark's samples (default
#               unshare/net) in every set
#   mount_sweep mount-namespace creation against mounts in the parent
#   conc        creation throughput against concurrent processes, per type
# Every file is written under a temporary name and renamed when complete.
# A partial result (nsapi bench floor nsfs) gives the figures it has data
# for; the others are named as left out.  Names that reach the gnuplot
# script (set labels, benchmark and type names) must be in a safe set of
# characters: anything else is refused, never pasted into gnuplot code, and
# the data files are read through copies with fixed names.
set -euo pipefail

die() {
	echo "nsapi-plot: $*" >&2
	exit 2
}

# Characters a name may have to appear in a gnuplot title or label.
safe_name() { [[ $1 =~ ^[][A-Za-z0-9._+:/=,~()\ -]*$ ]]; }
check_name() { # WHAT NAME
	safe_name "$2" || die "$1 '$2' has a character outside A-Z a-z 0-9 . _ + : / = , ~ ( ) [ ] - space; refusing to put it in a gnuplot script"
}

out= cdf=unshare/net cdf_given= dirs=()
while [ $# -gt 0 ]; do
	case $1 in
	--out) [ $# -ge 2 ] || die "--out needs a directory"; out=$2; shift 2 ;;
	--cdf) [ $# -ge 2 ] || die "--cdf needs a benchmark name"; cdf=$2; cdf_given=1; shift 2 ;;
	-h | --help) sed -n '2,12s/^# \{0,1\}//p' "$0"; exit 0 ;;
	-*) die "unknown option '$1' (see --help)" ;;
	*) dirs+=("$1"); shift ;;
	esac
done
[ ${#dirs[@]} -ge 1 ] || die "no result directory given (see --help)"
command -v gnuplot >/dev/null || die "gnuplot is not installed (apt-get install gnuplot-nox)"

# A result set is DIR with bench.tsv in it, or a root with DIR/<release>/.
sets=() labels=()
for d in "${dirs[@]}"; do
	if [ -f "$d/bench.tsv" ]; then
		sets+=("$d")
	elif [ -f "$d/$(uname -r)/bench.tsv" ]; then
		sets+=("$d/$(uname -r)")
	else
		die "$d: no bench.tsv (run nsapi bench first)"
	fi
	for f in bench.tsv samples.tsv; do
		[ -f "${sets[-1]}/$f" ] && [ -r "${sets[-1]}/$f" ] || die "${sets[-1]}/$f: not a readable file"
	done
	check_name "result set name" "${d%/}"
	labels+=("${d%/}")
done
check_name "--cdf benchmark" "$cdf"

# conc.tsv's type names (FILE), each checked: they become plot titles.
conc_types() {
	local t
	[ -f "$1" ] || return 0
	for t in $(awk -F'\t' '!/^#/ && NF && !seen[$1]++ { print $1 }' "$1"); do
		[[ $t =~ ^[a-z0-9_]+$ ]] || die "$1: type name '$t' is not a namespace type (a-z 0-9 _); refusing to plot it"
		echo "$t"
	done
}
for s in "${sets[@]}"; do conc_types "$s/conc.tsv" >/dev/null || exit 2; done
# Data rows (not comments, not blank) in set 0's FILE?
has_rows() { grep -q '^[^#]' "$work/0/$1"; }
out=${out:-${sets[0]}}
mkdir -p "$out" 2>/dev/null || die "$out: cannot create the output directory"
[ -w "$out" ] || die "$out: not writable"

work=$(mktemp -d)
check_name "temporary directory" "$work"
trap 'rm -rf "$work"' EXIT

# The data under fixed names ($work/N/FILE): gnuplot sees no path of ours.
for i in "${!sets[@]}"; do
	mkdir "$work/$i"
	for f in bench.tsv samples.tsv mount_sweep.tsv conc.tsv; do
		if [ -f "${sets[i]}/$f" ]; then
			cp "${sets[i]}/$f" "$work/$i/$f" || die "${sets[i]}/$f: cannot read it"
		else
			: >"$work/$i/$f"
		fi
	done
done
left_out=()

# medians.dat: index, name, then p50 lo hi of each set ("?" when missing).
join_medians() {
	awk -F'\t' -v nsets=${#sets[@]} '
		FNR == 1 { set++ }
		/^#/ { next }
		set == 1 { order[++n] = $1 }
		{ p50[set, $1] = $4; lo[set, $1] = $11; hi[set, $1] = $12 }
		END {
			for (i = 1; i <= n; i++) {
				line = (i - 1) "\t" order[i]
				for (s = 1; s <= nsets; s++) {
					k = (s SUBSEP order[i])
					if (k in p50)
						line = line "\t" p50[k] "\t" lo[k] "\t" hi[k]
					else
						line = line "\t?\t?\t?"
				}
				print line
			}
		}' $(for i in "${!sets[@]}"; do echo "$work/$i/bench.tsv"; done) >"$work/medians.dat"
}

# cdf_N.dat: sorted samples of one benchmark and their cumulative fraction.
make_cdfs() {
	local i
	for i in "${!sets[@]}"; do
		awk -F'\t' -v b="$cdf" '$1 == b { print $3 }' "$work/$i/samples.tsv" |
			sort -g | awk '{ v[NR] = $1 } END { for (i = 1; i <= NR; i++) print v[i] "\t" i / NR }' \
			>"$work/cdf_$i.dat"
	done
	[ -s "$work/cdf_0.dat" ] && return 0
	[ -z "$cdf_given" ] || die "no samples of '$cdf' in ${sets[0]}/samples.tsv"
	left_out+=("cdf (no $cdf samples)")
	return 1
}

# Data rows (not comments, not blank) in set 0's FILE?
has_rows() { grep -q '^[^#]' "$work/0/$1"; }

plot_cmds() {
	local fig=$1 n=${#sets[@]} i
	case $fig in
	medians)
		echo "set logscale y; set ylabel 'median per iteration (ns), 95% CI'"
		echo "set xtics rotate by 90 right font ',7'; set key top left"
		echo "set datafile missing '?'; set grid ytics; set bars small"
		echo -n "plot "
		for ((i = 0; i < n; i++)); do
			echo -n "'$work/medians.dat' using (\$1+$i*0.8/$n):$((3 + 3 * i)):$((4 + 3 * i)):$((5 + 3 * i))$([ $i = 0 ] && echo ':xtic(2)') with yerrorbars pt 7 ps 0.4 title '${labels[i]}', "
		done
		echo ;;
	cdf)
		echo "set logscale x; set xlabel '$cdf: wall time per iteration (ns)'"
		echo "set ylabel 'fraction of samples'; set key bottom right; set grid"
		echo -n "plot "
		for ((i = 0; i < n; i++)); do
			echo -n "'$work/cdf_$i.dat' using 1:2 with steps title '${labels[i]}', "
		done
		echo ;;
	mount_sweep)
		echo "set logscale xy; set xlabel 'mounts added to the parent namespace'"
		echo "set ylabel 'unshare(CLONE_NEWNS) median (ns), 95% CI'; set key top left; set grid"
		echo -n "plot "
		for ((i = 0; i < n; i++)); do
			echo -n "'$work/$i/mount_sweep.tsv' using 1:2:3:4 with yerrorlines title '${labels[i]}', "
		done
		echo ;;
	conc)
		echo "set logscale y; set xlabel 'processes creating at once'"
		echo "set ylabel 'create+destroy cycles per second (all processes)'"
		echo "set key outside right; set grid; set xtics 1"
		echo -n "plot "
		for ((i = 0; i < n; i++)); do
			local types
			types=$(conc_types "$work/$i/conc.tsv") || exit 2
			local k=0 t
			for t in $types; do
				echo -n "'$work/$i/conc.tsv' index $k using 2:3:4:5 with yerrorlines lc $((k + 1)) dt $((i + 1)) title '$t ${labels[i]}', "
				k=$((k + 1))
			done
		done
		echo ;;
	esac
}

render() {
	local fig=$1 term ext
	for ext in png svg; do
		case $ext in
		png) term="pngcairo size 1600,900 font ',10'" ;;
		svg) term="svg size 1600,900 dynamic font ',10'" ;;
		esac
		command -v gnuplot >/dev/null
		{
			echo "set terminal $term"
			echo "set output '$work/$fig.$ext'"
			echo "set title '$fig (nsapi bench)' noenhanced"
			echo "set termoption noenhanced"
			plot_cmds "$fig" | sed 's/, $//'
		} >"$work/$fig.gp"
		if ! gnuplot "$work/$fig.gp" 2>"$work/$fig.err"; then
			die "gnuplot failed on $fig: $(head -n 3 "$work/$fig.err" | tr '\n' ' ')"
		fi
		mv "$work/$fig.$ext" "$out/.$fig.$ext.tmp"
		mv "$out/.$fig.$ext.tmp" "$out/$fig.$ext"
	done
}

join_medians
made=(medians)
render medians
if make_cdfs; then render cdf; made+=(cdf); fi
if has_rows mount_sweep.tsv; then
	render mount_sweep
	made+=(mount_sweep)
else
	left_out+=("mount_sweep (no mount_sweep rows)")
fi
if has_rows conc.tsv; then
	render conc
	made+=(conc)
else
	left_out+=("conc (no conc rows)")
fi
echo "plots: $out/{$(IFS=,; echo "${made[*]}")}.{png,svg}"
if [ ${#left_out[@]} -gt 0 ]; then
	echo "left out, the result has no data for them: $(printf '%s; ' "${left_out[@]}" | sed 's/; $//')"
fi

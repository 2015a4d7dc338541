#!/bin/bash
# The bench results of a matrix run directory, kept small and unpacked again.
#
#   pack-bench.sh pack RUN_DIR          bench.json -> bench.json.gz (gzip -9n,
#                                       so a rerun with equal input is
#                                       byte-identical); samples.tsv removed
#   pack-bench.sh unpack RUN_DIR OUT    a result set nsapi compare and nsapi
#                                       plot read: OUT/bench.json, bench.tsv,
#                                       mount_sweep.tsv, conc.tsv, samples.tsv
#
# A quick bench's bench.json holds every sample (samples_ns, ~500-650 KB); the
# committed reference results keep it gzip'd (~80 KB).  samples.tsv holds the
# same samples again (~580 KB) and is not kept: unpack rebuilds it from
# bench.json's iteration rows, with the columns nsapi plot reads (name,
# repetition, wall_ns); cpu_ns and the outlier flag are "?" there.  Exit
# status 0; 1 when RUN_DIR has no bench results; 2 bad usage.
set -euo pipefail

usage() {
	echo "usage: pack-bench.sh pack RUN_DIR | unpack RUN_DIR OUT_DIR" >&2
	exit 2
}
[ $# -ge 2 ] || usage
mode=$1 run=$2
[ -d "$run" ] || {
	echo "pack-bench: no directory '$run'" >&2
	exit 2
}

case $mode in
pack)
	[ $# -eq 2 ] || usage
	if [ -f "$run/bench.json" ]; then
		gzip -9nf "$run/bench.json"
	fi
	rm -f "$run/samples.tsv"
	;;
unpack)
	[ $# -eq 3 ] || usage
	out=$3
	mkdir -p "$out"
	if [ -s "$run/bench.json.gz" ]; then
		gzip -dc "$run/bench.json.gz" >"$out/bench.json"
	elif [ -s "$run/bench.json" ]; then
		cp "$run/bench.json" "$out/bench.json"
	else
		exit 1
	fi
	for f in bench.tsv mount_sweep.tsv conc.tsv; do
		if [ -f "$run/$f" ]; then
			cp "$run/$f" "$out/$f"
		else
			: >"$out/$f"
		fi
	done
	if [ -s "$run/samples.tsv" ]; then
		cp "$run/samples.tsv" "$out/samples.tsv"
	else
		{
			printf '# name\trepetition\twall_ns\tcpu_ns\toutlier\n'
			jq -r '.benchmarks[] | select(.run_type == "iteration" and .samples_ns != null)
				| .run_name as $n | (.repetition_index // 0) as $r
				| .samples_ns[] | "\($n)\t\($r)\t\(. * 10 | round / 10)\t?\t?"' "$out/bench.json"
		} >"$out/samples.tsv"
	fi
	;;
*) usage ;;
esac

#!/bin/bash
# The matrix's reports, from its run directories (run-guest.sh, run-native.sh):
#   stdout and RESULTS/matrix/matrix.ktap   one KTAP document, a subtest per
#       kernel holding the runner's documents (root, nobody), a CRASH or
#       TIMEOUT kernel as "not ok N <kernel> # CRASH reason" with the last
#       console lines, and the plain "N passed, N failed, N skipped" line
#   RESULTS/matrix.md                        kernels, the behaviors that differ
#       between kernels, the behavior x kernel table, the latency comparison
#   RESULTS/matrix/compare-LABEL.txt,        nsapi compare / nsapi plot of the
#   RESULTS/matrix/plots/LABEL/*.{png,svg}   bench results, TCG runs only with
#       TCG runs (KVM with KVM); the native run's plots on their own
#   RESULTS/matrix/index.json                the runs, in order
#
#   report.sh --results DIR [--wall SEC] [--accel MODE] [--ktap-only]
#             [--others keep|prune] RUN_DIR...
# --others: the other run directories under DIR/matrix/ (earlier runs of other
# kernels) are reported too (keep) or deleted (prune); default: neither.
# Exit status 0 when every kernel ran and passed, 1 otherwise, 2 bad usage.
set -euo pipefail

here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
build=$(cd "$here/../.." && pwd)/build
usage() {
	echo "usage: report.sh --results DIR [--wall SEC] [--accel MODE] [--ktap-only] RUN_DIR..." >&2
	exit 2
}
results= wall= accel= ktap_only=0 others=
runs=()
while [ $# -gt 0 ]; do
	case $1 in
	--results | --wall | --accel | --others)
		[ $# -ge 2 ] || usage
		case $1 in
		--results) results=$2 ;;
		--wall) wall=$2 ;;
		--accel) accel=$2 ;;
		--others) others=$2 ;;
		esac
		shift
		;;
	--ktap-only) ktap_only=1 ;;
	-*) usage ;;
	*) runs+=("$1") ;;
	esac
	shift
done
[ -n "$results" ] || usage
for r in "${runs[@]}"; do
	[ -r "$r/run.json" ] || {
		echo "report: $r has no run.json" >&2
		exit 2
	}
done
mkdir -p "$results/matrix"
case $others in
keep | prune)
	# The matrix composes: earlier runs of other kernels keep their rows
	# (keep) or are dropped (prune).
	named=" ${runs[*]} "
	for d in "$results"/matrix/*/; do
		d=${d%/}
		[ -e "$d/run.json" ] && [[ $named != *" $d "* ]] || continue
		if [ "$others" = prune ]; then rm -rf "$d"; else runs+=("$d"); fi
	done
	;;
"") ;;
*) usage ;;
esac

# Kernels in version order (the oldest first: the cost table's reference),
# the native run last, whatever order the runs were made or merged in.
mapfile -t runs < <(for r in "${runs[@]}"; do
	printf '%s\t%s\t%s\n' "$([ "$(jq -r .label "$r/run.json")" = native ] && echo 1 || echo 0)" \
		"$(jq -r '.release // .name // ""' "$r/run.json")" "$r"
done | sort -t $'\t' -k1,1n -k2,2V -k3,3 | cut -f3)

# --- KTAP ---------------------------------------------------------------------

indent() { sed "s/^/$1/"; }

# The runner's document as a subtest: its version line, then a Subtest name.
suite_subtest() { # FILE NAME
	awk -v name="$2" 'NR == 1 && /^KTAP version/ { print; print "# Subtest: " name; next } { print }' "$1"
}

ktap() {
	local n=0 passed=0 failed=0 skipped=0 r name result reason
	echo "KTAP version 1"
	echo "1..${#runs[@]}"
	for r in "${runs[@]}"; do
		n=$((n + 1))
		name=$(basename "$r")
		result=$(jq -r .result "$r/run.json")
		reason=$(jq -r '.reason // ""' "$r/run.json" | tr -d '#')
		case $result in
		crash | timeout | qemu-error | error)
			local directive=CRASH
			[ "$result" != timeout ] || directive=TIMEOUT
			echo "not ok $n $name # $directive${reason:+ $reason}"
			jq -r '.console_tail[-15:][] | "# console: " + .' "$r/run.json"
			failed=$((failed + 1))
			continue
			;;
		esac
		local subs=() ok=1 k=0
		[ -s "$r/suite.ktap" ] && subs+=("suite.ktap:root")
		[ -s "$r/suite-nobody.ktap" ] && subs+=("suite-nobody.ktap:nobody")
		echo "  KTAP version 1"
		echo "  # Subtest: $name"
		echo "  1..$((${#subs[@]} + 1))"
		local s file user rc
		for s in "${subs[@]}"; do
			file=${s%%:*} user=${s#*:}
			k=$((k + 1))
			suite_subtest "$r/$file" "suite as $user" | indent '    '
			rc=$(jq -r ".suite_exit.$user // 1" "$r/run.json")
			if [ "$rc" = 0 ]; then
				echo "  ok $k suite as $user"
			else
				echo "  not ok $k suite as $user"
				ok=0
			fi
		done
		k=$((k + 1))
		if [ -s "$r/bench.json.gz" ] || [ -s "$r/bench.json" ]; then
			echo "  ok $k quick bench"
		else
			echo "  ok $k quick bench # SKIP not run"
		fi
		if [ $ok = 1 ]; then
			echo "ok $n $name"
			passed=$((passed + 1))
		else
			echo "not ok $n $name"
			failed=$((failed + 1))
		fi
	done
	echo "$passed passed, $failed failed, $skipped skipped"
	[ $failed = 0 ]
}

rc=0
ktap >"$results/matrix/matrix.ktap" || rc=1
cat "$results/matrix/matrix.ktap"
jq -n --arg wall "${wall:-}" --arg accel "${accel:-}" '$ARGS.positional as $dirs |
	{schema: "nsapi-matrix/1", wall_sec: (if $wall == "" then null else ($wall | tonumber) end),
	 accel: $accel, runs: $dirs}' --args "${runs[@]##*/}" >"$results/matrix/index.json"
[ $ktap_only = 0 ] || exit $rc

# --- latency comparison and plots: like with like ------------------------------

# Each run's bench results are unpacked (pack-bench.sh) into a staging
# directory named like the run, so that compare and plot label the sets with
# the run's name.  TCG runs are compared and plotted only with TCG runs, KVM
# with KVM; the native run gets plots of its own.
compare_md= plots_md=
stage=$(mktemp -d "$results/matrix/.stage.XXXXXX")
trap 'rm -rf "$stage"' EXIT
rm -rf "$results/matrix/plots" "$results/matrix"/compare-*.txt
for label in icount tcg kvm native; do
	sets=()
	for r in "${runs[@]}"; do
		[ "$(jq -r .label "$r/run.json")" = "$label" ] || continue
		"$here/pack-bench.sh" unpack "$r" "$stage/$label/${r##*/}" 2>>"$stage/unpack.log" || continue
		sets+=("${r##*/}")
	done
	[ ${#sets[@]} -gt 0 ] || continue
	if [ ${#sets[@]} -ge 2 ] && [ -x "$build/nsapi-compare" ]; then
		(cd "$stage/$label" && "$build/nsapi-compare" "${sets[@]/%//bench.json}") \
			>"$results/matrix/compare-$label.txt" 2>&1 || true
		compare_md+="### ${label^^} runs: nsapi compare"$'\n\n'"\`\`\`"$'\n'
		compare_md+="$(cat "$results/matrix/compare-$label.txt")"$'\n'"\`\`\`"$'\n\n'
	fi
	if [ -x "$build/nsapi-plot" ] && command -v gnuplot >/dev/null; then
		mkdir -p "$results/matrix/plots/$label"
		if (cd "$stage/$label" && "$build/nsapi-plot" --out "$results/matrix/plots/$label" "${sets[@]}") \
			>"$stage/plot-$label.log" 2>&1; then
			figs=()
			for fig in medians cdf mount_sweep conc; do
				[ -s "$results/matrix/plots/$label/$fig.png" ] || continue
				figs+=("$fig ([PNG](matrix/plots/$label/$fig.png), [SVG](matrix/plots/$label/$fig.svg))")
			done
			plots_md+="### ${label^^} plots: $(IFS=,; echo "${sets[*]}" | sed 's/,/, /g')"$'\n\n'
			plots_md+="![${label^^} medians](matrix/plots/$label/medians.png)"$'\n\n'
			plots_md+="$(printf '%s, ' "${figs[@]}" | sed 's/, $//')"$'\n\n'
		else
			echo "report: nsapi plot failed for the $label runs: $(tail -n 1 "$stage/plot-$label.log")" >&2
			rm -rf "$results/matrix/plots/$label"
		fi
	fi
done
[ ! -d "$results/matrix/plots" ] || rmdir --ignore-fail-on-non-empty "$results/matrix/plots"

# --- matrix.md -------------------------------------------------------------------

{
	echo "# nsapi kernel matrix"
	echo
	echo "Generated by \`nsapi matrix\` on $(date -u '+%F %H:%M UTC'), host kernel $(uname -r)," \
		"guests under ${accel:-?}${wall:+, wall time $wall s}. The KTAP document is" \
		"[matrix/matrix.ktap](matrix/matrix.ktap); each kernel's files are in matrix/<release>-<label>/."
	echo
	echo "| kernel | package | ran as | result | root: pass/fail/skip | nobody: pass/fail/skip | seconds |"
	echo "|---|---|---|---|---|---|---|"
	for r in "${runs[@]}"; do
		jq -r --arg col "$(basename "$r")" \
			--slurpfile root <(cat "$r/suite.json" 2>/dev/null || echo null) \
			--slurpfile nobody <(cat "$r/suite-nobody.json" 2>/dev/null || echo null) '
			def counts: if . == null then "—" else
				.totals | "\(.pass + .xfail) / \(.fail + .error + .timeout + .xpass) / \(.skip)" end;
			"| \($col) | \(.package // "" | if . == "" then "—" else . end) | \(.label) | " +
			"\(if .result == "ok" then "ok" else "**\(.result | ascii_upcase)** \(.reason)" end) | " +
			"\($root[0] | counts) | \($nobody[0] | counts) | \(.elapsed_sec) |"' "$r/run.json"
	done
	echo
	for r in "${runs[@]}"; do
		jq -n --arg col "$(basename "$r")" --slurpfile run "$r/run.json" \
			--slurpfile root <(cat "$r/suite.json" 2>/dev/null || echo null) \
			--slurpfile nobody <(cat "$r/suite-nobody.json" 2>/dev/null || echo null) \
			'{column: $col, run: $run[0], root: $root[0], nobody: $nobody[0]}'
	done | jq -s -r -f "$here/matrix-table.jq"
	echo
	icount_runs=()
	for r in "${runs[@]}"; do
		[ "$(jq -r .label "$r/run.json")" != icount ] || icount_runs+=("$r")
	done
	if [ ${#icount_runs[@]} -gt 0 ]; then
		echo "## Cost per benchmark across kernels (icount)"
		echo
		echo "Medians of the quick bench in icount guests (TCG with \`-icount shift=0,sleep=off\`):"
		echo "the guest's clock counts the instructions it executes, one per nanosecond, so a figure"
		echo "is the work a path does, the same on any host, loaded or idle, and blind to caches,"
		echo "TLB and microarchitecture. Ratios are against the oldest kernel; a figure within the"
		echo "benchmark's noise floor (the largest difference two icount runs of one kernel showed,"
		echo "harness/matrix/floors.tsv) is \"same\", otherwise slower or faster: no statistics are"
		echo "needed when the figures repeat."
		echo
		"$here/cost-table.sh" --plots "$results/matrix/plots/icount" --link matrix/plots/icount/ \
			"${icount_runs[@]}"
		echo
	fi
	echo "## Latency"
	echo
	echo "Bench results are compared only with runs of the same kind: TCG emulates the CPU, so"
	echo "its timings rank kernels by the work a path does but are no measure of real latency;"
	echo "icount runs count instructions and are compared only with icount runs."
	echo
	if [ -n "$compare_md" ]; then
		printf '%s' "$compare_md"
	else
		echo "No comparison: fewer than two bench results of one kind."
		echo
	fi
	if [ -n "$plots_md" ]; then
		printf '%s' "$plots_md"
	else
		echo "No plots (nsapi plot and gnuplot are needed)."
	fi
} >"$results/matrix.md.tmp"
mv "$results/matrix.md.tmp" "$results/matrix.md"
exit $rc

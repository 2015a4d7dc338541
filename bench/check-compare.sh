#!/bin/bash
# make check-bench-compare: nsapi compare says "same" comparing a run with
# itself, flags a synthetically slowed copy (every sample x1.5) and fails the
# --fail-above gate on it, and every bad input gets exit status 2 and a
# one-line message from nsapi-bench, nsapi-compare and nsapi-plot.
set -uo pipefail
build=${1:-build}
here=$(dirname "$0")
tmp=$(mktemp -d /tmp/nsapi-cmp.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fails=0

fail() {
	echo "check-bench-compare: $*" >&2
	fails=$((fails + 1))
}

# expect_usage_error DESCRIPTION CMD...: exit 2 and exactly one stderr line.
expect_usage_error() {
	local what=$1 rc lines
	shift
	"$@" >/dev/null 2>"$tmp/err"
	rc=$?
	lines=$(wc -l <"$tmp/err")
	if [ $rc -ne 2 ] || [ "$lines" -ne 1 ]; then
		fail "$what: exit $rc, $lines stderr lines (want 2 and 1)"
	fi
}

"$build/nsapi-bench" --quick --repetitions 3 --results "$tmp/a" floor nsfs >/dev/null ||
	{ echo "check-bench-compare: nsapi-bench failed" >&2; exit 1; }
a=$tmp/a/$(uname -r)

"$build/nsapi-compare" "$a" "$a" >"$tmp/self.txt" || fail "self-compare exited $?"
grep -q '^verdicts: [0-9]* same, 0 slower, 0 faster' "$tmp/self.txt" ||
	fail "self-compare is not all same: $(grep '^verdicts' "$tmp/self.txt")"

"$here/slowdown.sh" "$a" "$tmp/slow" 1.5
"$build/nsapi-compare" "$a" "$tmp/slow" >"$tmp/slow.txt" || fail "compare with the slowed copy exited $?"
grep -q '^verdicts: [0-9]* same, [1-9][0-9]* slower, 0 faster' "$tmp/slow.txt" ||
	fail "slowed copy not flagged: $(grep '^verdicts' "$tmp/slow.txt")"
"$build/nsapi-compare" --fail-above 20 "$a" "$tmp/slow" >/dev/null
[ $? -eq 1 ] || fail "--fail-above 20 on the slowed copy did not exit 1"
"$build/nsapi-compare" --fail-above 20 "$a" "$a" >/dev/null ||
	fail "--fail-above 20 on a self-comparison did not exit 0"
"$build/nsapi-compare" "$a" "$tmp/slow" "$a" >"$tmp/matrix.txt" || fail "matrix compare exited $?"

head -c 2000 "$a/bench.json" >"$tmp/truncated.json"
echo 'not json at all' >"$tmp/garbage.json"
echo '{"context": {}}' >"$tmp/nobench.json"
echo '{"benchmarks": [{"run_type": "iteration", "run_name": "x"}]}' >"$tmp/nosamples.json"
mkdir -p "$tmp/empty" "$tmp/ro"
chmod 0555 "$tmp/ro"

C=$build/nsapi-compare B=$build/nsapi-bench P=$build/nsapi-plot
expect_usage_error "compare: missing file" "$C" "$a" "$tmp/none.json"
expect_usage_error "compare: truncated JSON" "$C" "$a" "$tmp/truncated.json"
expect_usage_error "compare: not JSON" "$C" "$a" "$tmp/garbage.json"
expect_usage_error "compare: no benchmarks" "$C" "$a" "$tmp/nobench.json"
expect_usage_error "compare: no samples" "$C" "$a" "$tmp/nosamples.json"
expect_usage_error "compare: directory without bench.json" "$C" "$a" "$tmp/empty"
expect_usage_error "compare: one set" "$C" "$a"
expect_usage_error "compare: unknown option" "$C" --bogus "$a" "$a"
expect_usage_error "compare: bad threshold" "$C" --threshold 10x "$a" "$a"
expect_usage_error "compare: negative fail-above" "$C" --fail-above -5 "$a" "$a"
expect_usage_error "bench: unknown option" "$B" --bogus
expect_usage_error "bench: bad repetitions" "$B" --repetitions 0
expect_usage_error "bench: non-numeric repetitions" "$B" --repetitions 3x
expect_usage_error "bench: cpu out of range" "$B" --cpu 100000
expect_usage_error "bench: no match" "$B" no-such-benchmark
expect_usage_error "bench: unwritable results" "$B" --results /proc/nsapi floor/getppid
expect_usage_error "plot: missing dir" "$P" "$tmp/none"
expect_usage_error "plot: unknown option" "$P" --bogus "$a"
# Hostile result files: a FIFO (and a symlink to it) is never read, a file
# over the size cap is refused, samples must be finite, non-negative numbers.
mkfifo "$tmp/fifo"
ln -s fifo "$tmp/fifolink"
truncate -s 300M "$tmp/huge.json"
for bad in NaN Infinity 1e400 -5; do
	sed "0,/\"samples_ns\":\[/s//\"samples_ns\":[$bad,/" "$a/bench.json" >"$tmp/bad_$bad.json"
done
perl -0pe 's/"samples_ns":\[[^]]*\]/"samples_ns":[]/' "$a/bench.json" >"$tmp/emptysamples.json"
expect_usage_error "compare: a FIFO" timeout 10 "$C" "$a" "$tmp/fifo"
expect_usage_error "compare: a symlink to a FIFO" timeout 10 "$C" "$a" "$tmp/fifolink"
expect_usage_error "compare: over the size cap" "$C" "$a" "$tmp/huge.json"
for bad in NaN Infinity 1e400 -5; do
	expect_usage_error "compare: a sample $bad" "$C" "$a" "$tmp/bad_$bad.json"
done
expect_usage_error "compare: empty samples_ns" "$C" "$a" "$tmp/emptysamples.json"
grep -q 'floor/getppid' "$tmp/err" || fail "compare: the empty-samples message does not name the benchmark"
expect_usage_error "bench: empty pattern" "$B" ''
expect_usage_error "bench: one pattern of two names nothing" "$B" floor no-such-benchmark
# plot: names outside the safe set never reach gnuplot; a partial result
# (this one: floor and nsfs only) is plotted with what is left out named.
mkdir -p "$tmp/q'x" "$tmp/badconc"
cp "$a"/*.tsv "$tmp/q'x/"
cp "$a"/*.tsv "$tmp/badconc/"
printf "u'\\\`touch %s/pwned\\\`\t1\t2\t1\t3\n" "$tmp" >>"$tmp/badconc/conc.tsv"
expect_usage_error "plot: a quote in a set name" "$P" --out "$tmp/p1" "$tmp/q'x"
expect_usage_error "plot: a quote in a conc.tsv type" "$P" --out "$tmp/p2" "$tmp/badconc"
expect_usage_error "plot: a quote in --cdf" "$P" --out "$tmp/p3" --cdf "x'y" "$a"
[ ! -e "$tmp/p1" ] && [ ! -e "$tmp/p2" ] && [ ! -e "$tmp/pwned" ] ||
	fail "plot: a refused input wrote output or ran a command"
if command -v gnuplot >/dev/null; then
	"$P" --out "$tmp/partial" "$a" >"$tmp/partial.txt" 2>&1 || fail "plot of a partial result exited $?"
	grep -q '^left out' "$tmp/partial.txt" || fail "plot of a partial result does not say what it left out"
	[ -s "$tmp/partial/medians.png" ] || fail "plot of a partial result made no medians figure"
fi
if [ "$(id -u)" != 0 ]; then
	expect_usage_error "bench: read-only results" "$B" --results "$tmp/ro" floor/getppid
fi

[ $fails -eq 0 ] || exit 1
echo "  BENCH   compare: self same, x1.5 flagged, --fail-above gates, bad inputs exit 2 (FIFO, size cap, NaN/Infinity/1e400/negative/empty samples, unsafe plot names), partial plot"

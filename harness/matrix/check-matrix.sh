#!/bin/bash
# make check's steps for the kernel matrix.
#
#   check-matrix.sh smoke   one Debian kernel (cached, or fetched first and
#                           not timed), the suite and the quick bench in the
#                           guest: its KTAP says ok and the JSON came back
#                           (its time is printed, not judged: no check
#                           asserts a duration)
#   check-matrix.sh crash   a truncated image and a command line that makes
#                           the kernel panic are both "not ok N ... # CRASH"
#                           within the timeout, and the matrix goes on to the
#                           next kernel, which passes; a file that is no
#                           kernel image is refused (one line, exit 2)
#   check-matrix.sh icount  two icount boots of one kernel at once, a few
#                           benchmarks each: every median within 0.5% of the
#                           other run's (the determinism icount promises)
# smoke and crash run under TCG (the plumbing, quickly); icount under icount.
# Results go to $BUILD/check/matrix-*, never to results/.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build=${BUILD:-build}
matrix=$build/nsapi-matrix
kernel=${NSAPI_SMOKE_KERNEL:-6.12}

fail() {
	echo "check-matrix: $*" >&2
	exit 1
}
[ $# -eq 1 ] || {
	echo "usage: check-matrix.sh smoke|crash|icount" >&2
	exit 2
}
[ -x "$matrix" ] || fail "$matrix is not built"
command -v pgrep >/dev/null || fail "pgrep (procps) is missing: the qemu checks need it"

# Download outside the timed part.
vmlinuz=$("$here/fetch-kernel.sh" "$kernel")

case $1 in
smoke)
	out=$build/check/matrix-smoke
	rm -rf "$out"
	mkdir -p "$build/check"
	start=$SECONDS
	# Failing tests are check-suite-*'s business: here the kernel must boot,
	# run everything and send the results back.
	rc=0
	"$matrix" --results "$out" --no-native --accel tcg --timeout 120 "$kernel" >"$out.ktap" 2>"$out.log" || rc=$?
	took=$((SECONDS - start))
	[ $rc -le 1 ] || { tail -n 20 "$out.log" >&2; fail "nsapi matrix exited $rc"; }
	run=$(jq -r '.runs[0]' "$out/matrix/index.json")
	jq -e '.result == "ok"' "$out/matrix/$run/run.json" >/dev/null ||
		{ tail -n 20 "$out.ktap" >&2; fail "$run did not run to the end: $(jq -r '.result + " " + .reason' "$out/matrix/$run/run.json")"; }
	grep -Eq '^(not )?ok 1 [^#]*$' "$out.ktap" || fail "no result line for the kernel in $out.ktap"
	grep -Eqx '[01] passed, [01] failed, 0 skipped' "$out.ktap" || fail "no totals line in $out.ktap"
	for f in suite.json suite-nobody.json suite.ktap suite-nobody.ktap bench.json.gz bench.tsv run.json; do
		[ -s "$out/matrix/$run/$f" ] || fail "$run/$f did not come back from the guest"
	done
	jq -e '.run.label == "tcg" or .run.label == "kvm"' "$out/matrix/$run/suite.json" >/dev/null ||
		fail "suite.json is not labeled kvm or tcg"
	jq -e '.run.user == "nobody"' "$out/matrix/$run/suite-nobody.json" >/dev/null ||
		fail "suite-nobody.json did not run as nobody"
	gzip -dc "$out/matrix/$run/bench.json.gz" | jq -e '.benchmarks | length > 0' >/dev/null ||
		fail "bench.json holds no benchmarks"
	if grep -a -q $'\r' "$out/matrix/$run/suite.ktap" "$out/matrix/$run/suite.json"; then
		fail "carriage returns in the results: a serial port was not raw"
	fi
	[ -s "$out/matrix.md" ] || fail "no matrix.md"
	echo "  MATRIX  smoke: $run ok in $took s"
	;;
crash)
	out=$build/check/matrix-crash
	rm -rf "$out"
	mkdir -p "$out"
	head -c 4000000 "$vmlinuz" >"$out/vmlinuz-truncated"
	timeout=40
	start=$SECONDS
	rc=0
	"$matrix" --results "$out/a" --no-native --accel tcg --no-bench --tests s01 --timeout $timeout \
		"$out/vmlinuz-truncated" "$kernel" >"$out/a.ktap" 2>"$out/a.log" || rc=$?
	[ $rc = 1 ] || fail "a matrix with a crashing kernel exited $rc, not 1"
	# Subtests come oldest kernel first; the truncated image has no version.
	grep -Eq '^not ok [12] vmlinuz-truncated.* # CRASH' "$out/a.ktap" ||
		fail "the truncated image was not reported as CRASH"
	grep -Eq '^(not )?ok [12] [^#]*$' "$out/a.ktap" ||
		fail "the matrix did not go on after the crash: $(grep -E '^(not )?ok [12] ' "$out/a.ktap" | tr '\n' ';')"
	grep -Eqx '[01] passed, [12] failed, 0 skipped' "$out/a.ktap" || fail "bad totals line in $out/a.ktap"
	rc=0
	"$matrix" --results "$out/b" --no-native --accel tcg --no-bench --tests s01 --timeout $timeout \
		--append rdinit=/nonexistent "$kernel" >"$out/b.ktap" 2>"$out/b.log" || rc=$?
	[ $rc = 1 ] || fail "a matrix with a panicking kernel exited $rc, not 1"
	grep -q '^not ok 1 .* # CRASH .*Kernel panic' "$out/b.ktap" ||
		fail "the panicking command line was not reported as CRASH with the panic"
	grep -q '^# console: ' "$out/b.ktap" || fail "no console lines after the CRASH"
	took=$((SECONDS - start))
	[ $took -le $((2 * timeout)) ] || fail "the crash checks took $took s (timeouts $timeout s)"
	# Not a kernel image: refused before anything boots, one line, exit 2.
	printf 'just text\n' >"$out/not-a-kernel"
	gzip -c "$out/not-a-kernel" >"$out/not-a-kernel.gz"
	for f in "$out/not-a-kernel" "$out/not-a-kernel.gz"; do
		rc=0
		"$matrix" --results "$out/c" --no-native --accel tcg "$f" >"$out/c.out" 2>"$out/c.err" || rc=$?
		[ $rc = 2 ] || fail "nsapi matrix $f (no kernel) exited $rc, not 2"
		[ "$(wc -l <"$out/c.err")" = 1 ] && grep -q 'is not a kernel image' "$out/c.err" ||
			fail "nsapi matrix $f: not one 'not a kernel image' line: $(head -c 300 "$out/c.err")"
		! pgrep -f "qemu-system.*$out" >/dev/null || fail "a qemu started for $f"
	done
	echo "  MATRIX  crash: truncated image and panic both CRASH, the matrix went on;" \
		"a text file is not a kernel image ($took s)"
	rm -f "$out/vmlinuz-truncated"
	;;
icount)
	out=$build/check/matrix-icount
	rm -rf "$out"
	mkdir -p "$out"
	benches=${NSAPI_ICOUNT_BENCHES:-floor/getppid,floor/fork,unshare/uts,setns/uts,clone/ipc,nsfs/open}
	start=$SECONDS
	pids=()
	for n in 1 2; do
		"$matrix" --results "$out/$n" --no-native --accel icount --no-suite --no-report \
			--benches "$benches" --timeout 400 "$kernel" >"$out/$n.ktap" 2>"$out/$n.log" &
		pids+=($!)
	done
	for n in 1 2; do
		wait "${pids[$((n - 1))]}" || { tail -n 5 "$out/$n.log" >&2; fail "icount run $n failed"; }
	done
	took=$((SECONDS - start))
	for n in 1 2; do
		run=$(jq -r '.runs[0]' "$out/$n/matrix/index.json")
		[[ $run == *-icount ]] || fail "run $n is filed as $run, not <release>-icount"
		jq -e '.label == "icount" and .result == "ok"' "$out/$n/matrix/$run/run.json" >/dev/null ||
			fail "run $n: not an ok icount run"
		gzip -dc "$out/$n/matrix/$run/bench.json.gz" | jq -r '.benchmarks[]
			| select(.run_type == "aggregate" and .aggregate_name == "median")
			| "\(.run_name)\t\(.nsapi.p50_ns)"' | sort >"$out/$n.p50"
	done
	[ "$(wc -l <"$out/1.p50")" -ge 6 ] || fail "fewer than 6 benchmarks came back"
	join -t $'\t' "$out/1.p50" "$out/2.p50" | awk -F'\t' '
		{ d = ($3 - $2) / $2; if (d < 0) d = -d; printf "%s %.3f%%\n", $1, d * 100
		  if (d > 0.005) bad = bad " " $1; if (d > worst) worst = d }
		END { printf "worst %.3f%%\n", worst * 100; if (bad != "") { print "over 0.5%:" bad; exit 1 } }' \
		>"$out/diff.txt" || { cat "$out/diff.txt" >&2; fail "two icount runs differ by more than 0.5%"; }
	echo "  MATRIX  icount: two runs of $kernel, $(wc -l <"$out/1.p50") benchmarks, $(tail -n 1 "$out/diff.txt") apart ($took s)"
	;;
*)
	echo "usage: check-matrix.sh smoke|crash|icount" >&2
	exit 2
	;;
esac

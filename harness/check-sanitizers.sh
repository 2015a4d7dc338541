#!/bin/bash
# A check step: the runner, the dispatcher and the fault injector built with
# AddressSanitizer and UndefinedBehaviorSanitizer run the suite, the
# bad-input checks and a can-fail proof, and the benchmark tools run the
# compare checks (self, slowed copy, bad inputs); any sanitizer report fails.
set -uo pipefail

build=${BUILD:-build}
san=$build/san
out=$build/check/sanitizers
rm -rf "$out"
mkdir -p "$out"
export ASAN_OPTIONS="halt_on_error=1:detect_leaks=1:log_path=$out/asan"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:log_path=$out/ubsan"

rc=0
"$san/nsapi-test" --tests-dir "$build/tests" --results "$out/results" \
	--junit "$out/junit.xml" >"$out/suite.ktap" 2>"$out/stderr" || rc=$?
tail -n 1 "$out/suite.ktap"
[ "$rc" -le 1 ] || { echo "sanitized runner exited $rc" >&2; exit 1; }
NSAPI=$san/nsapi BUILD=$build harness/check-runner-errors.sh >"$out/errors.log" 2>&1 || {
	cat "$out/errors.log"
	echo "bad-input checks failed under the sanitizers" >&2
	exit 1
}
"$san/nsapi-fault" setns=EPERM -- /bin/true || exit 1
bench/check-compare.sh "$san" >"$out/compare.log" 2>&1 || {
	cat "$out/compare.log"
	echo "compare checks failed under the sanitizers" >&2
	exit 1
}
reports=$(ls "$out"/asan.* "$out"/ubsan.* 2>/dev/null)
if [ -n "$reports" ]; then
	head -n 40 $reports >&2
	echo "sanitizer reports: $reports" >&2
	exit 1
fi
echo "sanitizers: no report (suite, bad inputs, fault injector, bench and compare)"

#!/bin/bash
# A check step: every bad input to the runner gets a one-line message and
# exit status 2, runs no test and replaces no file, and leaves no result file
# half-written; the suite as nobody runs from a checkout in a 0700
# directory; a test program the build lists but that is missing, or one
# that hangs or crashes, is reported as ERROR or TIMEOUT in the KTAP and
# counted as failed (exit 1).
set -uo pipefail

build=${BUILD:-build}
nsapi=${NSAPI:-$build/nsapi}
out=$build/check/runner-errors
rm -rf "$out"
mkdir -p "$out/empty" "$out/fake"
passed=0 failed=0

expect() { # WANT_RC WANT_TEXT DESCRIPTION -- COMMAND...
	local want=$1 text=$2 what=$3 rc=0
	shift 4
	"$@" >"$out/stdout" 2>"$out/stderr" || rc=$?
	if [ "$want" = 2 ] && [ "$(wc -l <"$out/stderr")" != 1 ]; then
		echo "FAIL $what: $(wc -l <"$out/stderr") lines on stderr, want one:"
		sed 's/^/     /' "$out/stderr" | head -n 5
		failed=$((failed + 1))
	elif [ "$rc" = "$want" ] && grep -qF -- "$text" "$out/stdout" "$out/stderr"; then
		echo "ok   $what (exit $rc)"
		passed=$((passed + 1))
	else
		echo "FAIL $what: exit $rc (want $want), output lacks '$text':"
		sed 's/^/     /' "$out/stderr" | head -n 5
		failed=$((failed + 1))
	fi
}

r=(--results "$out/results")
expect 2 "unknown option" "unknown option" -- "$nsapi" test --bogus
expect 2 "unknown command" "unknown command" -- "$nsapi" frobnicate
expect 2 "no test program matches 'zz9'" "pattern matching nothing" -- "$nsapi" test "${r[@]}" zz9
expect 2 "bad pattern" "pattern with a slash" -- "$nsapi" test "${r[@]}" ../etc
expect 2 "--timeout '0'" "zero timeout" -- "$nsapi" test --timeout 0 s01
expect 2 "--timeout '9x'" "non-numeric timeout" -- "$nsapi" test --timeout 9x s01
expect 2 "missing value" "option without value" -- "$nsapi" test --timeout
expect 2 "--label" "bad label" -- "$nsapi" test --label 'a b' s01
expect 2 "no such user" "unknown user" -- "$nsapi" test --user no-such-user-x s01
expect 2 "no test programs in" "empty tests dir" -- "$nsapi" test --tests-dir "$out/empty" "${r[@]}"
expect 2 "no test programs in" "missing tests dir" -- "$nsapi" test --tests-dir "$out/nonexistent" "${r[@]}"

# An unwritable results directory is refused before any test runs.
touch "$out/file"
expect 2 "results directory" "results root is a file" -- "$nsapi" test --results "$out/file/x" s01
expect 2 "cannot write" "unwritable JUnit path" -- "$nsapi" test "${r[@]}" --junit "$out/nodir/j.xml" s01

# Result paths that are not regular files, an empty --results, two outputs
# that are one file, and filters that select nothing: refused with exit 2
# before any test runs (the stand-in program leaves a mark when it runs; it
# lists one case for the filter check), and nothing is replaced.
mkdir -p "$out/marks" "$out/bad"
printf 'x01_marks\n' >"$out/marks/LIST"
printf '#!/bin/sh\nif [ "$1" = -l ]; then printf "%%-20s %%-25s %%s\\n" "# FIXTURE" VARIANT TEST global "" one; exit 0; fi\ntouch "%s/ran"\necho "TAP version 13"; echo "1..0"\n' \
	"$out" >"$out/marks/x01_marks"
chmod +x "$out/marks/x01_marks"
mkfifo "$out/bad/fifo"
echo keep >"$out/bad/target"
ln -s target "$out/bad/link"
ln -s fifo "$out/bad/fifolink"
m=(--tests-dir "$out/marks" "${r[@]}")
expect 2 "is a directory" "--json a directory" -- "$nsapi" test "${m[@]}" --json "$out/bad"
expect 2 "is a FIFO" "--json a FIFO" -- "$nsapi" test "${m[@]}" --json "$out/bad/fifo"
expect 2 "is a symlink" "--json a symlink" -- "$nsapi" test "${m[@]}" --json "$out/bad/link"
expect 2 "is a symlink" "--junit a symlink to a FIFO" -- "$nsapi" test "${m[@]}" --junit "$out/bad/fifolink"
expect 2 "empty path" "empty --results" -- "$nsapi" test --tests-dir "$out/marks" --results ''
expect 2 "empty path" "empty --json" -- "$nsapi" test "${m[@]}" --json ''
expect 2 "are the same file" "--json and --junit one file" -- "$nsapi" test "${m[@]}" --json "$out/j" --junit "$out/./j"
expect 2 "are the same file" "--json over the results' suite.json" -- \
	"$nsapi" test "${m[@]}" --json "$out/results/$(uname -r)/suite.json"
expect 2 "no test matches -r no.such.case" "-r matching no case" -- "$nsapi" test "${m[@]}" -r no.such.case
expect 2 "no test matches -v bogus" "-v matching no variant" -- "$nsapi" test "${m[@]}" -v bogus
expect 0 "1 skipped" "-t matching a case runs it" -- "$nsapi" test --tests-dir "$out/marks" --no-results -t one
if [ -p "$out/bad/fifo" ] && [ -L "$out/bad/link" ] && [ -L "$out/bad/fifolink" ] &&
	[ "$(cat "$out/bad/target")" = keep ] && [ ! -e "$out/j" ]; then
	echo "ok   refused paths are unchanged"
	passed=$((passed + 1))
else
	echo "FAIL a refused result path was changed"
	failed=$((failed + 1))
fi
rm -f "$out/ran"
"$nsapi" test "${m[@]}" --json "$out/bad/fifo" >/dev/null 2>&1
if [ -e "$out/ran" ]; then
	echo "FAIL a test ran before a bad result path was refused"
	failed=$((failed + 1))
fi

# A listed program that is missing, one that hangs, one that crashes.
printf 'x01_missing\nx02_hangs\nx03_crashes\n' >"$out/fake/LIST"
printf '#!/bin/sh\necho "TAP version 13"\necho "1..1"\nexec sleep 60\n' >"$out/fake/x02_hangs"
printf '#!/bin/sh\necho "TAP version 13"\necho "1..1"\nkill -SEGV $$\n' >"$out/fake/x03_crashes"
chmod +x "$out/fake/x02_hangs" "$out/fake/x03_crashes"
fake=(--tests-dir "$out/fake" "${r[@]}" --timeout 2)
expect 1 "not ok 1 x01_missing # ERROR missing" "missing program is ERROR" -- "$nsapi" test "${fake[@]}"
expect 1 "not ok 2 x02_hangs # TIMEOUT" "hanging program is TIMEOUT" -- "$nsapi" test "${fake[@]}"
expect 1 "not ok 3 x03_crashes # ERROR killed by signal 11" "crashing program is ERROR" -- "$nsapi" test "${fake[@]}"
expect 1 "0 passed, 3 failed, 0 skipped" "totals count them as failed" -- "$nsapi" test "${fake[@]}"
if ! command -v pgrep >/dev/null; then
	echo "FAIL pgrep (procps) is missing: nothing can tell whether the hanging program was left running"
	failed=$((failed + 1))
elif pgrep -f "$out/fake/x02_hangs" >/dev/null; then
	echo "FAIL the hanging program was left running"
	failed=$((failed + 1))
fi
# The results of that run are whole JSON, not half-written files.
if jq -e '.totals.error == 2 and .totals.timeout == 1' "$out"/results/*/suite.json >/dev/null; then
	echo "ok   results of a failed run are complete JSON"
	passed=$((passed + 1))
else
	echo "FAIL results of a failed run are not complete JSON"
	failed=$((failed + 1))
fi
ls "$out"/results/*/ | grep -q '\.tmp' && { echo "FAIL temporary files left"; failed=$((failed + 1)); }

# A checkout in a 0700 directory (a clone in /root): the suite as nobody
# still reaches every program (the runner runs copies it stages).
if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1; then
	mkdir -m 0700 "$out/home"
	mkdir "$out/home/b"
	cp -a "$build/tests" "$build/nsapi-test" "$out/home/b/"
	for f in nsjoin nsapi-trace nsapi-env; do
		[ -e "$build/$f" ] && cp -a "$build/$f" "$out/home/b/"
	done
	expect 0 "0 failed" "nobody suite from a 0700 checkout" -- \
		"$out/home/b/nsapi-test" --user nobody --results "$out/results"
	if grep -q "ERROR\|could not be executed" "$out/stdout"; then
		echo "FAIL nobody suite from a 0700 checkout: a program could not be run"
		failed=$((failed + 1))
	fi
	stage=$(sed -n 's/.*running copies from \([^ ]*\) .*/\1/p' "$out/stderr")
	if [ -z "$stage" ] || [ -e "$stage" ]; then
		echo "FAIL the programs were not staged, or the copy '$stage' was left behind"
		failed=$((failed + 1))
	fi
fi

echo "runner-errors: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

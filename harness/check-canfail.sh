#!/bin/bash
# A check step: prove that tests can fail.  Each line of tests/canfail.tsv
# names a test program and nsapi-fault rules that break the system call it
# is about (make it fail with an errno, or return 0 doing nothing); the
# program must then report at least one "not ok" and exit 1.  A SKIP or a
# pass under a broken kernel means the test does not test.
set -uo pipefail

build=${BUILD:-build}
table=${1:-tests/canfail.tsv}
out=$build/check/canfail
mkdir -p "$out"

passed=0 failed=0
while IFS=$'\t' read -r prog specs; do
	case "$prog" in '' | '#'*) continue ;; esac
	read -ra rules <<<"$specs"
	log=$out/$prog.$(echo "${rules[*]}" | tr -c 'A-Za-z0-9_=\n' '_').log
	rc=0
	"$build/nsapi-fault" "${rules[@]}" -- "$build/tests/$prog" >"$log" 2>&1 || rc=$?
	nfail=$(grep -c '^not ok' "$log")
	if [ "$rc" -eq 1 ] && [ "$nfail" -gt 0 ]; then
		printf 'ok   %-55s %-30s %s not ok\n' "$prog" "${rules[*]}" "$nfail"
		passed=$((passed + 1))
	else
		printf 'FAIL %-55s %-30s exit %s, %s not ok (log: %s)\n' \
			"$prog" "${rules[*]}" "$rc" "$nfail" "$log"
		failed=$((failed + 1))
	fi
done <"$table"

# Every test program has at least one proof.
for src in tests/[a-z][0-9][0-9]_*.c; do
	prog=$(basename "$src" .c)
	if ! grep -q "^$prog	" "$table"; then
		echo "FAIL $prog has no can-fail proof in $table"
		failed=$((failed + 1))
	fi
done
echo "canfail: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

#!/bin/bash
# A check step: prove that tests can fail.  Each line of tests/canfail.tsv
# names a test program and nsapi-fault rules that break the system call it
# is about (make it fail with an errno, or return 0 doing nothing); the
# program must then report at least one "not ok" and exit 1.  A SKIP or a
# pass under a broken kernel means the test does not test.  Only where the
# program, run without a fault, runs no case at all (every case SKIPs for
# its environment), or where, in a chroot, the fault changes no verdict
# because every case it breaks SKIPs there (no user namespaces), is a proof
# that cannot be shown a skip, named with that SKIP's reason.
set -uo pipefail

build=${BUILD:-build}
table=${1:-tests/canfail.tsv}
out=$build/check/canfail
mkdir -p "$out"

passed=0 failed=0 skipped=0

# Why a proof cannot be shown here, or fail: the unfaulted @prog runs no
# case at all (every case SKIPs), or, in a chroot, the fault changes no
# verdict because every case it breaks is skipped there (user namespaces).
verdicts() { sed -nE 's/^((not )?ok [0-9]+ [^#]*)( # SKIP.*)?$/\1\3/p' "$1" | sed -E 's/ # SKIP.*/ skip/'; }
unshowable() { # PROG LOG
	"$build/tests/$1" >"$2.unfaulted" 2>&1
	if ! grep -Eq '^ok [0-9]+ [^#]*$' "$2.unfaulted"; then
		grep -m1 -o '# SKIP .*' "$2.unfaulted" | sed 's/^# SKIP //'
		return 0
	fi
	"$build/nsapi-env" | grep -q 'chroot=yes' &&
		cmp -s <(verdicts "$2") <(verdicts "$2.unfaulted") &&
		grep -m1 -o '# SKIP chrooted.*' "$2.unfaulted" | sed 's/^# SKIP //'
}

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
	elif why=$(unshowable "$prog" "$log"); then
		printf 'skip %-55s %-30s cannot be shown here: %s\n' "$prog" "${rules[*]}" "$why"
		skipped=$((skipped + 1))
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
echo "canfail: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]

#!/bin/bash
# make check: run each check step (a make target) in turn, go on after a
# failure, and end with one line per step and the plain totals line.  The
# host's state is recorded before the first step and compared after the
# last one: the whole check, not only the suite, must leave it unchanged.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
state=${BUILD:-build}/check
mkdir -p "$state"

"$here/host-state.sh" >"$state/host-before.txt"

passed=0 failed=0 names=() verdicts=()
start_all=$(date +%s)
for step in "$@"; do
	echo "=== $step"
	t0=$(date +%s)
	if make --no-print-directory "$step"; then
		v=ok
		passed=$((passed + 1))
	else
		v=FAIL
		failed=$((failed + 1))
	fi
	names+=("$step")
	verdicts+=("$v ($(($(date +%s) - t0)) s)")
done

echo "=== host-safety"
"$here/host-state.sh" >"$state/host-after.txt"
if diff -u "$state/host-before.txt" "$state/host-after.txt"; then
	v=ok
	passed=$((passed + 1))
else
	echo "host-safety: the host changed during make check (diff above)" >&2
	v=FAIL
	failed=$((failed + 1))
fi
names+=(host-safety)
verdicts+=("$v")

echo
echo "=== make check summary ($(($(date +%s) - start_all)) s)"
for i in "${!names[@]}"; do
	printf '  %-24s %s\n' "${names[$i]}" "${verdicts[$i]}"
done
echo "check: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

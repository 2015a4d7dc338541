#!/bin/bash
# A check step: the tree `make install` produced runs the way the kernel's
# kselftest runner conventions say: it lists its tests, runs one collection
# and one test with the TAP the parsers expect, and refuses bad options.
set -uo pipefail

dir=${1:?usage: check-install.sh INSTALL_PATH}
fail() {
	echo "check-install: $*" >&2
	exit 1
}
for f in run_kselftest.sh kselftest-list.txt nsapi/settings nsapi/config; do
	[ -e "$dir/$f" ] || fail "missing $f"
done
n=$(wc -l <"$dir/kselftest-list.txt")
[ "$n" -eq "$(ls tests/[a-z][0-9][0-9]_*.c | wc -l)" ] || fail "kselftest-list.txt has $n entries"
while IFS=: read -r c t; do
	[ -x "$dir/$c/$t" ] || fail "listed $c:$t is not installed"
done <"$dir/kselftest-list.txt"

out=$("$dir/run_kselftest.sh" -s -t nsapi:s01_proc_ns_entries) || fail "s01 failed: $out"
grep -q '^ok 1 selftests: nsapi: s01_proc_ns_entries$' <<<"$out" || fail "no kselftest result line: $out"
grep -q '^# ok ' <<<"$out" || fail "the program's own TAP is not nested as '# ' lines"

rc=0
"$dir/run_kselftest.sh" -t nsapi:nonexistent >/dev/null 2>&1 || rc=$?
[ "$rc" = 2 ] || fail "an unknown test gave exit $rc, not 2"
rc=0
"$dir/run_kselftest.sh" -c nsapi -o 60 >"${BUILD:-build}/check/install-run.tap" 2>&1 || rc=$?
[ "$rc" = 0 ] || fail "the nsapi collection failed (exit $rc): see ${BUILD:-build}/check/install-run.tap"
echo "install: $n tests, kselftest runner conventions hold ($(grep -c '^ok' "${BUILD:-build}/check/install-run.tap") ok)"

#!/bin/bash
# nsapi explain ID: what one behavior is (the rule, the man pages, their
# errata, the article's claim and verdict, from the test's header), then a
# real run of its test with what the test saw (the "# " observation lines:
# inodes, pids, errnos) and each case's verdict.
set -uo pipefail
here=$(dirname "$(readlink -f "$0")")
headers=$here/tests/HEADERS

usage() {
	echo "usage: nsapi explain ID   (e.g. S12; 'nsapi test -l' lists the IDs)"
}
case ${1-} in
-h | --help) usage; exit 0 ;;
esac
if [ $# -ne 1 ] || ! [[ $1 =~ ^[A-Za-z][0-9][0-9]$ ]]; then
	echo "nsapi explain: expected one test ID such as S12, got '${*}'" >&2
	exit 2
fi
id=${1^^}
if ! [ -r "$headers" ]; then
	echo "nsapi explain: $headers missing (run make)" >&2
	exit 1
fi
if ! awk -F'\t' -v id="$id" '$1 == id { found = 1 } END { exit !found }' \
	"$headers"; then
	echo "nsapi explain: no test $id ('nsapi test -l' lists them)" >&2
	exit 2
fi

field() {
	awk -F'\t' -v id="$id" -v f="$1" '$1 == id && $3 == f { print $4 }' \
		"$headers"
}
show() { # TITLE FIELD
	printf '%s\n' "$1"
	field "$2" | fold -s -w 76 | sed "s/^/    /; s/ *$//"
}
prog=$(awk -F'\t' -v id="$id" '$1 == id { print $2; exit }' "$headers")
echo "$id ($(field kind)): $(field claim)"
echo "program: $prog"
echo
show "Rule:" rule
show "Man:" man
show "Man-page errata:" errata
show "The article (\"namespace API\", 2016; LWN's namespaces API article, 2013):" article
show "Since:" since
show "Exceptions:" exceptions
echo
echo "Running $prog: what it saw, then each case's verdict"
# The runner's KTAP, without the harness's own bookkeeping lines.
"$here/nsapi" test --no-results "$id" 2>&1 |
	sed -E 's/^ +//' |
	grep -vE '^(KTAP version|TAP version|1\.\.|# Subtest:|# Starting|#  RUN|#  +OK|# (PASSED|FAILED|Totals):|# [a-z_0-9]+: Test (passed|failed))' |
	sed -E 's/^# tests\/[^:]*:[0-9]+:[a-z_0-9]+:/# /'
exit "${PIPESTATUS[0]}"

#!/bin/bash
# A check step: run the whole suite as root or as an unprivileged user and
# require that nothing failed, that every catalog row has its program in the
# run, that every skip says why, and that the JSON and JUnit outputs parse
# and hold every case.
set -euo pipefail

mode=${1:?usage: check-suite.sh root|nobody}
build=${BUILD:-build}
out=$build/check/suite-$mode
rm -rf "$out"
mkdir -p "$out"
chmod 755 "$out"

args=(--results "$out/results" --junit "$out/junit.xml" --json "$out/suite.json")
[ "$mode" = root ] || args+=(--user "$mode")

rc=0
"$build/nsapi" test "${args[@]}" >"$out/suite.ktap" 2>"$out/stderr" || rc=$?
tail -n 2 "$out/suite.ktap"
fail() {
	echo "check-suite ($mode): $*" >&2
	exit 1
}
[ "$rc" -eq 0 ] || {
	grep -E '^(not ok|  not ok|  # .*(Expected|FAIL))' "$out/suite.ktap" | head -n 40 >&2 || true
	fail "nsapi test exited $rc (see $out/suite.ktap)"
}

json=$out/suite.json
jq -e . "$json" >/dev/null || fail "$json is not JSON"

# Every S and U row of the catalog has a program in the run.
catalog=$(dirname "$0")/../../shared/behaviors.md
if [ -r "$catalog" ]; then
	ids=$(grep -oE '^\| (S|U)[0-9]{2} ' "$catalog" | tr -d '| ' | sort -u)
else
	ids=$(printf 'S%02d\n' $(seq 1 12); printf 'U%02d\n' $(seq 1 14))
fi
missing=()
for id in $ids; do
	jq -e --arg id "$id" 'any(.programs[]; .id == $id)' "$json" >/dev/null ||
		missing+=("$id")
done
[ ${#missing[@]} -eq 0 ] || fail "no test program for: ${missing[*]}"

# No failure, and every skip has its reason.
bad=$(jq -r '.cases[] | select(.status == "fail" or .status == "xpass" or
	(.status == "skip" and .reason == "")) | "\(.status) \(.case)"' "$json")
[ -z "$bad" ] || fail "cases failed or skipped without a reason: $bad"

# JUnit: well-formed XML with one testcase per case (and per program error).
xmllint --noout "$out/junit.xml" || fail "junit.xml is not well-formed XML"
ncases=$(jq '.cases | length' "$json")
ntc=$(grep -c '<testcase ' "$out/junit.xml")
[ "$ntc" -ge "$ncases" ] || fail "junit.xml has $ntc testcases for $ncases cases"

jq -r '"suite (\(.run.user)): \(.totals.pass) pass, \(.totals.fail) fail, \(.totals.skip) skip, \(.run.duration_sec) s"' "$json"

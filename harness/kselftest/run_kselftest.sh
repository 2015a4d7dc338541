#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Entry point of an installed nsapi tree, with the option names and the
# output of the kernel's kselftest runner, so that setups built around
# run_kselftest.sh (KernelCI, LKFT, LAVA's kselftest parser) take it as is:
# TAP version 13, one "selftests: COLLECTION: TEST" result per program with
# the program's own TAP indented as "# " lines, SKIP for exit 4, TIMEOUT
# after the collection's settings timeout.
set -uo pipefail

base=$(cd "$(dirname "$0")" && pwd)
list=$base/kselftest-list.txt

usage() {
	cat <<USAGE
usage: $0 [-h] [-l] [-s] [-c COLLECTION]... [-t COLLECTION:TEST]... [-o SEC]
  -l            list the available collection:test entries
  -c COLLECTION run the tests of COLLECTION (nsapi)
  -t C:T        run one test
  -s            print a summary (pass/fail/skip counts) at the end
  -o SEC        per-test timeout, overriding the collection's settings
USAGE
}

summary=0 override='' sel_c=() sel_t=()
while getopts ":hlsc:t:o:" opt; do
	case $opt in
	h) usage; exit 0 ;;
	l) cat "$list"; exit 0 ;;
	s) summary=1 ;;
	c) sel_c+=("$OPTARG") ;;
	t) sel_t+=("$OPTARG") ;;
	o) [[ $OPTARG =~ ^[1-9][0-9]*$ ]] || { echo "$0: -o wants seconds" >&2; exit 2; }
	   override=$OPTARG ;;
	:) echo "$0: -$OPTARG needs a value" >&2; usage >&2; exit 2 ;;
	*) echo "$0: unknown option -$OPTARG" >&2; usage >&2; exit 2 ;;
	esac
done

selected=()
while IFS= read -r entry; do
	[ -n "$entry" ] || continue
	keep=$(( ${#sel_c[@]} + ${#sel_t[@]} == 0 ))
	for c in "${sel_c[@]}"; do [ "${entry%%:*}" = "$c" ] && keep=1; done
	for t in "${sel_t[@]}"; do [ "$entry" = "$t" ] && keep=1; done
	[ "$keep" = 1 ] && selected+=("$entry")
done <"$list"
if [ ${#selected[@]} -eq 0 ]; then
	echo "$0: no test matches the selection (-l lists them)" >&2
	exit 2
fi

timeout_of() { # COLLECTION
	local t=30
	[ -r "$base/$1/settings" ] && t=$(sed -n 's/^timeout=//p' "$base/$1/settings")
	echo "${override:-$t}"
}

echo "TAP version 13"
echo "1..${#selected[@]}"
n=0 pass=0 fail=0 skip=0
for entry in "${selected[@]}"; do
	n=$((n + 1))
	coll=${entry%%:*} test=${entry#*:}
	secs=$(timeout_of "$coll")
	echo "# timeout set to $secs"
	echo "# selftests: $coll: $test"
	rc=0
	(cd "$base/$coll" && timeout --kill-after=5 "$secs" "./$test" 2>&1) |
		sed 's/^/# /' || true
	rc=${PIPESTATUS[0]}
	case $rc in
	0) echo "ok $n selftests: $coll: $test"; pass=$((pass + 1)) ;;
	4) echo "ok $n selftests: $coll: $test # SKIP"; skip=$((skip + 1)) ;;
	124) echo "not ok $n selftests: $coll: $test # TIMEOUT $secs seconds"; fail=$((fail + 1)) ;;
	*) echo "not ok $n selftests: $coll: $test # exit=$rc"; fail=$((fail + 1)) ;;
	esac
done
[ "$summary" = 1 ] && echo "# Totals: pass:$pass fail:$fail skip:$skip"
[ "$fail" -eq 0 ]

#!/bin/bash
# check-docs: every tests/*.c has the header fields in order, and
# tests/README.md and README.md's generated blocks are what `make docs`
# writes now.  The excerpts come from real runs, so inode numbers are
# compared as N.
set -uo pipefail
build=${BUILD:-build}
dir=$build/check/docs
rm -rf "$dir" && mkdir -p "$dir" || exit 1
fail=0

for f in tests/*.c; do
	awk -f harness/docs/header.awk "$f" >>"$dir/HEADERS" || fail=1
done
[ $fail = 0 ] || echo "check-docs: a test header lacks the fixed form (above)"

harness/docs/tests-readme.sh "$build" "$dir/HEADERS" >"$dir/tests-README.md" &&
	harness/docs/readme.sh "$build" "$dir/HEADERS" README.md >"$dir/README.md" ||
	{ echo "check-docs: generating the documentation failed"; exit 1; }

if ! diff -u tests/README.md "$dir/tests-README.md" >"$dir/tests.diff"; then
	echo "check-docs: tests/README.md is stale (run make docs):"
	head -20 "$dir/tests.diff"
	fail=1
fi
norm() { sed -E 's/[0-9]{7,}/N/g' "$1"; }
if ! diff -u <(norm README.md) <(norm "$dir/README.md") >"$dir/readme.diff"; then
	echo "check-docs: README.md's generated blocks are stale (run make docs):"
	head -20 "$dir/readme.diff"
	fail=1
fi
[ $fail = 0 ] && echo "check-docs: $(ls tests/*.c | wc -l) test headers complete, tests/README.md and README.md current"
exit $fail

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

# The run excerpts show the environment they were made in (its line in the
# KTAP output); made elsewhere (a chroot, a container, as nobody) they differ
# for that reason alone, so they are compared only in the same environment.
committed_env=$(grep -m1 '^# environment:' README.md || true)
here_env="# environment: $("$build/nsapi-env" 2>/dev/null)"
keep=
if [ "$committed_env" != "$here_env" ]; then
	echo "check-docs: the README's run excerpts were made in another environment, not compared here"
	echo "  README: ${committed_env#\# environment: }"
	echo "  here:   ${here_env#\# environment: }"
	keep="ktap fail"
fi

harness/docs/tests-readme.sh "$build" "$dir/HEADERS" >"$dir/tests-README.md" &&
	DOCS_KEEP=$keep harness/docs/readme.sh "$build" "$dir/HEADERS" README.md >"$dir/README.md" ||
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

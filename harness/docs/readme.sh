#!/bin/bash
# readme.sh BUILD HEADERS README: prints README with its generated blocks
# replaced, each between "<!-- docs:NAME -->" and "<!-- /docs:NAME -->":
#   ktap    a real run of `nsapi test -v uts s08`
#   fail    a real failure: S08 with setns() made to return 0 (nsapi-fault)
#   errata  the man-page errata table, from the tests' headers
# The rest of README is copied unchanged, and so is a block named in
# $DOCS_KEEP (check-docs keeps the run excerpts where the environment
# differs from the one they were made in).
set -euo pipefail
build=$1 headers=$2 readme=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

{
	echo '```'
	"$build/nsapi" test --no-results -v uts s08 2>/dev/null || true
	echo '```'
} >"$tmp/ktap"

{
	echo '  ```'
	{ "$build/nsapi-fault" setns=0 -- "$build/tests/s08_setns_nstype" \
		-r nstype.uts.zero_accepts_any_type 2>&1 || true; } |
		sed -n '/^# tests\//,/^not ok/p' | sed 's/^/  /'
	echo '  ```'
} >"$tmp/fail"

{
	echo '| test | where the man page is wrong or silent |'
	echo '|---|---|'
	awk -F'\t' '$3 == "errata" && tolower($4) !~ /^none\.?$/ {
		printf "| [%s](tests/README.md#%s) | %s |\n", $1, tolower($1), $4
	}' "$headers"
} >"$tmp/errata"

awk -v dir="$tmp" -v keep=" ${DOCS_KEEP:-} " '
	match($0, /^<!-- docs:[a-z]+ -->$/) {
		print
		name = substr($0, 11, length($0) - 14)
		if (index(keep, " " name " "))
			next
		file = dir "/" name
		while ((getline line < file) > 0)
			print line
		close(file)
		skip = 1
		next
	}
	/^<!-- \/docs:[a-z]+ -->$/ { skip = 0 }
	!skip' "$readme"

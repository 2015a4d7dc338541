#!/bin/bash
# make check-deps: which linux-source package fetch-kselftest.sh picks when
# apt's lists lack linux-source-6.12, against a private apt state (its own
# dpkg status file standing in for the lists, no sources, no network):
#   bookworm-like: the linux-source metapackage depends on linux-source-6.1
#     (chosen over a newer backport)
#   sid-like: no metapackage, several linux-source-X.Y, the newest wins
#   nothing known: exit 1 with one message, and no refresh without root
#     rights being used (NSAPI_APT_OFFLINE=1)
set -uo pipefail
here=$(dirname "$0")
tmp=$(mktemp -d /tmp/nsapi-deps.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fails=0

stanza() { # NAME VERSION [DEPENDS]
	printf 'Package: %s\nStatus: install ok installed\nPriority: optional\n' "$1"
	printf 'Section: kernel\nInstalled-Size: 1\nMaintainer: nsapi <nsapi@example.invalid>\n'
	printf 'Architecture: all\nVersion: %s\n' "$2"
	[ -z "${3:-}" ] || printf 'Depends: %s\n' "$3"
	printf 'Description: stand-in for make check-deps\n\n'
}

# private_apt NAME: an APT_CONFIG whose only packages are in NAME.status.
private_apt() {
	local d=$tmp/$1
	mkdir -p "$d/lists/partial" "$d/cache/archives/partial" "$d/parts" "$d/state"
	cat >"$d/apt.conf" <<CONF
Dir::State "$d/state/";
Dir::State::Lists "$d/lists/";
Dir::State::status "$d/status";
Dir::Cache "$d/cache/";
Dir::Etc::SourceList "/dev/null";
Dir::Etc::SourceParts "$d/parts/";
Dir::Etc::Preferences "/dev/null";
Dir::Etc::PreferencesParts "$d/parts/";
CONF
	echo "$d/apt.conf"
}

expect_pick() { # NAME WANT
	local got
	got=$(APT_CONFIG=$(private_apt "$1") NSAPI_APT_OFFLINE=1 "$here/fetch-kselftest.sh" --pick 2>/dev/null)
	if [ "$got" = "$2" ]; then
		echo "ok   $1: $got"
	else
		echo "FAIL $1: picked '$got', want '$2'"
		fails=$((fails + 1))
	fi
}

mkdir -p "$tmp/bookworm" "$tmp/sid" "$tmp/empty"
{
	stanza linux-source 6.1.99 linux-source-6.1
	stanza linux-source-6.1 6.1.99-1
	stanza linux-source-5.10 5.10.1-1
	stanza linux-source-6.10 6.10.1-1~bpo12+1 # a backport: the metapackage wins
} >"$tmp/bookworm/status"
{
	stanza linux-source-6.16 6.16.1-1
	stanza linux-source-6.9 6.9.1-1
} >"$tmp/sid/status"
: >"$tmp/empty/status"
expect_pick bookworm linux-source-6.1
expect_pick sid linux-source-6.16
expect_pick empty none

conf=$(private_apt empty)
APT_CONFIG=$conf NSAPI_APT_OFFLINE=1 "$here/fetch-kselftest.sh" "$tmp/out" >"$tmp/out.txt" 2>&1
rc=$?
if [ $rc -eq 1 ] && grep -q "apt knows no linux-source-X.Y package" "$tmp/out.txt" &&
	grep -q "not refreshing the package lists" "$tmp/out.txt"; then
	echo "ok   no source package: exit 1, says so and what it did not do"
else
	echo "FAIL no source package: exit $rc:"
	sed 's/^/     /' "$tmp/out.txt"
	fails=$((fails + 1))
fi
[ $fails -eq 0 ] || exit 1
echo "  DEPS    header package choice without linux-source-6.12: 4 cases"

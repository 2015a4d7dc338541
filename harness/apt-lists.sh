#!/bin/bash
# Sourced by install-deps.sh and fetch-kselftest.sh: are apt's package lists
# there and fresh, and refresh them when not.  A fresh debootstrap root has
# the lists of its main suite only (its -security and -updates suites were
# never fetched) and a container image has none.
#
# apt_lists_stale: true when there are no lists, or they are older than the
#   apt sources (sources copied in after the lists were made), or than a day.
# apt_refresh WHY: as root, apt-get update once (saying why); otherwise print
#   the command and return 1.  NSAPI_APT_OFFLINE=1 never refreshes.

apt_lists_dir() {
	local d
	d=$(apt-config shell d Dir::State::Lists/d 2>/dev/null | sed -n "s/^d='\(.*\)'$/\1/p")
	echo "${d:-/var/lib/apt/lists/}"
}

apt_lists_stale() {
	local dir newest f
	dir=$(apt_lists_dir)
	newest=$(find "$dir" -maxdepth 1 -name '*_Packages*' -printf '%T@\n' 2>/dev/null | sort -n | tail -n1)
	[ -n "$newest" ] || return 0
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*; do
		[ -e "$f" ] || continue
		[ "$(stat -c %Y "$f")" -le "${newest%.*}" ] || return 0
	done
	[ $(($(date +%s) - ${newest%.*})) -gt 86400 ]
}

# Does apt have a version of package $1 to install?  (Read whole: a pipe
# closed early would fail under pipefail.)
apt_has_candidate() {
	local policy
	policy=$(apt-cache policy "$1" 2>/dev/null)
	[[ $policy == *"Candidate: "* && $policy != *"Candidate: (none)"* ]]
}

apt_refreshed=
apt_refresh() { # WHY
	[ -z "$apt_refreshed" ] || return 1
	apt_refreshed=1
	if [ "${NSAPI_APT_OFFLINE:-0}" = 1 ]; then
		echo "  APT     not refreshing the package lists ($1): NSAPI_APT_OFFLINE=1" >&2
		return 1
	fi
	if [ "$(id -u)" != 0 ]; then
		echo "  APT     the package lists need a refresh ($1); as root run: apt-get update" >&2
		return 1
	fi
	echo "  APT     apt-get update: $1"
	if ! apt-get update -q >/tmp/nsapi-apt-update.log 2>&1; then
		tail -n 5 /tmp/nsapi-apt-update.log >&2
		echo "  APT     apt-get update failed (log: /tmp/nsapi-apt-update.log)" >&2
		return 1
	fi
}

#!/bin/bash
# A manual tool (not part of make check): try the README's two commands as a
# newcomer on a fresh Debian would.  Builds a minbase root with debootstrap
# under /var/tmp, copies this system's apt sources and settings into it (the
# mirror comes from /etc/apt, never from this repository), clones CHECKOUT
# as root into ROOT/root/project, and runs `make run`, then `make check`
# there, chrooted, with /proc, /sys and /dev mounted inside a private mount
# namespace (the host's mount table is not touched).  Prints both wall times
# and the suite counts; the logs stay in ROOT.log.d/.
#
#   harness/try-fresh-root.sh [--suite SUITE] [--keep] [CHECKOUT]
#
# SUITE: bookworm (default), trixie, sid.  CHECKOUT: a git checkout or URL
# (default: this one; its committed HEAD is what is tried).  --keep leaves
# the root for a look inside; by default it is removed at the end.
# Needs root, debootstrap and network access to the Debian mirror.
set -euo pipefail

die() {
	echo "try-fresh-root: $*" >&2
	exit 2
}

suite=bookworm keep= checkout=
while [ $# -gt 0 ]; do
	case $1 in
	--suite) [ $# -ge 2 ] || die "--suite needs a name"; suite=$2; shift 2 ;;
	--keep) keep=1; shift ;;
	-h | --help) sed -n '2,18s/^# \{0,1\}//p' "$0"; exit 0 ;;
	-*) die "unknown option '$1' (see --help)" ;;
	*) checkout=$1; shift ;;
	esac
done
[[ $suite =~ ^(bookworm|trixie|sid)$ ]] || die "--suite '$suite': want bookworm, trixie or sid"
[ "$(id -u)" = 0 ] || die "needs root (debootstrap, chroot, mounts)"
command -v debootstrap >/dev/null || die "debootstrap is not installed (apt-get install debootstrap)"
checkout=${checkout:-$(git -C "$(dirname "$0")/.." rev-parse --show-toplevel)}

# The system's Debian mirror: the first enabled deb URI for the main archive.
host_mirror() {
	{
		awk 'tolower($1) == "uris:" { for (i = 2; i <= NF; i++) print $i }' \
			/etc/apt/sources.list.d/*.sources 2>/dev/null
		awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /:\/\//) { print $i; break } }' \
			/etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null
	} | grep -v -e security -e '^$' | head -n1 || true
}
mirror=$(host_mirror)
[ -n "$mirror" ] || die "no Debian mirror in /etc/apt (sources.list or sources.list.d)"

root=$(mktemp -d /var/tmp/nsapi-fresh.XXXXXX)
logs=$root.log.d
mkdir -p "$logs"
cleanup() {
	if [ -n "$keep" ]; then
		echo "try-fresh-root: kept $root"
	elif grep -qF " $root" /proc/self/mountinfo; then
		echo "try-fresh-root: $root still has mounts; not removing it" >&2
	else
		rm -rf --one-file-system "$root"
	fi
}
trap cleanup EXIT

echo "# debootstrap --variant=minbase $suite into $root (mirror from /etc/apt)"
t0=$(date +%s)
debootstrap --variant=minbase --include=ca-certificates,git,make "$suite" "$root" "$mirror" \
	>"$logs/debootstrap.log" 2>&1 || { tail -n 20 "$logs/debootstrap.log" >&2; die "debootstrap failed"; }
echo "# debootstrap: $(($(date +%s) - t0)) s"

# The system's apt sources and settings, as a newcomer's image would have.
cp -a /etc/apt/sources.list.d /etc/apt/apt.conf.d "$root/etc/apt/" 2>/dev/null || true
[ ! -e /etc/apt/sources.list ] || cp -a /etc/apt/sources.list "$root/etc/apt/"
[ ! -d /etc/apt/trusted.gpg.d ] || cp -a /etc/apt/trusted.gpg.d "$root/etc/apt/"
[ ! -d /etc/apt/keyrings ] || cp -a /etc/apt/keyrings "$root/etc/apt/"
[ "$suite" = bookworm ] ||
	sed -i "s/\bbookworm\b/$suite/g" "$root"/etc/apt/sources.list.d/*.sources "$root"/etc/apt/sources.list 2>/dev/null || true
cp -L /etc/resolv.conf "$root/etc/resolv.conf"

git clone -q "$checkout" "$root/root/project"
echo "# cloned $checkout ($(git -C "$root/root/project" log -1 --format='%h %s' | cut -c 1-60)) into /root/project"

# One README command in the chroot, in a private mount namespace; its wall
# time and exit status.
run_in_root() { # NAME COMMAND
	local t rc=0
	t=$(date +%s)
	unshare -m --propagation private -- bash -c '
		root=$1; shift
		mount -t proc proc "$root/proc"
		mount -t sysfs sysfs "$root/sys"
		mount --rbind /dev "$root/dev"
		exec chroot "$root" bash -lc "$*"
	' - "$root" "cd /root/project && $2" >"$logs/$1.log" 2>&1 || rc=$?
	echo "# $2: exit $rc, $(($(date +%s) - t)) s wall (log: $logs/$1.log)"
	grep -E '^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped|^# [0-9]+ cases? skipped|^check: |passed, [0-9]+ failed$|^FAIL|^  FAIL' "$logs/$1.log" |
		sed 's/^/    /' | head -n 40 || true
	return $rc
}

status=0
run_in_root make-run "make run" || status=1
run_in_root make-check "make check" || status=1
exit $status

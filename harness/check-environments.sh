#!/bin/bash
# A check step: the whole suite, as root and as nobody, in the places kernel
# CI runs it that are not a clean root shell (issue 10, issue 16), requiring
# 0 FAIL and 0 ERROR in each and printing its pass/fail/skip counts:
#
#   host        the plain host, for comparison
#   seccomp     a filter like a container's default profile: unshare and
#               setns EPERM, clone3 ENOSYS, clone with a CLONE_NEW* flag EPERM
#   max-TYPE    a user namespace of our own whose max_TYPE_namespaces is 0,
#               one type at a time (root lacks CAP_SYS_RESOURCE in the
#               initial one, so the limit is set inside)
#   rootless    unshare --user --map-root-user --mount --pid --fork
#               --mount-proc, as root only (nobody is not mapped there)
#   rootless-range  the same container with uids 1-65536 mapped to
#               100000-165535 as well (a rootless Podman's map), root and nobody
#   three       three suites at once
#   chroot      the static build in a chroot of the matrix's initramfs tree
#               (a / that is no mount point, no user namespaces), inside a
#               private mount namespace
#
#   check-environments.sh [ENV...]     (default: all of them)
#
# NSAPI_ENV_TESTS="s06 u08" runs only those programs (runner patterns).
#
# As root only (it makes user namespaces with chosen maps and mounts in a
# private mount namespace); otherwise it says so and exits 0 with nothing run.
set -uo pipefail

build=${BUILD:-build}
here=$(cd "$(dirname "$0")" && pwd)
out=$build/check/environments
docker_like=(unshare=EPERM setns=EPERM clone3=ENOSYS 'clone&0x7e020080=EPERM')
types=(cgroup ipc mnt net pid time user uts)
read -ra patterns <<<"${NSAPI_ENV_TESTS:-}"

if [ "$(id -u)" != 0 ]; then
	echo "check-environments: needs root (user namespaces with chosen maps, chroot); nothing run"
	exit 0
fi
rm -rf "$out"
mkdir -p "$out"
chmod 755 "$out"
out=$(cd "$out" && pwd)
nsapi=$(cd "$build" && pwd)/nsapi

passed=0 failed=0

# in_userns MAP CMD...: CMD as root of a new user namespace whose uid and gid
# maps are MAP ("inner outer count" ranges joined by ","), written from here
# (host root may map any range) while the child waits on a FIFO.
in_userns() {
	local map=$1 dir pid rc
	shift
	dir=$(mktemp -d "$out/userns.XXXXXX")
	mkfifo "$dir/up" "$dir/go"
	# shellcheck disable=SC2016 # expanded by the inner bash
	unshare --user -- bash -c 'echo >"$1/up"; read -r _ <"$1/go"; shift; exec "$@"' \
		_ "$dir" "$@" &
	pid=$!
	read -r _ <"$dir/up"
	# One write(2) per map file: cat copies the whole small file at once.
	printf '%b\n' "${map//,/\\n}" >"$dir/map"
	if cat "$dir/map" >"/proc/$pid/uid_map" && cat "$dir/map" >"/proc/$pid/gid_map"; then
		echo >"$dir/go"
	else
		kill -KILL "$pid"
	fi
	wait "$pid"
	rc=$?
	rm -rf "$dir"
	return "$rc"
}

# verdict NAME JSON RC: one line with the counts; 0 FAIL, 0 ERROR or it fails.
verdict() {
	local name=$1 json=$2 rc=$3 counts
	counts=$(jq -r '.totals | "\(.pass) pass, \(.fail) fail, \(.skip) skip, \(.error + .timeout) error"' \
		"$json" 2>/dev/null) || counts="no result (exit $rc)"
	if [ "$rc" -le 1 ] && jq -e '.totals.fail + .totals.xpass + .totals.error + .totals.timeout == 0 and
		all(.cases[]; .status != "skip" or .reason != "")' "$json" >/dev/null 2>&1; then
		printf 'ok   %-24s %s\n' "$name" "$counts"
		passed=$((passed + 1))
	else
		printf 'FAIL %-24s %s (%s)\n' "$name" "$counts" "${json%.json}.ktap"
		jq -r '.cases[] | select(.status != "pass" and .status != "skip") |
			"       \(.status) \(.program) \(.case) \(.reason)"' "$json" 2>/dev/null | head -n 12
		failed=$((failed + 1))
	fi
}

# suite NAME WHO PREFIX...: the suite as WHO (root or nobody), run by PREFIX.
suite() {
	local name=$1 who=$2 rc=0
	shift 2
	local args=(test --no-results --json "$out/$name-$who.json")
	[ "$who" = root ] || args+=(--user "$who")
	args+=("${patterns[@]}")
	"$@" "$nsapi" "${args[@]}" >"$out/$name-$who.ktap" 2>"$out/$name-$who.err" || rc=$?
	verdict "$name ($who)" "$out/$name-$who.json" "$rc"
}

env_host() {
	suite host root
	suite host nobody
}

env_seccomp() {
	suite seccomp root "$build/nsapi-fault" "${docker_like[@]}" --
	suite seccomp nobody "$build/nsapi-fault" "${docker_like[@]}" --
}

# The limit is written by root of the new user namespace, which has
# CAP_SYS_RESOURCE there; nobody (65534) is mapped to run its half.
limited() {
	echo 0 >"/proc/sys/user/max_$1_namespaces" || exit 125
	shift
	exec "$@"
}

env_max() {
	local t
	for t in "${types[@]}"; do
		suite "max-$t" root in_userns "0 0 65536" bash -c "$(declare -f limited); limited $t \"\$@\"" _
		suite "max-$t" nobody in_userns "0 0 65536" bash -c "$(declare -f limited); limited $t \"\$@\"" _
	done
}

container=(unshare --mount --pid --fork --mount-proc)

env_rootless() {
	suite rootless root unshare --user --map-root-user "${container[@]}"
}

env_rootless_range() {
	suite rootless-range root in_userns "0 0 1,1 100000 65536" "${container[@]}"
	suite rootless-range nobody in_userns "0 0 1,1 100000 65536" "${container[@]}"
}

env_three() {
	local who i rc pids
	for who in root nobody; do
		pids=()
		for i in 1 2 3; do
			local args=(test --no-results --json "$out/three$i-$who.json")
			[ "$who" = root ] || args+=(--user "$who")
			args+=("${patterns[@]}")
			"$nsapi" "${args[@]}" >"$out/three$i-$who.ktap" 2>"$out/three$i-$who.err" &
			pids+=($!)
		done
		for i in 1 2 3; do
			rc=0
			wait "${pids[$((i - 1))]}" || rc=$?
			verdict "three $i/3 ($who)" "$out/three$i-$who.json" "$rc"
		done
	done
}

# The matrix's guest tree (static busybox, /etc/passwd with nobody, the
# static build under /nsapi), unpacked from its initramfs; /proc, /sys and
# /dev mounted in a private mount namespace, so the host's table never
# changes; the chroot's / stays a plain directory.
env_chroot() {
	local root=$out/chroot who rc
	if "$build/nsapi-env" | grep -q 'chroot=yes'; then
		printf 'skip %-24s %s\n' chroot "already chrooted: the host runs above are the chroot's"
		skipped=$((skipped + 1))
		return
	fi
	if [ ! -x "$build/static/nsapi-test" ]; then
		printf 'FAIL %-24s %s\n' chroot "no static build ($build/static: make static)"
		failed=$((failed + 1))
		return
	fi
	if ! "$here/matrix/build-initramfs.sh" "$build/static" "$out/chroot.cpio.gz" >"$out/chroot.err" 2>&1; then
		printf 'FAIL %-24s %s\n' chroot "build-initramfs.sh failed ($out/chroot.err)"
		failed=$((failed + 1))
		return
	fi
	mkdir -p "$root"
	(cd "$root" && gzip -dc ../chroot.cpio.gz | cpio -idm --quiet 2>/dev/null)
	mkdir -p "$root/results"
	for who in root nobody; do
		rc=0
		local args=(--tests-dir /nsapi/tests --no-results --json "/results/chroot-$who.json")
		[ "$who" = root ] || args+=(--user "$who")
		args+=("${patterns[@]}")
		# shellcheck disable=SC2016 # expanded by the inner bash
		unshare -m --propagation private -- bash -c '
			r=$1; shift
			mount -t proc proc "$r/proc" && mount -t sysfs sysfs "$r/sys" &&
				mount --rbind /dev "$r/dev" && mount -t tmpfs tmpfs "$r/tmp" &&
				exec chroot "$r" /nsapi/nsapi-test "$@"' _ "$root" "${args[@]}" \
			>"$out/chroot-$who.ktap" 2>"$out/chroot-$who.err" || rc=$?
		cp "$root/results/chroot-$who.json" "$out/" 2>/dev/null
		verdict "chroot ($who)" "$out/chroot-$who.json" "$rc"
	done
	rm -rf "$root" "$out/chroot.cpio.gz"
}

# The environments built on a user namespace of our own cannot be built
# where the kernel refuses one (a chroot): skipped, with the reason, instead
# of waiting forever for a child that never started.
skipped=0
userns_refused=$(unshare --user true 2>&1) && userns_refused=
needs_userns() { # NAME
	[ -n "$userns_refused" ] || return 1
	printf 'skip %-24s %s\n' "$1" "cannot be built here: unshare --user: ${userns_refused##*: }"
	skipped=$((skipped + 1))
}

start=$(date +%s)
envs=("$@")
[ ${#envs[@]} -gt 0 ] || envs=(host seccomp max rootless rootless-range three chroot)
for e in "${envs[@]}"; do
	case $e in
	max | rootless | rootless-range) needs_userns "$e" || "env_${e/-/_}" ;;
	host | seccomp | three | chroot) "env_$e" ;;
	*)
		echo "check-environments: unknown environment '$e'" >&2
		exit 2
		;;
	esac
done
echo "environments: $passed passed, $failed failed, $skipped skipped, $(($(date +%s) - start)) s"
[ "$failed" -eq 0 ]

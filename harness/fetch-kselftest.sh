#!/bin/bash
# Provide kselftest.h and kselftest_harness.h in OUTDIR, with a SOURCE file
# saying where they came from.  From $KSFT_DIR when set (a kernel tree's
# tools/testing/selftests), else extracted once from Debian's linux-source
# package (6.12 preferred: its harness has XFAIL and the -t/-v/-f filters)
# into a cache outside the repository.  Nothing is installed system-wide.
set -euo pipefail

out=${1:?usage: fetch-kselftest.sh OUTDIR | --pick}
headers=(kselftest.h kselftest_harness.h)
[ "$out" = --pick ] || mkdir -p "$out"

install_from() { # DIR LABEL
	local f
	for f in "${headers[@]}"; do
		cp "$1/$f" "$out/$f.tmp" && mv "$out/$f.tmp" "$out/$f"
	done
	printf '%s\n' "$2" >"$out/SOURCE"
	echo "  KSFT    $out from $2"
}

if [ -n "${KSFT_DIR:-}" ]; then
	for f in "${headers[@]}"; do
		if [ ! -r "$KSFT_DIR/$f" ]; then
			echo "fetch-kselftest: KSFT_DIR=$KSFT_DIR has no $f" \
				"(expected <kernel>/tools/testing/selftests)" >&2
			exit 1
		fi
	done
	install_from "$KSFT_DIR" "KSFT_DIR=$(realpath "$KSFT_DIR")"
	exit 0
fi

cache=$("$(dirname "${BASH_SOURCE[0]}")/cache-dir.sh")

. "$(dirname "${BASH_SOURCE[0]}")/apt-lists.sh"



# linux-source-6.12 when apt knows it; else what the linux-source
# metapackage depends on (in bookworm an empty package depending on
# linux-source-6.1); else the newest linux-source-X.Y apt knows.
pick_package() {
	local p dep
	if apt_has_candidate linux-source-6.12; then
		echo linux-source-6.12
		return 0
	fi
	dep=$(apt-cache depends linux-source 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-source-[0-9][0-9.]*\)$/\1/p' | sort -rV | head -n1)
	for p in $dep $(apt-cache pkgnames linux-source- 2>/dev/null |
		grep -E '^linux-source-[0-9]+\.[0-9]+$' | sort -rV); do
		if apt_has_candidate "$p"; then
			echo "$p"
			return 0
		fi
	done
	return 1
}

if [ "${1:-}" = --pick ]; then # the choice only (make check tests it)
	pick_package || { echo "none"; exit 1; }
	exit 0
fi

if apt_lists_stale; then
	apt_refresh "the package lists are missing or older than the apt sources" || true
elif ! apt_has_candidate linux-source-6.12; then
	apt_refresh "they lack linux-source-6.12" || true
fi
pkg=$(pick_package) || {
	echo "fetch-kselftest: apt knows no linux-source-X.Y package;" \
		"run 'apt-get update' as root or set KSFT_DIR=<kernel>/tools/testing/selftests" >&2
	exit 1
}
[ "$pkg" = linux-source-6.12 ] ||
	echo "  KSFT    linux-source-6.12 is not in the package lists; using $pkg (its harness may lack XFAIL and the -t/-v/-f filters)"
ver=$(apt-cache policy "$pkg" | awk '/Candidate:/ { print $2 }')
dir="$cache/kselftest/$pkg-$ver"

if [ ! -r "$dir/kselftest_harness.h" ]; then
	mkdir -p "$cache"
	tmp=$(mktemp -d "$cache/tmp.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	echo "  APT     downloading $pkg $ver (once; cached in $cache)"
	(cd "$tmp" && apt-get download -q "$pkg=$ver" 2>&1 | grep -v '^W: Download is performed unsandboxed' >&2 || true)
	deb=$(ls "$tmp"/*.deb 2>/dev/null | head -n1)
	if [ -z "$deb" ]; then
		echo "fetch-kselftest: apt-get download $pkg=$ver failed" >&2
		exit 1
	fi
	echo "  XZ      extracting the kselftest headers from $(basename "$deb")"
	mkdir -p "$tmp/src"
	dpkg-deb --fsys-tarfile "$deb" | tar -xO --wildcards '*.tar.xz' | xz -dc |
		tar -x -C "$tmp/src" --wildcards --strip-components=4 \
			'*/tools/testing/selftests/kselftest.h' \
			'*/tools/testing/selftests/kselftest_harness.h'
	mkdir -p "$dir"
	for f in "${headers[@]}"; do
		cp "$tmp/src/$f" "$dir/$f"
	done
fi
install_from "$dir" "debian:$pkg=$ver"

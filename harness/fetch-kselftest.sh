#!/bin/bash
# Provide kselftest.h and kselftest_harness.h in OUTDIR, with a SOURCE file
# saying where they came from.  From $KSFT_DIR when set (a kernel tree's
# tools/testing/selftests), else extracted once from Debian's linux-source
# package (6.12 preferred: its harness has XFAIL and the -t/-v/-f filters)
# into a cache outside the repository.  Nothing is installed system-wide.
set -euo pipefail

out=${1:?usage: fetch-kselftest.sh OUTDIR}
headers=(kselftest.h kselftest_harness.h)
mkdir -p "$out"

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

pick_package() {
	local p
	for p in linux-source-6.12 linux-source; do
		if apt-cache show "$p" >/dev/null 2>&1; then
			echo "$p"
			return 0
		fi
	done
	return 1
}

pkg=$(pick_package) || {
	echo "fetch-kselftest: apt knows no linux-source package;" \
		"run 'apt-get update' or set KSFT_DIR=<kernel>/tools/testing/selftests" >&2
	exit 1
}
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

#!/bin/bash
# Resolve a Debian kernel name to a cached kernel image, downloading it once.
#
#   fetch-kernel.sh [--resolve-only] SPEC
#
# SPEC is an alias or a package name:
#   6.1 | bookworm    the newest 6.1 kernel of bookworm (incl. bookworm-security)
#   6.12              the newest 6.12 kernel (bookworm-security or -backports)
#   sid | unstable    the newest kernel in sid
#   X.Y               the newest X.Y kernel any configured suite has
#   linux-image-...   a package, a metapackage (followed to its image), or
#                     PACKAGE=VERSION
# Metapackages are resolved at run time because image package names change
# with every ABI bump.  The image is downloaded with apt-get download through
# the private apt state (apt-private.sh), extracted with dpkg-deb -x (never
# installed), and only its boot/ files are kept, in
# $NSAPI_CACHE/kernels/PACKAGE_VERSION/, with the uncompressed vmlinux-RELEASE
# that qemu boots faster (extract-vmlinux.sh).  Prints the path of the vmlinuz;
# --resolve-only prints PACKAGE=VERSION and downloads nothing.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
apt=$here/apt-private.sh
cache=$("$here/../cache-dir.sh")

usage() {
	echo "usage: fetch-kernel.sh [--resolve-only] SPEC" >&2
	echo "  SPEC: 6.1 | bookworm | 6.12 | sid | unstable | X.Y | linux-image-PACKAGE[=VERSION]" >&2
	exit 2
}

resolve_only=0
if [ "${1:-}" = --resolve-only ]; then
	resolve_only=1
	shift
fi
[ $# -eq 1 ] || usage
spec=$1

# "VERSION SUITE" lines of a package, from apt-cache madison.
versions() { # PACKAGE
	"$apt" apt-cache madison "$1" 2>/dev/null |
		awk -F' *[|] *' '{ split($3, a, " "); print $2, a[2] }' | sed 's|/.*||'
}

# The newest version among "VERSION SUITE" lines on stdin.
newest() {
	local v best=
	while read -r v _; do
		if [ -z "$best" ] || dpkg --compare-versions "$v" gt "$best"; then
			best=$v
		fi
	done
	[ -n "$best" ] && echo "$best"
}

# The linux-image-* package a metapackage version depends on, or the package
# itself when it is an image.
follow_meta() { # PACKAGE VERSION
	local dep
	dep=$("$apt" apt-cache show "$1=$2" 2>/dev/null |
		sed -n 's/^Depends: //p' | head -n1 | tr ',' '\n' |
		sed -n 's/^ *\(linux-image-[^ ]*\) (= \([^)]*\)).*/\1=\2/p' | head -n1)
	if [ -n "$dep" ]; then
		echo "$dep"
	else
		echo "$1=$2"
	fi
}

resolve() {
	local s=$1 ver pkg series suites
	case $s in
	bookworm) s=6.1 ;;
	unstable) s=sid ;;
	esac
	case $s in
	sid)
		ver=$(versions linux-image-amd64 | awk '$2 == "sid"' | newest) || return 1
		follow_meta linux-image-amd64 "$ver"
		;;
	[0-9]*.[0-9]*)
		[[ $s =~ ^[0-9]+\.[0-9]+$ ]] || return 2
		series=$s
		# linux-image-X.Y-amd64 is the metapackage of a kernel series carried
		# next to a release's own (6.12 in bookworm-security).
		{
			versions linux-image-amd64 | grep -E "^$series\.[0-9]" | sed 's/^/linux-image-amd64 /'
			versions "linux-image-$series-amd64" | sed "s/^/linux-image-$series-amd64 /"
		} >"$cache/resolve.$$"
		pkg= ver=
		local p v
		while read -r p v _; do
			if [ -z "$ver" ] || dpkg --compare-versions "$v" gt "$ver"; then
				pkg=$p ver=$v
			fi
		done <"$cache/resolve.$$"
		rm -f "$cache/resolve.$$"
		[ -n "$ver" ] || return 1
		follow_meta "$pkg" "$ver"
		;;
	linux-image-*=*)
		pkg=${s%%=*} ver=${s#*=}
		"$apt" apt-cache show "$pkg=$ver" >/dev/null 2>&1 || return 1
		follow_meta "$pkg" "$ver"
		;;
	linux-image-*)
		ver=$(versions "$s" | newest) || return 1
		follow_meta "$s" "$ver"
		;;
	*) return 2 ;;
	esac
}

mkdir -p "$cache"
"$apt" update
rc=0
target=$(resolve "$spec") || rc=$?
if [ $rc -eq 2 ]; then
	echo "fetch-kernel: '$spec' is neither a kernel alias (6.1, bookworm, 6.12, sid, X.Y)" \
		"nor a linux-image-* package name" >&2
	exit 2
elif [ $rc -ne 0 ] || [ -z "$target" ]; then
	echo "fetch-kernel: no Debian kernel package matches '$spec' in the suites" \
		"bookworm, bookworm-updates, bookworm-security, bookworm-backports, sid" >&2
	exit 2
fi
if [ $resolve_only = 1 ]; then
	echo "$target"
	exit 0
fi

pkg=${target%%=*}
ver=${target#*=}
dir=$cache/kernels/${pkg}_$ver
image() { ls "$dir"/vmlinuz-* 2>/dev/null | head -n1; }
# Where a package keeps the image: boot/vmlinuz-RELEASE (up to Debian 13) or
# usr/lib/modules/RELEASE/vmlinuz (the split packages of Debian 14).
find_image() { # ROOT
	local f
	for f in "$1"/boot/vmlinuz-* "$1"/usr/lib/modules/*/vmlinuz "$1"/lib/modules/*/vmlinuz; do
		[ -f "$f" ] && echo "$f" && return 0
	done
	return 1
}

download_extract() { # PACKAGE VERSION
	echo "  APT     downloading $1 $2" >&2
	rm -f "$tmp"/*.deb
	if ! (cd "$tmp" && "$apt" apt-get download "$1=$2") >"$tmp/download.log" 2>&1; then
		sed 's/^/  APT     /' "$tmp/download.log" | tail -n 10 >&2
		echo "fetch-kernel: apt-get download $1=$2 failed" >&2
		exit 1
	fi
	dpkg-deb -x "$tmp"/*.deb "$tmp/root"
}

if [ -z "$(image)" ]; then
	tmp=$(mktemp -d "$cache/tmp.kernel.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	download_extract "$pkg" "$ver"
	if ! src=$(find_image "$tmp/root"); then
		# The image package may only depend on the package holding the image.
		bin=$(dpkg-deb -f "$tmp"/*.deb Depends | tr ',' '\n' |
			sed -n 's/^ *\(linux-binary-[^ ]*\) (= .*/\1/p' | head -n1)
		[ -n "$bin" ] && download_extract "$bin" "$ver"
		src=$(find_image "$tmp/root") || {
			echo "fetch-kernel: $pkg=$ver holds no kernel image (boot/vmlinuz-*)" >&2
			exit 1
		}
	fi
	case $src in
	*/boot/vmlinuz-*) release=${src##*/vmlinuz-} ;;
	*) release=$(basename "$(dirname "$src")") ;;
	esac
	mkdir -p "$tmp/keep"
	cp -p "$src" "$tmp/keep/vmlinuz-$release"
	cp -p "$tmp/root/boot/config-$release" "$tmp/keep/" 2>/dev/null ||
		cp -p "$tmp/root/usr/lib/modules/$release/config" "$tmp/keep/config-$release" 2>/dev/null || true
	printf '%s\n' "$pkg=$ver" >"$tmp/keep/PACKAGE"
	mkdir -p "$cache/kernels"
	rm -rf "$dir"
	mv "$tmp/keep" "$dir"
fi
# The ELF vmlinux beside it boots without the decompressor (see
# extract-vmlinux.sh); kernels without a PVH entry point get none.
vmlinuz=$(image)
release=${vmlinuz##*/vmlinuz-}
if [ ! -e "$dir/vmlinux-$release" ] && [ ! -e "$dir/no-pvh" ]; then
	"$here/extract-vmlinux.sh" "$vmlinuz" "$dir/vmlinux-$release" || : >"$dir/no-pvh"
fi
echo "$vmlinuz"

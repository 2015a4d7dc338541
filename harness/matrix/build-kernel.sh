#!/bin/bash
# Build a kernel from Debian's linux-source with a chosen config, once, cached
# by the hash of what goes into it.
#
#   build-kernel.sh [--resolve-only] NAME
#
# NAME names harness/matrix/kconfig/NAME.config, a fragment merged into
# tinyconfig (the matrix boots it as `config:NAME`).  The source is the
# linux-source-6.12 package (the one make deps takes the kselftest headers
# from), downloaded once into $NSAPI_CACHE/src/ and unpacked there.  The
# kernel is built out of tree at nice 10 with -j2, and only its images are
# kept, in $NSAPI_CACHE/kernels/config-NAME-HASH/: vmlinuz-RELEASE (the
# bzImage), vmlinux-RELEASE (the ELF qemu boots through PVH), the .config,
# PACKAGE and build.log's last lines with the build time.  HASH covers the
# fragment, the source package's version and the build recipe's version
# (recipe= below: raise it when the way of building changes).  Every line of the fragment must hold in the final
# .config (kconfig silently drops what a dependency refuses): otherwise exit 1
# naming the option.  Prints the vmlinuz path; --resolve-only checks NAME and
# prints the cache directory without building.  Exit status 2 bad NAME.
set -euo pipefail
recipe=1

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache=$("$here/../cache-dir.sh")
resolve_only=0
if [ "${1:-}" = --resolve-only ]; then
	resolve_only=1
	shift
fi
[ $# -eq 1 ] || {
	echo "usage: build-kernel.sh [--resolve-only] NAME" >&2
	exit 2
}
name=$1
fragment=$here/kconfig/$name.config
if ! [[ $name =~ ^[a-z0-9][a-z0-9-]*$ ]] || [ ! -f "$fragment" ]; then
	echo "build-kernel: no kernel config 'config:$name' (known:" \
		"$(cd "$here/kconfig" && ls ./*.config | sed 's|^\./|config:|; s|\.config$||' | tr '\n' ' ')" \
		"in harness/matrix/kconfig/)" >&2
	exit 2
fi

pkg=linux-source-6.12
ver=$(apt-cache policy "$pkg" 2>/dev/null | awk '/Candidate:/ { print $2 }')
if [ -z "$ver" ] || [ "$ver" = "(none)" ]; then
	echo "build-kernel: apt knows no $pkg (run apt-get update)" >&2
	exit 1
fi
hash=$({
	cat "$fragment"
	echo "$pkg=$ver"
	echo "recipe=$recipe"
} | sha256sum | cut -c 1-12)
dir=$cache/kernels/config-$name-$hash
if [ $resolve_only = 1 ]; then
	echo "$dir"
	exit 0
fi
image() { ls "$dir"/vmlinuz-* 2>/dev/null | head -n1; }
if [ -n "$(image)" ]; then
	image
	exit 0
fi

for tool in flex bison bc make gcc; do
	command -v "$tool" >/dev/null || {
		echo "build-kernel: $tool is missing: harness/install-deps.sh --kernel-build" >&2
		exit 1
	}
done

mkdir -p "$cache/src" "$cache/kernels"
src=$cache/src/$pkg-$ver
if [ ! -e "$src/.unpacked" ]; then
	deb=$cache/src/${pkg}_${ver//:/%3a}_all.deb
	if [ ! -s "$deb" ]; then
		echo "  APT     downloading $pkg $ver (once; cached in $cache/src)" >&2
		(cd "$cache/src" && apt-get download -q "$pkg=$ver" 2>&1 |
			grep -v 'Download is performed unsandboxed' >&2 || true)
		[ -s "$deb" ] || {
			echo "build-kernel: apt-get download $pkg=$ver failed" >&2
			exit 1
		}
	fi
	echo "  XZ      unpacking $pkg $ver into $src" >&2
	rm -rf "$src"
	mkdir -p "$src"
	dpkg-deb --fsys-tarfile "$deb" | tar -xO --wildcards '*.tar.xz' | xz -dc |
		tar -x -C "$src" --strip-components=1
	: >"$src/.unpacked"
fi

tmp=$(mktemp -d "$cache/tmp.kbuild.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
out=$tmp/build
mkdir -p "$out"
# Reproducible identity: no build host, user or date of this machine.
export KBUILD_BUILD_USER=nsapi KBUILD_BUILD_HOST=matrix \
	KBUILD_BUILD_TIMESTAMP="$(dpkg-parsechangelog -l "$src/debian/changelog" -S Date 2>/dev/null ||
		echo 'Thu Jan  1 00:00:00 UTC 1970')"
kmake() { nice -n 10 make -C "$src" O="$out" -s "$@"; }
kmake tinyconfig >"$tmp/build.log" 2>&1
{
	cat "$fragment"
	echo "CONFIG_LOCALVERSION=\"-nsapi-$name\""
	echo "# CONFIG_LOCALVERSION_AUTO is not set"
} >"$tmp/fragment"
(cd "$out" && "$src/scripts/kconfig/merge_config.sh" -m -O "$out" .config "$tmp/fragment") \
	>>"$tmp/build.log" 2>&1
kmake olddefconfig >>"$tmp/build.log" 2>&1
# Every requested line must be in the result (a "not set" line: absent or not set).
while IFS= read -r line; do
	case $line in
	CONFIG_*=*)
		grep -qxF -- "$line" "$out/.config" || {
			echo "build-kernel: config:$name asks for $line, the kernel's .config has" \
				"'$(grep -E "^(# )?${line%%=*}[= ]" "$out/.config" || echo "no ${line%%=*}")'" >&2
			exit 1
		}
		;;
	"# CONFIG_"*" is not set")
		opt=${line#\# }
		opt=${opt%% *}
		! grep -q "^$opt=" "$out/.config" || {
			echo "build-kernel: config:$name leaves out $opt, the kernel's .config sets it" >&2
			exit 1
		}
		;;
	esac
done <"$tmp/fragment"

echo "  KBUILD  config:$name from $pkg $ver (nice 10, -j2; several minutes, once)" >&2
start=$SECONDS
if ! kmake -j2 bzImage >>"$tmp/build.log" 2>&1; then
	tail -n 20 "$tmp/build.log" >&2
	echo "build-kernel: the build of config:$name failed" >&2
	exit 1
fi
secs=$((SECONDS - start))
release=$(cat "$out/include/config/kernel.release")
mkdir -p "$tmp/keep"
cp "$out/arch/x86/boot/bzImage" "$tmp/keep/vmlinuz-$release"
cp "$out/vmlinux" "$tmp/keep/vmlinux-$release"
cp "$out/.config" "$tmp/keep/config-$release"
printf 'config:%s (%s=%s)\n' "$name" "$pkg" "$ver" >"$tmp/keep/PACKAGE"
printf 'built in %d s (make -j2 bzImage at nice 10)\n' "$secs" >"$tmp/keep/BUILD"
rm -rf "$dir"
mv "$tmp/keep" "$dir"
echo "  KBUILD  config:$name built in $secs s: $dir" >&2
image

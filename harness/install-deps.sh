#!/bin/bash
# Install the Debian packages nsapi needs, only those missing.  As root this
# runs apt-get; otherwise it prints the exact command and fails if anything is
# missing.  NSAPI_NO_INSTALL=1 only reports.
set -euo pipefail

packages=(
	binutils            # readelf: the matrix checks a kernel's vmlinux has a PVH entry
	bpftool             # BPF skeletons for the optional tracer
	busybox-static      # the qemu guests' userland
	clang               # compiles the BPF program
	clang-format        # make check-format
	cpio                # initramfs for the kernel matrix
	file                # the matrix checks busybox is static (not in minimal images)
	gcc
	gnuplot-nox         # nsapi plot
	iproute2            # host-safety snapshot of network links
	jq                  # make check reads the JSON results
	libbpf-dev          # the tracer (static libbpf for the guests)
	libc6-dev
	libelf-dev
	libjson-c-dev       # suite.json, bench.json and reading them back
	libxml2-utils       # xmllint validates the JUnit output
	libzstd-dev
	make
	procps              # pgrep, ps: make check looks for processes left behind
	qemu-system-x86     # the kernel matrix
	util-linux          # unshare, nsenter for cross-checks
	xz-utils            # unpacks linux-source for the kselftest headers and xz kernel images (6.1)
	zlib1g-dev
	zstd                # the matrix unpacks zstd-compressed kernel images (6.12, sid)
)

# --kernel-build: also what building a kernel from linux-source needs (make
# matrix's config:NAME kernels, harness/matrix/build-kernel.sh); make deps
# leaves these out.
if [ "${1:-}" = --kernel-build ]; then
	packages+=(bc bison flex libssl-dev)
fi

names=()
for p in "${packages[@]}"; do
	names+=("${p%% *}")
done

missing=()
for p in "${names[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done

if [ ${#missing[@]} -eq 0 ]; then
	echo "  DEPS    all ${#names[@]} packages present"
	exit 0
fi

cmd="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" != 0 ] || [ "${NSAPI_NO_INSTALL:-0}" = 1 ]; then
	echo "install-deps: missing packages; as root run:" >&2
	echo "  apt-get update && $cmd" >&2
	exit 1
fi
. "$(dirname "${BASH_SOURCE[0]}")/apt-lists.sh"

# A missing package apt has no candidate for: the lists lack it.
unknown=()
for p in "${missing[@]}"; do
	apt_has_candidate "$p" || unknown+=("$p")
done
if apt_lists_stale; then
	apt_refresh "the package lists are missing or older than the apt sources" || true
elif [ ${#unknown[@]} -gt 0 ]; then
	apt_refresh "they lack ${unknown[*]}" || true
fi
echo "  DEPS    installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y --no-install-recommends "${missing[@]}" >/tmp/nsapi-apt.log 2>&1; then
	apt_refresh "apt-get install failed" >>/tmp/nsapi-apt.log 2>&1 || true
	apt-get install -y --no-install-recommends "${missing[@]}" >>/tmp/nsapi-apt.log 2>&1 || {
		tail -n 20 /tmp/nsapi-apt.log >&2
		echo "install-deps: $cmd failed (log: /tmp/nsapi-apt.log)" >&2
		exit 1
	}
fi
echo "  DEPS    installed ${#missing[@]} packages (log: /tmp/nsapi-apt.log)"

#!/bin/bash
# Print the release (uname -r) a kernel image says it is: from a bzImage's
# setup header (the kernel_version pointer at offset 0x20e) or from the
# "Linux version" banner of an ELF vmlinux.
#
#   image-release.sh IMAGE
# Exit status 1 when the image names no release, 2 for bad arguments.
set -euo pipefail

if [ $# -ne 1 ] || [ ! -r "$1" ]; then
	echo "usage: image-release.sh IMAGE (a readable bzImage or vmlinux)" >&2
	exit 2
fi
img=$1

# "HdrS" at 0x202 marks a bzImage setup header.
if [ "$(dd if="$img" bs=1 skip=514 count=4 status=none | tr -d '\0')" = HdrS ]; then
	ptr=$(od -An -tu2 -j 526 -N 2 "$img" | tr -d ' ')
	rel=$(dd if="$img" bs=1 skip=$((ptr + 512)) count=256 status=none |
		tr '\0' '\n' | head -n1 | awk '{ print $1 }')
else
	rel=$(LC_ALL=C grep -a -m1 -o 'Linux version [^ ]*' "$img" | head -n1 | awk '{ print $3 }')
fi
[[ $rel =~ ^[0-9]+\.[0-9]+ ]] || exit 1
echo "$rel"

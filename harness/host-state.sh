#!/bin/bash
# Print what a test run must leave as it found it: the host's hostname and
# domain name, its mount table, its network links and the namespaces of the
# process that runs the checks, and no temporary directory of ours left in
# the cache (kernels and headers stay there on purpose).  Two snapshots must
# compare equal.
set -euo pipefail

echo "hostname: $(cat /proc/sys/kernel/hostname)"
echo "domainname: $(cat /proc/sys/kernel/domainname)"
for ns in /proc/$$/ns/*; do
	echo "ns: ${ns##*/} $(readlink "$ns")"
done
# Mount ID, parent, device, root, mount point, options, fs type, source.
echo "mounts:"
awk '{ sep = 0; for (i = 7; i <= NF; i++) if ($i == "-") sep = i;
       print "  " $1, $2, $3, $4, $5, $6, $(sep + 1), $(sep + 2) }' \
	/proc/self/mountinfo
echo "links:"
ip -o link show | awk '{ print "  " $2, $3 }' | sed 's/@[^:]*:/:/'
cache=$("$(dirname "${BASH_SOURCE[0]}")/cache-dir.sh")
echo "cache temporaries:"
find "$cache" -maxdepth 2 -name 'tmp.*' 2>/dev/null | sort | sed 's/^/  /'

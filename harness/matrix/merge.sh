#!/bin/bash
# nsapi matrix --merge: one matrix from the results roots of several (CI runs
# one job per kernel and merges their artifacts in a last job).
#
#   merge.sh --results DIR [--prune] SRC_RESULTS...
#
# Every SRC_RESULTS/matrix/<run>/ with a run.json is copied into
# DIR/matrix/<run>/ (replacing a run of that name); then report.sh writes
# matrix.ktap, matrix.md, the comparisons and plots over every run DIR holds
# (with --prune: only the merged ones).  Run names must be plain
# ([A-Za-z0-9._+-]); symbolic links and anything but regular files and
# directories are refused.  Exit status: report.sh's; 2 bad input.
set -euo pipefail

here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
die2() {
	echo "nsapi matrix --merge: $*" >&2
	exit 2
}
results= prune=0 srcs=()
while [ $# -gt 0 ]; do
	case $1 in
	--results) [ $# -ge 2 ] || die2 "--results needs a directory"; results=$2; shift ;;
	--prune) prune=1 ;;
	*) srcs+=("$1") ;;
	esac
	shift
done
[ -n "$results" ] && [ ${#srcs[@]} -gt 0 ] || die2 "usage: merge.sh --results DIR [--prune] SRC..."

found=()
for src in "${srcs[@]}"; do
	[ -d "$src" ] && [ ! -L "$src" ] || die2 "'$src' is not a directory"
	n=0
	for d in "$src"/matrix/*/; do
		d=${d%/}
		[ -f "$d/run.json" ] && [ ! -L "$d" ] || continue
		name=${d##*/}
		[[ $name =~ ^[A-Za-z0-9._+-]+$ ]] || die2 "'$d': not a plain run name"
		[ -z "$(find "$d" ! -type f ! -type d -print -quit)" ] ||
			die2 "'$d' holds something that is neither a file nor a directory"
		jq -e 'type == "object" and .schema == "nsapi-matrix-run/1"' "$d/run.json" >/dev/null 2>&1 ||
			die2 "'$d/run.json' is not a matrix run record"
		found+=("$d")
		n=$((n + 1))
	done
	[ $n -gt 0 ] || die2 "'$src' holds no matrix run (expected $src/matrix/<run>/run.json)"
done

mkdir -p "$results/matrix"
results=$(cd "$results" && pwd)
merged=()
for d in "${found[@]}"; do
	name=${d##*/}
	dst=$results/matrix/$name
	if [ "$(cd "$d" && pwd)" != "$dst" ]; then
		rm -rf "$dst.tmp"
		cp -R "$d" "$dst.tmp"
		rm -rf "$dst"
		mv "$dst.tmp" "$dst"
	fi
	merged+=("$dst")
done
accel=$(for r in "${merged[@]}"; do jq -r .label "$r/run.json"; done | grep -v native | sort -u | paste -sd/)
exec "$here/report.sh" --results "$results" --accel "${accel:-?}" \
	--others "$([ $prune = 1 ] && echo prune || echo keep)" "${merged[@]}"

#!/bin/bash
# Run the suite (as root and as nobody) and the quick bench on one kernel
# under qemu, and file what came back in OUT_ROOT/<release>-<label>/:
# suite.ktap, suite-nobody.ktap (from ttyS1), suite*.json, suite*.junit.xml,
# bench.json.gz, bench.txt, bench.tsv, mount_sweep.tsv, conc.tsv (from
# ttyS2), console.log (ttyS0, at most its last 100 KB) and run.json, which
# says how the boot ended.  A kernel that died
# before its /init ran is filed in OUT_ROOT/<name>-<label>/.
#
#   run-guest.sh --image IMAGE --name NAME --accel kvm|tcg|icount --out-root DIR
#                --work DIR [--timeout SEC] [--append ARGS] [--package P=V]
#
# Prints the run directory.  Exit status 0 whatever the kernel did (run.json
# says it), 2 for bad arguments.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
usage() {
	echo "usage: run-guest.sh --image IMAGE --name NAME --accel kvm|tcg|icount --out-root DIR" \
		"--work DIR [--timeout SEC] [--append ARGS] [--package P=V] [--initramfs FILE]" >&2
	exit 2
}
image= name= accel= out_root= work= timeout=300 append= package= initramfs=
while [ $# -gt 0 ]; do
	[ $# -ge 2 ] || usage
	case $1 in
	--image) image=$2 ;;
	--name) name=$2 ;;
	--accel) accel=$2 ;;
	--out-root) out_root=$2 ;;
	--work) work=$2 ;;
	--timeout) timeout=$2 ;;
	--append) append=$2 ;;
	--package) package=$2 ;;
	--initramfs) initramfs=$2 ;;
	*) usage ;;
	esac
	shift 2
done
[ -n "$image" ] && [ -n "$name" ] && [ -n "$accel" ] && [ -n "$out_root" ] &&
	[ -n "$work" ] && [ -n "$initramfs" ] || usage

mkdir -p "$work"
start=$(date +%s.%N)
outcome=$("$here/boot.sh" --kernel "$image" --initramfs "$initramfs" --out "$work" \
	--accel "$accel" --timeout "$timeout" --append "$append")
elapsed=$(awk -v a="$(date +%s.%N)" -v b="$start" 'BEGIN { printf "%.3f", a - b }')
result=${outcome%% *}
reason=
[ "$result" = "$outcome" ] || reason=${outcome#* }

# The kernel release: what the guest said, else what the image says.
release=$(grep -a -m1 -o '^@@@ begin [^/]*/' "$work/files.raw" | sed 's|^@@@ begin ||; s|/$||' || true)
[ -n "$release" ] || release=$(grep -a -m1 -o 'nsapi-guest: [^ ]* up' "$work/console.log" |
	awk '{ print $2 }' || true)
# A kernel that died before /init said its release is filed under its name.
dir_name=${release:-$name}
[ -n "$release" ] || release=$("$here/image-release.sh" "$image" 2>/dev/null || true)
run_dir=$out_root/$dir_name-$accel
rm -rf "$run_dir"
mkdir -p "$run_dir"

# ttyS1: the runner's KTAP documents between the guest's begin/end comments.
awk -v dir="$run_dir" '
	/^# nsapi-guest: begin / {
		suite = $4
		file = dir "/" (suite == "root" ? "suite.ktap" : "suite-" suite ".ktap")
		next
	}
	/^# nsapi-guest: end / {
		rc = $5; sub(/^rc=/, "", rc)
		print suite, rc > (dir "/.suite-rc")
		close(file); file = ""
		next
	}
	file != "" { print > file }
' "$work/ktap.raw"

# ttyS2: result files between "@@@ begin PATH" and "@@@ end PATH"; /init
# adds one newline after each file, dropped here.
awk -v dir="$run_dir" '
	function flush(   i) {
		if (n > 0 && buf[n] == "") n--
		for (i = 1; i <= n; i++) print buf[i] > file
		close(file)
	}
	/^@@@ begin / { f = $3; sub(/.*\//, "", f); file = dir "/" f; n = 0; next }
	/^@@@ end / { if (file != "") flush(); file = ""; next }
	file != "" { buf[++n] = $0 }
' "$work/files.raw"

# bench.json gzip'd (it holds every sample), samples.tsv not kept: see
# pack-bench.sh.
"$here/pack-bench.sh" pack "$run_dir"

# The console, at most its last 100 KB, without the carriage returns and
# without the kernel's echo of its command line (results keep only the
# boot parameters that change performance: bench.json's boot_params).
tail -c 102400 "$work/console.log" | tr -d '\r' |
	sed -E 's/((Kernel )?[Cc]ommand line:).*/\1 [omitted: boot parameters are recorded in bench.json as boot_params]/' \
		>"$run_dir/console.log"

suite_rc() { awk -v s="$1" '$1 == s { print $2 }' "$run_dir/.suite-rc" 2>/dev/null || true; }
root_rc=$(suite_rc root)
nobody_rc=$(suite_rc nobody)
rm -f "$run_dir/.suite-rc"
# A run that ended well but lost a suite is not a pass.
if [ "$result" = ok ] && [ ! -s "$run_dir/suite.json" ]; then
	result=crash
	reason="no suite.json came back from the guest"
fi

# The last console lines, each clipped (the bench's progress is one long line
# once the carriage returns are gone).
tail -n 20 "$run_dir/console.log" | sed 's/\x1b\[[0-9;]*[A-Za-z]//g' | cut -c 1-300 |
	jq -R . | jq -s \
	--arg name "$name" --arg image "$image" --arg package "$package" \
	--arg release "$release" --arg lbl "$accel" --arg result "$result" \
	--arg reason "$reason" --arg elapsed "$elapsed" --arg timeout "$timeout" \
	--arg append "$append" --arg root_rc "$root_rc" --arg nobody_rc "$nobody_rc" '
	{
		schema: "nsapi-matrix-run/1",
		name: $name, image: $image, package: $package, release: $release,
		"label": $lbl, result: $result, reason: $reason,
		elapsed_sec: ($elapsed | tonumber * 10 | round / 10),
		timeout_sec: ($timeout | tonumber), append: $append,
		suite_exit: {
			root: (if $root_rc == "" then null else ($root_rc | tonumber) end),
			nobody: (if $nobody_rc == "" then null else ($nobody_rc | tonumber) end)
		},
		console_tail: .
	}' >"$run_dir/run.json"
echo "$run_dir"

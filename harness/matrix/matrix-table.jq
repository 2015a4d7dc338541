# The behavior x kernel table of results/matrix.md, from the matrix's runs.
# Input: [{column, run: run.json, root: suite.json|null, nobody: suite-nobody.json|null}]
# Output: markdown: the behaviors that differ between kernels first, then the
# table.  A cell is pass, fail or skip (with its reason) for the root run, and
# the unprivileged run's result when it differs.

def outcome: if . == "pass" or . == "xfail" then "pass"
	elif . == "skip" then "skip" else "fail" end;
def clip(n): if length > n then .[:n - 1] + "…" else . end;
def md: gsub("\\|"; "\\|") | gsub("\n"; " ");

# One suite.json as {"ID\tVARIANT": {status, reason}}, cases aggregated per
# behavior and variant: any failure fails it; all passing passes it; some
# passing and some skipped is "partial" (shown as pass with the skips and the
# first skip's reason, so that a skip on one kernel only is not hidden);
# none passing skips it.
def cells:
	if . == null then {} else
	([.cases[] | {key: "\(.id)\t\(.variant)", o: (.status | outcome),
		why: (if (.reason // "") != "" then .reason else .test end)}]
	+ [.programs[] as $p | select([.cases[] | select(.program == $p.program)] | length == 0)
		| {key: "\($p.id)\t", o: ($p.status | outcome), why: ($p.reason // "")}])
	| group_by(.key)
	| map({key: .[0].key, value:
		(if any(.o == "fail") then {status: "fail", reason: ([.[] | select(.o == "fail")][0].why)}
		elif all(.o == "pass") then {status: "pass", reason: ""}
		elif any(.o == "pass") then {status: "partial",
			reason: "\([.[] | select(.o == "skip")] | length) of \(length) skipped: \([.[] | select(.o == "skip")][0].why)"}
		else {status: "skip", reason: .[0].why} end)})
	| from_entries end;

# The same, every variant of a behavior merged into one cell.
def merged:
	to_entries | map(.key |= split("\t")[0]) | group_by(.key)
	| map({key: .[0].key, value:
		(if any(.value.status == "fail") then [.[] | select(.value.status == "fail")][0].value
		elif all(.value.status == "pass") then {status: "pass", reason: ""}
		elif any(.value.status == "pass" or .value.status == "partial") then
			([.[] | select(.value.status != "pass")][0].value
			| {status: "partial", reason: (if .status == "skip" then "skipped: " + .reason else .reason end)})
		else .[0].value end)})
	| from_entries;

def text: if . == null then "—"
	elif .status == "pass" then "pass"
	elif .status == "partial" then "pass, \(.reason | clip(60))"
	else "\(.status): \(.reason | clip(60))" end;

def id_order: (if startswith("S") then 0 elif startswith("U") then 1
	elif startswith("E") then 2 else 3 end);

. as $runs
| [$runs[] | {column, ran: (.root != null),
	root: (.root | cells), nobody: (.nobody | cells)}] as $cols
| ([$cols[] | .root, .nobody | keys[]] | unique) as $keys
| ([$keys[] | split("\t")[0]] | unique | sort_by([id_order, .])) as $ids
| [$runs[] | .root // .nobody // empty | .programs[] | {key: .id, value: .program}]
	| from_entries as $programs
# Rows: one per behavior, or one per variant where the variants differ.
| [$ids[] as $id
	| [$keys[] | select(split("\t")[0] == $id)] as $vkeys
	| ([$cols[] | [.root, .nobody][] as $c | [$vkeys[] | $c[.].status // "none"] | unique
		| length] | max) as $spread
	| if $spread <= 1 or ($vkeys | length) == 1 then
		{id: $id, variant: (if ($vkeys | length) == 1 then ($vkeys[0] | split("\t")[1]) else "all" end),
		 cells: [$cols[] | {column, root: (.root | merged[$id]), nobody: (.nobody | merged[$id])}]}
	  else
		$vkeys[] as $k | {id: $id, variant: ($k | split("\t")[1]),
		 cells: [$cols[] | {column, root: .root[$k], nobody: .nobody[$k]}]}
	  end] as $rows
# Behaviors whose outcome depends on the kernel.
| [$rows[] as $r | ("root", "nobody") as $u
	| [$r.cells[] | select(.[$u] != null) | {column, s: .[$u].status}] as $by
	| select(($by | map(.s) | unique | length) > 1)
	| {id: $r.id, variant: $r.variant, user: $u, by: $by,
	   flip: (($by | any(.s == "pass" or .s == "partial")) and ($by | any(.s == "fail")))}] as $diffs
| def where(s): [$diffs[] | select(.flip == s)]
	| group_by([.id, .variant, .by]) | map(.[0] + {user: (map(.user) | join(" and "))})
	| sort_by([(.id | id_order), .id, .variant])
	| map("- **\(.id)** `\(.variant | if . == "" then "(global)" else . end)` as \(.user): "
		+ ([.by | group_by(.s)[] | "\(.[0].s | if . == "partial" then "pass with some cases skipped" else . end) on \(map(.column) | join(", "))"] | join("; ")));
  "## Behaviors that differ between kernels\n",
  (where(true) | if length == 0 then "No behavior passes on one kernel and fails on another.\n"
	else "Pass on one kernel, fail on another:\n\n" + join("\n") + "\n" end),
  (where(false) | if length == 0 then empty
	else "Kernel-dependent skips (pass on one kernel, skipped on another):\n\n" + join("\n") + "\n" end),
  "## Behavior × kernel\n",
  "Each cell: the result as root; `nobody:` adds the unprivileged run's when it differs. " +
	"Variants get rows of their own only where they differ; `all` merges them.\n",
  "| ID | program | variant | " + ([$cols[].column] | join(" | ")) + " |",
  "|---|---|---|" + ([$cols[] | "---"] | join("|")) + "|",
  ($rows[] | "| \(.id) | \($programs[.id] // "" | md) | \(.variant | if . == "" then "(global)" else . end) | "
	+ ([.cells[] | (.root | text) as $r | (.nobody | text) as $n
		| if .root == null and .nobody == null then "—"
		  elif $n == $r or .nobody == null then $r
		  else "\($r)<br>nobody: \($n)" end | md] | join(" | ")) + " |")

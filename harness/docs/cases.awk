# Expands a kselftest program's -l table (FIXTURE VARIANT TEST in columns of
# 20 and 25 characters, one block per fixture, blocks separated by dashes)
# (the runner's listing does the same)
# into one case name per line: fixture.variant.test, or fixture.test when the
# fixture has no variants, in the order the harness runs them.
function flush(   i, j) {
	if (fixture == "")
		return
	for (i = 1; i <= nv || (nv == 0 && i == 1); i++)
		for (j = 1; j <= nt; j++)
			print fixture "." (nv ? variant[i] "." : "") test[j]
	fixture = ""
	nv = nt = 0
}
/^# FIXTURE/ { next }
/^-+$/ { flush(); next }
{
	# A name longer than its column pushes the next one to the right.
	f = v = t = ""
	pos = 21
	if (substr($0, 1, 1) != " ") {
		f = $1
		if (length(f) + 1 > pos)
			pos = length(f) + 1
	}
	rest = substr($0, pos + 1)
	if (rest != "" && substr(rest, 1, 1) != " ") {
		n = split(rest, word, " ")
		v = word[1]
		t = n > 1 ? word[2] : ""
	} else {
		gsub(/^ +| +$/, "", rest)
		t = rest
	}
	if (f != "") {
		flush()
		fixture = f
	}
	if (v != "")
		variant[++nv] = v
	if (t != "")
		test[++nt] = t
}
END { flush() }

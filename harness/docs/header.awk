# Reads the opening comment of one test program (tests/*.c) and prints one
# record per field: ID <TAB> program <TAB> field <TAB> text (the field's lines
# joined by spaces).  The form, checked here (errors as FILE:LINE: message,
# exit 1):
#
#  * ID (kind): one-line claim           (may wrap; ends at a blank line or
#                                          the first field)
#  *
#  * Rule: ...        plain words
#  * Man: ...         pages and sections
#  * Man-page errata: where the page is wrong or silent ("none" allowed)
#  * The article: ... its claim on this behavior and the verdict ("silent")
#  * Since: ...       kernel versions
#  * Exceptions: ...
#
# Each field starts a comment line as " * Field: text", once, in this order.
BEGIN {
	nf = split("Rule|Man|Man-page errata|The article|Since|Exceptions",
		   names, "|")
	for (i = 1; i <= nf; i++)
		key[names[i]] = i
	short[1] = "rule"; short[2] = "man"; short[3] = "errata"
	short[4] = "article"; short[5] = "since"; short[6] = "exceptions"
	state = 0	# 0 before the comment, 1 title, 2 fields, 3 done
	cur = 0
	bad = 0
}
function err(msg) {
	printf "%s:%d: %s\n", FILENAME, FNR, msg > "/dev/stderr"
	bad = 1
}
function add(i, s) {
	sub(/^[ \t]+/, "", s)
	text[i] = text[i] == "" ? s : text[i] " " s
}
state == 3 { next }
state == 0 {
	if ($0 == "/*")
		state = 1
	else if (FNR > 2) {
		err("no header comment on line 2")
		state = 3
	}
	next
}
$0 == " */" {
	state = 3
	next
}
{
	if (substr($0, 1, 3) != " * " && $0 != " *") {
		err("a header line starts with \" * \"")
		next
	}
	line = substr($0, 4)
}
# A field may follow the title without a blank line.
state == 1 && title != "" && match(line, /^[A-Z][A-Za-z -]*:( |$)/) &&
    (substr(line, 1, RLENGTH - (substr(line, RLENGTH, 1) == ":" ? 1 : 2)) in key) {
	state = 2
}
state == 1 {
	if (title == "") {
		if (!match(line, /^[A-Z][0-9][0-9]( \([^)]+\))?: /)) {
			err("the first line is not \"ID (kind): claim\"")
			state = 3
			next
		}
		id = substr(line, 1, 3)
		kind = ""
		if (substr(line, 4, 2) == " (") {
			kind = substr(line, 6)
			sub(/\): .*/, "", kind)
		}
		claim = substr(line, RLENGTH + 1)
		title = 1
	} else if (line == "") {
		state = 2
	} else {
		claim = claim " " line
	}
	next
}
state == 2 {
	if (match(line, /^[A-Z][A-Za-z -]*:( |$)/)) {
		f = substr(line, 1, RLENGTH - (substr(line, RLENGTH, 1) == ":" ? 1 : 2))
		if (f in key) {
			i = key[f]
			if (i != cur + 1)
				err("field \"" f "\" out of order (expected \"" \
				    names[cur + 1] "\")")
			cur = i
			if (RLENGTH < length(line))
				add(i, substr(line, RLENGTH + 1))
			next
		}
	}
	if (cur == 0) {
		if (line != "")
			err("text before the Rule: field")
		next
	}
	if (line != "")
		add(cur, line)
}
END {
	prog = FILENAME
	sub(/.*\//, "", prog)
	sub(/\.c$/, "", prog)
	if (state == 0 || title == "")
		err("no \"ID (kind): claim\" header")
	for (i = 1; i <= nf; i++)
		if (text[i] == "")
			err("missing or empty field \"" names[i] ":\"")
	if (tolower(id) != substr(prog, 1, 3))
		err("header ID " id " does not match the file name")
	if (bad)
		exit 1
	printf "%s\t%s\tkind\t%s\n", id, prog, kind
	printf "%s\t%s\tclaim\t%s\n", id, prog, claim
	for (i = 1; i <= nf; i++)
		printf "%s\t%s\t%s\t%s\n", id, prog, short[i], text[i]
}

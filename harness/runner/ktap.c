// SPDX-License-Identifier: GPL-2.0
/*
 * The KTAP v1 document: one subtest per test program, its own TAP output
 * nested inside by two spaces (its "TAP version 13" becomes the subtest's
 * "KTAP version 1" followed by a "# Subtest:" name line, as KUnit does),
 * and the program's verdict on the line after it.
 */
#include <string.h>

#include "runner.h"

/* The plan, then the environment the tests' refusal rule sees. */
void ktap_header(FILE *out, const struct suite *s)
{
	fprintf(out, "KTAP version 1\n1..%zu\n", s->nprogs);
	if (s->env_line)
		fprintf(out, "# environment: %s\n", s->env_line);
}

static bool is_version_line(const char *line, size_t len)
{
	return (len >= 11 && !strncmp(line, "TAP version", 11)) ||
	       (len >= 12 && !strncmp(line, "KTAP version", 12));
}

static void nested_output(FILE *out, const struct program *p)
{
	const char *q = p->output, *end = q ? q + p->output_len : NULL;
	bool saw_version = false;

	fprintf(out, "  KTAP version 1\n  # Subtest: %s\n", p->name);
	while (q && q < end) {
		const char *nl = memchr(q, '\n', end - q);
		size_t len = nl ? (size_t)(nl - q) : (size_t)(end - q);

		if (is_version_line(q, len) && !saw_version)
			saw_version = true;
		else
			fprintf(out, "  %.*s\n", (int)len, q);
		q += len + 1;
	}
	if (!saw_version)
		fprintf(out, "  1..0\n");
}

void ktap_program(FILE *out, const struct program *p, size_t index)
{
	nested_output(out, p);
	switch (p->status) {
	case ST_PASS:
		fprintf(out, "ok %zu %s\n", index, p->name);
		break;
	case ST_SKIP:
		fprintf(out, "ok %zu %s # SKIP %s\n", index, p->name,
			p->reason);
		break;
	case ST_TIMEOUT:
		fprintf(out, "not ok %zu %s # TIMEOUT %s\n", index, p->name,
			p->reason);
		break;
	case ST_ERROR:
		fprintf(out, "not ok %zu %s # ERROR %s\n", index, p->name,
			p->reason);
		break;
	default:
		if (p->reason && p->reason[0])
			fprintf(out, "# %s: %s\n", p->name, p->reason);
		fprintf(out, "not ok %zu %s\n", index, p->name);
		break;
	}
}

/* The kselftest totals line, then the plain line CI systems read. */
void ktap_totals(FILE *out, const struct suite *s)
{
	const unsigned int *t = s->totals;

	for (size_t i = 0; i < s->nskips; i++)
		fprintf(out, "# %u case%s skipped: %s\n", s->skips[i].cases,
			s->skips[i].cases == 1 ? "" : "s", s->skips[i].cause);

	fprintf(out,
		"# Totals: pass:%u fail:%u xfail:%u xpass:%u skip:%u "
		"error:%u\n",
		t[ST_PASS], t[ST_FAIL], t[ST_XFAIL], t[ST_XPASS], t[ST_SKIP],
		t[ST_ERROR] + t[ST_TIMEOUT]);
	fprintf(out, "%u passed, %u failed, %u skipped\n",
		t[ST_PASS] + t[ST_XFAIL],
		t[ST_FAIL] + t[ST_XPASS] + t[ST_ERROR] + t[ST_TIMEOUT],
		t[ST_SKIP]);
}

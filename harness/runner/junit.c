// SPDX-License-Identifier: GPL-2.0
/*
 * JUnit XML, the dialect GitLab, Jenkins and GitHub test reporters accept:
 * a <testsuite> per program, a <testcase> per case with <skipped message>
 * or <failure message> holding the case's diagnostic lines.  A program that
 * timed out, crashed or could not run gets an <error> testcase of its own.
 */
#include <errno.h>

#include "runner.h"

static void xml_text(FILE *out, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p;
	     p++) {
		switch (*p) {
		case '&':
			fputs("&amp;", out);
			break;
		case '<':
			fputs("&lt;", out);
			break;
		case '>':
			fputs("&gt;", out);
			break;
		case '"':
			fputs("&quot;", out);
			break;
		case '\'':
			fputs("&apos;", out);
			break;
		default:
			/* XML 1.0 allows no other control characters. */
			if (*p >= 0x20 || *p == '\n' || *p == '\t')
				fputc(*p, out);
		}
	}
}

static void junit_case(FILE *out, const struct program *p,
		       const struct test_case *c)
{
	fprintf(out, "    <testcase classname=\"nsapi.%s\" name=\"", p->name);
	xml_text(out, c->name);
	fprintf(out, "\" time=\"%.6f\"", c->duration_sec);
	switch (c->status) {
	case ST_SKIP:
		fputs(">\n      <skipped message=\"", out);
		xml_text(out, c->reason);
		fputs("\"/>\n    </testcase>\n", out);
		return;
	case ST_FAIL:
	case ST_XPASS:
		fputs(">\n      <failure message=\"", out);
		xml_text(out,
			 c->status == ST_XPASS ? "unexpected pass" : "failed");
		fputs("\">", out);
		xml_text(out, c->diag);
		fputs("</failure>\n    </testcase>\n", out);
		return;
	default:
		fputs("/>\n", out);
	}
}

static void junit_program_error(FILE *out, const struct program *p)
{
	fprintf(out,
		"    <testcase classname=\"nsapi.%s\" name=\"%s\" "
		"time=\"%.3f\">\n      <error message=\"",
		p->name, p->name, p->duration_sec);
	xml_text(out, status_name(p->status));
	fputs(": ", out);
	xml_text(out, p->reason);
	fputs("\">", out);
	xml_text(out, p->output);
	fputs("</error>\n    </testcase>\n", out);
}

static void count(const struct program *p, unsigned int *fail,
		  unsigned int *skip)
{
	*fail = *skip = 0;
	for (size_t i = 0; i < p->ncases; i++) {
		*fail += status_failed(p->cases[i].status);
		*skip += p->cases[i].status == ST_SKIP;
	}
}

static bool program_error(const struct program *p)
{
	return p->status == ST_ERROR || p->status == ST_TIMEOUT ||
	       (p->status == ST_SKIP && p->ncases == 0);
}

int write_junit(FILE *out, const struct suite *s)
{
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", out);
	fprintf(out, "<testsuites name=\"nsapi\" time=\"%.3f\">\n",
		s->duration_sec);
	for (size_t i = 0; i < s->nprogs; i++) {
		const struct program *p = &s->progs[i];
		bool err = program_error(p) && p->status != ST_SKIP;
		unsigned int fail, skip;

		count(p, &fail, &skip);
		if (p->status == ST_SKIP && p->ncases == 0)
			skip++;
		fprintf(out,
			"  <testsuite name=\"%s\" tests=\"%zu\" failures=\"%u\" "
			"errors=\"%u\" skipped=\"%u\" time=\"%.3f\">\n",
			p->name, p->ncases + program_error(p), fail,
			err ? 1 : 0, skip, p->duration_sec);
		for (size_t j = 0; j < p->ncases; j++)
			junit_case(out, p, &p->cases[j]);
		if (err)
			junit_program_error(out, p);
		else if (program_error(p)) {
			fprintf(out,
				"    <testcase classname=\"nsapi.%s\" "
				"name=\"%s\" time=\"0\">\n      <skipped "
				"message=\"",
				p->name, p->name);
			xml_text(out, p->reason);
			fputs("\"/>\n    </testcase>\n", out);
		}
		fputs("  </testsuite>\n", out);
	}
	fputs("</testsuites>\n", out);
	return ferror(out) ? -EIO : 0;
}

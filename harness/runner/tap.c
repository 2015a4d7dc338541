// SPDX-License-Identifier: GPL-2.0
/*
 * Read a kselftest program's TAP output as it arrives: each "ok"/"not ok"
 * line becomes a case, with the "#" lines printed since its "RUN" line as
 * its diagnostics and the time between the two as its duration.  Then judge
 * the program as a whole from its cases, its exit status and its plan.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "runner.h"

struct tap_state {
	double case_start;
	char *diag;
	size_t diag_len;
	long planned;
	char *plan_skip;
};

/* The state of the program being read (one program runs at a time). */
static struct tap_state st;

void tap_begin(struct program *p)
{
	free(st.diag);
	free(st.plan_skip);
	memset(&st, 0, sizeof(st));
	st.planned = -1;
	st.case_start = now_sec();
	p->ncases = 0;
	p->output = NULL;
	p->output_len = 0;
}

static void split_name(struct test_case *c)
{
	char *first = strchr(c->name, '.'), *last = strrchr(c->name, '.');

	if (!first) {
		c->fixture = xstrdup("global");
		c->variant = xstrdup("");
		c->test = xstrdup(c->name);
		return;
	}
	c->fixture = xstrndup(c->name, first - c->name);
	c->variant = first == last ? xstrdup("") :
				     xstrndup(first + 1, last - first - 1);
	c->test = xstrdup(last + 1);
}

/* "ok 3 name # SKIP why" -> status, name and reason. */
static bool parse_result(const char *line, struct test_case *c)
{
	bool ok = !strncmp(line, "ok ", 3);
	const char *p = line + (ok ? 3 : 7), *hash;
	static const struct {
		const char *word;
		enum status status;
	} directives[] = {
		{ "SKIP", ST_SKIP },
		{ "XFAIL", ST_XFAIL },
		{ "XPASS", ST_XPASS },
	};

	if (!ok && strncmp(line, "not ok ", 7))
		return false;
	while (*p >= '0' && *p <= '9')
		p++;
	while (*p == ' ')
		p++;
	hash = strstr(p, " #");
	c->name = xstrndup(p, hash ? (size_t)(hash - p) : strlen(p));
	c->status = ok ? ST_PASS : ST_FAIL;
	c->reason = xstrdup("");
	if (!hash)
		return true;
	hash += 2;
	while (*hash == ' ')
		hash++;
	for (size_t i = 0; i < sizeof(directives) / sizeof(directives[0]);
	     i++) {
		size_t n = strlen(directives[i].word);

		if (!strncmp(hash, directives[i].word, n)) {
			c->status = directives[i].status;
			hash += n;
			while (*hash == ' ')
				hash++;
			break;
		}
	}
	free(c->reason);
	c->reason = xstrdup(hash);
	return true;
}

static void add_case(struct program *p, struct test_case *c, double t)
{
	if (p->ncases == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 16;
		p->cases = xrealloc(p->cases, p->cap * sizeof(*p->cases));
	}
	split_name(c);
	c->diag = st.diag ? st.diag : xstrdup("");
	c->duration_sec = t - st.case_start;
	p->cases[p->ncases++] = *c;
	st.diag = NULL;
	st.diag_len = 0;
	st.case_start = t;
}

void tap_line(void *ctx, const char *line, double t)
{
	struct program *p = ctx;
	struct test_case c = { 0 };

	append(&p->output, &p->output_len, line, strlen(line));
	append(&p->output, &p->output_len, "\n", 1);

	if (!strncmp(line, "#  RUN ", 7)) {
		st.case_start = t;
		free(st.diag);
		st.diag = NULL;
		st.diag_len = 0;
	} else if (line[0] == '#') {
		append(&st.diag, &st.diag_len, line, strlen(line));
		append(&st.diag, &st.diag_len, "\n", 1);
	} else if (!strncmp(line, "1..", 3)) {
		const char *skip = strstr(line, "# SKIP");

		st.planned = strtol(line + 3, NULL, 10);
		if (skip)
			st.plan_skip = xstrdup(skip + 6 + (skip[6] == ' '));
	} else if (parse_result(line, &c)) {
		add_case(p, &c, t);
	}
}

static void set_status(struct program *p, enum status s, char *reason)
{
	p->status = s;
	free(p->reason);
	p->reason = reason;
}

static bool any_case(const struct program *p, bool (*pred)(enum status))
{
	for (size_t i = 0; i < p->ncases; i++)
		if (pred(p->cases[i].status))
			return true;
	return false;
}

static bool is_not_skip(enum status s)
{
	return s != ST_SKIP;
}

/* The last "#" line the program printed, as the reason of a whole skip. */
static char *last_comment(const struct program *p)
{
	const char *end = p->output ? p->output + p->output_len : NULL;
	const char *line = NULL;

	for (const char *q = p->output; q && q < end;) {
		const char *nl = strchr(q, '\n');

		if (q[0] == '#' && strncmp(q, "# Totals", 8))
			line = q;
		q = nl ? nl + 1 : end;
	}
	if (!line)
		return xstrdup("program skipped without a reason");
	line += 1 + (line[1] == ' ');
	return xstrndup(line, strcspn(line, "\n"));
}

void tap_finish(struct program *p, int code, bool timed_out,
		unsigned int timeout_sec, int left_behind)
{
	p->exit_code = code;
	if (timed_out)
		set_status(p, ST_TIMEOUT,
			   xasprintf("no result within %u s (killed)",
				     timeout_sec));
	else if (code < 0)
		set_status(p, ST_ERROR,
			   xasprintf("killed by signal %d (%s)", -code,
				     strsignal(-code)));
	else if (code == 127)
		set_status(p, ST_ERROR, xstrdup("could not be executed"));
	else if (left_behind)
		/* A test must not leave processes on the host. */
		set_status(p, ST_ERROR,
			   xasprintf("left %d processes running (killed)",
				     left_behind));
	else if (any_case(p, status_failed))
		set_status(p, ST_FAIL, xstrdup(""));
	else if (code == KSFT_SKIP && !any_case(p, is_not_skip))
		set_status(p, ST_SKIP,
			   st.plan_skip ? xstrdup(st.plan_skip) :
					  last_comment(p));
	else if (code != KSFT_PASS && code != KSFT_SKIP)
		set_status(p, ST_FAIL,
			   xasprintf("exit status %d with no failing case",
				     code));
	else if (st.planned == 0 && code == KSFT_PASS)
		/* The case filters (-t/-v/...) left nothing to run here. */
		set_status(p, ST_SKIP, xstrdup("no case matches the filters"));
	else if (st.planned >= 0 && (size_t)st.planned != p->ncases)
		set_status(p, ST_ERROR,
			   xasprintf("planned %ld cases, reported %zu",
				     st.planned, p->ncases));
	else if (p->ncases && !any_case(p, is_not_skip))
		set_status(p, ST_SKIP,
			   xasprintf("all %zu cases skipped", p->ncases));
	else
		set_status(p, ST_PASS, xstrdup(""));
}

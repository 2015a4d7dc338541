// SPDX-License-Identifier: GPL-2.0
/*
 * nsapi test -l: one row per case, "ID <TAB> fixture.variant.test <TAB> the
 * behavior's one-line claim", so that a learner sees which rule each case
 * checks.  The cases come from each program's kselftest -l table (fixture,
 * variant and test columns, expanded as the harness runs them, like
 * harness/docs/cases.awk); the claims from HEADERS beside the programs
 * (made by make from the tests' header comments).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runner.h"

#define LIST_MAX 256

struct listing {
	char fixture[LIST_MAX];
	char variant[LIST_MAX][LIST_MAX];
	char test[LIST_MAX][LIST_MAX];
	size_t nv, nt;
};

/* The claim of @id in @tests_dir/HEADERS ("ID\tprog\tclaim\ttext"), or "". */
static void claim_of(const char *tests_dir, const char *id, char *buf,
		     size_t len)
{
	char path[4096], *line = NULL, *f[4];
	size_t cap = 0;
	FILE *in;

	buf[0] = '\0';
	snprintf(path, sizeof(path), "%s/HEADERS", tests_dir);
	in = fopen(path, "re");
	if (!in)
		return;
	while (getline(&line, &cap, in) > 0) {
		char *p = line;
		int n;

		line[strcspn(line, "\n")] = '\0';
		for (n = 0; n < 4 && p; n++)
			f[n] = strsep(&p, "\t");
		if (n == 4 && f[3] && !strcmp(f[0], id) &&
		    !strcmp(f[2], "claim")) {
			snprintf(buf, len, "%s", f[3]);
			break;
		}
	}
	free(line);
	fclose(in);
}

static void flush_fixture(struct listing *l, const char *id, const char *claim)
{
	if (!l->fixture[0])
		return;
	for (size_t v = 0; v < (l->nv ? l->nv : 1); v++)
		for (size_t t = 0; t < l->nt; t++)
			printf("%s\t%s%s%s.%s\t%s\n", id, l->fixture,
			       l->nv ? "." : "", l->nv ? l->variant[v] : "",
			       l->test[t], claim);
	l->fixture[0] = '\0';
	l->nv = l->nt = 0;
}

/* One row of the table; a name longer than its column pushes the next. */
static void parse_row(struct listing *l, const char *row, const char *id,
		      const char *claim)
{
	size_t pos = 21, len = strlen(row);
	char a[LIST_MAX] = "", b[LIST_MAX] = "";
	const char *rest;

	if (row[0] != ' ') {
		flush_fixture(l, id, claim);
		sscanf(row, "%255s", l->fixture);
		if (strlen(l->fixture) + 1 > pos)
			pos = strlen(l->fixture) + 1;
	}
	rest = pos < len ? row + pos : "";
	if (rest[0] && rest[0] != ' ') {
		if (sscanf(rest, "%255s %255s", a, b) >= 1 && l->nv < LIST_MAX)
			snprintf(l->variant[l->nv++], LIST_MAX, "%s", a);
		if (b[0] && l->nt < LIST_MAX)
			snprintf(l->test[l->nt++], LIST_MAX, "%s", b);
	} else if (sscanf(rest, "%255s", a) == 1 && l->nt < LIST_MAX) {
		snprintf(l->test[l->nt++], LIST_MAX, "%s", a);
	}
}

int list_suite(const struct options *o, const struct suite *s)
{
	struct run_limits lim = { .timeout_sec = o->timeout_sec };
	struct listing *l = calloc(1, sizeof(*l));
	char claim[1024];

	if (!l)
		return 1;
	for (size_t i = 0; i < s->nprogs; i++) {
		struct program p = s->progs[i];
		char *argv[] = { p.path, "-l", NULL };
		bool timed_out;
		int code, left;

		claim_of(o->tests_dir, p.id, claim, sizeof(claim));
		tap_begin(&p);
		if (run_program(p.path, argv, &lim, tap_line, &p, &code,
				&timed_out, &left) ||
		    !p.output) {
			printf("%s\t%s\t(cannot list its cases)\n", p.id,
			       p.name);
			continue;
		}
		for (char *line = strtok(p.output, "\n"); line;
		     line = strtok(NULL, "\n")) {
			if (!strncmp(line, "# FIXTURE", 9))
				continue;
			if (line[0] == '-')
				flush_fixture(l, p.id, claim);
			else
				parse_row(l, line, p.id, claim);
		}
		flush_fixture(l, p.id, claim);
	}
	free(l);
	return 0;
}

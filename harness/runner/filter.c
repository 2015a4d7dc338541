// SPDX-License-Identifier: GPL-2.0
/*
 * Do the case filters (-t/-T/-v/-V/-f/-F/-r) select anything?  Each
 * selected program lists its cases (-l: a table of fixtures, their variants
 * and their tests), and the filters are applied to every fixture x variant x
 * test the way the kselftest harness applies them: the first filter that
 * names the case decides, and a case no filter names runs only when no
 * including (lower-case) filter was given.  Nothing runs a test.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "runner.h"

struct fixture_list {
	char *fixture;
	char **variants, **tests;
	size_t nvariants, ntests;
	size_t matches;
	const struct options *o;
};

static bool case_enabled(const struct options *o, const char *f, const char *v,
			 const char *t)
{
	char *full = xasprintf("%s%s%s.%s", f, *v ? "." : "", v, t);
	bool positive = false, ret = false, decided = false;

	for (int i = 0; i + 1 < o->nksft_args && !decided; i += 2) {
		int opt = o->ksft_args[i][1];
		const char *arg = o->ksft_args[i + 1];
		const char *name = tolower(opt) == 't' ? t :
				   tolower(opt) == 'f' ? f :
				   tolower(opt) == 'v' ? v :
							 full;

		positive |= islower(opt);
		if (!strcmp(name, arg)) {
			ret = islower(opt);
			decided = true;
		}
	}
	free(full);
	return decided ? ret : !positive;
}

static void push(char ***list, size_t *n, const char *s, size_t len)
{
	*list = xrealloc(*list, (*n + 1) * sizeof(**list));
	(*list)[(*n)++] = xstrndup(s, len);
}

static void flush_fixture(struct fixture_list *fl)
{
	const char *none = "";

	for (size_t v = 0; v < (fl->nvariants ? fl->nvariants : 1); v++)
		for (size_t t = 0; t < fl->ntests; t++)
			fl->matches += case_enabled(
				fl->o, fl->fixture,
				fl->nvariants ? fl->variants[v] : none,
				fl->tests[t]);
	for (size_t i = 0; i < fl->nvariants; i++)
		free(fl->variants[i]);
	for (size_t i = 0; i < fl->ntests; i++)
		free(fl->tests[i]);
	free(fl->fixture);
	free(fl->variants);
	free(fl->tests);
	fl->fixture = NULL;
	fl->variants = fl->tests = NULL;
	fl->nvariants = fl->ntests = 0;
}

/*
 * One row, "%-20s %-25s %s": fixture (only on a fixture's first row),
 * variant, test.  A word that starts in the variant column is a variant.
 */
static void list_row(void *ctx, const char *line, double t_sec)
{
	struct fixture_list *fl = ctx;
	size_t col = 0, fix_end = 20, var_col;
	const char *p = line;

	(void)t_sec;
	if (!strncmp(line, "# FIXTURE", 9) || !strncmp(line, "----", 4)) {
		if (fl->fixture)
			flush_fixture(fl);
		return;
	}
	if (line[0] && line[0] != ' ') {
		size_t n = strcspn(line, " ");

		fl->fixture = xstrndup(line, n);
		fix_end = n > 20 ? n : 20;
	}
	var_col = fix_end + 1;
	col = line[0] && line[0] != ' ' ? strcspn(line, " ") : 0;
	for (p = line + col; *p;) {
		size_t start, n;

		while (*p == ' ')
			p++;
		if (!*p)
			break;
		start = p - line;
		n = strcspn(p, " ");
		if (start == var_col)
			push(&fl->variants, &fl->nvariants, p, n);
		else
			push(&fl->tests, &fl->ntests, p, n);
		p += n;
	}
}

/* How many cases of program @path the filters select. */
static size_t program_matches(const struct options *o, const char *path)
{
	struct run_limits lim = { .timeout_sec = o->timeout_sec };
	struct fixture_list fl = { .o = o };
	char *argv[] = { (char *)path, "-l", NULL };
	bool timed_out;
	int code, left;

	if (run_program(path, argv, &lim, list_row, &fl, &code, &timed_out,
			&left))
		return 0;
	if (fl.fixture)
		flush_fixture(&fl);
	return fl.matches;
}

/* 0 when the filters select some case of some program, else -1. */
int check_filters(const struct options *o, const struct suite *s)
{
	char *given = NULL;
	size_t len = 0;

	if (!o->nksft_args)
		return 0;
	for (size_t i = 0; i < s->nprogs; i++)
		if (program_matches(o, s->progs[i].path))
			return 0;
	for (int i = 0; i < o->nksft_args; i++) {
		append(&given, &len, " ", i ? 1 : 0);
		append(&given, &len, o->ksft_args[i], strlen(o->ksft_args[i]));
	}
	fprintf(stderr,
		"nsapi-test: no test matches %s ('nsapi test --list' shows "
		"the cases)\n",
		given);
	free(given);
	return -1;
}

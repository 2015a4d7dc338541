// SPDX-License-Identifier: GPL-2.0
/*
 * Which programs to run: the build's list of test programs (LIST beside
 * them, so that a program that should be there and is not is reported as an
 * ERROR instead of silently missing), narrowed by the PATTERNs given.  A
 * pattern is a glob on the program name ("s0*"), a behavior id ("S08",
 * "u12") or a program name prefix ("s08_setns").
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runner.h"

/* "s08_setns_nstype" -> "S08"; names without an id prefix give "". */
void program_id(const char *name, char id[8])
{
	size_t n = strcspn(name, "_");

	id[0] = '\0';
	if (n < 2 || n > 6 || !isalpha((unsigned char)name[0]))
		return;
	for (size_t i = 0; i < n; i++)
		id[i] = toupper((unsigned char)name[i]);
	id[n] = '\0';
}

static bool pattern_matches(const char *pat, const char *name)
{
	char id[8];

	program_id(name, id);
	return !fnmatch(pat, name, 0) || !strcasecmp(pat, id) ||
	       !strncmp(name, pat, strlen(pat));
}

static bool selected(const struct options *o, const char *name, bool *used)
{
	bool any = o->npatterns == 0;

	for (int i = 0; i < o->npatterns; i++)
		if (pattern_matches(o->patterns[i], name))
			any = used[i] = true;
	return any;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_test_name(const char *name)
{
	char id[8];

	program_id(name, id);
	return id[0] && !strchr(name, '.');
}

/* Names from DIR/LIST, else every executable test program in DIR. */
static char **list_names(const char *dir, size_t *n)
{
	char path[PATH_MAX], line[256], **names = NULL;
	FILE *f;
	DIR *d;
	struct dirent *e;

	*n = 0;
	snprintf(path, sizeof(path), "%s/LIST", dir);
	f = fopen(path, "re");
	if (f) {
		while (fgets(line, sizeof(line), f)) {
			line[strcspn(line, " \t\n")] = '\0';
			if (!is_test_name(line))
				continue;
			names = xrealloc(names, (*n + 1) * sizeof(*names));
			names[(*n)++] = xstrdup(line);
		}
		fclose(f);
		return names;
	}
	d = opendir(dir);
	if (!d)
		return NULL;
	while ((e = readdir(d))) {
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (!is_test_name(e->d_name) || access(path, X_OK))
			continue;
		names = xrealloc(names, (*n + 1) * sizeof(*names));
		names[(*n)++] = xstrdup(e->d_name);
	}
	closedir(d);
	if (*n)
		qsort(names, *n, sizeof(*names), cmp_str);
	return names;
}

int discover_programs(const struct options *o, struct suite *s)
{
	bool *used = calloc(o->npatterns + 1, sizeof(bool));
	size_t n;
	char **names = list_names(o->tests_dir, &n);
	int ret = 0;

	if (!names || n == 0) {
		fprintf(stderr,
			"nsapi-test: no test programs in %s (run 'make', or "
			"give --tests-dir)\n",
			o->tests_dir);
		free(used);
		return -ENOENT;
	}
	s->progs = calloc(n, sizeof(*s->progs));
	for (size_t i = 0; i < n; i++) {
		struct program *p;

		if (!selected(o, names[i], used)) {
			free(names[i]);
			continue;
		}
		p = &s->progs[s->nprogs++];
		p->name = names[i];
		program_id(p->name, p->id);
		p->path = xasprintf("%s/%s", o->tests_dir, p->name);
	}
	for (int i = 0; i < o->npatterns; i++)
		if (!used[i]) {
			fprintf(stderr,
				"nsapi-test: no test program matches '%s' "
				"('nsapi test --list' shows them)\n",
				o->patterns[i]);
			ret = -EINVAL;
		}
	free(used);
	free(names);
	return ret;
}

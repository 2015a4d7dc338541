// SPDX-License-Identifier: GPL-2.0
/*
 * Why cases were skipped, grouped by cause, said once at the end of a run
 * and kept in suite.json.  The tests name the cause in their SKIP reasons
 * (tests/ns_env.h); a reason outside the known causes is its own group.
 */
#include <stdlib.h>
#include <string.h>

#include "runner.h"

static const struct {
	const char *word; /* in the SKIP reason */
	const char *cause;
} causes[] = {
	{ "seccomp filter",
	  "seccomp filter refuses unshare/setns/clone (container default "
	  "profile?); run with seccomp=unconfined for full coverage" },
	{ "namespace limit exhausted",
	  "a user.max_*_namespaces limit of this or an ancestor user "
	  "namespace is exhausted" },
	{ "chrooted", "chrooted: the kernel refuses user namespaces in a "
		      "chroot; run outside the chroot for full coverage" },
	{ "CAP_SYS_ADMIN",
	  "no CAP_SYS_ADMIN where the call needs it; run as root for full "
	  "coverage" },
	{ "CAP_SYS_PTRACE", "reading other processes' namespaces needs "
			    "CAP_SYS_PTRACE; run as root for full coverage" },
	{ "65534 is not mapped",
	  "uid or gid 65534 (nobody) is not mapped in this user namespace" },
	{ "kernel lacks", "the kernel lacks a namespace type or call" },
};

static const char *cause_of(const char *reason)
{
	for (size_t i = 0; i < sizeof(causes) / sizeof(*causes); i++)
		if (reason && strstr(reason, causes[i].word))
			return causes[i].cause;
	return reason && *reason ? reason : "no reason given";
}

static void count_cause(struct suite *s, const char *reason)
{
	const char *cause = cause_of(reason);

	for (size_t i = 0; i < s->nskips; i++)
		if (!strcmp(s->skips[i].cause, cause)) {
			s->skips[i].cases++;
			return;
		}
	s->skips = xrealloc(s->skips, (s->nskips + 1) * sizeof(*s->skips));
	s->skips[s->nskips].cause = cause;
	s->skips[s->nskips++].cases = 1;
}

static int by_count(const void *a, const void *b)
{
	const struct skip_group *x = a, *y = b;

	return (x->cases < y->cases) - (x->cases > y->cases);
}

/* The skipped cases (and programs skipped whole), grouped by cause. */
void group_skips(struct suite *s)
{
	s->nskips = 0;
	for (size_t i = 0; i < s->nprogs; i++) {
		const struct program *p = &s->progs[i];

		for (size_t j = 0; j < p->ncases; j++)
			if (p->cases[j].status == ST_SKIP)
				count_cause(s, p->cases[j].reason);
		if (p->status == ST_SKIP && !p->ncases)
			count_cause(s, p->reason);
	}
	if (s->nskips)
		qsort(s->skips, s->nskips, sizeof(*s->skips), by_count);
}

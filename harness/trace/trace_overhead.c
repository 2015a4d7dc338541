// SPDX-License-Identifier: GPL-2.0
/*
 * The workload of harness/trace/overhead.sh: one namespace syscall in a
 * tight loop, timed with CLOCK_MONOTONIC; prints the median over rounds of
 * the mean ns per call.  Run once without and once with nsapi trace attached;
 * the difference is the tracer's cost per traced call.  Also prints the
 * thread's CPU time per call (CLOCK_THREAD_CPUTIME_ID, median the same
 * way): the attached programs run in the caller's context, so it holds
 * their cost, but not the time spent waiting for a CPU on a loaded machine.
 *
 *   trace-overhead setns-einval|unshare-uts|getppid [CALLS [ROUNDS]]
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define MAX_ROUNDS 101

struct workload {
	const char *name;
	int (*setup)(void);
	/* One call; returns 0 when it behaved as expected. */
	int (*call)(void);
};

static int uts_fd = -1;

static int setup_setns(void)
{
	uts_fd = open("/proc/self/ns/uts", O_RDONLY | O_CLOEXEC);
	return uts_fd < 0 ? -1 : 0;
}

/* A UTS fd with nstype CLONE_NEWNET: EINVAL without changing anything. */
static int call_setns_einval(void)
{
	return syscall(SYS_setns, uts_fd, CLONE_NEWNET) == -1 &&
			       errno == EINVAL ?
		       0 :
		       -1;
}

static int setup_none(void)
{
	return 0;
}

static int call_unshare_uts(void)
{
	return syscall(SYS_unshare, CLONE_NEWUTS);
}

/* Never traced: what the attached programs cost every other call. */
static int call_getppid(void)
{
	return syscall(SYS_getppid) > 0 ? 0 : -1;
}

static const struct workload workloads[] = {
	{ "setns-einval", setup_setns, call_setns_einval },
	{ "unshare-uts", setup_none, call_unshare_uts },
	{ "getppid", setup_none, call_getppid },
};

static long parse_count(const char *what, const char *s, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 1 || v > max) {
		fprintf(stderr,
			"trace-overhead: bad %s '%s': expected 1..%ld\n", what,
			s, max);
		exit(2);
	}
	return v;
}

static long long now_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double round_ns_per_call(const struct workload *w, long calls,
				double *cpu_ns)
{
	long long start = now_ns(CLOCK_MONOTONIC);
	long long cpu = now_ns(CLOCK_THREAD_CPUTIME_ID);

	for (long i = 0; i < calls; i++) {
		if (w->call()) {
			fprintf(stderr, "trace-overhead: %s call %ld: %s\n",
				w->name, i, strerror(errno));
			exit(1);
		}
	}
	*cpu_ns = (double)(now_ns(CLOCK_THREAD_CPUTIME_ID) - cpu) / calls;
	return (double)(now_ns(CLOCK_MONOTONIC) - start) / calls;
}

int main(int argc, char **argv)
{
	const struct workload *w = NULL;
	double per_call_ns[MAX_ROUNDS], cpu_ns[MAX_ROUNDS];
	long calls = 100000, rounds = 11;

	if (argc < 2 || argc > 4) {
		fprintf(stderr,
			"usage: trace-overhead setns-einval|unshare-uts|getppid "
			"[CALLS [ROUNDS]]\n");
		return 2;
	}
	for (size_t i = 0; i < sizeof(workloads) / sizeof(workloads[0]); i++)
		if (!strcmp(argv[1], workloads[i].name))
			w = &workloads[i];
	if (!w) {
		fprintf(stderr, "trace-overhead: unknown workload '%s'\n",
			argv[1]);
		return 2;
	}
	if (argc > 2)
		calls = parse_count("CALLS", argv[2], INT_MAX);
	if (argc > 3)
		rounds = parse_count("ROUNDS", argv[3], MAX_ROUNDS);
	prctl(PR_SET_NAME, "nsapi-overhead");
	if (w->setup()) {
		fprintf(stderr, "trace-overhead: setup of %s: %s\n", w->name,
			strerror(errno));
		return 1;
	}
	round_ns_per_call(w, calls / 10 + 1, cpu_ns); /* warm-up */
	for (long r = 0; r < rounds; r++)
		per_call_ns[r] = round_ns_per_call(w, calls, &cpu_ns[r]);
	qsort(per_call_ns, rounds, sizeof(double), cmp_double);
	qsort(cpu_ns, rounds, sizeof(double), cmp_double);
	printf("%s %.1f %.1f\n", w->name, per_call_ns[rounds / 2],
	       cpu_ns[rounds / 2]);
	return 0;
}

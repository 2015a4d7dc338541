// SPDX-License-Identifier: GPL-2.0
/*
 * nsapi-inject: the loader behind nsapi bench --inject (bench/inject.c runs
 * it).  Loads bench/inject.bpf.c for one syscall and one process tree,
 * calibrates the spin with in-kernel timing (BPF_PROG_TEST_RUN of the same
 * spin), attaches it to sys_enter and then obeys one command a line on
 * stdin, answering one line on stdout:
 *
 *   delay NS   set the spin per call to NS ns  -> "ok LOOPS NS_CALIBRATED"
 *   stats      cumulative counters             -> "stats CALLS WORK_NS"
 *
 * EOF on stdin (the bench exited) detaches and exits.  Exit 4 with one line
 * when the kernel cannot do it (no BTF, no raw tracepoints, not root).
 */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "inject.skel.h"

#define EXIT_UNAVAILABLE 4
#define CAL_LOOPS 20000u
#define CAL_RUNS 31
#define MAX_LOOPS (1u << 23) /* bpf_loop's limit */

/* The syscalls a namespace benchmark makes, by name. */
static const struct {
	const char *name;
	long nr;
} syscalls[] = {
	{ "setns", SYS_setns },		  { "unshare", SYS_unshare },
	{ "clone", SYS_clone },
#ifdef SYS_clone3
	{ "clone3", SYS_clone3 },
#endif
	{ "getppid", SYS_getppid },	  { "openat", SYS_openat },
	{ "close", SYS_close },		  { "readlinkat", SYS_readlinkat },
	{ "newfstatat", SYS_newfstatat }, { "fstat", SYS_fstat },
	{ "ioctl", SYS_ioctl },		  { "wait4", SYS_wait4 },
	{ "waitid", SYS_waitid },	  { "mount", SYS_mount },
	{ "pidfd_open", SYS_pidfd_open },
};

static bool verbose;

static void die(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));

static void die(int code, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "nsapi-inject: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(code);
}

static int libbpf_log(enum libbpf_print_level level, const char *fmt,
		      va_list ap)
{
	if (!verbose && level != LIBBPF_WARN)
		return 0;
	if (!verbose)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static long syscall_nr(const char *name)
{
	for (size_t i = 0; i < sizeof(syscalls) / sizeof(syscalls[0]); i++)
		if (!strcmp(syscalls[i].name, name))
			return syscalls[i].nr;
	return -1;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* ns per spin step: the median of CAL_RUNS timed spins of CAL_LOOPS. */
static double calibrate(struct inject *skel, bool unrolled)
{
	struct bpf_program *p = unrolled ? skel->progs.calibrate_unrolled :
					   skel->progs.calibrate_loop;
	LIBBPF_OPTS(bpf_test_run_opts, opts);
	double per[CAL_RUNS];
	__u64 args[2] = { 0, 0 };
	int fd = bpf_program__fd(p), i, err;

	opts.ctx_in = args;
	opts.ctx_size_in = sizeof(args);
	skel->bss->cal_loops = CAL_LOOPS;
	for (i = 0; i < CAL_RUNS; i++) {
		err = bpf_prog_test_run_opts(fd, &opts);
		if (err)
			die(EXIT_UNAVAILABLE,
			    "calibration: BPF_PROG_TEST_RUN of %s: %s",
			    bpf_program__name(p), strerror(-err));
		per[i] = (double)skel->bss->cal_ns / CAL_LOOPS;
	}
	qsort(per, CAL_RUNS, sizeof(per[0]), cmp_double);
	if (!(per[CAL_RUNS / 2] > 0))
		die(EXIT_UNAVAILABLE, "calibration: the spin took no time");
	return per[CAL_RUNS / 2];
}

static struct inject *load(long nr, unsigned int tgid, bool *unrolled)
{
	struct inject *skel;
	int err;

	skel = inject__open();
	if (!skel)
		die(EXIT_UNAVAILABLE, "opening the BPF object: %s",
		    strerror(errno));
	skel->rodata->targ_tgid = tgid;
	skel->rodata->targ_nr = nr;
	*unrolled = libbpf_probe_bpf_helper(BPF_PROG_TYPE_RAW_TRACEPOINT,
					    BPF_FUNC_loop, NULL) != 1;
	bpf_program__set_autoload(skel->progs.inject_loop, !*unrolled);
	bpf_program__set_autoload(skel->progs.calibrate_loop, !*unrolled);
	bpf_program__set_autoload(skel->progs.inject_unrolled, *unrolled);
	bpf_program__set_autoload(skel->progs.calibrate_unrolled, *unrolled);
	err = inject__load(skel);
	if (err)
		die(EXIT_UNAVAILABLE,
		    "loading the BPF program: %s (needs root and kernel BTF; "
		    "-v shows libbpf's log)",
		    strerror(-err));
	return skel;
}

static struct bpf_link *attach(struct inject *skel, bool unrolled)
{
	struct bpf_program *p = unrolled ? skel->progs.inject_unrolled :
					   skel->progs.inject_loop;
	struct bpf_link *link = bpf_program__attach(p);

	if (!link)
		die(EXIT_UNAVAILABLE,
		    "attaching to raw tracepoint sys_enter: %s",
		    strerror(errno));
	return link;
}

static void serve(struct inject *skel, double ns_per_loop)
{
	char line[128];
	double ns;

	while (fgets(line, sizeof(line), stdin)) {
		if (sscanf(line, "delay %lf", &ns) == 1 && ns >= 0 &&
		    ns < 1e8) {
			double l = round(ns / ns_per_loop);
			__u32 loops = l > MAX_LOOPS ? MAX_LOOPS : (__u32)l;

			skel->bss->loops = loops;
			printf("ok %u %.1f\n", loops, loops * ns_per_loop);
		} else if (!strcmp(line, "stats\n")) {
			printf("stats %llu %llu\n",
			       (unsigned long long)skel->bss->calls,
			       (unsigned long long)skel->bss->work_ns);
		} else {
			printf("error unknown command\n");
		}
		fflush(stdout);
	}
}

int main(int argc, char **argv)
{
	struct bpf_link *link;
	struct inject *skel;
	double ns_per_loop;
	bool unrolled;
	long nr, tgid;
	int a = 1;

	if (argc > 1 && !strcmp(argv[1], "-v")) {
		verbose = true;
		a++;
	}
	if (argc - a != 2)
		die(2, "usage: nsapi-inject [-v] SYSCALL TGID");
	nr = syscall_nr(argv[a]);
	if (nr < 0)
		die(2, "unknown syscall '%s'", argv[a]);
	tgid = strtol(argv[a + 1], NULL, 10);
	if (tgid <= 0)
		die(2, "bad tgid '%s'", argv[a + 1]);
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	signal(SIGPIPE, SIG_IGN);
	libbpf_set_print(libbpf_log);
	skel = load(nr, (unsigned int)tgid, &unrolled);
	ns_per_loop = calibrate(skel, unrolled);
	link = attach(skel, unrolled);
	printf("ready %s %ld %.4f %s\n", argv[a], nr, ns_per_loop,
	       unrolled ? "unrolled" : "bpf_loop");
	fflush(stdout);
	serve(skel, ns_per_loop);
	bpf_link__destroy(link);
	inject__destroy(skel);
	return 0;
}

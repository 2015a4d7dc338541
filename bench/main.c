// SPDX-License-Identifier: GPL-2.0
/*
 * nsapi bench: microbenchmarks of the namespace syscalls.  Selects
 * benchmarks from the registry, runs each in a forked worker, prints a
 * table and writes bench.json (Google Benchmark format) and TSV files to
 * RESULTS/<kernel release>/.
 */
#include <errno.h>
#include <fnmatch.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "bench.h"
#include "env.h"
#include "output.h"
#include "trace.h"

#define COMM "nsapi-bench"

struct cli {
	struct bench_opts o;
	const char *results;
	bool list, trace, no_write;
	char **patterns;
	int npatterns;
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: nsapi bench [PATTERN...] [options]\n"
		"  PATTERN          a glob (fnmatch) or substring of benchmark names\n"
		"  --quick          short run (about 15 s)\n"
		"  --repetitions N  repetitions per benchmark (1-%d; default 5)\n"
		"  --cpu N          pin the workers to CPU N\n"
		"  --results DIR    results root (default $NSAPI_RESULTS or results);\n"
		"                   files go to DIR/<kernel release>/\n"
		"  --no-write       print the table only\n"
		"  --trace          also run under nsapi-trace, report in-kernel time\n"
		"  --list           list the benchmarks and what one iteration contains\n"
		"  --help\n",
		BENCH_MAX_REPS);
}

static void die_usage(const char *fmt, const char *arg)
{
	fprintf(stderr, "nsapi-bench: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, " (see --help)\n");
	exit(2);
}

static long parse_long(const char *s, long lo, long hi, const char *opt)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi) {
		fprintf(stderr,
			"nsapi-bench: %s '%s': expected an integer in [%ld, %ld]\n",
			opt, s, lo, hi);
		exit(2);
	}
	return v;
}

static void parse(int argc, char **argv, struct cli *c)
{
	enum {
		O_QUICK = 256,
		O_REPS,
		O_CPU,
		O_RESULTS,
		O_TRACE,
		O_LIST,
		O_NOWRITE
	};
	static const struct option opts[] = {
		{ "quick", no_argument, NULL, O_QUICK },
		{ "repetitions", required_argument, NULL, O_REPS },
		{ "cpu", required_argument, NULL, O_CPU },
		{ "results", required_argument, NULL, O_RESULTS },
		{ "trace", no_argument, NULL, O_TRACE },
		{ "list", no_argument, NULL, O_LIST },
		{ "no-write", no_argument, NULL, O_NOWRITE },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	long ncpu = sysconf(_SC_NPROCESSORS_CONF);
	int opt, reps = 0;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case O_QUICK:
			c->o.quick = true;
			break;
		case O_REPS:
			reps = (int)parse_long(optarg, 1, BENCH_MAX_REPS,
					       "--repetitions");
			break;
		case O_CPU:
			c->o.cpu =
				(int)parse_long(optarg, 0, ncpu - 1, "--cpu");
			break;
		case O_RESULTS:
			c->results = optarg;
			break;
		case O_TRACE:
			c->trace = true;
			break;
		case O_LIST:
			c->list = true;
			break;
		case O_NOWRITE:
			c->no_write = true;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			die_usage("unknown or incomplete option '%s'",
				  argv[optind - 1]);
		}
	}
	c->patterns = argv + optind;
	c->npatterns = argc - optind;
	c->o.repetitions = reps ? (unsigned int)reps : 5;
}

/* Budgets that keep the default run under 90 s and --quick under 15 s. */
static void set_budget(struct bench_opts *o)
{
	o->budget_ns = o->quick ? 70000000ull : 600000000ull;
	o->warmup_ns = o->quick ? 8000000ull : 40000000ull; /* per repetition */
	o->max_samples = o->quick ? 600 : 2000;
}

static bool selected(const struct cli *c, const char *name)
{
	int i;

	if (!c->npatterns)
		return true;
	for (i = 0; i < c->npatterns; i++) {
		const char *p = c->patterns[i];

		if (strpbrk(p, "*?[") ? !fnmatch(p, name, 0) :
					strstr(name, p) != NULL)
			return true;
	}
	return false;
}

static size_t select_benches(const struct cli *c, const struct bench **out)
{
	size_t g, i, n = 0;

	for (g = 0; g < bench_registry_count; g++)
		for (i = 0; i < *bench_registry[g].count; i++)
			if (selected(c, bench_registry[g].benches[i].name))
				out[n++] = &bench_registry[g].benches[i];
	return n;
}

static void progress(unsigned int rep, unsigned int reps, size_t i, size_t n,
		     const char *name)
{
	if (!isatty(STDERR_FILENO))
		return;
	if (name)
		fprintf(stderr, "\r\033[K[rep %u/%u %3zu/%zu] %s", rep + 1,
			reps, i + 1, n, name);
	else
		fprintf(stderr, "\r\033[K");
}

/*
 * Repetition after repetition of every benchmark (rather than all the
 * repetitions of one, then the next), in an order rotated for each
 * repetition: the spread between repetitions then shows the machine's drift
 * and the CI of the median includes it.
 */
static int run_all(const struct bench **sel, size_t n,
		   const struct bench_opts *o, struct bench_run *run)
{
	unsigned int rep;
	size_t i, k;
	int failed = 0;

	run->res = calloc(n, sizeof(*run->res));
	run->n = n;
	if (!run->res)
		return -1;
	for (rep = 0; rep < o->repetitions; rep++) {
		for (k = 0; k < n; k++) {
			i = (k + rep * n / o->repetitions) % n;
			progress(rep, o->repetitions, k, n, sel[i]->name);
			if (bench_run_rep(sel[i], o, rep, &run->res[i])) {
				fprintf(stderr,
					"nsapi-bench: %s: cannot start "
					"a worker: %s\n",
					sel[i]->name, strerror(errno));
				return -1;
			}
		}
	}
	progress(0, 0, 0, 0, NULL);
	for (i = 0; i < n; i++) {
		bench_describe(&run->res[i]);
		failed |= run->res[i].status == BENCH_FAILED;
	}
	report_derive(run);
	return failed;
}

static void free_run(struct bench_run *run)
{
	size_t i;

	for (i = 0; i < run->n; i++)
		bench_result_free(&run->res[i]);
	free(run->res);
}

/* The traced pass: the same benchmarks again while nsapi-trace records. */
static void traced_pass(const struct bench **sel, size_t n,
			const struct bench_opts *o, struct bench_run *base)
{
	struct bench_run traced = { 0 };
	struct tracer t;
	char why[256];

	if (trace_start(&t, BENCH_TIMED_COMM_PREFIX "*", why, sizeof(why))) {
		fprintf(stderr,
			"nsapi-bench: --trace: %s; running without it\n", why);
		return;
	}
	run_all(sel, n, o, &traced);
	trace_finish(&t, &traced, base);
	free_run(&traced);
}

/*
 * Nice -20 (root only) so that other nice-0 work on a shared machine takes
 * ~1% of a core from the workers instead of half; recorded in the context.
 */
static void favour_benchmark(void)
{
	if (setpriority(PRIO_PROCESS, 0, -20) && errno != EACCES &&
	    errno != EPERM)
		fprintf(stderr, "nsapi-bench: setpriority(-20): %s\n",
			strerror(errno));
}

static void add_run_options(struct json_object *ctx, const struct bench_opts *o)
{
	json_object_object_add(
		ctx, "clock_overhead_ns",
		json_object_new_int64((int64_t)o->clock_overhead_ns));
	json_object_object_add(ctx, "repetitions",
			       json_object_new_int((int)o->repetitions));
	json_object_object_add(ctx, "quick", json_object_new_boolean(o->quick));
	json_object_object_add(ctx, "budget_ns_per_benchmark",
			       json_object_new_int64((int64_t)o->budget_ns));
	json_object_object_add(ctx, "pinned_cpu", json_object_new_int(o->cpu));
	json_object_object_add(
		ctx, "nice", json_object_new_int(getpriority(PRIO_PROCESS, 0)));
}

static int results_dir(const struct cli *c, char *buf, size_t len)
{
	const char *root = c->results ? c->results : getenv("NSAPI_RESULTS");
	struct utsname u;

	uname(&u);
	snprintf(buf, len, "%s/%s", root && *root ? root : "results",
		 u.release);
	return output_check_dir(buf) ? 2 : 0;
}

int main(int argc, char **argv)
{
	struct cli c = { .o = { .cpu = -1 } };
	static const struct bench *sel[1024];
	struct bench_run run = { 0 };
	char dir[PATH_MAX];
	size_t n;
	int ret;

	parse(argc, argv, &c);
	if (c.list) {
		bench_list(stdout, true);
		return 0;
	}
	n = select_benches(&c, sel);
	if (!n) {
		fprintf(stderr,
			"nsapi-bench: no benchmark matches the patterns "
			"(see --list)\n");
		return 2;
	}
	if (!c.no_write && results_dir(&c, dir, sizeof(dir)))
		return 2;
	set_budget(&c.o);
	prctl(PR_SET_NAME, COMM);
	favour_benchmark();
	c.o.clock_overhead_ns = bench_calibrate_clock();
	run.context = env_collect(argv[0]);
	ret = run_all(sel, n, &c.o, &run);
	if (ret < 0)
		return 1;
	if (c.trace)
		traced_pass(sel, n, &c.o, &run);
	add_run_options(run.context, &c.o);
	report_text(stdout, &run);
	if (!c.no_write) {
		if (output_json(dir, &run) || output_tsv(dir, &run))
			return 1;
		printf("results: %s/bench.json, bench.tsv, samples.tsv\n", dir);
	}
	json_object_put(run.context);
	free_run(&run);
	return ret ? 1 : 0;
}

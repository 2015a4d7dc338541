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
#include "inject.h"
#include "output.h"
#include "trace.h"

#define COMM "nsapi-bench"
/*
 * --ab's default repetitions: the pairs are the unit of the paired test,
 * and 30 rather than 10 cut the t bound at alpha/m (m = 22) from 5.9 to 4.1
 * and the standard error by 1.7 (bench/README.md, nsapi power).
 */
#define AB_PAIRS 30

struct cli {
	struct bench_opts o;
	const char *results;
	bool list, trace, no_write, ab;
	char inject_sc[32];
	double inject_ns;
	char sysctl[128], sysctl_value[128];
	char **patterns;
	int npatterns;
	long budget_ms;
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: nsapi bench [PATTERN...] [options]\n"
		"  PATTERN          a glob (fnmatch) or substring of benchmark names\n"
		"  --quick          short run (about 15 s)\n"
		"  --budget MS      time per benchmark (1-10000 ms; default 600,\n"
		"                   --quick 70), warm-up in proportion\n"
		"  --repetitions N  repetitions per benchmark (1-%d; default 5)\n"
		"  --cpu N          pin the workers to CPU N\n"
		"  --results DIR    results root (default $NSAPI_RESULTS or results);\n"
		"                   files go to DIR/<kernel release>/\n"
		"  --no-write       print the table only\n"
		"  --trace          also run under nsapi-trace, report in-kernel time\n"
		"  --inject SC:NS   add NS ns of in-kernel work to every call of\n"
		"                   syscall SC by the bench (eBPF; e.g. setns:800)\n"
		"  --ab             interleaved A/B: with --inject, A = 0 ns and\n"
		"                   B = NS; with --sysctl, A = the current value and\n"
		"                   B = VALUE; alternated per repetition, written to\n"
		"                   DIR/<kernel release>/a/ and b/ (default %d\n"
		"                   repetitions); compare them paired\n"
		"  --sysctl N=V     the condition of --ab: sysctl N set to V in B\n"
		"  --list           list the benchmarks and what one iteration contains\n"
		"  --help\n",
		BENCH_MAX_REPS, AB_PAIRS);
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
		O_BUDGET,
		O_CPU,
		O_RESULTS,
		O_TRACE,
		O_LIST,
		O_NOWRITE,
		O_INJECT,
		O_AB,
		O_SYSCTL
	};
	static const struct option opts[] = {
		{ "quick", no_argument, NULL, O_QUICK },
		{ "repetitions", required_argument, NULL, O_REPS },
		{ "budget", required_argument, NULL, O_BUDGET },
		{ "cpu", required_argument, NULL, O_CPU },
		{ "results", required_argument, NULL, O_RESULTS },
		{ "trace", no_argument, NULL, O_TRACE },
		{ "list", no_argument, NULL, O_LIST },
		{ "no-write", no_argument, NULL, O_NOWRITE },
		{ "inject", required_argument, NULL, O_INJECT },
		{ "ab", no_argument, NULL, O_AB },
		{ "sysctl", required_argument, NULL, O_SYSCTL },
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
		case O_BUDGET:
			c->budget_ms = parse_long(optarg, 1, 10000, "--budget");
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
		case O_INJECT:
			inject_parse(optarg, c->inject_sc, sizeof(c->inject_sc),
				     &c->inject_ns);
			break;
		case O_AB:
			c->ab = true;
			break;
		case O_SYSCTL:
			ab_parse_sysctl(optarg, c->sysctl, sizeof(c->sysctl),
					c->sysctl_value,
					sizeof(c->sysctl_value));
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
	for (int i = 0; i < c->npatterns; i++)
		if (!c->patterns[i][0])
			die_usage("empty benchmark pattern '%s'", "");
	if (c->ab && !!c->inject_sc[0] == !!c->sysctl[0])
		die_usage("%s needs exactly one of --inject and --sysctl",
			  "--ab");
	if (c->sysctl[0] && !c->ab)
		die_usage("%s is the condition of --ab", "--sysctl");
	if (c->ab && c->trace)
		die_usage("%s cannot be combined with --trace", "--ab");
	c->o.repetitions = reps ? (unsigned int)reps : c->ab ? AB_PAIRS : 5;
}

/*
 * Budgets that keep the default run under 90 s and --quick under 15 s;
 * --budget MS sets the time per benchmark (the matrix's icount guests need
 * few samples: their figures repeat), the warm-up in the same proportion.
 */
static void set_budget(struct bench_opts *o, long budget_ms, bool ab)
{
	o->budget_ns = o->quick ? 70000000ull : 600000000ull;
	/* per repetition; --ab: many pairs, each worker warmed up as --quick */
	o->warmup_ns = o->quick || ab ? 8000000ull : 40000000ull;
	o->max_samples = o->quick ? 600 : 2000;
	if (budget_ms > 0) {
		o->warmup_ns = o->warmup_ns * (uint64_t)budget_ms * 1000000ull /
			       o->budget_ns;
		o->budget_ns = (uint64_t)budget_ms * 1000000ull;
	}
}

static bool pattern_matches(const char *p, const char *name)
{
	return strpbrk(p, "*?[") ? !fnmatch(p, name, 0) :
				   strstr(name, p) != NULL;
}

static bool selected(const struct cli *c, const char *name)
{
	int i;

	if (!c->npatterns)
		return true;
	for (i = 0; i < c->npatterns; i++) {
		if (pattern_matches(c->patterns[i], name))
			return true;
	}
	return false;
}

/* Every pattern must name some benchmark: a typo is an error, not less. */
static void check_patterns(const struct cli *c)
{
	for (int i = 0; i < c->npatterns; i++) {
		bool any = false;

		for (size_t g = 0; g < bench_registry_count && !any; g++)
			for (size_t j = 0; j < *bench_registry[g].count; j++)
				any |= pattern_matches(
					c->patterns[i],
					bench_registry[g].benches[j].name);
		if (!any)
			die_usage("no benchmark matches '%s'", c->patterns[i]);
	}
}

static size_t select_benches(const struct cli *c, const struct bench **out)
{
	size_t g, i, n = 0;

	check_patterns(c);

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

static int start_injector(const struct cli *c, struct injector *inj)
{
	char why[512];

	if (!inject_start(inj, c->inject_sc, why, sizeof(why)))
		return 0;
	fprintf(stderr, "nsapi-bench: --inject: %s\n", why);
	return -1;
}

/* --inject without --ab: every call of the syscall slowed, all the run. */
static int run_injected(const struct cli *c, const struct bench **sel, size_t n,
			struct injector *inj, struct bench_run *run)
{
	uint64_t c0, w0, c1, w1;
	unsigned int loops;
	double cal_ns;
	int ret;

	if (inject_set(inj, c->inject_ns, &loops, &cal_ns) ||
	    inject_stats(inj, &c0, &w0))
		return -1;
	ret = run_all(sel, n, &c->o, run);
	if (inject_stats(inj, &c1, &w1))
		return -1;
	inject_describe(inj, run->context, c->inject_ns, loops, cal_ns, c1 - c0,
			w1 - w0);
	return ret;
}

static int write_arm(const char *dir, struct ab_arm *a)
{
	char sub[PATH_MAX + 8];

	snprintf(sub, sizeof(sub), "%s/%s", dir, a->label);
	if (output_check_dir(sub) || output_json(sub, &a->run) ||
	    output_tsv(sub, &a->run))
		return -1;
	printf("results: %s/bench.json (%s)\n", sub, a->condition);
	return 0;
}

static int main_ab(const struct cli *c, const struct bench **sel, size_t n,
		   struct injector *inj, struct json_object *context,
		   const char *dir)
{
	struct ab_cfg cfg = { .inj = inj,
			      .sysctl = c->sysctl[0] ? c->sysctl : NULL,
			      .inject_ns = c->inject_ns,
			      .sysctl_b = c->sysctl_value };
	struct ab_arm arm[2] = { 0 };
	char id[64];
	int ret, k;

	add_run_options(context, &c->o);
	ret = ab_run(sel, n, &c->o, &cfg, arm, context);
	if (ret < 0)
		return 1;
	snprintf(id, sizeof(id), "%d-%llu", (int)getpid(),
		 (unsigned long long)bench_now_ns());
	for (k = 0; k < 2; k++) {
		ab_describe(&cfg, arm, k, sel, n, id);
		printf("arm %s: %s\n", arm[k].label, arm[k].condition);
		report_text(stdout, &arm[k].run);
	}
	for (k = 0; !c->no_write && k < 2; k++)
		if (write_arm(dir, &arm[k]))
			return 1;
	for (k = 0; k < 2; k++) {
		json_object_put(arm[k].run.context);
		free_run(&arm[k].run);
		free(arm[k].calls);
	}
	return ret ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct cli c = { .o = { .cpu = -1 } };
	static const struct bench *sel[1024];
	struct bench_run run = { 0 };
	struct injector inj = { .pid = -1 };
	char dir[PATH_MAX] = "";
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
	set_budget(&c.o, c.budget_ms, c.ab);
	prctl(PR_SET_NAME, COMM);
	favour_benchmark();
	c.o.clock_overhead_ns = bench_calibrate_clock();
	run.context = env_collect(argv[0]);
	if (c.inject_sc[0] && start_injector(&c, &inj))
		return 4;
	if (c.ab) {
		ret = main_ab(&c, sel, n, c.inject_sc[0] ? &inj : NULL,
			      run.context, dir);
		inject_stop(&inj);
		json_object_put(run.context);
		return ret;
	}
	ret = c.inject_sc[0] ? run_injected(&c, sel, n, &inj, &run) :
			       run_all(sel, n, &c.o, &run);
	inject_stop(&inj);
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

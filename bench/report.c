// SPDX-License-Identifier: GPL-2.0
/* Derived figures (multiples of the null syscall, baseline differences). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "output.h"

static const struct bench_result *find(const struct bench_run *run,
				       const char *name)
{
	size_t i;

	for (i = 0; i < run->n; i++)
		if (run->res[i].status == BENCH_OK &&
		    !strcmp(run->res[i].b->name, name))
			return &run->res[i];
	return NULL;
}

static void wall_set(const struct bench_result *r, double *x,
		     struct stats_set *s)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		x[i] = r->samples[i].wall_ns;
	*s = (struct stats_set){ x, r->n, r->rep_len, r->reps };
}

/* The namespace's own cost: this median minus the baseline's, with a CI. */
static void derive_delta(struct bench_result *r, const struct bench_result *b)
{
	double *x = malloc(r->n * sizeof(double));
	double *y = malloc(b->n * sizeof(double));
	struct stats_set sr, sb;

	if (x && y) {
		wall_set(r, x, &sr);
		wall_set(b, y, &sb);
		if (!stats_boot_diff_ci(&sb, &sr, STATS_BOOT_RESAMPLES,
					&r->delta_lo_ns, &r->delta_hi_ns)) {
			r->delta_ns = r->st.p50 - b->st.p50;
			r->has_delta = true;
		}
	}
	free(y);
	free(x);
}

void report_derive(struct bench_run *run)
{
	const struct bench_result *null = find(run, "floor/getppid");
	size_t i;

	run->null_ns = null ? null->st.p50 : NAN;
	for (i = 0; i < run->n; i++) {
		struct bench_result *r = &run->res[i];
		const struct bench_result *base;

		if (r->status != BENCH_OK || !r->b->baseline)
			continue;
		base = find(run, r->b->baseline);
		if (base)
			derive_delta(r, base);
	}
}

/* 1234.5 -> "1.23 us": three significant digits in a fitting unit. */
static const char *human(double ns, char *buf, size_t len)
{
	if (isnan(ns))
		snprintf(buf, len, "-");
	else if (fabs(ns) >= 1e6)
		snprintf(buf, len, "%.3g ms", ns / 1e6);
	else if (fabs(ns) >= 1e3)
		snprintf(buf, len, "%.3g us", ns / 1e3);
	else
		snprintf(buf, len, "%.3g ns", ns);
	return buf;
}

static void text_row(FILE *out, const struct bench_run *run,
		     const struct bench_result *r)
{
	char a[24], b[24], c[24], d[24], e[24], x[16];

	if (r->status != BENCH_OK) {
		fprintf(out, "%-28s %s: %s\n", r->b->name,
			r->status == BENCH_SKIPPED ? "SKIP" : "FAIL",
			r->reason);
		return;
	}
	/* Without floor/getppid in the run there is no multiple to give. */
	if (isnan(run->null_ns))
		snprintf(x, sizeof(x), "-");
	else
		snprintf(x, sizeof(x), "%.1fx", r->st.p50 / run->null_ns);
	fprintf(out, "%-28s %6zu %10s [%9s, %9s] %10s %10s %9s %5zu",
		r->b->name, r->st.n, human(r->st.p50, a, sizeof(a)),
		human(r->st.ci_lo, b, sizeof(b)),
		human(r->st.ci_hi, c, sizeof(c)),
		human(r->st.p99, d, sizeof(d)),
		human(r->st.cpu_p50, e, sizeof(e)), x,
		r->st.outliers_lo + r->st.outliers_hi);
	if (r->has_delta)
		fprintf(out, "  own %s [%s, %s]",
			human(r->delta_ns, a, sizeof(a)),
			human(r->delta_lo_ns, b, sizeof(b)),
			human(r->delta_hi_ns, c, sizeof(c)));
	if (r->traced)
		fprintf(out, "  kernel p50 %s (%zu events)",
			human(r->trace_p50_ns, a, sizeof(a)), r->trace_events);
	if (r->traced && !isnan(r->trace_overhead_ns))
		fprintf(out, ", traced p50 %s (%+.0f ns per traced call)",
			human(r->traced_p50_ns, b, sizeof(b)),
			r->trace_overhead_ns);
	fputc('\n', out);
}

void report_text(FILE *out, const struct bench_run *run)
{
	char a[24];
	size_t i;

	fprintf(out, "%-28s %6s %10s %23s %10s %10s %9s %5s\n", "benchmark",
		"n", "median", "95% CI of median", "p99", "cpu p50", "x null",
		"outl");
	for (i = 0; i < run->n; i++)
		text_row(out, run, &run->res[i]);
	fprintf(out, "null syscall (getppid) median: %s\n",
		human(run->null_ns, a, sizeof(a)));
	if (run->traced && run->trace_overhead_n)
		fprintf(out,
			"tracer overhead per traced call: median %+.0f ns "
			"(%+.0f..%+.0f) over the %zu single-process "
			"benchmarks of at most 20 us with at least 0.5 traced "
			"calls per call\n",
			run->trace_overhead_ns, run->trace_overhead_min_ns,
			run->trace_overhead_max_ns, run->trace_overhead_n);
	else if (run->traced)
		fputs("tracer overhead per traced call: no benchmark to "
		      "measure it on (none of at most 20 us with traced "
		      "calls)\n",
		      out);
}

/* SPDX-License-Identifier: GPL-2.0 */
/* Descriptive statistics, bootstrap confidence intervals, Mann-Whitney U. */
#ifndef NSAPI_BENCH_STATS_H
#define NSAPI_BENCH_STATS_H

#include <stddef.h>
#include <stdint.h>

#define STATS_BOOT_RESAMPLES 1000
#define STATS_TUKEY_K 3.0

/* Samples grouped by repetition: x[0..n), groups of len[0..groups). */
struct stats_set {
	const double *x;
	size_t n;
	const unsigned int *len;
	unsigned int groups;
};

struct stats {
	size_t n;
	double min, p50, p90, p99, max, mean;
	double stddev; /* of the samples, not the standard error */
	double mad; /* median absolute deviation, unscaled */
	double ci_lo, ci_hi; /* 95% bootstrap CI of the median */
	double fence_lo, fence_hi; /* Tukey fences, k = 3 */
	size_t outliers_lo, outliers_hi;
	double cpu_p50;
};

void stats_describe(const struct stats_set *s, struct stats *st);
double stats_quantile_sorted(const double *sorted, size_t n, double q);
double stats_median(const double *x, size_t n);
int stats_sort_copy(const double *x, size_t n, double **sorted);

int stats_boot_ratio_ci(const struct stats_set *a, const struct stats_set *b,
			unsigned int resamples, double *lo, double *hi);
int stats_boot_diff_ci(const struct stats_set *a, const struct stats_set *b,
		       unsigned int resamples, double *lo, double *hi);
/* Two-sided p-value, normal approximation with tie correction. */
double stats_mann_whitney_p(const double *a, size_t na, const double *b,
			    size_t nb);

#endif

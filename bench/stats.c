// SPDX-License-Identifier: GPL-2.0
/*
 * Statistics of timing samples.  Quantiles interpolate linearly between
 * order statistics (Hyndman-Fan type 7).  Confidence intervals come from a
 * hierarchical bootstrap: resample the repetitions, then the samples inside
 * each chosen repetition, so that drift between repetitions widens the
 * interval instead of hiding in thousands of correlated samples.
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int stats_sort_copy(const double *x, size_t n, double **sorted)
{
	*sorted = malloc((n ? n : 1) * sizeof(double));
	if (!*sorted)
		return -ENOMEM;
	memcpy(*sorted, x, n * sizeof(double));
	qsort(*sorted, n, sizeof(double), cmp_double);
	return 0;
}

double stats_quantile_sorted(const double *sorted, size_t n, double q)
{
	double pos, frac;
	size_t i;

	if (!n)
		return NAN;
	pos = q * (double)(n - 1);
	i = (size_t)pos;
	frac = pos - (double)i;
	if (i + 1 >= n)
		return sorted[n - 1];
	return sorted[i] + frac * (sorted[i + 1] - sorted[i]);
}

/* Hoare's selection: the k-th smallest, reordering x. */
static double select_kth(double *x, size_t n, size_t k)
{
	size_t lo = 0, hi = n - 1;

	while (lo < hi) {
		double pivot = x[lo + (hi - lo) / 2];
		size_t i = lo, j = hi;

		while (i <= j) {
			while (x[i] < pivot)
				i++;
			while (x[j] > pivot)
				j--;
			if (i <= j) {
				double t = x[i];

				x[i++] = x[j];
				x[j] = t;
				if (j == 0)
					break;
				j--;
			}
		}
		if (k <= j)
			hi = j;
		else if (k >= i)
			lo = i;
		else
			break;
	}
	return x[k];
}

/* Median of scratch[0..n), which is reordered. */
static double median_inplace(double *x, size_t n)
{
	double hi, lo;
	size_t i;

	if (!n)
		return NAN;
	hi = select_kth(x, n, n / 2);
	if (n % 2)
		return hi;
	lo = x[0];
	for (i = 1; i < n / 2; i++)
		if (x[i] > lo)
			lo = x[i];
	return (lo + hi) / 2;
}

double stats_median(const double *x, size_t n)
{
	double *tmp, m;

	if (stats_sort_copy(x, n, &tmp))
		return NAN;
	m = stats_quantile_sorted(tmp, n, 0.5);
	free(tmp);
	return m;
}

static uint64_t rng_next(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static size_t rng_below(uint64_t *state, size_t n)
{
	return (size_t)(rng_next(state) % n);
}

double stats_boot_median(const struct stats_set *s, double *scratch,
			 uint64_t *rng)
{
	size_t off[64], m = 0;
	unsigned int g, groups = s->groups ? s->groups : 1;

	off[0] = 0;
	for (g = 1; g < groups && g < 64; g++)
		off[g] = off[g - 1] + s->len[g - 1];
	for (g = 0; g < groups && g < 64; g++) {
		unsigned int pick = (unsigned int)rng_below(rng, groups);
		size_t len = s->groups ? s->len[pick] : s->n;
		size_t base = s->groups ? off[pick] : 0;
		size_t i;

		for (i = 0; i < len; i++)
			scratch[m++] = s->x[base + rng_below(rng, len)];
	}
	return median_inplace(scratch, m);
}

/* Scratch large enough for any resample: the biggest group times groups. */
static size_t boot_scratch_len(const struct stats_set *s)
{
	unsigned int g, max = 0;

	if (!s->groups)
		return s->n ? s->n : 1;
	for (g = 0; g < s->groups; g++)
		if (s->len[g] > max)
			max = s->len[g];
	return (size_t)max * s->groups + 1;
}

/* 2.5% and 97.5% quantiles of B/A (ratio) or B-A of bootstrap medians. */
static int boot_pair_ci(const struct stats_set *a, const struct stats_set *b,
			unsigned int resamples, bool ratio, double *lo,
			double *hi)
{
	double *sa, *sb, *est;
	uint64_t rng = 0x6e73617069ull; /* fixed: reruns give the same CI */
	unsigned int i;
	int ret = -ENOMEM;

	sa = malloc(boot_scratch_len(a) * sizeof(double));
	sb = malloc(boot_scratch_len(b) * sizeof(double));
	est = malloc(resamples * sizeof(double));
	if (!sa || !sb || !est)
		goto out;
	for (i = 0; i < resamples; i++) {
		double ma = stats_boot_median(a, sa, &rng);
		double mb = stats_boot_median(b, sb, &rng);

		est[i] = ratio ? mb / ma : mb - ma;
	}
	qsort(est, resamples, sizeof(double), cmp_double);
	*lo = stats_quantile_sorted(est, resamples, 0.025);
	*hi = stats_quantile_sorted(est, resamples, 0.975);
	ret = 0;
out:
	free(est);
	free(sb);
	free(sa);
	return ret;
}

int stats_boot_ratio_ci(const struct stats_set *a, const struct stats_set *b,
			unsigned int resamples, double *lo, double *hi)
{
	return boot_pair_ci(a, b, resamples, true, lo, hi);
}

int stats_boot_diff_ci(const struct stats_set *a, const struct stats_set *b,
		       unsigned int resamples, double *lo, double *hi)
{
	return boot_pair_ci(a, b, resamples, false, lo, hi);
}

static int boot_median_ci(const struct stats_set *s, double *lo, double *hi)
{
	double *scratch, *est;
	uint64_t rng = 0x62656e6368ull;
	unsigned int i;
	int ret = -ENOMEM;

	scratch = malloc(boot_scratch_len(s) * sizeof(double));
	est = malloc(STATS_BOOT_RESAMPLES * sizeof(double));
	if (!scratch || !est)
		goto out;
	for (i = 0; i < STATS_BOOT_RESAMPLES; i++)
		est[i] = stats_boot_median(s, scratch, &rng);
	qsort(est, STATS_BOOT_RESAMPLES, sizeof(double), cmp_double);
	*lo = stats_quantile_sorted(est, STATS_BOOT_RESAMPLES, 0.025);
	*hi = stats_quantile_sorted(est, STATS_BOOT_RESAMPLES, 0.975);
	ret = 0;
out:
	free(est);
	free(scratch);
	return ret;
}

static void moments(const double *x, size_t n, double *mean, double *sd)
{
	double sum = 0, ss = 0;
	size_t i;

	for (i = 0; i < n; i++)
		sum += x[i];
	*mean = sum / (double)n;
	for (i = 0; i < n; i++)
		ss += (x[i] - *mean) * (x[i] - *mean);
	*sd = n > 1 ? sqrt(ss / (double)(n - 1)) : 0;
}

static double mad_of(const double *x, size_t n, double median)
{
	double *dev = malloc(n * sizeof(double)), m;
	size_t i;

	if (!dev)
		return NAN;
	for (i = 0; i < n; i++)
		dev[i] = fabs(x[i] - median);
	m = median_inplace(dev, n);
	free(dev);
	return m;
}

void stats_describe(const struct stats_set *s, struct stats *st)
{
	double *sorted, q1, q3;
	size_t i;

	memset(st, 0, sizeof(*st));
	st->n = s->n;
	if (!s->n || stats_sort_copy(s->x, s->n, &sorted))
		return;
	st->min = sorted[0];
	st->max = sorted[s->n - 1];
	st->p50 = stats_quantile_sorted(sorted, s->n, 0.50);
	st->p90 = stats_quantile_sorted(sorted, s->n, 0.90);
	st->p99 = stats_quantile_sorted(sorted, s->n, 0.99);
	q1 = stats_quantile_sorted(sorted, s->n, 0.25);
	q3 = stats_quantile_sorted(sorted, s->n, 0.75);
	st->fence_lo = q1 - STATS_TUKEY_K * (q3 - q1);
	st->fence_hi = q3 + STATS_TUKEY_K * (q3 - q1);
	for (i = 0; i < s->n; i++) {
		st->outliers_lo += s->x[i] < st->fence_lo;
		st->outliers_hi += s->x[i] > st->fence_hi;
	}
	moments(s->x, s->n, &st->mean, &st->stddev);
	st->mad = mad_of(s->x, s->n, st->p50);
	if (boot_median_ci(s, &st->ci_lo, &st->ci_hi))
		st->ci_lo = st->ci_hi = NAN;
	free(sorted);
}

struct ranked {
	double v;
	int from_b;
};

static int cmp_ranked(const void *a, const void *b)
{
	return cmp_double(&((const struct ranked *)a)->v,
			  &((const struct ranked *)b)->v);
}

/*
 * Mann-Whitney U with mid-ranks for ties and the normal approximation with
 * tie and continuity corrections; good for the sample sizes here (n >= 20).
 */
double stats_mann_whitney_p(const double *a, size_t na, const double *b,
			    size_t nb)
{
	size_t n = na + nb, i, j;
	struct ranked *r = malloc(n * sizeof(*r));
	double rank_a = 0, ties = 0, u, mu, sigma, z;

	if (!r || !na || !nb) {
		free(r);
		return NAN;
	}
	for (i = 0; i < na; i++)
		r[i] = (struct ranked){ a[i], 0 };
	for (i = 0; i < nb; i++)
		r[na + i] = (struct ranked){ b[i], 1 };
	qsort(r, n, sizeof(*r), cmp_ranked);
	for (i = 0; i < n; i = j) {
		double mid, t;

		for (j = i + 1; j < n && r[j].v == r[i].v; j++)
			;
		mid = ((double)i + (double)j + 1) / 2;
		t = (double)(j - i);
		ties += t * t * t - t;
		for (size_t k = i; k < j; k++)
			if (!r[k].from_b)
				rank_a += mid;
	}
	free(r);
	u = rank_a - (double)na * ((double)na + 1) / 2;
	mu = (double)na * (double)nb / 2;
	sigma = sqrt((double)na * (double)nb / 12 *
		     ((double)n + 1 - ties / ((double)n * ((double)n - 1))));
	if (sigma == 0)
		return 1.0;
	z = (fabs(u - mu) - 0.5) / sigma;
	if (z < 0)
		z = 0;
	return erfc(z / sqrt(2));
}

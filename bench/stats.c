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

/* A double's bits as an unsigned key in the same order (NaN aside). */
static uint64_t sort_key(double v)
{
	uint64_t u;

	memcpy(&u, &v, sizeof(u));
	return u >> 63 ? ~u : u | (1ull << 63);
}

static double from_key(uint64_t k)
{
	uint64_t u = k >> 63 ? k & ~(1ull << 63) : ~k;
	double v;

	memcpy(&v, &u, sizeof(v));
	return v;
}

/*
 * Sort x[0..n) into *sorted: an LSD radix sort on the keys, 11 bits a pass
 * (O(n), and the counts stay in cache).
 */
int stats_sort_copy(const double *x, size_t n, double **sorted)
{
	uint64_t *a = malloc((n ? n : 1) * sizeof(uint64_t));
	uint64_t *b = malloc((n ? n : 1) * sizeof(uint64_t));
	size_t *count = calloc(2048, sizeof(size_t));
	int ret = -ENOMEM;

	*sorted = NULL;
	if (!a || !b || !count)
		goto out;
	for (size_t i = 0; i < n; i++)
		a[i] = sort_key(x[i]);
	for (unsigned int shift = 0; shift < 64; shift += 11) {
		size_t sum = 0;
		uint64_t *t;

		memset(count, 0, 2048 * sizeof(size_t));
		for (size_t i = 0; i < n; i++)
			count[(a[i] >> shift) & 0x7ff]++;
		for (size_t d = 0; d < 2048; d++) {
			size_t c = count[d];

			count[d] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++)
			b[count[(a[i] >> shift) & 0x7ff]++] = a[i];
		t = a;
		a = b;
		b = t;
	}
	/* Reuse the key array for the doubles, in place. */
	for (size_t i = 0; i < n; i++) {
		double v = from_key(a[i]);

		memcpy(&a[i], &v, sizeof(v));
	}
	*sorted = (double *)a;
	a = NULL;
	ret = 0;
out:
	free(a);
	free(b);
	free(count);
	return ret;
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

/* Uniform in (0, 1), never 0 (for logs). */
static double rng_unit(uint64_t *state)
{
	return ((double)(rng_next(state) >> 11) + 0.5) / 9007199254740992.0;
}

static double rng_normal(uint64_t *state)
{
	return sqrt(-2 * log(rng_unit(state))) *
	       cos(2 * M_PI * rng_unit(state));
}

/* Gamma(shape >= 1, 1): Marsaglia and Tsang's method. */
static double rng_gamma(uint64_t *state, double shape)
{
	double d = shape - 1.0 / 3, c = 1 / sqrt(9 * d);

	for (;;) {
		double z = rng_normal(state), v = 1 + c * z, u;

		if (v <= 0)
			continue;
		v = v * v * v;
		u = rng_unit(state);
		if (log(u) < 0.5 * z * z + d - d * v + d * log(v))
			return d * v;
	}
}

/* The k-th smallest of n uniforms on (0, 1): Beta(k, n - k + 1). */
static double uniform_order_stat(uint64_t *state, size_t k, size_t n)
{
	double a = rng_gamma(state, (double)k);
	double b = rng_gamma(state, (double)(n - k + 1));

	return a / (a + b);
}

/*
 * The data a resample needs, sorted once: each repetition's samples
 * (sorted within it) and all samples pooled and sorted.
 */
struct boot_data {
	double *by_group, *pooled;
	size_t off[65], len[64];
	unsigned int groups;
};

static int boot_prepare(const struct stats_set *s, struct boot_data *d)
{
	size_t at = 0;

	memset(d, 0, sizeof(*d));
	d->groups = s->groups ? (s->groups < 64 ? s->groups : 64) : 1;
	for (unsigned int g = 0; g < d->groups; g++) {
		d->off[g] = at;
		d->len[g] = s->groups ? s->len[g] : s->n;
		at += d->len[g];
	}
	d->off[d->groups] = at;
	if (!at || at > s->n)
		return -EINVAL;
	d->by_group = malloc(at * sizeof(double));
	if (stats_sort_copy(s->x, at, &d->pooled) || !d->by_group)
		return -ENOMEM;
	for (unsigned int g = 0; g < d->groups; g++) {
		double *part;

		if (stats_sort_copy(s->x + d->off[g], d->len[g], &part))
			return -ENOMEM;
		memcpy(d->by_group + d->off[g], part,
		       d->len[g] * sizeof(double));
		free(part);
	}
	return 0;
}

static void boot_release(struct boot_data *d)
{
	free(d->by_group);
	free(d->pooled);
}

/* How many of x[0..n), sorted, are <= v. */
static size_t count_le(const double *x, size_t n, double v)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (x[mid] <= v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * The smallest sample t with F(t) >= u, F the distribution the resample is
 * drawn from: repetition g's samples, weighted by how often g was picked.
 */
static double mixture_quantile(const struct boot_data *d,
			       const unsigned int *picks, size_t total,
			       double u)
{
	size_t n = d->off[d->groups], lo = 0, hi = n - 1;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2, below = 0;

		for (unsigned int g = 0; g < d->groups; g++)
			if (picks[g])
				below += picks[g] *
					 count_le(d->by_group + d->off[g],
						  d->len[g], d->pooled[mid]);
		if ((double)below >= u * (double)total)
			hi = mid;
		else
			lo = mid + 1;
	}
	return d->pooled[lo];
}

/*
 * One hierarchical bootstrap resample's median: pick the repetitions with
 * replacement, then draw as many samples as they hold from the chosen
 * repetitions' samples.  The median of N draws is the distribution's
 * quantile at the middle order statistic of N uniforms, which is drawn
 * directly (a Beta variate) instead of drawing N samples: O(log^2 n) per
 * resample instead of O(n).  The draws come from the mixture of the chosen
 * repetitions, so how many come from each varies too (a slightly wider
 * interval than fixed counts would give).
 */
static double boot_median(const struct boot_data *d, uint64_t *rng)
{
	unsigned int picks[64] = { 0 };
	size_t total = 0, k;
	double u, lo, v;

	for (unsigned int g = 0; g < d->groups; g++) {
		unsigned int pick = (unsigned int)rng_below(rng, d->groups);

		picks[pick]++;
		total += d->len[pick];
	}
	k = (total + 1) / 2;
	u = uniform_order_stat(rng, k, total);
	lo = mixture_quantile(d, picks, total, u);
	if (total % 2)
		return lo;
	/* The next order statistic: the least of total - k uniforms above u. */
	v = u + (1 - u) * (1 - pow(rng_unit(rng), 1.0 / (double)(total - k)));
	return (lo + mixture_quantile(d, picks, total, v)) / 2;
}

/* 2.5% and 97.5% quantiles of B/A (ratio) or B-A of bootstrap medians. */
static int boot_pair_ci(const struct stats_set *a, const struct stats_set *b,
			unsigned int resamples, bool ratio, double *lo,
			double *hi)
{
	struct boot_data da, db;
	double *est = malloc(resamples * sizeof(double));
	uint64_t rng = 0x6e73617069ull; /* fixed: reruns give the same CI */
	int ret = boot_prepare(a, &da);

	if (!ret)
		ret = boot_prepare(b, &db);
	else
		memset(&db, 0, sizeof(db));
	if (!ret && !est)
		ret = -ENOMEM;
	for (unsigned int i = 0; !ret && i < resamples; i++) {
		double ma = boot_median(&da, &rng);
		double mb = boot_median(&db, &rng);

		est[i] = ratio ? mb / ma : mb - ma;
	}
	if (!ret) {
		qsort(est, resamples, sizeof(double), cmp_double);
		*lo = stats_quantile_sorted(est, resamples, 0.025);
		*hi = stats_quantile_sorted(est, resamples, 0.975);
	}
	free(est);
	boot_release(&db);
	boot_release(&da);
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
	struct boot_data d;
	double *est = malloc(STATS_BOOT_RESAMPLES * sizeof(double));
	uint64_t rng = 0x62656e6368ull;
	int ret = boot_prepare(s, &d);

	if (!ret && !est)
		ret = -ENOMEM;
	for (unsigned int i = 0; !ret && i < STATS_BOOT_RESAMPLES; i++)
		est[i] = boot_median(&d, &rng);
	if (!ret) {
		qsort(est, STATS_BOOT_RESAMPLES, sizeof(double), cmp_double);
		*lo = stats_quantile_sorted(est, STATS_BOOT_RESAMPLES, 0.025);
		*hi = stats_quantile_sorted(est, STATS_BOOT_RESAMPLES, 0.975);
	}
	free(est);
	boot_release(&d);
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

/*
 * Mann-Whitney U with mid-ranks for ties and the normal approximation with
 * tie and continuity corrections; good for the sample sizes here (n >= 20).
 * The ranks come from merging the two sorted samples: O(n) after sorting.
 */
double stats_mann_whitney_p(const double *a, size_t na, const double *b,
			    size_t nb)
{
	size_t n = na + nb, i = 0, j = 0;
	double *sa = NULL, *sb = NULL;
	double rank_a = 0, ties = 0, u, mu, sigma, z;

	if (!na || !nb || stats_sort_copy(a, na, &sa) ||
	    stats_sort_copy(b, nb, &sb)) {
		free(sa);
		free(sb);
		return NAN;
	}
	while (i < na || j < nb) {
		double v = i < na && (j >= nb || sa[i] <= sb[j]) ? sa[i] :
								   sb[j];
		size_t ia = i, start = i + j;
		double mid, t;

		while (i < na && sa[i] == v)
			i++;
		while (j < nb && sb[j] == v)
			j++;
		t = (double)(i + j - start);
		mid = ((double)start + (double)(i + j) + 1) / 2;
		ties += t * t * t - t;
		rank_a += mid * (double)(i - ia);
	}
	free(sa);
	free(sb);
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

// SPDX-License-Identifier: GPL-2.0
/*
 * Paired statistics of an interleaved A/B run, see paired.h.  Student's t
 * distribution from the regularized incomplete beta function, evaluated by
 * its continued fraction (modified Lentz method).
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>

#include "paired.h"

#define CF_MAX_TERMS 300
#define CF_EPS 1e-15
#define CF_TINY 1e-300

/* The continued fraction of I_x(a, b), good for x < (a + 1) / (a + b + 2). */
static double beta_cf(double a, double b, double x)
{
	double c = 1, d = 1 - (a + b) * x / (a + 1), h, num, delta;
	int m;

	d = 1 / (fabs(d) < CF_TINY ? CF_TINY : d);
	h = d;
	for (m = 1; m <= CF_MAX_TERMS; m++) {
		/* even step d_{2m}, then odd step d_{2m+1} */
		for (int odd = 0; odd < 2; odd++) {
			num = odd ? -(a + m) * (a + b + m) * x /
					      ((a + 2 * m) * (a + 2 * m + 1)) :
				    m * (b - m) * x /
					      ((a + 2 * m - 1) * (a + 2 * m));
			d = 1 + num * d;
			c = 1 + num / c;
			d = 1 / (fabs(d) < CF_TINY ? CF_TINY : d);
			c = fabs(c) < CF_TINY ? CF_TINY : c;
			delta = c * d;
			h *= delta;
		}
		if (fabs(delta - 1) < CF_EPS)
			break;
	}
	return h;
}

/* The regularized incomplete beta function I_x(a, b). */
static double inc_beta(double a, double b, double x)
{
	double front;

	if (x <= 0)
		return 0;
	if (x >= 1)
		return 1;
	front = exp(lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) +
		    b * log1p(-x));
	if (x < (a + 1) / (a + b + 2))
		return front * beta_cf(a, b, x) / a;
	return 1 - front * beta_cf(b, a, 1 - x) / b;
}

double student_t_p(double t, double df)
{
	if (!isfinite(t))
		return isnan(t) ? 1 : 0;
	return inc_beta(df / 2, 0.5, df / (df + t * t));
}

/* Bisection on the two-sided p: t with P(T > t) = 1 - q. */
double student_t_quantile(double q, double df)
{
	double lo = 0, hi = 1e7, target = 2 * (1 - q);

	for (int i = 0; i < 200 && hi - lo > 1e-10 * hi; i++) {
		double mid = (lo + hi) / 2;

		if (student_t_p(mid, df) > target)
			lo = mid;
		else
			hi = mid;
	}
	return (lo + hi) / 2;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/*
 * Yuen's one-sample test on sorted d[0..n): the mean of the middle values
 * (PAIRED_TRIM of them cut at each end), its standard error from the
 * Winsorized variance, n - 2g - 1 degrees of freedom.
 */
static void trimmed_t(const double *d, unsigned int n, struct paired *out)
{
	unsigned int g = (unsigned int)(PAIRED_TRIM * n), k;
	double sum = 0, wsum = 0, ss = 0, w;

	for (k = g; k < n - g; k++)
		sum += d[k];
	out->mean_log = sum / (n - 2 * g);
	for (k = 0; k < n; k++)
		wsum += k < g ? d[g] : k >= n - g ? d[n - g - 1] : d[k];
	for (k = 0; k < n; k++) {
		w = k < g ? d[g] : k >= n - g ? d[n - g - 1] : d[k];
		ss += (w - wsum / n) * (w - wsum / n);
	}
	out->df = n - 2 * g - 1;
	out->se_log = sqrt(ss / (n - 1)) / ((1 - 2.0 * g / n) * sqrt(n));
}

int paired_stats(const struct stats_set *a, const struct stats_set *b,
		 struct paired *out)
{
	unsigned int r = a->groups < b->groups ? a->groups : b->groups, k;
	size_t oa = 0, ob = 0;
	double *d = malloc((r + 1) * sizeof(double)), t;

	if (!d || r < 2) {
		free(d);
		return -1;
	}
	for (k = 0; k < r; k++) {
		d[k] = log(stats_median(b->x + ob, b->len[k]) /
			   stats_median(a->x + oa, a->len[k]));
		oa += a->len[k];
		ob += b->len[k];
	}
	qsort(d, r, sizeof(*d), cmp_double);
	out->pairs = r;
	trimmed_t(d, r, out);
	free(d);
	t = student_t_quantile(0.975, out->df);
	out->ratio = exp(out->mean_log);
	out->lo = exp(out->mean_log - t * out->se_log);
	out->hi = exp(out->mean_log + t * out->se_log);
	out->p = out->se_log > 0 ?
			 student_t_p(out->mean_log / out->se_log, out->df) :
		 out->mean_log != 0 ? 0 :
				      1;
	return 0;
}

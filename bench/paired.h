/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Paired statistics for an interleaved A/B run (nsapi bench --ab): the
 * per-repetition log ratios of the medians, B against A, and Yuen's
 * trimmed t over them (the 20% trimmed mean, the Winsorized variance).  A
 * repetition is the unit: samples within one worker are not independent
 * (each worker has its own setup, placement, moment), so a test over the
 * pooled samples would see a worker's offset as an effect.  Trimmed,
 * because on a loaded machine a few pairs are hit by a burst of other work
 * and move by 30-60% either way (bench/README.md); under the null the two
 * arms are exchangeable, so the log ratios are symmetric about 0 and the
 * trimmed mean is 0 as well.
 */
#ifndef NSAPI_BENCH_PAIRED_H
#define NSAPI_BENCH_PAIRED_H

#include "stats.h"

#define PAIRED_TRIM 0.2

struct paired {
	unsigned int pairs, df;
	double mean_log, se_log; /* of ln(median B_r / median A_r) */
	double ratio, lo, hi; /* exp(mean), its 95% CI */
	double p; /* two-sided, t with df = pairs - 2 trimmed - 1 */
};

/* 0, or -1 with fewer than 2 pairs or no memory. */
int paired_stats(const struct stats_set *a, const struct stats_set *b,
		 struct paired *out);
/* Student's t: two-sided p of |t|, and the quantile q in (0.5, 1). */
double student_t_p(double t, double df);
double student_t_quantile(double q, double df);

#endif

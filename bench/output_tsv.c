// SPDX-License-Identifier: GPL-2.0
/*
 * TSV for gnuplot: bench.tsv (one row per benchmark), samples.tsv (every
 * sample, with its outlier flag), mount_sweep.tsv and conc.tsv (the curves).
 * Each file is written to a temporary name and renamed when complete.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "output.h"

typedef void (*tsv_writer)(FILE *f, const struct bench_run *run);

static void w_bench(FILE *f, const struct bench_run *run)
{
	size_t i;

	fprintf(f, "# name\tn\tmin_ns\tp50_ns\tp90_ns\tp99_ns\tmax_ns\tmean_ns"
		   "\tstddev_ns\tmad_ns\tci95_lo_ns\tci95_hi_ns\tx_null"
		   "\tcpu_p50_ns\toutliers\n");
	for (i = 0; i < run->n; i++) {
		const struct bench_result *r = &run->res[i];
		const struct stats *s = &r->st;

		if (r->status != BENCH_OK)
			continue;
		fprintf(f,
			"%s\t%zu\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f"
			"\t%.1f\t%.1f\t%.1f\t%.2f\t%.1f\t%zu\n",
			r->b->name, s->n, s->min, s->p50, s->p90, s->p99,
			s->max, s->mean, s->stddev, s->mad, s->ci_lo, s->ci_hi,
			s->p50 / run->null_ns, s->cpu_p50,
			s->outliers_lo + s->outliers_hi);
	}
}

static void w_samples(FILE *f, const struct bench_run *run)
{
	size_t i, j;

	fprintf(f, "# name\trepetition\twall_ns\tcpu_ns\toutlier\n");
	for (i = 0; i < run->n; i++) {
		const struct bench_result *r = &run->res[i];
		size_t off = 0;
		unsigned int k;

		if (r->status != BENCH_OK)
			continue;
		for (k = 0; k < r->reps; k++) {
			for (j = off; j < off + r->rep_len[k]; j++) {
				double w = r->samples[j].wall_ns;

				fprintf(f, "%s\t%u\t%.1f\t%.1f\t%d\n",
					r->b->name, k, w, r->samples[j].cpu_ns,
					w < r->st.fence_lo ||
						w > r->st.fence_hi);
			}
			off += r->rep_len[k];
		}
	}
}

static void w_sweep(FILE *f, const struct bench_run *run)
{
	size_t i;

	fprintf(f, "# mounts_added\tp50_ns\tci95_lo_ns\tci95_hi_ns\n");
	for (i = 0; i < run->n; i++) {
		const struct bench_result *r = &run->res[i];

		if (r->status == BENCH_OK &&
		    !strncmp(r->b->name, "mount_sweep/", 12))
			fprintf(f, "%ld\t%.1f\t%.1f\t%.1f\n", r->b->param,
				r->st.p50, r->st.ci_lo, r->st.ci_hi);
	}
}

/* Rows grouped by type with blank lines between: gnuplot's data blocks. */
static void w_conc(FILE *f, const struct bench_run *run)
{
	const char *last = NULL;
	size_t i;

	fprintf(f, "# type\tprocs\tops_per_s\tci95_lo\tci95_hi\n");
	for (i = 0; i < run->n; i++) {
		const struct bench_result *r = &run->res[i];
		const char *type;

		if (r->status != BENCH_OK || strncmp(r->b->name, "conc/", 5))
			continue;
		type = ns_types[r->b->type].name;
		if (last && strcmp(last, type))
			fprintf(f, "\n\n");
		last = type;
		fprintf(f, "%s\t%ld\t%.1f\t%.1f\t%.1f\n", type, r->b->param,
			1e9 / r->st.p50, 1e9 / r->st.ci_hi, 1e9 / r->st.ci_lo);
	}
}

static int write_one(const char *dir, const char *name, tsv_writer fn,
		     const struct bench_run *run)
{
	char tmp[4096], path[4096];
	FILE *f;
	int err;

	snprintf(tmp, sizeof(tmp), "%s/.%s.tmp", dir, name);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(tmp, "we");
	if (!f) {
		fprintf(stderr, "nsapi-bench: fopen(%s): %s\n", tmp,
			strerror(errno));
		return -1;
	}
	fn(f, run);
	err = ferror(f);
	if (fclose(f) || err || rename(tmp, path)) {
		fprintf(stderr, "nsapi-bench: writing %s: %s\n", path,
			strerror(errno ? errno : EIO));
		unlink(tmp);
		return -1;
	}
	return 0;
}

int output_tsv(const char *dir, const struct bench_run *run)
{
	return write_one(dir, "bench.tsv", w_bench, run) ||
			       write_one(dir, "samples.tsv", w_samples, run) ||
			       write_one(dir, "mount_sweep.tsv", w_sweep,
					 run) ||
			       write_one(dir, "conc.tsv", w_conc, run) ?
		       -1 :
		       0;
}

/* mkdir -p DIR, then prove it writable before spending a minute measuring. */
int output_check_dir(const char *dir)
{
	char path[4096], probe[4096];
	size_t i;
	int fd;

	snprintf(path, sizeof(path), "%s", dir);
	for (i = 1; path[i]; i++) {
		if (path[i] != '/')
			continue;
		path[i] = '\0';
		if (mkdir(path, 0755) && errno != EEXIST)
			goto fail;
		path[i] = '/';
	}
	if (mkdir(path, 0755) && errno != EEXIST)
		goto fail;
	snprintf(probe, sizeof(probe), "%s/.write-probe", dir);
	fd = open(probe, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		goto fail;
	close(fd);
	unlink(probe);
	return 0;
fail:
	fprintf(stderr,
		"nsapi-bench: results directory %s is not writable: %s\n", dir,
		strerror(errno));
	return -1;
}

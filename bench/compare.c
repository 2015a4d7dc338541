// SPDX-License-Identifier: GPL-2.0
/*
 * nsapi compare: per benchmark, the medians of two or more result sets, the
 * ratio to the first set with a 95% bootstrap CI, a Mann-Whitney U p-value
 * and a verdict.  The verdict rule (bench/README.md):
 *   slower  p < alpha/m  and  CI of the ratio entirely above 1 + threshold
 *   faster  p < alpha/m  and  CI of the ratio entirely below 1 - threshold
 *   same    otherwise
 * with m the number of benchmarks compared (Bonferroni).  --fail-above PCT
 * exits 1 when a benchmark is slower by that rule with threshold PCT.
 * The two arms of one interleaved run (nsapi bench --ab; their contexts
 * share an "ab" id) are compared paired instead: ratio, CI and p from
 * Yuen's trimmed t over the per-repetition log ratios (paired.h), same
 * rule.
 * Beside every "same" the change it could hide: the ratio the rule detects
 * with 80% power given this comparison's spread.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <json-c/json.h>
#include <zlib.h>

#include "paired.h"
#include "stats.h"

#define MAX_REPS 64
#define RATIO_RESAMPLES 2000

struct series {
	const char *name;
	double *x;
	size_t n, cap;
	unsigned int len[MAX_REPS];
	unsigned int reps;
};

struct set {
	char path[PATH_MAX];
	struct json_object *root;
	struct series *s;
	size_t n;
	char ab_id[64], ab_arm[8]; /* nsapi bench --ab, else empty */
};

struct verdict {
	double ratio, lo, hi, p;
	const char *word;
	bool paired;
	double hide; /* the change detected with 80% power, as a ratio - 1 */
};

struct cfg {
	double threshold, alpha, fail_above;
	bool fail, tsv;
};

#define Z_975 1.959964
#define Z_80 0.841621

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "nsapi-compare: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

/* DIR/NAME or DIR/NAME.gz (a matrix run directory keeps bench.json.gz). */
static bool exists_plain_or_gz(char *path, size_t len, const char *dir,
			       const char *name)
{
	snprintf(path, len, "%s/%s", dir, name);
	if (!access(path, F_OK))
		return true;
	snprintf(path, len, "%s/%s.gz", dir, name);
	return !access(path, F_OK);
}

/* A result file larger than this is refused rather than read. */
#define MAX_FILE_BYTES (256L << 20)

static void resolve(const char *arg, char *path, size_t len)
{
	struct stat st;
	struct utsname u;
	char sub[PATH_MAX];

	if (stat(arg, &st))
		die("%s: %s", arg, strerror(errno));
	if (!S_ISDIR(st.st_mode)) {
		snprintf(path, len, "%s", arg);
		return;
	}
	if (exists_plain_or_gz(path, len, arg, "bench.json"))
		return;
	uname(&u);
	snprintf(sub, sizeof(sub), "%s/%s", arg, u.release);
	if (!exists_plain_or_gz(path, len, sub, "bench.json"))
		die("%s: no bench.json or bench.json.gz in it (nor in %s/)",
		    arg, u.release);
}

/* Decompressed results larger than this are refused (a gzip bomb). */
#define GZIP_MAX_BYTES (256u << 20)

static bool is_gzip(const char *path)
{
	unsigned char magic[2] = { 0, 0 };
	FILE *f = fopen(path, "re");
	size_t got;

	if (!f)
		return false;
	got = fread(magic, 1, 2, f);
	fclose(f);
	return got == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
}

static char *slurp_gzip(const char *path, size_t *len)
{
	gzFile g = gzopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0;
	int got, err;

	if (!g)
		die("%s: %s", path, strerror(errno ? errno : ENOMEM));
	do {
		if (n + 65536 > cap) {
			cap = cap ? cap * 2 : 1 << 20;
			if (cap > GZIP_MAX_BYTES)
				die("%s: more than %u MiB once decompressed",
				    path, GZIP_MAX_BYTES >> 20);
			buf = realloc(buf, cap + 1);
			if (!buf)
				die("%s: out of memory", path);
		}
		got = gzread(g, buf + n, (unsigned int)(cap - n));
		if (got < 0)
			die("%s: gzip: %s", path, gzerror(g, &err));
		n += (size_t)got;
	} while (got > 0);
	gzclose(g);
	buf[n] = '\0';
	*len = n;
	return buf;
}

/*
 * A regular file of at most MAX_FILE_BYTES, opened without blocking (a FIFO
 * or a device is refused, never read).
 */
static FILE *open_result(const char *path)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	FILE *f;

	if (fd < 0)
		die("%s: %s", path, strerror(errno));
	if (fstat(fd, &st))
		die("%s: fstat: %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		die("%s: not a regular file", path);
	if (st.st_size > MAX_FILE_BYTES)
		die("%s: %lld bytes, more than a result file may have (%ld MiB)",
		    path, (long long)st.st_size, MAX_FILE_BYTES >> 20);
	f = fdopen(fd, "r");
	if (!f)
		die("%s: %s", path, strerror(errno));
	return f;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = open_result(path);
	char *buf = NULL;
	size_t cap = 0, n = 0, got;

	if (is_gzip(path)) {
		fclose(f);
		return slurp_gzip(path, len);
	}
	do {
		if (n + 65536 > cap) {
			cap = cap ? cap * 2 : 1 << 20;
			buf = realloc(buf, cap + 1);
			if (!buf)
				die("%s: out of memory", path);
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (n > (size_t)MAX_FILE_BYTES)
			die("%s: grew past %ld MiB while read", path,
			    MAX_FILE_BYTES >> 20);
	} while (got);
	if (ferror(f))
		die("%s: read: %s", path, strerror(errno));
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

static struct json_object *parse_json(const char *path)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *o;
	enum json_tokener_error err;
	size_t len, end;
	char *buf = slurp(path, &len);

	if (!tok)
		die("out of memory");
	o = json_tokener_parse_ex(tok, buf, (int)len);
	err = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	free(buf);
	if (!o && err == json_tokener_continue)
		die("%s: truncated JSON (%zu bytes)", path, len);
	if (!o)
		die("%s: not JSON: %s at byte %zu", path,
		    json_tokener_error_desc(err), end);
	return o;
}

static struct series *series_of(struct set *set, const char *name)
{
	size_t i;

	for (i = 0; i < set->n; i++)
		if (!strcmp(set->s[i].name, name))
			return &set->s[i];
	set->s = realloc(set->s, (set->n + 1) * sizeof(*set->s));
	if (!set->s)
		die("out of memory");
	memset(&set->s[set->n], 0, sizeof(*set->s));
	set->s[set->n].name = name;
	return &set->s[set->n++];
}

static void add_samples(struct set *set, struct series *s,
			struct json_object *arr)
{
	size_t i, k = json_object_array_length(arr);

	if (s->reps == MAX_REPS)
		die("%s: %s has more than %d repetitions", set->path, s->name,
		    MAX_REPS);
	if (s->n + k > s->cap) {
		s->cap = (s->n + k) * 2;
		s->x = realloc(s->x, s->cap * sizeof(double));
		if (!s->x)
			die("out of memory");
	}
	if (!k)
		die("%s: %s: samples_ns is empty", set->path, s->name);
	for (i = 0; i < k; i++) {
		struct json_object *v = json_object_array_get_idx(arr, i);
		double x;

		if (!json_object_is_type(v, json_type_double) &&
		    !json_object_is_type(v, json_type_int))
			die("%s: %s: samples_ns[%zu] is not a number",
			    set->path, s->name, i);
		x = json_object_get_double(v);
		if (!isfinite(x) || x < 0)
			die("%s: %s: samples_ns[%zu] is %g, not a finite "
			    "non-negative number",
			    set->path, s->name, i, x);
		s->x[s->n++] = x;
	}
	s->len[s->reps++] = (unsigned int)k;
}

static const char *str_field(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* context.ab of an interleaved run: its id and arm. */
static void load_ab(struct set *set)
{
	struct json_object *ctx, *ab;
	const char *id, *arm;

	if (!json_object_object_get_ex(set->root, "context", &ctx) ||
	    !json_object_object_get_ex(ctx, "ab", &ab))
		return;
	id = str_field(ab, "id");
	arm = str_field(ab, "arm");
	if (id && arm) {
		snprintf(set->ab_id, sizeof(set->ab_id), "%s", id);
		snprintf(set->ab_arm, sizeof(set->ab_arm), "%s", arm);
	}
}

/* Two arms of one interleaved run: compared repetition by repetition. */
static bool paired_sets(const struct set *a, const struct set *b)
{
	return a->ab_id[0] && !strcmp(a->ab_id, b->ab_id) &&
	       strcmp(a->ab_arm, b->ab_arm);
}

/* Pools the samples_ns of every iteration row by run_name. */
static void load_set(const char *arg, struct set *set)
{
	struct json_object *rows, *samples;
	size_t i;

	resolve(arg, set->path, sizeof(set->path));
	set->root = parse_json(set->path);
	if (!json_object_object_get_ex(set->root, "benchmarks", &rows) ||
	    !json_object_is_type(rows, json_type_array))
		die("%s: no \"benchmarks\" array (not a Google Benchmark JSON "
		    "file)",
		    set->path);
	for (i = 0; i < json_object_array_length(rows); i++) {
		struct json_object *row = json_object_array_get_idx(rows, i);
		const char *type = str_field(row, "run_type");
		const char *name = str_field(row, "run_name");

		if (!type || strcmp(type, "iteration") || !name ||
		    !json_object_object_get_ex(row, "samples_ns", &samples) ||
		    !json_object_is_type(samples, json_type_array))
			continue;
		add_samples(set, series_of(set, name), samples);
	}
	if (!set->n)
		die("%s: no iteration rows with samples_ns (not written by "
		    "nsapi bench?)",
		    set->path);
	load_ab(set);
}

static struct stats_set as_set(const struct series *s)
{
	return (struct stats_set){ s->x, s->n, s->len, s->reps };
}

/*
 * Paired: the ratio the rule calls slower with 80% power, from the t
 * distribution of the mean log ratio: it must clear both the significance
 * bound and the threshold plus the CI's half-width.
 */
static double paired_hide(const struct paired *pr, const struct cfg *c,
			  size_t m)
{
	double df = pr->df, se = pr->se_log;
	double sig = student_t_quantile(1 - c->alpha / (2.0 * (double)m), df);
	double ci = log1p(c->threshold) + student_t_quantile(0.975, df) * se;

	return expm1(fmax(sig * se, ci) + student_t_quantile(0.8, df) * se);
}

static void judge_paired(const struct series *a, const struct series *b,
			 const struct cfg *c, size_t m, struct verdict *v)
{
	struct stats_set sa = as_set(a), sb = as_set(b);
	struct paired pr;

	if (paired_stats(&sa, &sb, &pr)) {
		v->paired = false;
		return;
	}
	v->ratio = pr.ratio;
	v->lo = pr.lo;
	v->hi = pr.hi;
	v->p = pr.p;
	v->hide = paired_hide(&pr, c, m);
}

static struct verdict judge(const struct series *a, const struct series *b,
			    const struct cfg *c, size_t m, bool paired)
{
	struct stats_set sa = as_set(a), sb = as_set(b);
	struct verdict v = { .word = "same", .paired = paired };
	bool sig;

	if (paired)
		judge_paired(a, b, c, m, &v);
	if (!v.paired) {
		v.ratio = stats_median(b->x, b->n) / stats_median(a->x, a->n);
		if (stats_boot_ratio_ci(&sa, &sb, RATIO_RESAMPLES, &v.lo,
					&v.hi))
			die("out of memory");
		v.p = stats_mann_whitney_p(a->x, a->n, b->x, b->n);
		/* Unpaired, p is tiny for any shift: the CI decides. */
		v.hide = expm1(log1p(c->threshold) +
			       (Z_975 + Z_80) * log(v.hi / v.lo) / (2 * Z_975));
	}
	sig = v.p < c->alpha / (double)m;
	if (sig && v.lo > 1 + c->threshold)
		v.word = "slower";
	else if (sig && v.hi < 1 - c->threshold)
		v.word = "faster";
	return v;
}

static double parse_num(const char *s, double lo, double hi, const char *opt)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !(v >= lo && v <= hi))
		die("%s '%s': expected a number in [%g, %g]", opt, s, lo, hi);
	return v;
}

static void usage(void)
{
	printf("usage: nsapi compare [options] DIR_OR_JSON DIR_OR_JSON...\n"
	       "  --threshold PCT   effect size below which results are "
	       "\"same\" (default 10)\n"
	       "  --alpha A         family-wise significance level, divided by "
	       "the\n"
	       "                    number of benchmarks (default 0.01)\n"
	       "  --fail-above PCT  exit 1 if any benchmark is significantly "
	       "slower\n"
	       "                    by more than PCT percent\n"
	       "  --tsv             two sets: one tab-separated row per "
	       "benchmark\n"
	       "                    (name, A p50, B p50, ratio, lo, hi, p, "
	       "verdict,\n"
	       "                    could-hide %%, paired)\n"
	       "The two arms of one 'nsapi bench --ab' run are compared "
	       "paired.\n");
}

static void parse(int argc, char **argv, struct cfg *c)
{
	static const struct option opts[] = {
		{ "threshold", required_argument, NULL, 't' },
		{ "alpha", required_argument, NULL, 'a' },
		{ "fail-above", required_argument, NULL, 'f' },
		{ "tsv", no_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 't':
			c->threshold =
				parse_num(optarg, 0, 1000, "--threshold") / 100;
			break;
		case 'a':
			c->alpha = parse_num(optarg, 1e-12, 0.5, "--alpha");
			break;
		case 'f':
			c->fail_above =
				parse_num(optarg, 0, 1000, "--fail-above") /
				100;
			c->fail = true;
			break;
		case 'T':
			c->tsv = true;
			break;
		case 'h':
			usage();
			exit(0);
		default:
			die("unknown or incomplete option '%s' (see --help)",
			    argv[optind - 1]);
		}
	}
	if (argc - optind < 2)
		die("need at least two result sets (see --help)");
}

static size_t common_count(const struct set *a, const struct set *b)
{
	size_t i, m = 0, j;

	for (i = 0; i < a->n; i++)
		for (j = 0; j < b->n; j++)
			m += !strcmp(a->s[i].name, b->s[j].name);
	return m;
}

static const struct series *find(const struct set *set, const char *name)
{
	size_t i;

	for (i = 0; i < set->n; i++)
		if (!strcmp(set->s[i].name, name))
			return &set->s[i];
	return NULL;
}

struct tally {
	size_t same, slower, faster, gate;
	double *dev; /* |ratio - 1| per benchmark */
	size_t ndev;
	double worst;
	const char *worst_name;
};

static void count(struct tally *t, const struct verdict *v, const char *name,
		  const struct cfg *c, double p_limit)
{
	double d = fabs(v->ratio - 1);

	t->same += !strcmp(v->word, "same");
	t->slower += !strcmp(v->word, "slower");
	t->faster += !strcmp(v->word, "faster");
	t->gate += c->fail && v->p < p_limit && v->lo > 1 + c->fail_above;
	t->dev[t->ndev++] = d;
	if (d >= t->worst) {
		t->worst = d;
		t->worst_name = name;
	}
}

static void print_row(const struct cfg *c, const struct series *a,
		      const struct series *b, const struct verdict *v)
{
	const char *fmt =
		c->tsv ? "%s\t%.1f\t%.1f\t%.4f\t%.4f\t%.4f\t%.3g\t%s" :
			 "%-28s %12.1f %12.1f %7.3f   [%6.3f, %6.3f] %9.2g  %s";

	printf(fmt, a->name, stats_median(a->x, a->n), stats_median(b->x, b->n),
	       v->ratio, v->lo, v->hi, v->p, v->word);
	if (c->tsv)
		printf("\t%.1f\t%d\n", v->hide * 100, v->paired);
	else if (!strcmp(v->word, "same"))
		printf(", could hide +%.0f%%\n", v->hide * 100);
	else
		putchar('\n');
}

static void compare_two(const struct set *a, const struct set *b,
			const struct cfg *c, struct tally *t)
{
	size_t m = common_count(a, b), i;
	bool paired = paired_sets(a, b);

	if (!c->tsv) {
		printf("A = %s\nB = %s\n", a->path, b->path);
		if (paired)
			printf("paired: the two arms of one interleaved run "
			       "(ratio, CI, p over the repetition pairs)\n");
		printf("%-28s %12s %12s %7s %17s %9s  %s\n", "benchmark",
		       "A p50_ns", "B p50_ns", "B/A", "95% CI of ratio", "p",
		       "verdict");
	}
	for (i = 0; i < a->n; i++) {
		const struct series *sa = &a->s[i], *sb = find(b, sa->name);
		struct verdict v;

		if (!sb)
			continue;
		v = judge(sa, sb, c, m, paired);
		count(t, &v, sa->name, c, c->alpha / (double)m);
		print_row(c, sa, sb, &v);
	}
}

/* Rows: benchmarks of the first set; columns: ratio to it and a mark. */
static void compare_matrix(const struct set *sets, size_t k,
			   const struct cfg *c, struct tally *t)
{
	size_t i, j;

	for (j = 0; j < k; j++)
		printf("[%zu] %s\n", j, sets[j].path);
	printf("ratios to [0]; + slower, - faster, = same (see the verdict "
	       "rule)\n%-28s %12s",
	       "benchmark", "[0] p50_ns");
	for (j = 1; j < k; j++)
		printf("   [%zu]   ", j);
	putchar('\n');
	for (i = 0; i < sets[0].n; i++) {
		const struct series *s0 = &sets[0].s[i];

		printf("%-28s %12.1f", s0->name, stats_median(s0->x, s0->n));
		for (j = 1; j < k; j++) {
			const struct series *sj = find(&sets[j], s0->name);
			size_t m = common_count(&sets[0], &sets[j]);
			struct verdict v;

			if (!sj) {
				printf(" %9s", "-");
				continue;
			}
			v = judge(s0, sj, c, m,
				  paired_sets(&sets[0], &sets[j]));
			count(t, &v, s0->name, c, c->alpha / (double)m);
			printf("  %7.3f%c", v.ratio,
			       v.word[1] == 'l' ? '+' :
			       v.word[0] == 'f' ? '-' :
						  '=');
		}
		putchar('\n');
	}
}

static void free_sets(struct set *sets, size_t k)
{
	for (size_t j = 0; j < k; j++) {
		for (size_t i = 0; i < sets[j].n; i++)
			free(sets[j].s[i].x);
		free(sets[j].s);
		json_object_put(sets[j].root);
	}
	free(sets);
}

int main(int argc, char **argv)
{
	struct cfg c = { .threshold = 0.10, .alpha = 0.01 };
	int ret = 0;
	struct tally t = { 0 };
	struct set *sets;
	size_t k, j, total = 0;

	parse(argc, argv, &c);
	k = (size_t)(argc - optind);
	if (c.tsv && k != 2)
		die("--tsv compares exactly two result sets");
	sets = calloc(k, sizeof(*sets));
	if (!sets)
		die("out of memory");
	for (j = 0; j < k; j++) {
		load_set(argv[optind + (int)j], &sets[j]);
		total += sets[j].n;
	}
	t.dev = calloc(total + 1, sizeof(double));
	if (!t.dev)
		die("out of memory");
	if (k == 2)
		compare_two(&sets[0], &sets[1], &c, &t);
	else
		compare_matrix(sets, k, &c, &t);
	if (!t.ndev)
		die("the result sets have no benchmark in common");
	if (c.tsv) {
		ret = c.fail && t.gate;
		goto out;
	}
	printf("verdicts: %zu same, %zu slower, %zu faster (threshold %.0f%%, "
	       "alpha %g / %zu)\n",
	       t.same, t.slower, t.faster, c.threshold * 100, c.alpha,
	       common_count(&sets[0], &sets[1]));
	printf("spread: median |ratio-1| %.1f%%, worst %.1f%% (%s)\n",
	       stats_median(t.dev, t.ndev) * 100, t.worst * 100, t.worst_name);
	if (c.fail && t.gate) {
		printf("FAIL: %zu benchmark(s) significantly slower by more "
		       "than %.1f%%\n",
		       t.gate, c.fail_above * 100);
		ret = 1;
	}
out:
	free(t.dev);
	free_sets(sets, k);
	return ret;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * bench.json in Google Benchmark's format: "context" and "benchmarks" with
 * one "iteration" row per repetition (real_time/cpu_time are that
 * repetition's mean per call, as Google Benchmark reports) and "aggregate"
 * rows mean/median/stddev/cv over the repetitions.  Our additions: every
 * iteration row carries its raw samples ("samples_ns"), and the median row
 * an "nsapi" object with the statistics of the pooled samples.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "output.h"

static struct json_object *num(double v)
{
	return isfinite(v) ? json_object_new_double(v) : json_object_new_null();
}

static void add(struct json_object *o, const char *k, struct json_object *v)
{
	json_object_object_add(o, k, v);
}

static struct json_object *row_head(const struct bench_result *r, size_t family,
				    const char *name, const char *run_type)
{
	struct json_object *o = json_object_new_object();

	add(o, "name", json_object_new_string(name));
	add(o, "family_index", json_object_new_int64((int64_t)family));
	add(o, "per_family_instance_index", json_object_new_int(0));
	add(o, "run_name", json_object_new_string(r->b->name));
	add(o, "run_type", json_object_new_string(run_type));
	add(o, "repetitions", json_object_new_int((int)r->reps));
	add(o, "threads", json_object_new_int(1));
	return o;
}

static void rep_means(const struct bench_result *r, double *real, double *cpu)
{
	size_t off = 0, i;
	unsigned int k;

	for (k = 0; k < r->reps; k++) {
		double sw = 0, sc = 0;

		for (i = 0; i < r->rep_len[k]; i++) {
			sw += r->samples[off + i].wall_ns;
			sc += r->samples[off + i].cpu_ns;
		}
		real[k] = r->rep_len[k] ? sw / r->rep_len[k] : NAN;
		cpu[k] = r->rep_len[k] ? sc / r->rep_len[k] : NAN;
		off += r->rep_len[k];
	}
}

static void add_iterations(struct json_object *arr,
			   const struct bench_result *r, size_t family)
{
	double real[BENCH_MAX_REPS], cpu[BENCH_MAX_REPS];
	size_t off = 0, i;
	unsigned int k;

	rep_means(r, real, cpu);
	for (k = 0; k < r->reps; k++) {
		struct json_object *o =
			row_head(r, family, r->b->name, "iteration");
		struct json_object *s = json_object_new_array();

		add(o, "repetition_index", json_object_new_int((int)k));
		add(o, "iterations",
		    json_object_new_int64(
			    (int64_t)(r->rep_len[k] * r->rep_batch[k])));
		add(o, "real_time", num(real[k]));
		add(o, "cpu_time", num(cpu[k]));
		add(o, "time_unit", json_object_new_string("ns"));
		add(o, "calls_per_sample",
		    json_object_new_int64((int64_t)r->rep_batch[k]));
		for (i = 0; i < r->rep_len[k]; i++)
			json_object_array_add(s,
					      num(r->samples[off + i].wall_ns));
		add(o, "samples_ns", s);
		off += r->rep_len[k];
		json_object_array_add(arr, o);
	}
}

static struct json_object *nsapi_stats(const struct bench_run *run,
				       const struct bench_result *r)
{
	const struct stats *st = &r->st;
	struct json_object *o = json_object_new_object();

	add(o, "iteration", json_object_new_string(r->b->iteration));
	add(o, "n", json_object_new_int64((int64_t)st->n));
	add(o, "min_ns", num(st->min));
	add(o, "p50_ns", num(st->p50));
	add(o, "p90_ns", num(st->p90));
	add(o, "p99_ns", num(st->p99));
	add(o, "max_ns", num(st->max));
	add(o, "mean_ns", num(st->mean));
	add(o, "stddev_ns", num(st->stddev));
	add(o, "mad_ns", num(st->mad));
	add(o, "ci95_lo_ns", num(st->ci_lo));
	add(o, "ci95_hi_ns", num(st->ci_hi));
	add(o, "outlier_fence_lo_ns", num(st->fence_lo));
	add(o, "outlier_fence_hi_ns", num(st->fence_hi));
	add(o, "outliers_lo", json_object_new_int64((int64_t)st->outliers_lo));
	add(o, "outliers_hi", json_object_new_int64((int64_t)st->outliers_hi));
	add(o, "cpu_p50_ns", num(st->cpu_p50));
	add(o, "x_null", num(st->p50 / run->null_ns));
	if (r->b->param)
		add(o, "param", json_object_new_int64(r->b->param));
	if (r->has_delta) {
		add(o, "baseline", json_object_new_string(r->b->baseline));
		add(o, "own_ns", num(r->delta_ns));
		add(o, "own_ci95_lo_ns", num(r->delta_lo_ns));
		add(o, "own_ci95_hi_ns", num(r->delta_hi_ns));
	}
	if (r->traced) {
		add(o, "trace_events",
		    json_object_new_int64((int64_t)r->trace_events));
		add(o, "kernel_p50_ns", num(r->trace_p50_ns));
		add(o, "kernel_p90_ns", num(r->trace_p90_ns));
		add(o, "kernel_p99_ns", num(r->trace_p99_ns));
		add(o, "traced_p50_ns", num(r->traced_p50_ns));
		add(o, "traced_calls_per_call", num(r->traced_calls_per_call));
		add(o, "trace_overhead_ns", num(r->trace_overhead_ns));
	}
	return o;
}

static void add_aggregate(struct json_object *arr, const struct bench_run *run,
			  const struct bench_result *r, size_t family,
			  const char *agg)
{
	double real[BENCH_MAX_REPS], cpu[BENCH_MAX_REPS], rv, cv, rs, cs;
	char name[160];
	struct json_object *o;
	unsigned int k;

	rep_means(r, real, cpu);
	rv = stats_median(real, r->reps);
	cv = stats_median(cpu, r->reps);
	for (k = 0, rs = cs = 0; k < r->reps; k++) {
		rs += real[k] / r->reps;
		cs += cpu[k] / r->reps;
	}
	if (!strcmp(agg, "mean")) {
		rv = rs;
		cv = cs;
	} else if (strcmp(agg, "median")) {
		double m = rs, mc = cs, ss = 0, ssc = 0;

		for (k = 0; k < r->reps; k++) {
			ss += (real[k] - m) * (real[k] - m);
			ssc += (cpu[k] - mc) * (cpu[k] - mc);
		}
		rv = r->reps > 1 ? sqrt(ss / (r->reps - 1)) : 0;
		cv = r->reps > 1 ? sqrt(ssc / (r->reps - 1)) : 0;
		if (!strcmp(agg, "cv")) {
			rv /= m;
			cv /= mc;
		}
	}
	snprintf(name, sizeof(name), "%s_%s", r->b->name, agg);
	o = row_head(r, family, name, "aggregate");
	add(o, "aggregate_name", json_object_new_string(agg));
	add(o, "aggregate_unit",
	    json_object_new_string(strcmp(agg, "cv") ? "time" : "percentage"));
	add(o, "iterations", json_object_new_int((int)r->reps));
	add(o, "real_time", num(rv));
	add(o, "cpu_time", num(cv));
	add(o, "time_unit", json_object_new_string("ns"));
	if (!strcmp(agg, "median"))
		add(o, "nsapi", nsapi_stats(run, r));
	json_object_array_add(arr, o);
}

static struct json_object *not_run(const struct bench_run *run,
				   enum bench_status which)
{
	struct json_object *arr = json_object_new_array();
	size_t i;

	for (i = 0; i < run->n; i++) {
		struct json_object *o;

		if (run->res[i].status != which)
			continue;
		o = json_object_new_object();
		add(o, "name", json_object_new_string(run->res[i].b->name));
		add(o, "reason", json_object_new_string(run->res[i].reason));
		json_object_array_add(arr, o);
	}
	return arr;
}

static struct json_object *build(const struct bench_run *run)
{
	static const char *const aggs[] = { "mean", "median", "stddev", "cv" };
	struct json_object *root = json_object_new_object();
	struct json_object *arr = json_object_new_array();
	size_t i, a, family = 0;

	add(root, "context", json_object_get(run->context));
	for (i = 0; i < run->n; i++) {
		const struct bench_result *r = &run->res[i];

		if (r->status != BENCH_OK)
			continue;
		add_iterations(arr, r, family);
		for (a = 0; a < ARRAY_SIZE(aggs); a++)
			add_aggregate(arr, run, r, family, aggs[a]);
		family++;
	}
	add(root, "benchmarks", arr);
	add(root, "skipped", not_run(run, BENCH_SKIPPED));
	add(root, "failed", not_run(run, BENCH_FAILED));
	if (run->traced) {
		add(root, "trace_overhead_ns", num(run->trace_overhead_ns));
		add(root, "trace_overhead_min_ns",
		    num(run->trace_overhead_min_ns));
		add(root, "trace_overhead_max_ns",
		    num(run->trace_overhead_max_ns));
		add(root, "trace_overhead_benchmarks",
		    json_object_new_int64((int64_t)run->trace_overhead_n));
	}
	return root;
}

int output_json(const char *dir, const struct bench_run *run)
{
	char tmp[4096], path[4096];
	struct json_object *root = build(run);
	int ret = 0;

	snprintf(tmp, sizeof(tmp), "%s/.bench.json.tmp", dir);
	snprintf(path, sizeof(path), "%s/bench.json", dir);
	json_c_set_serialization_double_format("%.9g", JSON_C_OPTION_GLOBAL);
	if (json_object_to_file_ext(tmp, root,
				    JSON_C_TO_STRING_PRETTY |
					    JSON_C_TO_STRING_NOSLASHESCAPE) ||
	    rename(tmp, path)) {
		fprintf(stderr, "nsapi-bench: writing %s: %s\n", path,
			strerror(errno));
		unlink(tmp);
		ret = -1;
	}
	json_object_put(root);
	return ret;
}

/* SPDX-License-Identifier: GPL-2.0 */
/* Results as text, Google Benchmark JSON and TSV for gnuplot. */
#ifndef NSAPI_BENCH_OUTPUT_H
#define NSAPI_BENCH_OUTPUT_H

#include <json-c/json.h>

#include "bench.h"

struct bench_run {
	struct bench_result *res;
	size_t n;
	double null_ns; /* median of floor/getppid, NAN if not run */
	struct json_object *context;
	bool traced;
	/* Median per traced call over the benchmarks that can show it. */
	double trace_overhead_ns, trace_overhead_min_ns, trace_overhead_max_ns;
	size_t trace_overhead_n;
};

/* report.c */
void report_derive(struct bench_run *run);
void report_text(FILE *out, const struct bench_run *run);

/* output_json.c, output_tsv.c: write DIR/NAME.tmp, then rename. */
int output_json(const char *dir, const struct bench_run *run);
int output_tsv(const char *dir, const struct bench_run *run);
int output_check_dir(const char *dir);

#endif

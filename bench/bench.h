/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The benchmark harness.  After the BPF selftests' bench.c: the harness owns
 * the clock, warm-up, calibration and statistics; a workload is a
 * `const struct bench` of callbacks registered in one table (registry.c).
 * Every quantity carries its unit in its name.
 */
#ifndef NSAPI_BENCH_H
#define NSAPI_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <time.h>

#include "ns_types.h"
#include "stats.h"

#define BENCH_MAX_REPS 32
#define BENCH_MAX_SAMPLES 4096
#define BENCH_SKIP 4 /* kselftest's skip code */

/* One sample: per call, so a batch's time divided by its calls. */
struct bench_opts;

struct bench_sample {
	double wall_ns;
	double cpu_ns;
};

/* Per-worker state of one workload; lives in the forked worker only. */
struct bench_ctx {
	const struct bench *b;
	const struct bench_opts *o;
	const struct ns_type *t;
	int fd[4]; /* -EBADF when unused */
	pid_t helper_pid;
	int helper_fd;
	void *shm; /* a MAP_SHARED page for fork-per-sample children */
	void *priv;
	char skip_reason[160];
};

enum bench_kind {
	/* sub-µs: the harness times calibrated batches of op() */
	BENCH_BATCH,
	/* prepare() untimed, op() timed alone, finish() untimed */
	BENCH_CALL,
	/* sample() measures one iteration itself with bench_now_ns() */
	BENCH_CUSTOM,
};

struct bench {
	const char *name;
	/* What exactly one timed iteration contains (--list, README). */
	const char *iteration;
	enum bench_kind kind;
	int type; /* index into ns_types[], or -1 */
	long param; /* mounts, processes... */
	/* The benchmark whose median this one's is compared against. */
	const char *baseline;
	int (*setup)(struct bench_ctx *ctx);
	void (*cleanup)(struct bench_ctx *ctx);
	int (*prepare)(struct bench_ctx *ctx);
	long (*op)(struct bench_ctx *ctx);
	int (*finish)(struct bench_ctx *ctx);
	int (*sample)(struct bench_ctx *ctx, struct bench_sample *s);
};

struct bench_group {
	const struct bench *benches;
	const size_t *count;
};

/* registry.c */
extern const struct bench_group bench_registry[];
extern const size_t bench_registry_count;
void bench_list(FILE *out, bool verbose);
const struct bench *bench_find(const char *name);

struct bench_opts {
	unsigned int repetitions;
	bool quick;
	int cpu; /* -1: no pinning */
	uint64_t budget_ns; /* per benchmark, all repetitions */
	uint64_t warmup_ns;
	unsigned int max_samples;
	uint64_t clock_overhead_ns;
};

enum bench_status { BENCH_OK, BENCH_SKIPPED, BENCH_FAILED };

struct bench_result {
	const struct bench *b;
	enum bench_status status;
	char reason[200];
	unsigned int reps;
	unsigned int rep_len[BENCH_MAX_REPS];
	uint64_t rep_batch[BENCH_MAX_REPS]; /* calls per sample */
	/* CLOCK_MONOTONIC window of each repetition's timed samples */
	uint64_t start_ns[BENCH_MAX_REPS], end_ns[BENCH_MAX_REPS];
	size_t n;
	struct bench_sample *samples; /* n, repetition after repetition */
	struct stats st;
	bool has_delta;
	double delta_ns, delta_lo_ns, delta_hi_ns;
	/* --trace: in-kernel durations of the syscalls inside the window */
	bool traced;
	size_t trace_events;
	double trace_p50_ns, trace_p90_ns, trace_p99_ns;
	double traced_p50_ns;
	/* (traced_p50_ns - st.p50) per traced call: NAN without events */
	double trace_overhead_ns;
	double traced_calls_per_call; /* events / timed calls */
};

/* harness.c */
static inline uint64_t bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static inline uint64_t bench_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t bench_calibrate_clock(void);
/* The comm of b's worker during its timed calls (nsapi trace's key). */
#define BENCH_TIMED_COMM_PREFIX "nsb-"
void bench_timed_comm(const struct bench *b, char comm[16]);
/* The path of program @name beside this executable; access(X_OK) or -1. */
int bench_sibling_path(const char *name, char *buf, size_t len);
/*
 * One repetition of b in a fresh worker, appended to r (rep 0 resets r).
 * Repetitions of all benchmarks are interleaved by the caller, so that each
 * repetition sees its own process, setup and moment of the machine.
 */
int bench_run_rep(const struct bench *b, const struct bench_opts *o,
		  unsigned int rep, struct bench_result *r);
void bench_describe(struct bench_result *r);
void bench_result_free(struct bench_result *r);
int bench_wait_child(pid_t pid);

/* helpers for workloads (workloads_common.c) */
int bench_skip(struct bench_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int bench_fail(struct bench_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int bench_env_refused(struct bench_ctx *ctx, int err);
int bench_helper_start(struct bench_ctx *ctx, unsigned long clone_flags);
void bench_helper_stop(struct bench_ctx *ctx);
int bench_open_ns(pid_t pid, const char *entry);
void bench_close_fds(struct bench_ctx *ctx);

#endif

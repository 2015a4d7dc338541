/* SPDX-License-Identifier: GPL-2.0 */
/* The workload tables that registry.c puts in order. */
#ifndef NSAPI_BENCH_WORKLOADS_H
#define NSAPI_BENCH_WORKLOADS_H

#include <stddef.h>
#include <sys/types.h>

#include "bench.h"

extern const struct bench bench_floor[];
extern const size_t bench_floor_count;
extern const struct bench bench_ns[];
extern const size_t bench_ns_count;
extern const struct bench bench_nsfs[];
extern const size_t bench_nsfs_count;
extern const struct bench bench_scale[];
extern const size_t bench_scale_count;

/* unshare(ctx->t->flag) with the previous namespace held by an fd. */
int bench_prep_hold(struct bench_ctx *ctx);
long bench_op_unshare(struct bench_ctx *ctx);
int bench_fin_release(struct bench_ctx *ctx);

/* waitpid() for a child that should exit 0; -1 with errno otherwise. */
long bench_reap(pid_t pid);

#endif

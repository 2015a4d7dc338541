/* SPDX-License-Identifier: GPL-2.0 */
/* --trace: in-kernel durations from nsapi-trace, matched by time window. */
#ifndef NSAPI_BENCH_TRACE_H
#define NSAPI_BENCH_TRACE_H

#include <sys/types.h>

#include "output.h"

struct tracer {
	pid_t pid;
	int out_fd; /* memfd holding the tracer's JSON lines */
	int err_fd;
};

/* 0 when attached; else a one-line reason in why and a negative value. */
int trace_start(struct tracer *t, const char *comm, char *why, size_t len);
/* Stops the tracer; fills base's trace fields from the traced pass. */
int trace_finish(struct tracer *t, const struct bench_run *traced,
		 struct bench_run *base);

#endif

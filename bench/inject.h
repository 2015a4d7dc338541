/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nsapi bench --inject SYSCALL:NS and --ab: a calibrated slowdown of one
 * syscall (build/nsapi-inject, bench/inject.bpf.c) and the interleaved A/B
 * run that compares two conditions repetition by repetition (ab.c).
 */
#ifndef NSAPI_BENCH_INJECT_H
#define NSAPI_BENCH_INJECT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include <json-c/json.h>

#include "bench.h"
#include "output.h"

struct injector {
	pid_t pid;
	FILE *to, *from;
	char syscall[32];
	long nr;
	double ns_per_loop;
	char mode[16];
	double requested_ns;
};

/* Parses SYSCALL:NS; exits 2 with one line on bad input. */
void inject_parse(const char *arg, char *syscall, size_t len, double *ns);
/* Starts nsapi-inject for our process tree; -1 with the reason in why. */
int inject_start(struct injector *in, const char *syscall, char *why,
		 size_t len);
/* Sets the spin per call; the calibrated delay in *ns_out. */
int inject_set(struct injector *in, double ns, unsigned int *loops,
	       double *ns_out);
int inject_stats(struct injector *in, uint64_t *calls, uint64_t *work_ns);
void inject_stop(struct injector *in);

/* One condition of an A/B run: an injected delay or a sysctl value. */
struct ab_arm {
	const char *label; /* "a" or "b" */
	char condition[160];
	double inject_ns; /* --inject: this arm's requested delay */
	char sysctl_value[128]; /* --sysctl: this arm's value */
	struct bench_run run;
	uint64_t *calls; /* per benchmark: injected-syscall calls */
	uint64_t calls_total, work_ns_total;
	unsigned int loops;
	double calibrated_ns;
};

struct ab_cfg {
	struct injector *inj; /* NULL without --inject */
	const char *sysctl; /* NAME without --inject, else NULL */
	double inject_ns;
	const char *sysctl_b; /* the B value */
};

/* Alternates the two arms per repetition and benchmark (ab.c). */
int ab_run(const struct bench **sel, size_t n, const struct bench_opts *o,
	   const struct ab_cfg *cfg, struct ab_arm arm[2],
	   struct json_object *context);
/* Adds this arm's "ab" and "inject" objects to its context. */
void ab_describe(const struct ab_cfg *cfg, struct ab_arm arm[2], int k,
		 const struct bench **sel, size_t n, const char *id);
/* --inject without --ab: the whole run slowed; records it in context. */
void inject_describe(struct injector *in, struct json_object *ctx, double ns,
		     unsigned int loops, double cal_ns, uint64_t calls,
		     uint64_t work_ns);
/* --sysctl NAME=VALUE: checks the name; exits 2 on bad input. */
void ab_parse_sysctl(const char *arg, char *name, size_t nlen, char *value,
		     size_t vlen);

#endif

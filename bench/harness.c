// SPDX-License-Identifier: GPL-2.0
/*
 * Runs one benchmark in a forked worker, so that every namespace change
 * happens in a child and dies with it.  The worker warms up, calibrates the
 * batch size of sub-microsecond calls, then takes repetitions of samples
 * into a shared mapping; the parent turns them into statistics.
 */
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

/* A batch lasts at least this long, so one clock read is <0.2% of it. */
#define BATCH_MIN_NS 20000ull
#define MIN_SAMPLES_PER_REP 3u
#define WORKER_GRACE_NS 60000000000ull

/* One repetition, written by the worker, read by the parent. */
struct bench_shm {
	char reason[200];
	uint64_t batch;
	unsigned int n;
	uint64_t start_ns, end_ns;
	struct bench_sample s[BENCH_MAX_SAMPLES];
};

/*
 * "nsb-" and 8 hex digits of a hash of the name: the worker's comm while
 * it makes its timed calls, so that nsapi trace --hist --group comm keeps
 * each benchmark's timed calls apart from its setup and from the others.
 */
void bench_timed_comm(const struct bench *b, char comm[16])
{
	uint32_t h = 2166136261u; /* FNV-1a */

	for (const char *c = b->name; *c; c++)
		h = (h ^ (unsigned char)*c) * 16777619u;
	snprintf(comm, 16, BENCH_TIMED_COMM_PREFIX "%08x", h);
}

uint64_t bench_calibrate_clock(void)
{
	double per_read[101];
	unsigned int i, j;

	for (i = 0; i < ARRAY_SIZE(per_read); i++) {
		uint64_t t0 = bench_now_ns(), t1;

		for (j = 0; j < 999; j++)
			bench_now_ns();
		t1 = bench_now_ns();
		per_read[i] = (double)(t1 - t0) / 1000;
	}
	return (uint64_t)llround(stats_median(per_read, ARRAY_SIZE(per_read)));
}

static double net_ns(uint64_t t0, uint64_t t1, const struct bench_opts *o)
{
	uint64_t d = t1 - t0;

	return d > o->clock_overhead_ns ? (double)(d - o->clock_overhead_ns) :
					  0.0;
}

/* The timed loop: one batch of op(), no branch but the loop's own. */
static int take_batch(struct bench_ctx *ctx, uint64_t batch,
		      const struct bench_opts *o, struct bench_sample *s)
{
	long (*op)(struct bench_ctx *) = ctx->b->op;
	long acc = 0;
	uint64_t c0, t0, t1, c1, i;

	c0 = bench_cpu_ns();
	t0 = bench_now_ns();
	for (i = 0; i < batch; i++)
		acc |= op(ctx);
	t1 = bench_now_ns();
	c1 = bench_cpu_ns();
	s->wall_ns = net_ns(t0, t1, o) / (double)batch;
	s->cpu_ns = (double)(c1 - c0) / (double)batch;
	return acc < 0 ? -errno : 0;
}

static int take_call(struct bench_ctx *ctx, const struct bench_opts *o,
		     struct bench_sample *s)
{
	const struct bench *b = ctx->b;
	uint64_t c0, t0, t1, c1;
	long ret;
	int err;

	if (b->prepare) {
		err = b->prepare(ctx);
		if (err)
			return err;
	}
	c0 = bench_cpu_ns();
	t0 = bench_now_ns();
	ret = b->op(ctx);
	t1 = bench_now_ns();
	c1 = bench_cpu_ns();
	if (ret < 0)
		return -errno;
	s->wall_ns = net_ns(t0, t1, o);
	s->cpu_ns = (double)(c1 - c0);
	return b->finish ? b->finish(ctx) : 0;
}

static int take_one(struct bench_ctx *ctx, uint64_t batch,
		    const struct bench_opts *o, struct bench_sample *s)
{
	switch (ctx->b->kind) {
	case BENCH_BATCH:
		return take_batch(ctx, batch, o, s);
	case BENCH_CALL:
		return take_call(ctx, o, s);
	case BENCH_CUSTOM:
		return ctx->b->sample(ctx, s);
	}
	return -EINVAL;
}

static int calibrate_batch(struct bench_ctx *ctx, const struct bench_opts *o,
			   uint64_t *batch)
{
	struct bench_sample s;
	int err;

	*batch = 1;
	if (ctx->b->kind != BENCH_BATCH)
		return 0;
	for (;;) {
		err = take_batch(ctx, *batch, o, &s);
		if (err)
			return err;
		if (s.wall_ns * (double)*batch >= BATCH_MIN_NS ||
		    *batch >= (1u << 24))
			return 0;
		*batch *= 2;
	}
}

static int warm_up(struct bench_ctx *ctx, const struct bench_opts *o,
		   uint64_t *batch)
{
	uint64_t end;
	struct bench_sample s;
	unsigned int i;
	int err;

	err = calibrate_batch(ctx, o, batch);
	end = bench_now_ns() + o->warmup_ns;
	for (i = 0; !err && (i < 1 || bench_now_ns() < end); i++)
		err = take_one(ctx, *batch, o, &s);
	/* The first batch size came from a cold start: calibrate again. */
	return err ? err : calibrate_batch(ctx, o, batch);
}

static int measure(struct bench_ctx *ctx, const struct bench_opts *o,
		   struct bench_shm *shm)
{
	uint64_t budget_ns = o->budget_ns / o->repetitions, t0;
	unsigned int max = o->max_samples / o->repetitions, k = 0;
	int err = 0;

	char comm[16] = "", timed[16];

	if (max > BENCH_MAX_SAMPLES)
		max = BENCH_MAX_SAMPLES;
	/* The timed calls under a comm of their own (bench_timed_comm). */
	bench_timed_comm(ctx->b, timed);
	prctl(PR_GET_NAME, comm);
	prctl(PR_SET_NAME, timed);
	shm->start_ns = t0 = bench_now_ns();
	while (!err && k < max &&
	       (k < MIN_SAMPLES_PER_REP || bench_now_ns() - t0 < budget_ns))
		err = take_one(ctx, shm->batch, o, &shm->s[k++]);
	shm->n = err ? k - 1 : k;
	shm->end_ns = bench_now_ns();
	prctl(PR_SET_NAME, comm);
	return err;
}

static void pin_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		fprintf(stderr, "nsapi-bench: sched_setaffinity(cpu %d): %s\n",
			cpu, strerror(errno));
}

static int worker(const struct bench *b, const struct bench_opts *o,
		  struct bench_shm *shm)
{
	struct bench_ctx ctx = {
		.b = b, .o = o, .helper_pid = -1, .helper_fd = -1
	};
	unsigned int i;
	int ret = 0, err;

	for (i = 0; i < ARRAY_SIZE(ctx.fd); i++)
		ctx.fd[i] = -EBADF;
	ctx.t = b->type >= 0 ? &ns_types[b->type] : NULL;
	ctx.shm = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (ctx.shm == MAP_FAILED) {
		snprintf(shm->reason, sizeof(shm->reason),
			 "mmap(shared page): %s", strerror(errno));
		return 1;
	}
	if (o->cpu >= 0)
		pin_cpu(o->cpu);
	if (b->setup) {
		ret = b->setup(&ctx);
		err = errno;
		if (ret < 0 && bench_env_refused(&ctx, err))
			ret = 1;
	}
	if (ret == 0) {
		err = warm_up(&ctx, o, &shm->batch);
		if (!err)
			err = measure(&ctx, o, shm);
		if (err && !ctx.skip_reason[0])
			snprintf(ctx.skip_reason, sizeof(ctx.skip_reason),
				 "a timed call failed: %s", strerror(-err));
		ret = !err ? 0 : bench_env_refused(&ctx, -err) ? 1 : -1;
	}
	if (b->cleanup)
		b->cleanup(&ctx);
	bench_close_fds(&ctx);
	memcpy(shm->reason, ctx.skip_reason, sizeof(ctx.skip_reason));
	return ret > 0 ? BENCH_SKIP : ret < 0 ? 1 : 0;
}

/* Waits for the worker, killing it once it overruns its budget badly. */
static int wait_worker(pid_t pid, uint64_t timeout_ns)
{
	int pidfd = sys_pidfd_open(pid, 0), st;
	struct pollfd pfd = { .fd = pidfd, .events = POLLIN };

	if (pidfd >= 0) {
		if (poll(&pfd, 1, (int)(timeout_ns / 1000000)) == 0)
			kill(pid, SIGKILL);
		close(pidfd);
	}
	if (waitpid(pid, &st, 0) < 0)
		return -1;
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return WEXITSTATUS(st);
}

int bench_wait_child(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static int append_rep(struct bench_result *r, const struct bench_shm *shm)
{
	struct bench_sample *more;
	unsigned int k = r->reps;

	more = realloc(r->samples, (r->n + shm->n + 1) * sizeof(*more));
	if (!more)
		return -ENOMEM;
	r->samples = more;
	memcpy(r->samples + r->n, shm->s, shm->n * sizeof(*more));
	r->n += shm->n;
	r->rep_len[k] = shm->n;
	r->rep_batch[k] = shm->batch;
	r->start_ns[k] = shm->start_ns;
	r->end_ns[k] = shm->end_ns;
	r->reps = k + 1;
	return 0;
}

void bench_describe(struct bench_result *r)
{
	double *wall = malloc((r->n + 1) * sizeof(double));
	double *cpu = malloc((r->n + 1) * sizeof(double));
	struct stats_set set = { wall, r->n, r->rep_len, r->reps };
	size_t i;

	if (r->status != BENCH_OK)
		goto out;
	if (!wall || !cpu || !r->samples) {
		r->status = BENCH_FAILED;
		snprintf(r->reason, sizeof(r->reason), "out of memory");
		goto out;
	}
	for (i = 0; i < r->n; i++) {
		wall[i] = r->samples[i].wall_ns;
		cpu[i] = r->samples[i].cpu_ns;
	}
	stats_describe(&set, &r->st);
	r->st.cpu_p50 = stats_median(cpu, r->n);
out:
	free(cpu);
	free(wall);
}

int bench_run_rep(const struct bench *b, const struct bench_opts *o,
		  unsigned int rep, struct bench_result *r)
{
	struct bench_shm *shm;
	pid_t pid;
	int code;

	if (rep == 0) {
		memset(r, 0, sizeof(*r));
		r->b = b;
	}
	if (r->status != BENCH_OK || rep >= BENCH_MAX_REPS)
		return 0;
	shm = mmap(NULL, sizeof(*shm), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shm == MAP_FAILED)
		return -errno;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		munmap(shm, sizeof(*shm));
		return -errno;
	}
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		_exit(worker(b, o, shm));
	}
	code = wait_worker(pid, o->budget_ns + o->warmup_ns + WORKER_GRACE_NS);
	snprintf(r->reason, sizeof(r->reason), "%s", shm->reason);
	if (code == 0 && append_rep(r, shm))
		code = 1;
	munmap(shm, sizeof(*shm));
	r->status = code == 0	       ? BENCH_OK :
		    code == BENCH_SKIP ? BENCH_SKIPPED :
					 BENCH_FAILED;
	if (code > 128 && !r->reason[0])
		snprintf(r->reason, sizeof(r->reason),
			 "worker killed by signal %d", code - 128);
	return 0;
}

void bench_result_free(struct bench_result *r)
{
	free(r->samples);
	r->samples = NULL;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * How cost grows: mount-namespace creation against the number of mounts in
 * the parent, and creation throughput against the number of processes
 * creating at once.  The sweep's mounts live in the worker's own private
 * mount namespace and vanish with it.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"
#include "workloads.h"

#define SWEEP_DIR "/tmp"
#define SWEEP_QUICK_MAX 1000
#define CONC_MAX_PROCS 16
#define CONC_SLICE_NS 10000000L
#define CONC_MAX_WAIT_NS 2000000000ull

/* Mount N-1 binds of SWEEP_DIR/0 on fresh directories SWEEP_DIR/1... */
static int add_binds(struct bench_ctx *ctx, long n)
{
	char path[64];
	long i;

	if (mkdir(SWEEP_DIR "/0", 0700))
		return bench_fail(ctx, "mkdir(%s/0): %s", SWEEP_DIR,
				  strerror(errno));
	for (i = 1; i < n; i++) {
		snprintf(path, sizeof(path), SWEEP_DIR "/%ld", i);
		if (mkdir(path, 0700) ||
		    mount(SWEEP_DIR "/0", path, NULL, MS_BIND, NULL))
			return bench_fail(ctx,
					  "mkdir+mount(bind %s/0 on %s): %s",
					  SWEEP_DIR, path, strerror(errno));
	}
	return 0;
}

static int setup_sweep(struct bench_ctx *ctx)
{
	/* Tearing down a copy of 10,000 mounts takes ~0.3 s (untimed). */
	if (ctx->o->quick && ctx->b->param > SWEEP_QUICK_MAX)
		return bench_skip(ctx, "--quick stops the sweep at %d mounts",
				  SWEEP_QUICK_MAX);
	if (unshare(CLONE_NEWNS))
		return bench_fail(ctx, "unshare(CLONE_NEWNS): %s",
				  strerror(errno));
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return bench_fail(ctx, "mount(/, MS_REC|MS_PRIVATE): %s",
				  strerror(errno));
	if (mount("nsapi-sweep", SWEEP_DIR, "tmpfs", 0, "size=4m"))
		return bench_fail(ctx, "mount(tmpfs on %s): %s", SWEEP_DIR,
				  strerror(errno));
	return add_binds(ctx, ctx->b->param);
}

#define SWEEP(n)                                                              \
	{                                                                     \
		.name = "mount_sweep/mounts:" #n, .type = NS_MNT, .param = n, \
		.iteration =                                                  \
			"unshare(CLONE_NEWNS) in a private mount namespace "  \
			"with " #n                                            \
			" mounts added to the host's; the previous "          \
			"copy is held by an fd and torn down untimed",        \
		.kind = BENCH_CALL, .setup = setup_sweep,                     \
		.prepare = bench_prep_hold, .op = bench_op_unshare,           \
		.finish = bench_fin_release                                   \
	}

struct conc_shm {
	volatile int stop;
	int pid_fd;
	struct {
		uint64_t ops;
		char pad[56];
	} slot[CONC_MAX_PROCS];
};

static void unpin(void)
{
	cpu_set_t set;
	long i, n = sysconf(_SC_NPROCESSORS_ONLN);

	CPU_ZERO(&set);
	for (i = 0; i < n && i < CPU_SETSIZE; i++)
		CPU_SET(i, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

/* One create+destroy cycle of the type; see the iteration texts. */
static int conc_cycle(const struct ns_type *t, int pid_fd)
{
	pid_t pid;

	switch (t->flag) {
	case CLONE_NEWPID:
		if (unshare(CLONE_NEWPID))
			return errno;
		return setns(pid_fd, CLONE_NEWPID) ? errno : 0;
	case CLONE_NEWUSER:
		pid = sys_clone_fork(CLONE_NEWUSER | SIGCHLD);
		if (pid == 0)
			_exit(0);
		return bench_reap(pid) ? errno : 0;
	default:
		return unshare(t->flag) ? errno : 0;
	}
}

static void conc_child(struct bench_ctx *ctx, struct conc_shm *cs, int slot,
		       int go_fd)
{
	char c;
	int err = 0;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	unpin();
	while (read(go_fd, &c, 1) < 0 && errno == EINTR)
		;
	while (!cs->stop && !err) {
		err = conc_cycle(ctx->t, cs->pid_fd);
		__atomic_store_n(&cs->slot[slot].ops, cs->slot[slot].ops + 1,
				 __ATOMIC_RELAXED);
	}
	_exit(err ? 1 : 0);
}

/* errno of unshare(flag) in a child: 0 when the environment allows it. */
static int probe_create(int flag)
{
	int status;
	pid_t pid = fork();

	if (pid == 0)
		_exit(unshare(flag) ? errno : 0);
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
		return 0;
	return WEXITSTATUS(status);
}

static int setup_conc(struct bench_ctx *ctx)
{
	struct conc_shm *cs = ctx->shm;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN), p = ctx->b->param, i;
	pid_t *pids;
	int go[2];

	if (p > 2 * ncpu)
		return bench_skip(ctx, "%ld processes > 2 x %ld cores", p,
				  ncpu);
	/* Workers that cannot create report nothing: ask once, up front. */
	i = probe_create(ctx->t->flag);
	if (i) {
		int ret = bench_fail(ctx, "unshare(%s) in a probe: %s",
				     ctx->t->name, strerror((int)i));

		errno = (int)i;
		return ret;
	}
	pids = calloc((size_t)p, sizeof(*pids));
	ctx->priv = pids;
	cs->pid_fd = bench_open_ns(0, "pid");
	if (!pids || cs->pid_fd < 0 || pipe2(go, O_CLOEXEC))
		return bench_fail(ctx,
				  "conc setup (calloc, open pid ns, "
				  "pipe2): %s",
				  strerror(errno));
	fflush(NULL);
	for (i = 0; i < p; i++) {
		pids[i] = fork();
		if (pids[i] < 0) {
			close(go[0]);
			close(go[1]);
			return bench_fail(ctx, "fork #%ld: %s", i,
					  strerror(errno));
		}
		if (pids[i] == 0) {
			close(go[1]);
			conc_child(ctx, cs, (int)i, go[0]);
		}
	}
	close(go[0]);
	close(go[1]);
	return 0;
}

static uint64_t conc_total(const struct conc_shm *cs, long p)
{
	uint64_t sum = 0;
	long i;

	for (i = 0; i < p; i++)
		sum += __atomic_load_n(&cs->slot[i].ops, __ATOMIC_RELAXED);
	return sum;
}

/* Aggregate ns per creation over a window of at least p completed cycles. */
static int sample_conc(struct bench_ctx *ctx, struct bench_sample *s)
{
	const struct timespec slice = { 0, CONC_SLICE_NS };
	struct conc_shm *cs = ctx->shm;
	long p = ctx->b->param;
	uint64_t n0 = conc_total(cs, p), t0 = bench_now_ns(), n1, t1;

	do {
		clock_nanosleep(CLOCK_MONOTONIC, 0, &slice, NULL);
		n1 = conc_total(cs, p);
		t1 = bench_now_ns();
	} while (n1 - n0 < (uint64_t)p && t1 - t0 < CONC_MAX_WAIT_NS);
	if (n1 == n0) {
		bench_fail(ctx, "no %s cycle completed in %llu ms",
			   ctx->t->name,
			   (unsigned long long)((t1 - t0) / 1000000));
		return -EIO;
	}
	s->wall_ns = (double)(t1 - t0) / (double)(n1 - n0);
	s->cpu_ns = s->wall_ns;
	return 0;
}

static void cleanup_conc(struct bench_ctx *ctx)
{
	struct conc_shm *cs = ctx->shm;
	pid_t *pids = ctx->priv;
	long i;

	cs->stop = 1;
	for (i = 0; pids && i < ctx->b->param; i++)
		if (pids[i] > 0)
			bench_wait_child(pids[i]);
	if (cs->pid_fd >= 0)
		close(cs->pid_fd);
	free(pids);
	ctx->priv = NULL;
}

#define CONC1(i, n)                                                              \
	{                                                                        \
		.name = "conc/" #i "/procs:" #n, .type = NS_##i##_IDX,           \
		.param = n,                                                      \
		.iteration =                                                     \
			"aggregate wall time per create+destroy cycle while " #n \
			" processes cycle at once (cycle: " CYCLE_##i ")",       \
		.kind = BENCH_CUSTOM, .setup = setup_conc,                       \
		.sample = sample_conc, .cleanup = cleanup_conc                   \
	}
#define CONC(i) CONC1(i, 1), CONC1(i, 2), CONC1(i, 4), CONC1(i, 8)

#define CYCLE_REPEAT "unshare() again, dropping the previous namespace"
#define CYCLE_cgroup CYCLE_REPEAT
#define CYCLE_ipc CYCLE_REPEAT
#define CYCLE_mnt CYCLE_REPEAT
#define CYCLE_net CYCLE_REPEAT ", whose teardown is asynchronous"
#define CYCLE_pid "unshare(CLONE_NEWPID) + setns() back to our own pid ns"
#define CYCLE_time CYCLE_REPEAT
#define CYCLE_user "clone(CLONE_NEWUSER) + child exit + waitpid()"
#define CYCLE_uts CYCLE_REPEAT

const struct bench bench_scale[] = {
	SWEEP(1),     SWEEP(10),  SWEEP(100), SWEEP(1000), SWEEP(10000),
	CONC(cgroup), CONC(ipc),  CONC(mnt),  CONC(net),   CONC(pid),
	CONC(time),   CONC(user), CONC(uts),
};

const size_t bench_scale_count = ARRAY_SIZE(bench_scale);

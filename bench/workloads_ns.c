// SPDX-License-Identifier: GPL-2.0
/*
 * Per namespace type: unshare (creation alone), teardown (the last reference
 * dropped), setns there and back, clone with the flag, and fork + unshare in
 * the child.  clone/TYPE and fork_unshare/TYPE name floor/clone (floor/clone3
 * for time) as baseline, so the namespace's own cost is a difference.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "workloads.h"

struct child_sample {
	struct bench_sample s;
	int err;
};

/* Hold the namespace that the next unshare() would otherwise destroy. */
int bench_prep_hold(struct bench_ctx *ctx)
{
	ctx->fd[0] = bench_open_ns(0, ctx->t->created_entry);
	return ctx->fd[0] < 0 ? -errno : 0;
}

int bench_fin_release(struct bench_ctx *ctx)
{
	int ret = close(ctx->fd[0]);

	ctx->fd[0] = -EBADF;
	return ret ? -errno : 0;
}

long bench_op_unshare(struct bench_ctx *ctx)
{
	return unshare(ctx->t->flag);
}

/* pid: unshare, then hold-less teardown through setns() to our own pidns. */
static int setup_own_pidns(struct bench_ctx *ctx)
{
	ctx->fd[1] = bench_open_ns(0, "pid");
	if (ctx->fd[1] < 0)
		return bench_fail(ctx, "open(/proc/self/ns/pid): %s",
				  strerror(errno));
	return 0;
}

static int prep_pid_reset(struct bench_ctx *ctx)
{
	return setns(ctx->fd[1], CLONE_NEWPID) ? -errno : 0;
}

static int prep_pid_unshare(struct bench_ctx *ctx)
{
	(void)ctx;
	return unshare(CLONE_NEWPID) ? -errno : 0;
}

static long op_pid_reset(struct bench_ctx *ctx)
{
	return setns(ctx->fd[1], CLONE_NEWPID);
}

/* teardown: create untimed, then time the close() of the last reference. */
static int prep_create_held(struct bench_ctx *ctx)
{
	int err = bench_prep_hold(ctx);

	if (err)
		return err;
	return unshare(ctx->t->flag) ? -errno : 0;
}

static long op_close_held(struct bench_ctx *ctx)
{
	return close(ctx->fd[0]);
}

static int fin_forget(struct bench_ctx *ctx)
{
	ctx->fd[0] = -EBADF;
	return 0;
}

/*
 * Runs fn in a fresh child and takes its sample from the shared page: user
 * namespaces cannot be unshared or entered twice by one process.
 */
static int sample_in_child(struct bench_ctx *ctx, struct bench_sample *s,
			   long (*fn)(struct bench_ctx *))
{
	struct child_sample *cs = ctx->shm;
	pid_t pid;

	cs->err = 0;
	pid = sys_clone_fork(SIGCHLD);
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		uint64_t c0 = bench_cpu_ns(), t0 = bench_now_ns(), t1, c1;
		long ret = fn(ctx);

		t1 = bench_now_ns();
		c1 = bench_cpu_ns();
		cs->s.wall_ns = (double)(t1 - t0);
		cs->s.cpu_ns = (double)(c1 - c0);
		cs->err = ret < 0 ? errno : 0;
		_exit(0);
	}
	if (bench_reap(pid))
		return -errno;
	*s = cs->s;
	return -cs->err;
}

static int sample_unshare_child(struct bench_ctx *ctx, struct bench_sample *s)
{
	return sample_in_child(ctx, s, bench_op_unshare);
}

/* setns: into the helper's namespace (fd[0]) and back to ours (fd[1]). */
static int setup_setns(struct bench_ctx *ctx)
{
	const char *entry = ctx->t->name;
	int err = bench_helper_start(ctx, (unsigned long)ctx->t->flag);

	if (err)
		return err;
	ctx->fd[0] = bench_open_ns(ctx->helper_pid, entry);
	ctx->fd[1] = bench_open_ns(0, entry);
	if (ctx->fd[0] < 0 || ctx->fd[1] < 0)
		return bench_fail(ctx, "open(/proc/{%d,self}/ns/%s): %s",
				  ctx->helper_pid, entry, strerror(errno));
	return 0;
}

static void cleanup_helper(struct bench_ctx *ctx)
{
	bench_helper_stop(ctx);
}

static long op_setns_roundtrip(struct bench_ctx *ctx)
{
	return setns(ctx->fd[0], ctx->t->flag) |
	       setns(ctx->fd[1], ctx->t->flag);
}

static long op_setns_into(struct bench_ctx *ctx)
{
	return setns(ctx->fd[0], ctx->t->flag);
}

static int sample_setns_child(struct bench_ctx *ctx, struct bench_sample *s)
{
	return sample_in_child(ctx, s, op_setns_into);
}

static long op_clone_new(struct bench_ctx *ctx)
{
	pid_t pid = sys_clone_fork((unsigned long)ctx->t->flag | SIGCHLD);

	if (pid == 0)
		_exit(0);
	return bench_reap(pid);
}

static long op_clone3_new(struct bench_ctx *ctx)
{
	struct nsapi_clone_args args = {
		.flags = (uint64_t)ctx->t->flag,
		.exit_signal = SIGCHLD,
	};
	pid_t pid = (pid_t)sys_clone3(&args);

	if (pid == 0)
		_exit(0);
	return bench_reap(pid);
}

static long op_fork_unshare(struct bench_ctx *ctx)
{
	pid_t pid = sys_clone_fork(SIGCHLD);

	if (pid == 0)
		_exit(unshare(ctx->t->flag) ? errno : 0);
	return bench_reap(pid);
}

#define UNSHARE(i, F)                                                      \
	{                                                                  \
		.name = "unshare/" #i, .type = NS_##i##_IDX,               \
		.iteration =                                               \
			"unshare(" #F                                      \
			"); an fd opened before (untimed) holds "          \
			"the previous namespace, closed after the sample " \
			"(untimed), so teardown is not in the time",       \
		.kind = BENCH_CALL, .prepare = bench_prep_hold,            \
		.op = bench_op_unshare, .finish = bench_fin_release        \
	}
#define TEARDOWN(i, F)                                                         \
	{                                                                      \
		.name = "teardown/" #i, .type = NS_##i##_IDX,                  \
		.iteration =                                                   \
			"close() of the only fd on a namespace no task is in " \
			"(created untimed by unshare(" #F "))",                \
		.kind = BENCH_CALL, .prepare = prep_create_held,               \
		.op = op_close_held, .finish = fin_forget                      \
	}
#define SETNS(i, F)                                                 \
	{                                                           \
		.name = "setns/" #i, .type = NS_##i##_IDX,          \
		.iteration = "setns(fd, " #F                        \
			     ") into a helper's namespace and "     \
			     "setns() back to our own: two calls",  \
		.kind = BENCH_CALL, .setup = setup_setns,           \
		.cleanup = cleanup_helper, .op = op_setns_roundtrip \
	}
#define CLONE(i, F)                                                       \
	{                                                                 \
		.name = "clone/" #i, .type = NS_##i##_IDX,                \
		.baseline = "floor/clone",                                \
		.iteration = "clone(" #F                                  \
			     "|SIGCHLD) + child _exit(0) + waitpid(): "   \
			     "includes the namespace's teardown at exit", \
		.kind = BENCH_CALL, .op = op_clone_new                    \
	}
#define FORK_UNSHARE(i, F)                                                 \
	{                                                                  \
		.name = "fork_unshare/" #i, .type = NS_##i##_IDX,          \
		.baseline = "floor/clone",                                 \
		.iteration = "clone(SIGCHLD); the child calls unshare(" #F \
			     ") and "                                      \
			     "_exit(0); waitpid()",                        \
		.kind = BENCH_CALL, .op = op_fork_unshare                  \
	}

const struct bench bench_ns[] = {
	UNSHARE(cgroup, CLONE_NEWCGROUP),
	UNSHARE(ipc, CLONE_NEWIPC),
	UNSHARE(mnt, CLONE_NEWNS),
	UNSHARE(net, CLONE_NEWNET),
	{ .name = "unshare/pid",
	  .type = NS_PID,
	  .iteration = "unshare(CLONE_NEWPID); before it (untimed) setns() to "
		       "our own pid namespace drops the previous one, since a "
		       "second unshare(CLONE_NEWPID) fails with EINVAL",
	  .kind = BENCH_CALL,
	  .setup = setup_own_pidns,
	  .prepare = prep_pid_reset,
	  .op = bench_op_unshare },
	UNSHARE(time, CLONE_NEWTIME),
	{ .name = "unshare/user",
	  .type = NS_USER,
	  .iteration = "unshare(CLONE_NEWUSER) timed inside a freshly forked "
		       "child (fork, exit, wait untimed): a second unshare "
		       "fails with EPERM until uid_map/gid_map are written",
	  .kind = BENCH_CUSTOM,
	  .sample = sample_unshare_child },
	UNSHARE(uts, CLONE_NEWUTS),

	TEARDOWN(cgroup, CLONE_NEWCGROUP),
	TEARDOWN(ipc, CLONE_NEWIPC),
	TEARDOWN(mnt, CLONE_NEWNS),
	TEARDOWN(net, CLONE_NEWNET),
	{ .name = "teardown/pid",
	  .type = NS_PID,
	  .iteration = "setns() to our own pid namespace, which drops the "
		       "only reference to one made untimed by "
		       "unshare(CLONE_NEWPID) (an unpopulated pidns has no "
		       "nsfs file to hold)",
	  .kind = BENCH_CALL,
	  .setup = setup_own_pidns,
	  .prepare = prep_pid_unshare,
	  .op = op_pid_reset },
	TEARDOWN(time, CLONE_NEWTIME),
	TEARDOWN(uts, CLONE_NEWUTS),

	SETNS(cgroup, CLONE_NEWCGROUP),
	SETNS(ipc, CLONE_NEWIPC),
	SETNS(mnt, CLONE_NEWNS),
	SETNS(net, CLONE_NEWNET),
	SETNS(pid, CLONE_NEWPID),
	SETNS(time, CLONE_NEWTIME),
	{ .name = "setns/user",
	  .type = NS_USER,
	  .iteration = "setns(fd, CLONE_NEWUSER) into a helper's user "
		       "namespace, one way, timed inside a freshly forked "
		       "child: there is no way back to the parent user ns",
	  .kind = BENCH_CUSTOM,
	  .setup = setup_setns,
	  .cleanup = cleanup_helper,
	  .sample = sample_setns_child },
	SETNS(uts, CLONE_NEWUTS),

	CLONE(cgroup, CLONE_NEWCGROUP),
	CLONE(ipc, CLONE_NEWIPC),
	CLONE(mnt, CLONE_NEWNS),
	CLONE(net, CLONE_NEWNET),
	CLONE(pid, CLONE_NEWPID),
	{ .name = "clone/time",
	  .type = NS_TIME,
	  .baseline = "floor/clone3",
	  .iteration = "clone3(CLONE_NEWTIME) + child _exit(0) + waitpid() "
		       "(clone() cannot carry CLONE_NEWTIME)",
	  .kind = BENCH_CALL,
	  .op = op_clone3_new },
	CLONE(user, CLONE_NEWUSER),
	CLONE(uts, CLONE_NEWUTS),

	FORK_UNSHARE(cgroup, CLONE_NEWCGROUP),
	FORK_UNSHARE(ipc, CLONE_NEWIPC),
	FORK_UNSHARE(mnt, CLONE_NEWNS),
	FORK_UNSHARE(net, CLONE_NEWNET),
	FORK_UNSHARE(pid, CLONE_NEWPID),
	FORK_UNSHARE(time, CLONE_NEWTIME),
	FORK_UNSHARE(user, CLONE_NEWUSER),
	FORK_UNSHARE(uts, CLONE_NEWUTS),
};

const size_t bench_ns_count = ARRAY_SIZE(bench_ns);

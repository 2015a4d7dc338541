// SPDX-License-Identifier: GPL-2.0
/*
 * Floors: what every namespace figure is measured against.  The null
 * syscall is getppid(2) (not cached by glibc, no vDSO); clone(SIGCHLD) and
 * clone3() with no namespace flag are the baselines that clone/TYPE and
 * fork_unshare/TYPE subtract.
 */
#include <errno.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"
#include "workloads.h"

static long op_getppid(struct bench_ctx *ctx)
{
	(void)ctx;
	return syscall(SYS_getppid);
}

static long op_clock(struct bench_ctx *ctx)
{
	(void)ctx;
	return (long)(bench_now_ns() & 1);
}

long bench_reap(pid_t pid)
{
	int st;

	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return -1;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	errno = WIFEXITED(st) ? WEXITSTATUS(st) : EINTR;
	return -1;
}

static long op_fork(struct bench_ctx *ctx)
{
	pid_t pid = fork();

	(void)ctx;
	if (pid == 0)
		_exit(0);
	return bench_reap(pid);
}

static long op_vfork(struct bench_ctx *ctx)
{
	pid_t pid = vfork();

	(void)ctx;
	if (pid == 0)
		_exit(0);
	return bench_reap(pid);
}

static long op_clone(struct bench_ctx *ctx)
{
	pid_t pid = sys_clone_fork(SIGCHLD);

	(void)ctx;
	if (pid == 0)
		_exit(0);
	return bench_reap(pid);
}

static long op_clone3(struct bench_ctx *ctx)
{
	struct nsapi_clone_args args = { .exit_signal = SIGCHLD };
	pid_t pid = (pid_t)sys_clone3(&args);

	(void)ctx;
	if (pid == 0)
		_exit(0);
	return bench_reap(pid);
}

const struct bench bench_floor[] = {
	{ .name = "floor/getppid",
	  .iteration = "one getppid() through syscall(2): the null syscall",
	  .kind = BENCH_BATCH,
	  .type = -1,
	  .op = op_getppid },
	{ .name = "floor/clock_gettime",
	  .iteration =
		  "one clock_gettime(CLOCK_MONOTONIC) (vDSO): the clock's own cost",
	  .kind = BENCH_BATCH,
	  .type = -1,
	  .op = op_clock },
	{ .name = "floor/fork",
	  .iteration = "glibc fork() + child _exit(0) + waitpid()",
	  .kind = BENCH_CALL,
	  .type = -1,
	  .op = op_fork },
	{ .name = "floor/vfork",
	  .iteration = "vfork() + child _exit(0) + waitpid()",
	  .kind = BENCH_CALL,
	  .type = -1,
	  .op = op_vfork },
	{ .name = "floor/clone",
	  .iteration =
		  "raw clone(SIGCHLD) + child _exit(0) + waitpid(): baseline of clone/* and fork_unshare/*",
	  .kind = BENCH_CALL,
	  .type = -1,
	  .op = op_clone },
	{ .name = "floor/clone3",
	  .iteration =
		  "clone3() without flags + child _exit(0) + waitpid(): baseline of clone/time",
	  .kind = BENCH_CALL,
	  .type = -1,
	  .op = op_clone3 },
};

const size_t bench_floor_count = ARRAY_SIZE(bench_floor);

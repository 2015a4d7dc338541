// SPDX-License-Identifier: GPL-2.0
/* nsfs: the files of /proc/PID/ns and setns() through a pidfd. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench.h"
#include "workloads.h"

#define NSFS_PATH "/proc/self/ns/net"
#define PIDFD_FLAGS (CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWNS)

static int setup_nsfs(struct bench_ctx *ctx)
{
	ctx->fd[0] = open(NSFS_PATH, O_RDONLY | O_CLOEXEC);
	if (ctx->fd[0] < 0)
		return bench_fail(ctx, "open(%s): %s", NSFS_PATH,
				  strerror(errno));
	return 0;
}

static long op_open_close(struct bench_ctx *ctx)
{
	(void)ctx;
	return close(open(NSFS_PATH, O_RDONLY | O_CLOEXEC));
}

static long op_fstat(struct bench_ctx *ctx)
{
	struct stat st;

	return fstat(ctx->fd[0], &st);
}

static long op_readlink(struct bench_ctx *ctx)
{
	char buf[64];

	(void)ctx;
	return readlink(NSFS_PATH, buf, sizeof(buf));
}

static long op_ioctl_nstype(struct bench_ctx *ctx)
{
	return ioctl(ctx->fd[0], NS_GET_NSTYPE);
}

static int setup_pidfd(struct bench_ctx *ctx)
{
	int err = bench_helper_start(ctx, PIDFD_FLAGS);

	if (err)
		return err;
	ctx->fd[0] = sys_pidfd_open(ctx->helper_pid, 0);
	ctx->fd[1] = sys_pidfd_open(getpid(), 0);
	if (ctx->fd[0] < 0 || ctx->fd[1] < 0)
		return bench_fail(ctx, "pidfd_open(%d or self): %s",
				  ctx->helper_pid, strerror(errno));
	return 0;
}

static void cleanup_pidfd(struct bench_ctx *ctx)
{
	bench_helper_stop(ctx);
}

static long op_setns_pidfd(struct bench_ctx *ctx)
{
	return setns(ctx->fd[0], PIDFD_FLAGS) | setns(ctx->fd[1], PIDFD_FLAGS);
}

const struct bench bench_nsfs[] = {
	{ .name = "nsfs/open",
	  .type = -1,
	  .iteration = "open(\"" NSFS_PATH "\", O_RDONLY|O_CLOEXEC) + close()",
	  .kind = BENCH_BATCH,
	  .op = op_open_close },
	{ .name = "nsfs/fstat",
	  .type = -1,
	  .iteration = "fstat() of an open " NSFS_PATH " fd",
	  .kind = BENCH_BATCH,
	  .setup = setup_nsfs,
	  .op = op_fstat },
	{ .name = "nsfs/readlink",
	  .type = -1,
	  .iteration = "readlink(\"" NSFS_PATH "\")",
	  .kind = BENCH_BATCH,
	  .op = op_readlink },
	{ .name = "nsfs/ioctl_nstype",
	  .type = -1,
	  .iteration = "ioctl(fd, NS_GET_NSTYPE) on an open " NSFS_PATH " fd",
	  .kind = BENCH_BATCH,
	  .setup = setup_nsfs,
	  .op = op_ioctl_nstype },
	{ .name = "nsfs/setns_pidfd",
	  .type = -1,
	  .iteration = "setns(pidfd, CLONE_NEWUTS|CLONE_NEWIPC|CLONE_NEWNET|"
		       "CLONE_NEWNS) into a helper process and setns() with "
		       "our own pidfd back: two calls, four types each",
	  .kind = BENCH_CALL,
	  .setup = setup_pidfd,
	  .cleanup = cleanup_pidfd,
	  .op = op_setns_pidfd },
};

const size_t bench_nsfs_count = ARRAY_SIZE(bench_nsfs);

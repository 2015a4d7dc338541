// SPDX-License-Identifier: GPL-2.0
/* Helpers the workloads share: skip/fail reasons, helper processes, fds. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

int bench_skip(struct bench_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ctx->skip_reason, sizeof(ctx->skip_reason), fmt, ap);
	va_end(ap);
	return 1;
}

int bench_fail(struct bench_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ctx->skip_reason, sizeof(ctx->skip_reason), fmt, ap);
	va_end(ap);
	return -1;
}

int bench_open_ns(pid_t pid, const char *entry)
{
	char path[64];

	if (pid > 0)
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", pid, entry);
	else
		snprintf(path, sizeof(path), "/proc/self/ns/%s", entry);
	return open(path, O_RDONLY | O_CLOEXEC);
}

void bench_close_fds(struct bench_ctx *ctx)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ctx->fd); i++) {
		if (ctx->fd[i] >= 0)
			close(ctx->fd[i]);
		ctx->fd[i] = -EBADF;
	}
}

static pid_t clone_helper(unsigned long clone_flags)
{
	struct nsapi_clone_args args = {
		.flags = clone_flags,
		.exit_signal = SIGCHLD,
	};

	/* clone3 because clone() cannot carry CLONE_NEWTIME. */
	return (pid_t)sys_clone3(&args);
}

/*
 * A child in new namespaces (clone_flags) that lives until
 * bench_helper_stop(): it blocks reading a pipe whose write end we hold.
 * It reports readiness by closing its copy of a second pipe.
 */
int bench_helper_start(struct bench_ctx *ctx, unsigned long clone_flags)
{
	int hold[2], ready[2];
	char c;

	if (pipe2(hold, O_CLOEXEC) || pipe2(ready, O_CLOEXEC))
		return bench_fail(ctx, "pipe2: %s", strerror(errno));
	fflush(NULL);
	ctx->helper_pid = clone_helper(clone_flags);
	if (ctx->helper_pid < 0)
		return bench_fail(ctx, "clone3(flags=%#lx) of a helper: %s",
				  clone_flags, strerror(errno));
	if (ctx->helper_pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(hold[1]);
		close(ready[0]);
		close(ready[1]);
		while (read(hold[0], &c, 1) < 0 && errno == EINTR)
			;
		_exit(0);
	}
	close(hold[0]);
	close(ready[1]);
	ctx->helper_fd = hold[1];
	while (read(ready[0], &c, 1) < 0 && errno == EINTR)
		;
	close(ready[0]);
	return 0;
}

void bench_helper_stop(struct bench_ctx *ctx)
{
	if (ctx->helper_fd >= 0)
		close(ctx->helper_fd);
	ctx->helper_fd = -1;
	if (ctx->helper_pid > 0)
		bench_wait_child(ctx->helper_pid);
	ctx->helper_pid = -1;
}

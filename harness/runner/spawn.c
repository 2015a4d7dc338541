// SPDX-License-Identifier: GPL-2.0
/*
 * Run one test program: stdout and stderr merged on one pipe and handed over
 * line by line with the time each arrived, under a deadline.  The runner is a
 * child subreaper, so whatever the program leaves behind (the kselftest
 * harness puts each test in a process group of its own) comes back to us
 * and is killed: a run leaves no process on the host.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "runner.h"

#ifndef __NR_pidfd_open
#define __NR_pidfd_open 434
#endif

/* -1 on kernels before 5.3: then only EOF or the deadline end the wait. */
static int sys_pidfd_open(pid_t pid)
{
	return syscall(__NR_pidfd_open, pid, 0);
}

/* How long a killed process may take to die before we give up on it. */
#define REAP_LIMIT_SEC 10

double now_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void child_exec(const char *path, char *const argv[], int out_fd,
		       const struct run_limits *lim)
{
	setpgid(0, 0);
	if (dup2(out_fd, STDOUT_FILENO) < 0 || dup2(out_fd, STDERR_FILENO) < 0)
		_exit(127);
	close(out_fd);
	if (lim->drop &&
	    (setgroups(0, NULL) || setgid(lim->gid) || setuid(lim->uid))) {
		fprintf(stderr, "nsapi-test: dropping to uid %u gid %u: %s\n",
			lim->uid, lim->gid, strerror(errno));
		_exit(127);
	}
	execv(path, argv);
	fprintf(stderr, "nsapi-test: execv(%s): %s\n", path, strerror(errno));
	_exit(127);
}

/* Our children (orphans reparented to us included), from /proc. */
static int list_children(pid_t *pids, int max)
{
	char path[64], buf[4096];
	int fd, n = 0;
	ssize_t len;

	snprintf(path, sizeof(path), "/proc/self/task/%d/children", gettid());
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len <= 0)
		return 0;
	buf[len] = '\0';
	for (char *tok = strtok(buf, " \n"); tok && n < max;
	     tok = strtok(NULL, " \n"))
		pids[n++] = atoi(tok);
	return n;
}

/*
 * Kill and reap every process that is still our child, for at most
 * REAP_LIMIT_SEC (a process the kernel cannot kill must not hang the run);
 * returns how many there were.
 */
static int reap_all(void)
{
	double give_up = now_sec() + REAP_LIMIT_SEC;
	pid_t pids[256];
	int reaped = 0, n;

	while ((n = list_children(pids, 256)) > 0 && now_sec() < give_up) {
		for (int i = 0; i < n; i++)
			kill(pids[i], SIGKILL);
		while (waitpid(-1, NULL, WNOHANG) > 0)
			reaped++;
		if (list_children(pids, 256) > 0)
			poll(NULL, 0, 20); /* let SIGKILL take effect */
	}
	if (n > 0)
		fprintf(stderr, "nsapi-test: %d processes did not die\n", n);
	return reaped;
}

struct line_buf {
	char data[65536];
	size_t len;
};

static void feed(struct line_buf *lb, const char *chunk, size_t n,
		 line_fn on_line, void *ctx)
{
	double t = now_sec();

	for (size_t i = 0; i < n; i++) {
		char c = chunk[i];

		if (c == '\r')
			continue;
		if (c != '\n' && lb->len < sizeof(lb->data) - 1) {
			lb->data[lb->len++] = c;
			continue;
		}
		if (c != '\n')
			continue; /* an over-long line is cut */
		lb->data[lb->len] = '\0';
		on_line(ctx, lb->data, t);
		lb->len = 0;
	}
}

/* Wait for @pid, at most REAP_LIMIT_SEC once it has been killed. */
static int wait_status(pid_t pid, int *exit_code, bool killed)
{
	double give_up = now_sec() + REAP_LIMIT_SEC;
	int status;
	pid_t ret;

	while ((ret = waitpid(pid, &status, killed ? WNOHANG : 0)) <= 0) {
		if (ret < 0 && errno != EINTR)
			return -errno;
		if (ret == 0 && now_sec() > give_up)
			return -ETIME;
		if (ret == 0)
			poll(NULL, 0, 20);
	}
	*exit_code = WIFEXITED(status) ? WEXITSTATUS(status) :
					 -WTERMSIG(status);
	return 0;
}

/*
 * Hand over the program's output until it exits and its pipe is drained, or
 * until the deadline.  A descendant that keeps the pipe open after the
 * program exited does not hold us: once the program is gone we wait for
 * output at most GRACE_MS more.
 */
#define GRACE_MS 500

static void pump(int fd, pid_t pid, double deadline, line_fn on_line, void *ctx,
		 bool *timed_out)
{
	static struct line_buf lb;
	struct pollfd pfd[2] = { { .fd = fd, .events = POLLIN },
				 { .fd = sys_pidfd_open(pid),
				   .events = POLLIN } };
	bool exited = false;
	char chunk[4096];

	lb.len = 0;
	for (;;) {
		int left_ms = (int)((deadline - now_sec()) * 1000);
		int wait_ms = exited && left_ms > GRACE_MS ? GRACE_MS : left_ms;
		ssize_t n;
		int ready;

		if (left_ms <= 0) {
			*timed_out = true;
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			break;
		}
		ready = poll(pfd, 2, wait_ms);
		if (ready < 0 && errno == EINTR)
			continue;
		if (ready < 0 || (ready == 0 && exited))
			break;
		if (pfd[1].revents) {
			exited = true;
			close(pfd[1].fd);
			pfd[1].fd = -1;
		}
		if (!(pfd[0].revents & (POLLIN | POLLHUP)))
			continue;
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		feed(&lb, chunk, n, on_line, ctx);
	}
	if (pfd[1].fd >= 0)
		close(pfd[1].fd);
	if (lb.len) {
		lb.data[lb.len] = '\0';
		on_line(ctx, lb.data, now_sec());
	}
}

int run_program(const char *path, char *const argv[],
		const struct run_limits *lim, line_fn on_line, void *ctx,
		int *exit_code, bool *timed_out, int *left_behind)
{
	int pipefd[2], ret;
	pid_t pid;

	*timed_out = false;
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	if (pipe2(pipefd, O_CLOEXEC))
		return -errno;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		ret = -errno;
		close(pipefd[0]);
		close(pipefd[1]);
		return ret;
	}
	if (pid == 0)
		child_exec(path, argv, pipefd[1], lim);
	close(pipefd[1]);
	pump(pipefd[0], pid, now_sec() + lim->timeout_sec, on_line, ctx,
	     timed_out);
	close(pipefd[0]);
	/* A timed-out program was killed; its pipe may be held by others. */
	ret = wait_status(pid, exit_code, *timed_out);
	*left_behind = reap_all();
	return ret;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Runs build/nsapi-inject (same directory as our executable) for our own
 * process tree and talks to it one line at a time: "delay NS" before each
 * arm of an A/B run, "stats" around each repetition to count the calls the
 * spin was added to.  Its stdin is a pipe: when the bench exits, the loader
 * sees EOF, detaches and exits, so no program stays attached.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "inject.h"

#define INJECT_READY_TIMEOUT_MS 30000
#define INJECT_MAX_NS 1000000.0

void inject_parse(const char *arg, char *syscall, size_t len, double *ns)
{
	const char *colon = strchr(arg, ':');
	char *end;
	size_t n;

	n = colon ? (size_t)(colon - arg) : 0;
	if (!colon || !n || n >= len ||
	    strspn(arg, "abcdefghijklmnopqrstuvwxyz0123456789_") != n) {
		fprintf(stderr,
			"nsapi-bench: --inject '%s': expected SYSCALL:NS, "
			"e.g. setns:800 (see --help)\n",
			arg);
		exit(2);
	}
	memcpy(syscall, arg, n);
	syscall[n] = '\0';
	errno = 0;
	*ns = strtod(colon + 1, &end);
	if (errno || end == colon + 1 || *end ||
	    !(*ns >= 0 && *ns <= INJECT_MAX_NS)) {
		fprintf(stderr,
			"nsapi-bench: --inject '%s': NS must be a number of "
			"nanoseconds in [0, %.0f]\n",
			arg, INJECT_MAX_NS);
		exit(2);
	}
}

static int loader_path(char *buf, size_t len)
{
	return bench_sibling_path("nsapi-inject", buf, len);
}

static void exec_loader(const char *path, const char *syscall, int in_r,
			int out_w, int err_fd)
{
	char tgid[16];

	snprintf(tgid, sizeof(tgid), "%d", (int)getppid());
	dup2(in_r, STDIN_FILENO);
	dup2(out_w, STDOUT_FILENO);
	dup2(err_fd, STDERR_FILENO);
	execl(path, "nsapi-inject", syscall, tgid, (char *)NULL);
	dprintf(STDERR_FILENO, "execl(%s): %s\n", path, strerror(errno));
	_exit(127);
}

/* One reply line, waiting at most @ms; -1 on EOF or timeout. */
static int reply(struct injector *in, char *buf, size_t len, int ms)
{
	struct pollfd p = { .fd = fileno(in->from), .events = POLLIN };

	/* One line per command, flushed: nothing is left buffered. */
	if (poll(&p, 1, ms) != 1)
		return -1;
	return fgets(buf, (int)len, in->from) ? 0 : -1;
}

static void loader_failed(struct injector *in, int err_fd, char *why,
			  size_t len)
{
	ssize_t n;
	int st = 0;

	kill(in->pid, SIGTERM);
	waitpid(in->pid, &st, 0);
	n = pread(err_fd, why, len - 1, 0);
	why[n > 0 ? n : 0] = '\0';
	why[strcspn(why, "\n")] = '\0';
	if (!why[0])
		snprintf(why, len,
			 "nsapi-inject exited (status %d) before "
			 "attaching",
			 WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	fclose(in->to);
	fclose(in->from);
	in->pid = -1;
}

int inject_start(struct injector *in, const char *syscall, char *why,
		 size_t len)
{
	char path[PATH_MAX + 16], line[256];
	int to[2], from[2], err_fd;

	memset(in, 0, sizeof(*in));
	in->pid = -1;
	if (loader_path(path, sizeof(path))) {
		snprintf(why, len,
			 "%s not found (needs clang, bpftool and libbpf-dev "
			 "at build time)",
			 path);
		return -1;
	}
	err_fd = memfd_create("nsapi-inject-err", MFD_CLOEXEC);
	if (err_fd < 0 || pipe2(to, O_CLOEXEC) || pipe2(from, O_CLOEXEC)) {
		snprintf(why, len, "memfd_create/pipe2: %s", strerror(errno));
		return -1;
	}
	fflush(NULL);
	in->pid = fork();
	if (in->pid < 0) {
		snprintf(why, len, "fork: %s", strerror(errno));
		return -1;
	}
	if (in->pid == 0)
		exec_loader(path, syscall, to[0], from[1], err_fd);
	close(to[0]);
	close(from[1]);
	in->to = fdopen(to[1], "w");
	in->from = fdopen(from[0], "r");
	if (reply(in, line, sizeof(line), INJECT_READY_TIMEOUT_MS) ||
	    sscanf(line, "ready %31s %ld %lf %15s", in->syscall, &in->nr,
		   &in->ns_per_loop, in->mode) != 4) {
		loader_failed(in, err_fd, why, len);
		close(err_fd);
		return -1;
	}
	close(err_fd);
	return 0;
}

static int command(struct injector *in, const char *cmd, char *buf, size_t len)
{
	if (fprintf(in->to, "%s\n", cmd) < 0 || fflush(in->to) ||
	    reply(in, buf, len, INJECT_READY_TIMEOUT_MS)) {
		fprintf(stderr,
			"nsapi-bench: nsapi-inject stopped answering "
			"('%s')\n",
			cmd);
		return -1;
	}
	return 0;
}

int inject_set(struct injector *in, double ns, unsigned int *loops,
	       double *ns_out)
{
	char cmd[64], buf[128];

	snprintf(cmd, sizeof(cmd), "delay %.1f", ns);
	if (command(in, cmd, buf, sizeof(buf)))
		return -1;
	if (sscanf(buf, "ok %u %lf", loops, ns_out) != 2) {
		fprintf(stderr, "nsapi-bench: nsapi-inject: '%s': %s", cmd,
			buf);
		return -1;
	}
	in->requested_ns = ns;
	return 0;
}

int inject_stats(struct injector *in, uint64_t *calls, uint64_t *work_ns)
{
	unsigned long long c, w;
	char buf[128];

	if (command(in, "stats", buf, sizeof(buf)) ||
	    sscanf(buf, "stats %llu %llu", &c, &w) != 2)
		return -1;
	*calls = c;
	*work_ns = w;
	return 0;
}

void inject_stop(struct injector *in)
{
	int st;

	if (in->pid <= 0)
		return;
	fclose(in->to);
	fclose(in->from);
	while (waitpid(in->pid, &st, 0) < 0 && errno == EINTR)
		;
	in->pid = -1;
}

void inject_describe(struct injector *in, struct json_object *ctx, double ns,
		     unsigned int loops, double cal_ns, uint64_t calls,
		     uint64_t work_ns)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "syscall",
			       json_object_new_string(in->syscall));
	json_object_object_add(o, "nr", json_object_new_int64(in->nr));
	json_object_object_add(o, "mode", json_object_new_string(in->mode));
	json_object_object_add(o, "requested_ns", json_object_new_double(ns));
	json_object_object_add(o, "ns_per_loop",
			       json_object_new_double(in->ns_per_loop));
	json_object_object_add(o, "loops", json_object_new_int64(loops));
	json_object_object_add(o, "calibrated_ns",
			       json_object_new_double(cal_ns));
	json_object_object_add(o, "calls",
			       json_object_new_int64((int64_t)calls));
	/* The spin as timed in the kernel, per call (with its timing cost). */
	json_object_object_add(o, "measured_ns_per_call",
			       calls ? json_object_new_double((double)work_ns /
							      (double)calls) :
				       NULL);
	json_object_object_add(ctx, "inject", o);
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of the I tests (what each namespace type isolates): a child that
 * runs one function and reports one line, a refusal a child reports so
 * that the parent can apply the environment rule, and a private tmpfs to
 * mount on inside the test's own mount namespace.
 */
#ifndef NSAPI_ISOLATION_H
#define NSAPI_ISOLATION_H

#include "common.h"

/* unshare(@flags) in a child, or report the refusal and exit. */
static inline void child_unshare(int report_fd, int flags,
				 const char *what __attribute__((unused)))
{
	if (sys_unshare(flags))
		child_refused(report_fd, NS_CALL_UNSHARE, flags, errno);
}

struct child_result {
	int status; /* wait_child() */
	char msg[512];
};

typedef void (*child_fn)(void *arg, int report_fd);

/*
 * Run @fn(@arg, report_fd) in a child made by fork(); it exits 0 when
 * @fn returns.  Returns 0 with the child's status and report in @r, or
 * -errno when no child could be made.
 */
static inline int run_child(child_fn fn, void *arg, struct child_result *r)
{
	int fds[2];
	pid_t pid;

	if (open_pipes(fds, NULL))
		return -errno;
	pid = fork_child();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return -errno;
	}
	if (pid == 0) {
		close(fds[0]);
		fn(arg, fds[1]);
		_exit(0);
	}
	close(fds[1]);
	child_report(fds[0], r->msg, sizeof(r->msg));
	close(fds[0]);
	r->status = wait_child(pid);
	return 0;
}

/*
 * The child's result: SKIP when it reported a refusal the environment
 * explains, else the child must have exited 0.
 */
#define CHILD_RESULT_OK(r) CHILD_RESULT_OK_OR(return, r)
#define CHILD_RESULT_OK_OR(statement, r)                                     \
	do {                                                                 \
		SKIP_IF_CHILD_EXPLAINED(statement, (r)->msg);                \
		ASSERT_EQ(0, (r)->status)                                    \
		TH_LOG("child: %s", (r)->msg[0] ? (r)->msg : "(no report)"); \
	} while (0)

/* run_child() and CHILD_RESULT_OK in one. */
#define RUN_CHILD_OK(fn, arg)                         \
	do {                                          \
		struct child_result __r;              \
		int __ret = run_child(fn, arg, &__r); \
		ASSERT_EQ(0, __ret)                   \
		TH_LOG("fork: %s", strerror(-__ret)); \
		CHILD_RESULT_OK(&__r);                \
	} while (0)

/* unshare(@flags) in the test's own process: SKIP when explained. */
#define UNSHARE_OR_SKIP(flags)                                               \
	do {                                                                 \
		if (sys_unshare(flags)) {                                    \
			int __e = errno;                                     \
			SKIP_IF_ENV_EXPLAINS(return, NS_CALL_UNSHARE, flags, \
						   __e);                     \
			ASSERT_EQ(0, -__e)                                   \
			TH_LOG("unshare(%s): %s", #flags, strerror(__e));    \
		}                                                            \
	} while (0)

/*
 * In the caller's own, new mount namespace: every mount private, then a
 * fresh tmpfs on @dir, so that nothing the test mounts reaches the host.
 * Returns 0 or -errno.
 */
static inline int private_tmpfs(const char *dir)
{
	int ret = make_mounts_private();

	if (ret)
		return ret;
	return mount("nsapi", dir, "tmpfs", 0, "mode=0755") ? -errno : 0;
}

/* Whether @path is the root of a mount other than its parent directory's. */
static inline int is_mount_point(const char *path)
{
	char parent[PATH_MAX];
	struct stat a, b;

	snprintf(parent, sizeof(parent), "%s/..", path);
	if (stat(path, &a) || stat(parent, &b))
		return -errno;
	return a.st_dev != b.st_dev;
}

/* The first @len - 1 bytes of a file, NUL-terminated; -errno on error. */
static inline ssize_t read_text(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t used = 0;
	ssize_t n;

	if (fd < 0)
		return -errno;
	while (used < len - 1) {
		n = read(fd, buf + used, len - 1 - used);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			n = -errno;
			close(fd);
			return n;
		}
		if (n == 0)
			break;
		used += n;
	}
	close(fd);
	buf[used] = '\0';
	return used;
}

#endif /* NSAPI_ISOLATION_H */

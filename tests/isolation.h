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

/*
 * unshare(@flags), then proof by inode that every type asked for changed
 * (for pid and time the *_for_children entry): a call that returned 0 and
 * did nothing must not let a test mount on the host's mount table.
 * Returns 0, -errno of unshare(), or -ENOTRECOVERABLE (nothing changed).
 */
static inline int unshare_checked(int flags)
{
	struct ns_snapshot before, after;
	uint32_t want = 0, changed;

	for (size_t i = 0; i < NS_COUNT; i++)
		if (flags & ns_types[i].flag)
			want |= 1U << i;
	if (ns_snapshot_take(&before))
		return -errno;
	if (sys_unshare(flags))
		return -errno;
	if (ns_snapshot_take(&after))
		return -errno;
	changed = ns_snapshot_diff_mask(&before, &after);
	return (changed & want) == want ? 0 : -ENOTRECOVERABLE;
}

/* unshare_checked(@flags) in a child, or report the refusal and exit. */
static inline void child_unshare(int report_fd, int flags, const char *what)
{
	int ret = unshare_checked(flags);

	if (ret == -ENOTRECOVERABLE)
		child_fail(report_fd, "%s returned 0 but changed no namespace",
			   what);
	if (ret)
		child_refused(report_fd, NS_CALL_UNSHARE, flags, -ret);
}

struct child_result {
	int status; /* wait_child() */
	char msg[512];
};

typedef void (*child_fn)(void *arg, int report_fd);

/*
 * In a child: a missing feature or a refusal by the environment that no
 * ns_env fact covers (a masked /proc or /sys); the parent SKIPs with
 * @fmt.
 */
static inline void __attribute__((format(printf, 2, 3), noreturn))
child_skip(int report_fd, const char *fmt, ...)
{
	char msg[480];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	child_fail(report_fd, "skip: %s", msg);
}

/*
 * Run @fn(@arg, report_fd) in a child made by clone(@flags) (0: like
 * fork()); it exits 0 when @fn returns.  Returns 0 with the child's status
 * and report in @r, or -errno when no child could be made.
 */
static inline int run_clone_child(unsigned long flags, child_fn fn, void *arg,
				  struct child_result *r)
{
	int fds[2];
	pid_t pid;

	if (open_pipes(fds, NULL))
		return -errno;
	pid = clone_child(flags);
	if (pid < 0) {
		pid = -errno;
		close(fds[0]);
		close(fds[1]);
		return pid;
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

static inline int run_child(child_fn fn, void *arg, struct child_result *r)
{
	return run_clone_child(0, fn, arg, r);
}

/*
 * The child's result: SKIP when it reported a refusal the environment
 * explains or a reason to skip, else the child must have exited 0.
 */
#define CHILD_RESULT_OK(r) CHILD_RESULT_OK_OR(return, r)
#define CHILD_RESULT_OK_OR(statement, r)                                     \
	do {                                                                 \
		SKIP_IF_CHILD_EXPLAINED(statement, (r)->msg);                \
		if (!strncmp((r)->msg, "skip: ", 6))                         \
			SKIP(statement, "%s", (r)->msg + 6);                 \
		ASSERT_EQ(0, (r)->status)                                    \
		TH_LOG("child: %s", (r)->msg[0] ? (r)->msg : "(no report)"); \
	} while (0)

/* run_clone_child() and CHILD_RESULT_OK in one. */
#define RUN_CLONE_CHILD_OK(flags, fn, arg)                                 \
	do {                                                               \
		struct child_result __r;                                   \
		int __ret = run_clone_child(flags, fn, arg, &__r);         \
		if (__ret)                                                 \
			SKIP_IF_ENV_EXPLAINS(return, NS_CALL_CLONE, flags, \
						   -__ret);                \
		ASSERT_EQ(0, __ret)                                        \
		TH_LOG("clone(%s): %s", #flags, strerror(-__ret));         \
		CHILD_RESULT_OK(&__r);                                     \
	} while (0)
#define RUN_CHILD_OK(fn, arg) RUN_CLONE_CHILD_OK(0, fn, arg)

/*
 * In a child: execve() the test program itself with only @env=@fd in its
 * environment and @fd inherited; a constructor of the program, seeing
 * @env, reports on @fd and exits before the harness starts.
 */
static inline void __attribute__((noreturn))
child_exec_self(int report_fd, const char *env, int fd)
{
	char var[64];
	char *argv[] = { "nsapi-exec-self", NULL };
	char *envp[] = { var, NULL };

	snprintf(var, sizeof(var), "%s=%d", env, fd);
	if (fcntl(fd, F_SETFD, 0))
		child_fail(report_fd, "fcntl: %s", strerror(errno));
	execve("/proc/self/exe", argv, envp);
	child_fail(report_fd, "execve(/proc/self/exe): %s", strerror(errno));
}

/* unshare(@flags) in the test's own process: SKIP when explained. */
#define UNSHARE_OR_SKIP(flags)                                               \
	do {                                                                 \
		int __r = unshare_checked(flags);                            \
		if (__r && __r != -ENOTRECOVERABLE)                          \
			SKIP_IF_ENV_EXPLAINS(return, NS_CALL_UNSHARE, flags, \
						   -__r);                    \
		ASSERT_EQ(0, __r)                                            \
		TH_LOG("unshare(%s): %s", #flags,                            \
		       __r == -ENOTRECOVERABLE ?                             \
			       "returned 0, no namespace changed" :          \
			       strerror(-__r));                              \
	} while (0)

/*
 * In the caller's own, new mount namespace: every mount private, then a
 * fresh tmpfs on @dir, so that nothing the test mounts reaches the host.
 * Returns 0 or -errno (ENOTRECOVERABLE: mount() returned 0 but @dir is
 * still the same file system).
 */
static inline int private_tmpfs(const char *dir)
{
	int ret = make_mounts_private();
	struct stat before, after;

	if (ret)
		return ret;
	if (stat(dir, &before) ||
	    mount("nsapi", dir, "tmpfs", 0, "mode=0755") || stat(dir, &after))
		return -errno;
	/* A mount() that did nothing must not let the test write the host's. */
	return before.st_dev != after.st_dev ? 0 : -ENOTRECOVERABLE;
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

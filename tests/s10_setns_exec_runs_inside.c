// SPDX-License-Identifier: GPL-2.0
/*
 * S10 (article claim): setns() plus execve() makes an "enter and run" tool.
 *
 * Rule: nsjoin (harness/nsjoin.c) opens the namespace files of a process,
 * setns()es into each and execs a program; the program, and every child it
 * makes, lives in the target's namespaces: the same (st_dev, st_ino) for all
 * eight types.  Because setns() moves only later children into a pid
 * namespace, the tool forks after joining one; an unprivileged caller joins
 * the user namespace first, root the others first.  Bad command lines exit
 * 2.
 *
 * Man: setns(2) (its example program), nsenter(1).
 *
 * Man-page errata: none.
 *
 * The article: setns() together with execve() makes a useful tool, a
 * program that joins given namespaces and runs a command in them.  Right,
 * with the fork after joining pid that it does not mention.
 *
 * Since: 3.8 (every type but cgroup 4.6 and time 5.8).
 *
 * Exceptions: nsjoin is found as $NSAPI_NSJOIN, else ../nsjoin from this
 * program's directory (build/nsjoin), else ./nsjoin beside it.
 */
#include <libgen.h>

#include "common.h"

#define REPORT_ARG "--nsapi-report-ns"

/* --- the program nsjoin runs: this binary, in report mode -------------- */

/* One process's view of itself, one write (smaller than PIPE_BUF). */
struct report {
	int is_child; /* 0: the program nsjoin ran, 1: its child */
	pid_t pid;
	struct ns_snapshot ns;
};

static int send_report(int fd, int is_child)
{
	struct report r = { .is_child = is_child, .pid = getpid() };

	if (ns_snapshot_take(&r.ns))
		return 1;
	return write(fd, &r, sizeof(r)) == sizeof(r) ? 0 : 1;
}

/* REPORT_ARG FD: report on FD for this process, then for a child. */
static int report_main(const char *fd_arg)
{
	int fd = atoi(fd_arg);
	pid_t child;

	if (send_report(fd, 0))
		return 1;
	child = fork_child();
	if (child < 0)
		return 1;
	if (child == 0)
		_exit(send_report(fd, 1));
	return wait_child(child);
}

/* --- running nsjoin ------------------------------------------------------ */

/* Where nsjoin is, per the search order above; false when absent. */
static bool find_nsjoin(char *path, size_t len)
{
	static const char *const beside[] = { "../nsjoin", "nsjoin" };
	const char *env = getenv("NSAPI_NSJOIN");
	char exe[PATH_MAX];
	ssize_t n;

	if (env && *env) {
		snprintf(path, len, "%s", env);
		return access(path, X_OK) == 0;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n < 0)
		return false;
	exe[n] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(beside); i++) {
		snprintf(path, len, "%s/%s", dirname(exe), beside[i]);
		if (!access(path, X_OK))
			return true;
		exe[n] = '\0'; /* dirname() wrote into exe */
	}
	return false;
}

/*
 * Run nsjoin with @args (NULL-terminated) and return its exit status; its
 * stderr goes to @err.  @keep_fd stays open across the exec.
 */
static int run_nsjoin(const char *nsjoin, const char *const *args, int keep_fd,
		      char *err, size_t err_len)
{
	const char *argv[16] = { "nsjoin" };
	int errpipe[2], status;
	size_t n = 1;
	pid_t pid;

	while (*args && n < ARRAY_SIZE(argv) - 1)
		argv[n++] = *args++;
	argv[n] = NULL;
	if (pipe2(errpipe, O_CLOEXEC))
		return -errno;
	fflush(stdout);
	fflush(stderr);
	pid = fork_child();
	if (pid == 0) {
		if (dup2(errpipe[1], STDERR_FILENO) < 0)
			_exit(98);
		if (keep_fd >= 0 && fcntl(keep_fd, F_SETFD, 0)) {
			dprintf(STDERR_FILENO, "fcntl(%d, F_SETFD, 0): %m\n",
				keep_fd);
			_exit(98);
		}
		execv(nsjoin, (char *const *)argv);
		dprintf(STDERR_FILENO, "execv(%s): %m\n", nsjoin);
		_exit(99);
	}
	close(errpipe[1]);
	child_report(errpipe[0], err, err_len);
	close(errpipe[0]);
	status = pid < 0 ? -errno : wait_child(pid);
	return status;
}

FIXTURE(nsjoin)
{
	char nsjoin[PATH_MAX];
};

FIXTURE_SETUP(nsjoin)
{
	if (!find_nsjoin(self->nsjoin, sizeof(self->nsjoin)))
		SKIP(return,
			   "nsjoin not found ($NSAPI_NSJOIN, ../nsjoin or ./nsjoin "
			   "beside this program): build it with 'make'");
}

FIXTURE_TEARDOWN(nsjoin)
{
}

/* --- the program and its child are in the target's namespaces ---------- */

/* Every CLONE_NEW* flag of a type this kernel has. */
static uint64_t every_new_ns(void)
{
	const struct ns_type *t;
	uint64_t flags = 0;

	for_each_ns(t)
		if (ns_type_exists(t))
			flags |= t->flag;
	return flags;
}

static void expect_in_target(struct __test_metadata *_metadata,
			     const struct report *r, pid_t target)
{
	const struct ns_type *t;
	struct stat want;

	for_each_ns(t) {
		size_t i = t - ns_types;

		if (!r->ns.present[i])
			continue;
		ASSERT_EQ(0, ns_stat(target, t->name, &want));
		EXPECT_TRUE(same_inode(&want, &r->ns.own[i]))
		TH_LOG("%s: %s namespace is inode %lu, the target's is %lu",
		       r->is_child ? "the program's child" : "the program",
		       t->name, (unsigned long)r->ns.own[i].st_ino,
		       (unsigned long)want.st_ino);
	}
}

TEST_F(nsjoin, program_and_its_children_run_in_target_namespaces)
{
	char exe[PATH_MAX], fd_arg[16], target_arg[16], err[1024];
	struct report r[2];
	int release_fd = -EBADF, fds[2], status;
	pid_t target;
	ssize_t n;

	target = holder_start(every_new_ns(), &release_fd);
	if (target < 0)
		SKIP_IF_ENV_EXPLAINS(return, NS_CALL_CLONE3, every_new_ns(),
					   -target);
	ASSERT_LT(0, target)
	TH_LOG("clone3(%#llx) for the target: %s",
	       (unsigned long long)every_new_ns(), strerror(-target));
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	ASSERT_LT(0, n);
	exe[n] = '\0';
	ASSERT_EQ(0, pipe2(fds, O_CLOEXEC));
	snprintf(fd_arg, sizeof(fd_arg), "%d", fds[1]);
	snprintf(target_arg, sizeof(target_arg), "%d", target);

	status = run_nsjoin(self->nsjoin,
			    (const char *[]){ "-t", target_arg, "--", exe,
					      REPORT_ARG, fd_arg, NULL },
			    fds[1], err, sizeof(err));
	close(fds[1]);
	EXPECT_EQ(0, status)
	TH_LOG("nsjoin -t %d -- %s: exit %d: %s", target, exe, status, err);
	ASSERT_EQ(sizeof(r[0]), read(fds[0], &r[0], sizeof(r[0])));
	ASSERT_EQ(sizeof(r[1]), read(fds[0], &r[1], sizeof(r[1])));
	close(fds[0]);

	EXPECT_EQ(0, r[0].is_child);
	EXPECT_EQ(1, r[1].is_child);
	expect_in_target(_metadata, &r[0], target);
	expect_in_target(_metadata, &r[1], target);
	EXPECT_EQ(0, holder_stop(target, release_fd));
}

/* --- bad input: exit 2 and a message naming the problem ---------------- */

static const struct {
	const char *why;
	const char *args[6];
} bad_usage[] = {
	{ "no arguments", { NULL } },
	{ "unknown option", { "--bogus", "--", "true", NULL } },
	{ "-t without a value", { "-t", NULL } },
	{ "-t not a number", { "-t", "abc", "true", NULL } },
	{ "-t zero", { "-t", "0", "true", NULL } },
	{ "-t negative", { "-t", "-3", "true", NULL } },
	{ "-t out of range", { "-t", "99999999999", "true", NULL } },
	{ "-t trailing junk", { "-t", "1x", "true", NULL } },
	{ "-T without -t", { "-T", "net", "true", NULL } },
	{ "-T unknown type", { "-t", "1", "-T", "net,nope", "true", NULL } },
	{ "no program", { "-t", "1", NULL } },
	{ "nothing to join", { "--", "true", NULL } },
};

TEST_F(nsjoin, bad_usage_exits_2_with_a_message)
{
	char err[1024];

	for (size_t i = 0; i < ARRAY_SIZE(bad_usage); i++) {
		int status = run_nsjoin(self->nsjoin, bad_usage[i].args, -1,
					err, sizeof(err));

		EXPECT_EQ(2, status)
		TH_LOG("%s: exit %d, stderr '%s'", bad_usage[i].why, status,
		       err);
		EXPECT_EQ(0, strncmp(err, "nsjoin: ", 8))
		TH_LOG("%s: stderr '%s'", bad_usage[i].why, err);
	}
}

/* A usable command line naming something unusable: nsjoin's own 125. */
TEST_F(nsjoin, unusable_target_exits_125)
{
	char err[1024], gone[16];
	pid_t pid;
	int status;

	status = run_nsjoin(self->nsjoin,
			    (const char *[]){ "-n", "/dev/null", "true", NULL },
			    -1, err, sizeof(err));
	EXPECT_EQ(125, status)
	TH_LOG("nsjoin -n /dev/null: exit %d, stderr '%s'", status, err);
	EXPECT_NE(NULL, strstr(err, "NS_GET_NSTYPE"));

	pid = fork_child();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(0);
	ASSERT_EQ(0, wait_child(pid));
	snprintf(gone, sizeof(gone), "%d", pid);
	status = run_nsjoin(self->nsjoin,
			    (const char *[]){ "-t", gone, "true", NULL }, -1,
			    err, sizeof(err));
	EXPECT_EQ(125, status)
	TH_LOG("nsjoin -t %s (reaped): exit %d, stderr '%s'", gone, status,
	       err);
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], REPORT_ARG))
		return report_main(argv[2]);
	return test_harness_run(argc, argv);
}

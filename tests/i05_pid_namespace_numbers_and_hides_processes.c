// SPDX-License-Identifier: GPL-2.0
/*
 * I05 (isolation): a pid namespace counts from 1 and hides the outside.
 * Rule: the first process of a new pid namespace is PID 1 and its getppid()
 *   is 0; processes outside are not there for it (kill() gives ESRCH, and a
 *   /proc mounted inside lists the members only), while the parent's
 *   namespace sees every member under a pid of its own; /proc/PID/status
 *   NSpid lists one pid per level; an orphan is reparented to the
 *   namespace's init; init ignores a signal from inside for which it has no
 *   handler, SIGKILL and SIGSTOP included, while SIGKILL from the parent
 *   namespace kills it; a signal sent from outside shows si_pid 0.
 * Man: pid_namespaces(7) ("The namespace init process", "Nesting PID
 *   namespaces", "Translation of PIDs"); proc(5) (/proc/PID/status NSpid);
 *   getppid(2); kill(2) (ERRORS: ESRCH).
 * Man-page errata: none.
 * The article: silent (CLONE_NEWPID is not even named).
 * Since: 2.6.24 (pid namespaces); 4.1 (NSpid); 5.3 (pidfd_open, used to
 *   see an orphan's parent exit).
 * Exceptions: none needs host root; as nobody every case runs as root of a
 *   new user namespace.  The /proc case mounts proc in a mount namespace of
 *   its own and SKIPs when a container masks /proc (EPERM as a user
 *   namespace's root).  No case waits on time: the signal cases order the
 *   sends and the checks through pipes, and a signal that init ignores is
 *   dropped when it is sent, so "init read the pipe after the kill() calls
 *   returned" proves it was not delivered.
 */
#include <poll.h>
#include <dirent.h>

#include "isolation.h"

#define REQUIRE_PID_ADMIN()                         \
	do {                                        \
		REQUIRE_NS_TYPE(&ns_types[NS_pid]); \
		REQUIRE_NS_ADMIN();                 \
	} while (0)

static void check_pid_1(void *arg, int report)
{
	(void)arg;
	if (getpid() != 1 || getppid() != 0)
		child_fail(report,
			   "first process: getpid() %d, getppid() %d; "
			   "expected 1 and 0",
			   getpid(), getppid());
}

TEST(first_process_is_pid_1_with_parent_pid_0)
{
	REQUIRE_PID_ADMIN();
	RUN_CLONE_CHILD_OK(CLONE_NEWPID, check_pid_1, NULL);
}

static void kill_outside(void *arg, int report)
{
	pid_t parent = *(pid_t *)arg;

	if (kill(parent, 0) == 0 || errno != ESRCH)
		child_fail(report,
			   "kill(%d, 0) of the parent outside: %s, "
			   "expected ESRCH",
			   parent, strerror(errno));
}

/* The test's own pid, seen from inside, names no process. */
TEST(process_outside_is_invisible_to_kill_inside)
{
	pid_t self = getpid();

	REQUIRE_PID_ADMIN();
	ASSERT_EQ(0, kill(self, 0));
	RUN_CLONE_CHILD_OK(CLONE_NEWPID, kill_outside, &self);
}

/* The numeric entries of /proc, space-separated. */
static void proc_pids(char *buf, size_t len)
{
	struct dirent *d;
	size_t used = 0;
	DIR *dp = opendir("/proc");

	buf[0] = '\0';
	if (!dp)
		return;
	while ((d = readdir(dp)))
		if (d->d_name[0] >= '1' && d->d_name[0] <= '9')
			used += snprintf(buf + used,
					 used < len ? len - used : 0, "%s%s",
					 used ? " " : "", d->d_name);
	closedir(dp);
}

static void list_proc_inside(void *arg, int report)
{
	char pids[256];
	int go[2];
	pid_t m;

	(void)arg;
	/* Only a real child, init of its namespace, may touch mounts. */
	if (getpid() != 1)
		child_fail(report, "not init of a new pid namespace (pid %d)",
			   getpid());
	if (make_mounts_private())
		child_fail(report, "making mounts private: %s",
			   strerror(errno));
	if (mount("proc", "/proc", "proc", 0, NULL)) {
		if (errno == EPERM && !have_host_root())
			child_skip(report,
				   "mount(proc) as root of a user "
				   "namespace: EPERM (a container masks "
				   "part of /proc)");
		child_fail(report, "mount(proc): %s", strerror(errno));
	}
	if (pipe2(go, O_CLOEXEC))
		child_fail(report, "pipe: %s", strerror(errno));
	m = fork_child();
	if (m == 0) {
		close(go[1]);
		sync_wait(go[0]);
		_exit(0);
	}
	close(go[0]);
	proc_pids(pids, sizeof(pids));
	close(go[1]);
	wait_child(m);
	if (m != 2 || strcmp(pids, "1 2"))
		child_fail(report,
			   "/proc inside lists \"%s\", expected the "
			   "members \"1 2\" (member pid %d)",
			   pids, m);
}

TEST(proc_mounted_inside_lists_only_the_members)
{
	REQUIRE_PID_ADMIN();
	RUN_CLONE_CHILD_OK(CLONE_NEWPID | CLONE_NEWNS, list_proc_inside, NULL);
}

/* NSpid of /proc/@pid/status (0: self) as text, or "" on error. */
static void nspid(pid_t pid, char *buf, size_t len)
{
	char path[64], text[4096], *line;

	buf[0] = '\0';
	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/status", pid);
	else
		snprintf(path, sizeof(path), "/proc/self/status");
	if (read_text(path, text, sizeof(text)) < 0)
		return;
	line = strstr(text, "\nNSpid:");
	if (line)
		snprintf(buf, len, "%.*s", (int)strcspn(line + 7, "\n"),
			 line + 7);
}

struct nested {
	char g_nspid[128]; /* the grandchild's own reading */
	pid_t g_inner; /* its getpid() */
	pid_t g_in_c; /* its pid in the child's namespace */
	int up, go; /* the grandchild writes up, waits for EOF on go */
};

/* In the child (init of level 1): a grandchild, init of level 2. */
static void __attribute__((noreturn)) make_nested(struct nested *n, int report)
{
	pid_t g = clone_child(CLONE_NEWPID);

	if (g < 0)
		child_refused(report, NS_CALL_CLONE, CLONE_NEWPID, errno);
	if (g == 0) {
		n->g_inner = getpid();
		nspid(0, n->g_nspid, sizeof(n->g_nspid));
		sync_send(n->up);
		sync_wait(n->go);
		_exit(0);
	}
	n->g_in_c = g;
	_exit(wait_child(g) == 0 ? 0 : 1);
}

/*
 * A grandchild two levels down reads its NSpid: one pid per level, the
 * test's first, then the child's namespace's (2), then its own (1); the
 * test finds the same line under the first pid and can signal it.
 */
TEST(parent_sees_members_under_own_pids_and_nspid_lists_each_level)
{
	struct child_result r = { .status = -1 };
	int up = -1, go = -1, report = -1, outer, mid, inner;
	struct child_pipes c;
	char seen[128];
	struct nested *n;
	pid_t pid;

	REQUIRE_PID_ADMIN();
	n = mmap(NULL, sizeof(*n), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, n);
	ASSERT_EQ(0, child_pipes_open(&c));
	pid = clone_child(CLONE_NEWPID);
	if (pid < 0)
		SKIP_IF_ENV_EXPLAINS(return, NS_CALL_CLONE, CLONE_NEWPID,
					   errno);
	ASSERT_EQ(0, child_pipes_keep(&c, pid, &up, &go, &report));
	if (pid == 0) {
		n->up = c.up[1];
		n->go = c.go[0];
		make_nested(n, c.report[1]);
	}
	if (sync_wait(up)) {
		child_report(report, r.msg, sizeof(r.msg));
		close(go);
		r.status = wait_child(pid);
		CHILD_RESULT_OK(&r);
		ASSERT_TRUE(false);
	}
	ASSERT_EQ(3, sscanf(n->g_nspid, "%d %d %d", &outer, &mid, &inner))
	TH_LOG("grandchild's NSpid: \"%s\", expected three pids", n->g_nspid);
	EXPECT_EQ(1, inner);
	EXPECT_EQ(1, n->g_inner);
	EXPECT_EQ(2, mid);
	nspid(outer, seen, sizeof(seen));
	EXPECT_STREQ(n->g_nspid, seen)
	TH_LOG("/proc/%d/status NSpid read by the test: \"%s\"", outer, seen);
	EXPECT_EQ(0, kill(outer, 0))
	TH_LOG("kill(%d, 0) of the grandchild by its outer pid: %s", outer,
	       strerror(errno));
	nspid(pid, seen, sizeof(seen));
	EXPECT_EQ(2, sscanf(seen, "%d %d", &outer, &inner));
	EXPECT_EQ(pid, outer);
	close(go);
	EXPECT_EQ(0, wait_child(pid));
	/* clone()'s return in the child, set before it waited. */
	EXPECT_EQ(n->g_in_c, mid);
	close(up);
	close(report);
	munmap(n, sizeof(*n));
}

/*
 * In init: B forks D and exits once D holds a pidfd on it; D sees B's
 * exit through the pidfd (readable only after the kernel reparented D)
 * and reports its getppid(), which must be init's 1.
 */
static void orphan_under_init(void *arg, int report)
{
	int fds[2], ready[2];
	pid_t b, d = 0, ppid = -1;

	(void)arg;
	if (open_pipes(fds, ready, NULL))
		child_fail(report, "pipe: %s", strerror(errno));
	b = fork_child();
	if (b == 0) {
		d = fork();
		if (d == 0) {
			int pfd = sys_pidfd_open(getppid(), 0);
			struct pollfd p = { .fd = pfd, .events = POLLIN };

			if (pfd < 0) {
				ppid = -errno;
				_exit(write(fds[1], &ppid, sizeof(ppid)) < 0);
			}
			sync_send(ready[1]);
			while (poll(&p, 1, -1) < 0 && errno == EINTR)
				;
			ppid = getppid();
			_exit(write(fds[1], &ppid, sizeof(ppid)) < 0);
		}
		sync_wait(ready[0]);
		_exit(d > 0 ? 0 : 1);
	}
	close(fds[1]);
	close(ready[1]);
	if (b < 0 || wait_child(b) != 0)
		child_fail(report, "the middle process failed");
	if (read(fds[0], &ppid, sizeof(ppid)) != sizeof(ppid))
		child_fail(report, "the orphan did not report");
	while (waitpid(-1, NULL, 0) > 0)
		;
	if (ppid == -ENOSYS)
		child_skip(report, "kernel lacks pidfd_open() (ENOSYS; "
				   "Linux 5.3+)");
	if (ppid != 1)
		child_fail(report,
			   "the orphan's getppid() is %d after its "
			   "parent exited, expected 1 (init)",
			   ppid);
}

TEST(orphan_is_reparented_to_the_namespace_init)
{
	REQUIRE_PID_ADMIN();
	RUN_CLONE_CHILD_OK(CLONE_NEWPID, orphan_under_init, NULL);
}

static const int inside_signals[] = { SIGTERM, SIGINT,	SIGHUP,
				      SIGUSR1, SIGKILL, SIGSTOP };

/*
 * Init without handlers: a member sends it each signal (kill() succeeds),
 * then writes to a pipe init reads.  Init gets there only when none of the
 * signals killed or stopped it, and then none is pending.
 */
static void signals_from_inside(void *arg, int report)
{
	int done[2];
	sigset_t pending;
	pid_t m;
	char c;

	(void)arg;
	if (pipe2(done, O_CLOEXEC))
		child_fail(report, "pipe: %s", strerror(errno));
	m = fork_child();
	if (m == 0) {
		for (size_t i = 0; i < ARRAY_SIZE(inside_signals); i++)
			if (kill(1, inside_signals[i]))
				child_fail(report,
					   "kill(1, %s) from inside: "
					   "%s",
					   strsignal(inside_signals[i]),
					   strerror(errno));
		_exit(write(done[1], "x", 1) == 1 ? 0 : 1);
	}
	close(done[1]);
	if (m < 0 || read(done[0], &c, 1) != 1)
		child_fail(report, "the member did not finish");
	if (wait_child(m) != 0)
		child_fail(report, "the member failed");
	if (sigpending(&pending))
		child_fail(report, "sigpending: %s", strerror(errno));
	for (size_t i = 0; i < ARRAY_SIZE(inside_signals); i++)
		if (sigismember(&pending, inside_signals[i]))
			child_fail(report, "%s is pending in init",
				   strsignal(inside_signals[i]));
}

TEST(init_ignores_unhandled_signals_from_inside_even_sigkill_and_sigstop)
{
	int fds[2], status;
	char msg[512];
	pid_t pid;

	REQUIRE_PID_ADMIN();
	ASSERT_EQ(0, open_pipes(fds, NULL));
	pid = clone_child(CLONE_NEWPID);
	if (pid < 0)
		SKIP_IF_ENV_EXPLAINS(return, NS_CALL_CLONE, CLONE_NEWPID,
					   errno);
	ASSERT_LE(0, pid);
	if (pid == 0) {
		close(fds[0]);
		signals_from_inside(NULL, fds[1]);
		_exit(0);
	}
	close(fds[1]);
	child_report(fds[0], msg, sizeof(msg));
	close(fds[0]);
	/* A stopped init would never read its pipe: WUNTRACED shows it. */
	ASSERT_EQ(pid, waitpid(pid, &status, WUNTRACED));
	if (WIFSTOPPED(status)) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	EXPECT_FALSE(WIFSTOPPED(status))
	TH_LOG("init was stopped by %s from inside",
	       strsignal(WSTOPSIG(status)));
	EXPECT_FALSE(WIFSIGNALED(status))
	TH_LOG("init was killed by %s from inside",
	       strsignal(WTERMSIG(status)));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
	TH_LOG("init: %s", msg);
}

/* A holder init: SIGKILL from the test's namespace ends it. */
TEST(sigkill_from_the_parent_namespace_kills_init)
{
	int release = -1;
	pid_t pid;

	REQUIRE_PID_ADMIN();
	pid = holder_start(CLONE_NEWPID, &release);
	if (pid < 0)
		SKIP_IF_ENV_EXPLAINS(return, NS_CALL_CLONE3, CLONE_NEWPID,
					   -pid);
	ASSERT_LT(0, pid)
	TH_LOG("clone3(CLONE_NEWPID): %s", strerror(-pid));
	ASSERT_EQ(0, kill(pid, SIGKILL))
	TH_LOG("kill(init, SIGKILL): %s", strerror(errno));
	EXPECT_EQ(128 + SIGKILL, wait_child(pid));
	close(release);
}

/*
 * Init blocks SIGUSR1 and SIGUSR2 and takes them with sigwaitinfo(): the
 * one the test sends from outside has si_pid 0, the one a member sends
 * has the member's pid inside.
 */
static void __attribute__((noreturn)) siginfo_init(int up, int report)
{
	siginfo_t si;
	sigset_t set;
	pid_t m;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	if (sigprocmask(SIG_BLOCK, &set, NULL) || sync_send(up))
		child_fail(report, "sigprocmask: %s", strerror(errno));
	sigdelset(&set, SIGUSR2);
	if (sigwaitinfo(&set, &si) != SIGUSR1)
		child_fail(report, "sigwaitinfo: %s", strerror(errno));
	if (si.si_pid != 0 || si.si_code != SI_USER)
		child_fail(report,
			   "SIGUSR1 from outside: si_pid %d, si_code "
			   "%d; expected 0 and SI_USER",
			   si.si_pid, si.si_code);
	m = fork_child();
	if (m == 0)
		_exit(kill(1, SIGUSR2) ? 1 : 0);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	if (m < 0 || sigwaitinfo(&set, &si) != SIGUSR2)
		child_fail(report, "sigwaitinfo: %s", strerror(errno));
	if (si.si_pid != m)
		child_fail(report, "SIGUSR2 from member %d: si_pid %d", m,
			   si.si_pid);
	_exit(wait_child(m) == 0 ? 0 : 1);
}

TEST(signal_from_outside_shows_si_pid_0_inside)
{
	struct child_result r = { .status = -1 };
	int up = -1, go = -1, report = -1;
	struct child_pipes c;
	pid_t pid;

	REQUIRE_PID_ADMIN();
	ASSERT_EQ(0, child_pipes_open(&c));
	pid = clone_child(CLONE_NEWPID);
	if (pid < 0)
		SKIP_IF_ENV_EXPLAINS(return, NS_CALL_CLONE, CLONE_NEWPID,
					   errno);
	ASSERT_EQ(0, child_pipes_keep(&c, pid, &up, &go, &report));
	if (pid == 0)
		siginfo_init(c.up[1], c.report[1]);
	if (sync_wait(up) == 0)
		EXPECT_EQ(0, kill(pid, SIGUSR1));
	child_report(report, r.msg, sizeof(r.msg));
	close(go);
	r.status = wait_child(pid);
	CHILD_RESULT_OK(&r);
	close(up);
	close(report);
}

TEST_HARNESS_MAIN

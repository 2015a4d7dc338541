// SPDX-License-Identifier: GPL-2.0
/*
 * U09 (selftests): when a pid namespace's init exits, its members die and
 * fork() into it gives ENOMEM.
 *
 * Rule: when PID 1 of a pid namespace exits, the kernel sends SIGKILL to
 * every other process of the namespace, even one that ignores SIGTERM and
 * SIGHUP (SIGKILL cannot be ignored), and from then on no process can be
 * created in it: fork() into it fails with ENOMEM, also for a caller whose
 * pid_for_children or open /proc/PID/ns/pid still names it.
 *
 * Man: pid_namespaces(7), "The namespace init process".
 *
 * Man-page errata: none.
 *
 * The article: keeping a namespace open lets new processes join it later.
 * Not for pid once its init is gone: the namespace stays open but no
 * process can enter.
 *
 * Since: 3.8 (ENOMEM for fork() into a dead pid namespace).
 *
 * Exceptions: none.
 */
#include "common.h"

/*
 * The caller's ends of the pipes.  Every child closes the ends it does not
 * use, so that each read() it blocks in ends with end of file when the test
 * process dies: no process outlives a failed test.
 */
struct pidns_members {
	pid_t init; /* PID 1 of the namespace, our child */
	pid_t member; /* PID 2 of the namespace, our child too */
	int init_go; /* write end: PID 1 exits when this is closed */
	int report; /* read end: PID 1 sends its getpid() */
	int hold; /* write end: PID 2 blocks until it is closed */
};

/* PID 1: reports its pid as seen inside, then exits when told to. */
static void __attribute__((noreturn)) run_init(int report_fd, int go_fd)
{
	pid_t self = getpid();

	if (write(report_fd, &self, sizeof(self)) != sizeof(self))
		_exit(2);
	close(report_fd);
	sync_wait(go_fd);
	_exit(0);
}

/* Another member: ignores what it can, blocks until killed or orphaned. */
static void __attribute__((noreturn)) run_member(int hold_fd)
{
	signal(SIGTERM, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	sync_wait(hold_fd);
	_exit(0);
}

/*
 * Fork PID 1 and PID 2 into the namespace the caller's pid_for_children
 * names.
 */
static int start_members(struct pidns_members *m)
{
	int go[2], report[2], hold[2];

	if (open_pipes(go, report, hold, NULL))
		return -errno;
	fflush(NULL);
	m->init = fork_child();
	if (m->init < 0)
		return -errno;
	if (m->init == 0) {
		close(go[1]);
		close(report[0]);
		close(hold[0]);
		close(hold[1]);
		run_init(report[1], go[0]);
	}
	close(go[0]);
	close(report[1]);
	m->init_go = go[1];
	m->report = report[0];
	m->hold = hold[1];
	m->member = fork_child();
	if (m->member < 0)
		return -errno;
	if (m->member == 0) {
		close(m->init_go);
		close(m->report);
		close(m->hold);
		run_member(hold[0]);
	}
	close(hold[0]);
	return 0;
}

/* Let PID 1 exit; return how PID 2 ended (wait_child() encoding). */
static int end_init(struct pidns_members *m, int *init_status)
{
	int member_status;

	close(m->init_go);
	/* PID 1's exit waits for PID 2 to be reaped: reap PID 2 first. */
	member_status = wait_child(m->member);
	*init_status = wait_child(m->init);
	return member_status;
}

static void check_init_exit(struct __test_metadata *_metadata,
			    struct pidns_members *m)
{
	int init_status, member_status;
	pid_t inner = 0;

	ASSERT_EQ(sizeof(inner), read(m->report, &inner, sizeof(inner)));
	close(m->report);
	ASSERT_EQ(1, inner)
	TH_LOG("pid: the first child of a new pid namespace has pid %d inside, "
	       "expected 1",
	       inner);
	member_status = end_init(m, &init_status);
	EXPECT_EQ(0, init_status);
	EXPECT_EQ(128 + SIGKILL, member_status)
	TH_LOG("pid: after PID 1 exited, the other member ended with status "
	       "%d, expected SIGKILL (%d)",
	       member_status, 128 + SIGKILL);
}

/* fork() into the dead namespace: must fail with ENOMEM, create nothing. */
static void check_fork_refused(struct __test_metadata *_metadata)
{
	pid_t pid;

	fflush(NULL);
	pid = fork_child();
	if (pid == 0)
		_exit(0);
	if (pid > 0)
		wait_child(pid);
	EXPECT_EQ(-1, pid)
	TH_LOG("pid: fork() into a pid namespace whose init has exited "
	       "succeeded (pid %d)",
	       pid);
	EXPECT_EQ(ENOMEM, errno)
	TH_LOG("pid: fork() into a dead pid namespace: %s, expected ENOMEM",
	       strerror(errno));
	EXPECT_EQ(-1, waitpid(-1, NULL, WNOHANG));
	EXPECT_EQ(ECHILD, errno);
}

/*
 * unshare(CLONE_NEWPID): the caller's next child is PID 1, the one after
 * it PID 2.  PID 1 exits; PID 2 is killed; the caller's pid_for_children
 * still names the namespace, and its fork() now fails.
 */
TEST(init_exit_kills_members_then_fork_gives_enomem)
{
	struct pidns_members m = {};
	int ret;

	REQUIRE_NS_TYPE(&ns_types[NS_pid]);
	REQUIRE_NS_ADMIN();
	REQUIRE_UNSHARE(CLONE_NEWPID);
	ret = start_members(&m);
	ASSERT_EQ(0, ret)
	TH_LOG("pid: fork into the new namespace: %s", strerror(-ret));
	check_init_exit(_metadata, &m);
	check_fork_refused(_metadata);
	close(m.hold);
}

/* A fork() that works: the control before the namespace is joined. */
static int fork_works(void)
{
	pid_t pid;

	fflush(NULL);
	pid = fork_child();
	if (pid < 0)
		return -errno;
	if (pid == 0)
		_exit(0);
	return wait_child(pid);
}

/*
 * PID 1 of a new namespace made by clone(CLONE_NEWPID); the caller's
 * pid_for_children does not change.  Returns the pid, or -errno.
 */
static pid_t clone_init(int *report_fd, int *go_fd)
{
	int go[2], report[2];
	pid_t pid;

	if (open_pipes(go, report, NULL))
		return -errno;
	fflush(NULL);
	pid = clone_child(CLONE_NEWPID);
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		close(go[1]);
		close(report[0]);
		run_init(report[1], go[0]);
	}
	close(go[0]);
	close(report[1]);
	*report_fd = report[0];
	*go_fd = go[1];
	return pid;
}

/*
 * The same through setns(): an fd of the namespace, taken while its init
 * was alive, still joins it as pid_for_children after the init exited;
 * the caller's fork() worked before that setns() and fails after it.
 */
TEST(setns_into_pidns_after_init_exit_then_fork_gives_enomem)
{
	int report = -1, go = -1, nsfd;
	pid_t init, inner = 0;
	char path[64];

	REQUIRE_NS_TYPE(&ns_types[NS_pid]);
	REQUIRE_NS_ADMIN();
	init = clone_init(&report, &go);
	if (init < 0)
		SKIP_IF_ENV_EXPLAINS(return, NS_CALL_CLONE, CLONE_NEWPID,
					   -init);
	ASSERT_LT(0, init)
	TH_LOG("pid: clone(CLONE_NEWPID): %s", strerror(-init));
	snprintf(path, sizeof(path), "/proc/%d/ns/pid", init);
	nsfd = open(path, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, nsfd)
	TH_LOG("pid: open(%s): %s", path, strerror(errno));
	ASSERT_EQ(sizeof(inner), read(report, &inner, sizeof(inner)));
	ASSERT_EQ(1, inner);
	close(go);
	EXPECT_EQ(0, wait_child(init));
	ASSERT_EQ(0, fork_works());

	EXPECT_EQ(0, sys_setns(nsfd, CLONE_NEWPID))
	TH_LOG("pid: setns(fd of a pid namespace whose init exited, "
	       "CLONE_NEWPID): %s",
	       strerror(errno));
	check_fork_refused(_metadata);
	close(nsfd);
	close(report);
}

TEST_HARNESS_MAIN

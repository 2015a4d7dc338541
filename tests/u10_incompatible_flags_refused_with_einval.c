// SPDX-License-Identifier: GPL-2.0
/*
 * U10 (selftests): incompatible flag combinations are refused with EINVAL,
 * changing nothing.
 *
 * Rule: unshare() of a user namespace by a multithreaded process; clone()
 * of a new user or mount namespace together with CLONE_FS; a new pid or user
 * namespace for a thread (CLONE_THREAD); a new IPC namespace while sharing
 * System V semaphore undo lists (CLONE_SYSVSEM): each is refused outright
 * with EINVAL, no child is made, and every namespace of the caller (and its
 * *_for_children) is as it was.
 *
 * Man: unshare(2) and clone(2), EINVAL.
 *
 * Man-page errata: none.
 *
 * The article: silent.
 *
 * Since: user 3.8; the others with their namespace types.
 *
 * Exceptions: the CLONE_NEWIPC | CLONE_SYSVSEM check comes after the
 * privilege check, so the tests gain CAP_SYS_ADMIN (root, or a user
 * namespace) first.
 */
#include <pthread.h>

#include "common.h"

struct refused_clone {
	const char *name;
	unsigned long flags;
	int exit_signal;
};

static const struct refused_clone refused_clones[] = {
	{ "CLONE_NEWUSER|CLONE_FS", CLONE_NEWUSER | CLONE_FS, SIGCHLD },
	{ "CLONE_NEWNS|CLONE_FS", CLONE_NEWNS | CLONE_FS, SIGCHLD },
	{ "CLONE_NEWIPC|CLONE_SYSVSEM", CLONE_NEWIPC | CLONE_SYSVSEM, SIGCHLD },
	/* A thread: CLONE_THREAD needs CLONE_SIGHAND, which needs CLONE_VM. */
	{ "CLONE_NEWPID|CLONE_THREAD",
	  CLONE_NEWPID | CLONE_THREAD | CLONE_SIGHAND | CLONE_VM, 0 },
	{ "CLONE_NEWUSER|CLONE_THREAD",
	  CLONE_NEWUSER | CLONE_THREAD | CLONE_SIGHAND | CLONE_VM, 0 },
};

/* Runs only if the kernel wrongly accepts a case: exits at once. */
static int accepted_child(void *arg)
{
	(void)arg;
	return 0;
}

/*
 * glibc's clone() gives the child its own stack, so that a case the kernel
 * wrongly accepts (a thread included) cannot corrupt the caller's.
 */
static char child_stack[64 * 1024] __attribute__((aligned(16)));

TEST(clone_refuses_incompatible_flags_and_changes_nothing)
{
	struct ns_snapshot before, after;
	const struct ns_type *changed;

	REQUIRE_NS_ADMIN();
	for (size_t i = 0; i < ARRAY_SIZE(refused_clones); i++) {
		const struct refused_clone *c = &refused_clones[i];
		int ret;

		ASSERT_EQ(0, ns_snapshot_take(&before));
		fflush(NULL);
		ret = clone(accepted_child, child_stack + sizeof(child_stack),
			    c->flags | c->exit_signal, NULL);
		if (ret < 0 && errno != EINVAL)
			SKIP_IF_ENV_EXPLAINS(return, NS_CALL_CLONE, c->flags,
						   errno);
		EXPECT_EQ(-1, ret)
		TH_LOG("clone(%s) was accepted (child %d)", c->name, ret);
		EXPECT_EQ(EINVAL, errno)
		TH_LOG("clone(%s) failed with %s, expected EINVAL", c->name,
		       strerror(errno));
		if (ret > 0 && c->exit_signal)
			wait_child(ret);
		ASSERT_EQ(0, ns_snapshot_take(&after));
		changed = ns_snapshot_diff(&before, &after);
		EXPECT_EQ(NULL, changed)
		TH_LOG("clone(%s) was refused but changed the caller's %s "
		       "namespace",
		       c->name, changed ? changed->name : "?");
	}
	/* No case left a child behind. */
	EXPECT_EQ(-1, waitpid(-1, NULL, WNOHANG));
	EXPECT_EQ(ECHILD, errno);
}

static void *blocked_thread(void *arg)
{
	sync_wait(*(int *)arg);
	return NULL;
}

/* Whether a single-threaded child may unshare(CLONE_NEWUSER): -errno or 0. */
static int single_threaded_unshare_user(void)
{
	pid_t pid;
	int ret;

	fflush(NULL);
	pid = fork_child();
	if (pid < 0)
		return -errno;
	if (pid == 0)
		_exit(sys_unshare(CLONE_NEWUSER) ? errno : 0);
	ret = wait_child(pid);
	return ret < 0 ? ret : -ret;
}

/*
 * unshare(CLONE_NEWUSER) implies CLONE_THREAD and CLONE_FS: with a second
 * thread alive, it fails with EINVAL and the user namespace stays.  A
 * single-threaded child of the same process may do it (the control).
 */
TEST(unshare_user_in_multithreaded_process_gives_einval)
{
	struct ns_snapshot before, after;
	const struct ns_type *changed;
	pthread_t thread;
	int block[2], ret;

	ret = single_threaded_unshare_user();
	SKIP_IF_ENV_EXPLAINS(return, NS_CALL_UNSHARE, CLONE_NEWUSER, -ret);
	ASSERT_EQ(0, ret)
	TH_LOG("user: unshare(CLONE_NEWUSER) in a single-threaded child: %s",
	       ret < 0 ? strerror(-ret) : "killed");
	ASSERT_EQ(0, pipe2(block, O_CLOEXEC));
	ASSERT_EQ(0, pthread_create(&thread, NULL, blocked_thread, &block[0]));
	ASSERT_EQ(0, ns_snapshot_take(&before));

	EXPECT_EQ(-1, sys_unshare(CLONE_NEWUSER));
	EXPECT_EQ(EINVAL, errno)
	TH_LOG("user: unshare(CLONE_NEWUSER) with two threads: %s, expected "
	       "EINVAL",
	       strerror(errno));
	ASSERT_EQ(0, ns_snapshot_take(&after));
	changed = ns_snapshot_diff(&before, &after);
	EXPECT_EQ(NULL, changed)
	TH_LOG("the refused unshare(CLONE_NEWUSER) changed the %s namespace",
	       changed ? changed->name : "?");

	ASSERT_EQ(0, sync_send(block[1]));
	ASSERT_EQ(0, pthread_join(thread, NULL));
	close(block[0]);
	close(block[1]);
}

TEST_HARNESS_MAIN

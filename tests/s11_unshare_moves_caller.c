// SPDX-License-Identifier: GPL-2.0
/*
 * S11 (article claim): unshare() moves the caller into a new namespace
 * without creating a process.
 *
 * Rule: after unshare(CLONE_NEWxxx) getpid() is unchanged and
 * /proc/self/ns/TYPE names a namespace that did not exist before.  For pid
 * and time the caller stays where it was: only pid_for_children /
 * time_for_children change, and the caller's next child is the first member
 * (for pid, PID 1).  A second unshare(CLONE_NEWPID) fails with EINVAL, before
 * and after that first child exists; for the other types a second unshare()
 * makes yet another new namespace.
 *
 * Man: unshare(2), namespaces(7), pid_namespaces(7) ("may call unshare(2)
 * with the CLONE_NEWPID flag only once").
 *
 * Man-page errata: namespaces(7) and pid_namespaces(7) say pid_for_children
 * is an empty link until the first child exists; readlink() fails with
 * ENOENT instead (up to 6.x; 7.x names the new namespace at once).
 *
 * The article: unshare() is used to leave a namespace; it creates a new
 * namespace and makes the caller a member, without a new process or thread.
 * "Leave" is wrong: the caller steps into a namespace never seen before, not
 * out into an outer one; and for pid and time it is not made a member.
 *
 * Since: 2.6.16 (unshare()); pid and user 3.8; cgroup 4.6; time 5.6.
 *
 * Exceptions: pid and time (children only); pid only once per process.
 */
#include "common.h"

/* Whether unshare() moves the caller itself (false: only its children). */
static bool unshare_moves_caller(const struct ns_type *t)
{
	return t->flag != CLONE_NEWPID && t->flag != CLONE_NEWTIME;
}

FIXTURE(unshare_caller)
{
	struct ns_snapshot before;
	pid_t pid;
};

FIXTURE_VARIANT(unshare_caller)
{
	const struct ns_type *ns;
};

NS_VARIANTS(unshare_caller);

FIXTURE_SETUP(unshare_caller)
{
	const struct ns_type *t = variant->ns;

	REQUIRE_NS_TYPE(t);
	REQUIRE_NS_ADMIN();
	self->pid = getpid();
	ASSERT_EQ(0, ns_snapshot_take(&self->before));
	ASSERT_EQ(0, sys_unshare(t->flag))
	TH_LOG("unshare(%s): %s", t->flag_name, strerror(errno));
}

FIXTURE_TEARDOWN(unshare_caller)
{
}

TEST_F(unshare_caller, same_process_new_namespace_others_unchanged)
{
	const struct ns_type *t = variant->ns;
	size_t i = t - ns_types;
	struct ns_snapshot after;

	EXPECT_EQ(self->pid, getpid());
	ASSERT_EQ(0, ns_snapshot_take(&after));

	EXPECT_FALSE(same_inode(&self->before.children[i], &after.children[i]))
	TH_LOG("/proc/self/ns/%s did not change after unshare(%s)",
	       t->children_name, t->flag_name);
	EXPECT_EQ(unshare_moves_caller(t),
		  !same_inode(&self->before.own[i], &after.own[i]))
	TH_LOG("the caller's own %s namespace %s", t->name,
	       unshare_moves_caller(t) ? "did not change" : "changed");

	/* No other type changed. */
	after.own[i] = self->before.own[i];
	after.children[i] = self->before.children[i];
	EXPECT_EQ(NULL, ns_snapshot_diff(&self->before, &after));
}

/* The first child made after unshare() is in the new namespace. */
struct child_view {
	struct stat ns; /* the child's own /proc/self/ns/TYPE */
	pid_t pid; /* its getpid() */
};

TEST_F(unshare_caller, next_child_enters_new_namespace)
{
	const struct ns_type *t = variant->ns;
	struct child_view view;
	int report[2];
	struct stat want;
	pid_t child;

	ASSERT_EQ(0, pipe2(report, O_CLOEXEC));
	fflush(stdout);
	fflush(stderr);
	child = fork_child();
	ASSERT_LE(0, child);
	if (child == 0) {
		view.pid = getpid();
		if (ns_stat(0, t->name, &view.ns))
			_exit(1);
		_exit(write(report[1], &view, sizeof(view)) == sizeof(view) ?
			      0 :
			      1);
	}
	close(report[1]);
	ASSERT_EQ(sizeof(view), read(report[0], &view, sizeof(view)));
	close(report[0]);
	/* With the child alive, pid_for_children resolves too. */
	ASSERT_EQ(0, ns_stat(0, t->children_name, &want));
	EXPECT_TRUE(same_inode(&want, &view.ns))
	TH_LOG("child's %s namespace %lu, caller's %s %lu", t->name,
	       (unsigned long)view.ns.st_ino, t->children_name,
	       (unsigned long)want.st_ino);
	EXPECT_FALSE(same_inode(&self->before.own[t - ns_types], &view.ns));
	/* In a new pid namespace the first child is its init, PID 1. */
	EXPECT_EQ(t->flag == CLONE_NEWPID ? 1 : child, view.pid);
	EXPECT_EQ(0, wait_child(child));
}

/*
 * pid: no init yet, so before a fork pid_for_children is ENOENT (6.x) or
 * already the new namespace (7.x), never the caller's own.  (The name
 * predates 7.x; it stays because results and docs refer to it.)
 */
TEST(pid_for_children_unresolvable_until_first_child)
{
	struct stat own, st;
	int err;

	REQUIRE_NS_TYPE(&ns_types[NS_pid]);
	REQUIRE_NS_ADMIN();
	ASSERT_EQ(0, ns_stat(0, "pid", &own));
	ASSERT_EQ(0, sys_unshare(CLONE_NEWPID))
	TH_LOG("unshare(CLONE_NEWPID): %s", strerror(errno));
	err = ns_stat(0, "pid_for_children", &st) ? errno : 0;
	if (err) {
		EXPECT_EQ(ENOENT, err)
		TH_LOG("stat(/proc/self/ns/pid_for_children) before the first "
		       "child: %s, expected ENOENT or the new namespace",
		       strerror(err));
		return;
	}
	EXPECT_FALSE(same_inode(&own, &st))
	TH_LOG("after unshare(CLONE_NEWPID) pid_for_children is still the "
	       "caller's pid namespace, inode %lu",
	       (unsigned long)st.st_ino);
	if (!same_inode(&own, &st))
		ksft_print_msg(
			"this kernel: pid_for_children names the new pid "
			"namespace before its init exists\n");
}

/*
 * A second unshare() is not a step further "out": it creates another new
 * namespace, distinct from the original and from the first new one.  (pid
 * is left out: its new namespace has no inode to compare before a fork.)
 */
FIXTURE(unshare_twice){};

/*
 * unshare(t->flag), for user with maps: a user namespace can nest only
 * when the caller's uid and gid are mapped in the current one (EPERM).
 */
static int unshare_again(const struct ns_type *t)
{
	int ret;

	if (t->flag != CLONE_NEWUSER)
		return sys_unshare(t->flag);
	ret = become_userns_root();
	errno = -ret;
	return ret ? -1 : 0;
}

FIXTURE_VARIANT(unshare_twice)
{
	const struct ns_type *ns;
};

NS_VARIANT(unshare_twice, cgroup);
NS_VARIANT(unshare_twice, ipc);
NS_VARIANT(unshare_twice, mnt);
NS_VARIANT(unshare_twice, net);
NS_VARIANT(unshare_twice, time);
NS_VARIANT(unshare_twice, user);
NS_VARIANT(unshare_twice, uts);

FIXTURE_SETUP(unshare_twice)
{
	REQUIRE_NS_TYPE(variant->ns);
	REQUIRE_NS_ADMIN();
}

FIXTURE_TEARDOWN(unshare_twice)
{
}

TEST_F(unshare_twice, each_unshare_creates_another_namespace)
{
	const struct ns_type *t = variant->ns;
	struct stat st[3];

	ASSERT_EQ(0, ns_stat(0, t->children_name, &st[0]));
	for (int n = 1; n < 3; n++) {
		ASSERT_EQ(0, unshare_again(t))
		TH_LOG("unshare(%s) #%d: %s", t->flag_name, n, strerror(errno));
		ASSERT_EQ(0, ns_stat(0, t->children_name, &st[n]));
	}
	EXPECT_FALSE(same_inode(&st[0], &st[1]));
	EXPECT_FALSE(same_inode(&st[1], &st[2]));
	EXPECT_FALSE(same_inode(&st[0], &st[2]));
}

TEST_HARNESS_MAIN

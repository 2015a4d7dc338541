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
}

FIXTURE_TEARDOWN(unshare_caller)
{
}

TEST_F(unshare_caller, same_process_new_namespace_others_unchanged)
{
	const struct ns_type *t = variant->ns;
	size_t i = t - ns_types;
	struct ns_snapshot after;
	int ret;

	ret = sys_unshare(t->flag);
	SKIP_IF_ENV_REFUSED(return, NS_CALL_UNSHARE, t->flag, ret);
	ASSERT_EQ(0, ret)
	TH_LOG("unshare(%s): %s", t->flag_name, strerror(errno));
	EXPECT_EQ(self->pid, getpid())
	TH_LOG("unshare() made a new process: pid %d, was %d", getpid(),
	       self->pid);
	ASSERT_EQ(0, ns_snapshot_take(&after));
	ns_observe(
		"unshare(%s): pid %d before and after; %s %lu -> %lu, own %s "
		"%lu -> %lu",
		t->flag_name, getpid(), t->children_name,
		(unsigned long)self->before.children[i].st_ino,
		(unsigned long)after.children[i].st_ino, t->name,
		(unsigned long)self->before.own[i].st_ino,
		(unsigned long)after.own[i].st_ino);

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
	EXPECT_EQ(NULL, ns_snapshot_diff(&self->before, &after))
	TH_LOG("unshare(%s) also changed another namespace type", t->flag_name);
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
	int ret;

	ret = sys_unshare(t->flag);
	SKIP_IF_ENV_REFUSED(return, NS_CALL_UNSHARE, t->flag, ret);
	ASSERT_EQ(0, ret)
	TH_LOG("unshare(%s): %s", t->flag_name, strerror(errno));
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
	EXPECT_FALSE(same_inode(&self->before.own[t - ns_types], &view.ns))
	TH_LOG("the child is still in the caller's old %s namespace", t->name);
	ns_observe("first child after unshare(%s): pid %d (%d outside) in "
		   "%s:[%lu]",
		   t->flag_name, view.pid, child, t->name,
		   (unsigned long)view.ns.st_ino);
	/* In a new pid namespace the first child is its init, PID 1. */
	EXPECT_EQ(t->flag == CLONE_NEWPID ? 1 : child, view.pid)
	TH_LOG("the first child sees itself as pid %d", view.pid);
	EXPECT_EQ(0, wait_child(child));
}

/*
 * pid: no init yet, so before a fork pid_for_children is ENOENT (6.x; the
 * man pages say an empty link) or already the new namespace (7.x), never
 * the caller's own.
 */
TEST(pid_for_children_is_enoent_or_new_until_first_child)
{
	struct stat own, st;
	int err;

	REQUIRE_NS_TYPE(&ns_types[NS_pid]);
	REQUIRE_NS_ADMIN();
	ASSERT_EQ(0, ns_stat(0, "pid", &own));
	err = sys_unshare(CLONE_NEWPID);
	SKIP_IF_ENV_REFUSED(return, NS_CALL_UNSHARE, CLONE_NEWPID, err);
	ASSERT_EQ(0, err)
	TH_LOG("unshare(CLONE_NEWPID): %s", strerror(errno));
	err = ns_stat(0, "pid_for_children", &st) ? errno : 0;
	if (err) {
		ns_observe("before the first child, stat(pid_for_children): %s",
			   strerror(err));
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

/* Holds the new pid namespace's init until its pipe closes. */
static pid_t start_pidns_init(int *release)
{
	int fds[2];
	char c;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC))
		return -1;
	fflush(stdout);
	fflush(stderr);
	pid = fork_child();
	if (pid == 0) {
		close(fds[1]);
		_exit(read(fds[0], &c, 1) == 0 ? 0 : 1);
	}
	close(fds[0]);
	*release = fds[1];
	return pid;
}

/*
 * pid_namespaces(7): a process may unshare(CLONE_NEWPID) only once; a
 * second call is EINVAL (unshare(2) ERRORS), before and after the new
 * namespace's init exists, and changes nothing.
 */
TEST(second_unshare_newpid_is_einval_before_and_after_init)
{
	struct stat first, st;
	int release = -1;
	pid_t init;
	int ret;

	REQUIRE_NS_TYPE(&ns_types[NS_pid]);
	REQUIRE_NS_ADMIN();
	ret = sys_unshare(CLONE_NEWPID);
	SKIP_IF_ENV_REFUSED(return, NS_CALL_UNSHARE, CLONE_NEWPID, ret);
	ASSERT_EQ(0, ret)
	TH_LOG("unshare(CLONE_NEWPID): %s", strerror(errno));
	EXPECT_EQ(-1, sys_unshare(CLONE_NEWPID))
	TH_LOG("a second unshare(CLONE_NEWPID) before any child succeeded");
	EXPECT_EQ(EINVAL, errno)
	TH_LOG("second unshare(CLONE_NEWPID): %s, expected EINVAL",
	       strerror(errno));

	init = start_pidns_init(&release);
	ASSERT_LE(0, init);
	ASSERT_EQ(0, ns_stat(0, "pid_for_children", &first));
	EXPECT_EQ(-1, sys_unshare(CLONE_NEWPID))
	TH_LOG("unshare(CLONE_NEWPID) with the new namespace's init alive "
	       "succeeded");
	EXPECT_EQ(EINVAL, errno)
	TH_LOG("unshare(CLONE_NEWPID) after the init: %s, expected EINVAL",
	       strerror(errno));
	ASSERT_EQ(0, ns_stat(0, "pid_for_children", &st));
	EXPECT_TRUE(same_inode(&first, &st))
	TH_LOG("the refused unshare() changed pid_for_children");
	ns_observe("second unshare(CLONE_NEWPID): EINVAL before and after the "
		   "init (pid %d) of pid:[%lu]",
		   init, (unsigned long)first.st_ino);
	close(release);
	EXPECT_EQ(0, wait_child(init));
}

/*
 * For the other types a second unshare() is not a step further "out": it
 * creates another new namespace, distinct from the original and from the
 * first new one.
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
		int ret = unshare_again(t);

		SKIP_IF_ENV_REFUSED(return, NS_CALL_UNSHARE, t->flag, ret);
		ASSERT_EQ(0, ret)
		TH_LOG("unshare(%s) #%d: %s", t->flag_name, n, strerror(errno));
		ASSERT_EQ(0, ns_stat(0, t->children_name, &st[n]));
	}
	ns_observe("%s: %lu, then %lu, then %lu", t->children_name,
		   (unsigned long)st[0].st_ino, (unsigned long)st[1].st_ino,
		   (unsigned long)st[2].st_ino);
	EXPECT_FALSE(same_inode(&st[0], &st[1]))
	TH_LOG("the first unshare(%s) kept the namespace", t->flag_name);
	EXPECT_FALSE(same_inode(&st[1], &st[2]))
	TH_LOG("the second unshare(%s) kept the namespace", t->flag_name);
	EXPECT_FALSE(same_inode(&st[0], &st[2]))
	TH_LOG("the second unshare(%s) went back to the original namespace",
	       t->flag_name);
}

TEST_HARNESS_MAIN

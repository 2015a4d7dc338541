// SPDX-License-Identifier: GPL-2.0
/*
 * U05 (selftests): setns() with a pidfd joins several namespaces at once,
 * all or nothing.
 *
 * Rule: setns(pidfd, flags) joins the given namespaces of another process
 * in one call; when one part is refused, the caller keeps every namespace it
 * had.  flags 0 gives EINVAL; the pidfd of a process that has exited gives
 * ESRCH, zombie or reaped.  It can enter a user namespace and the namespaces
 * it owns together, which the per-file sequence cannot do atomically.  For
 * pid and time it changes pid_for_children and time_for_children, like the
 * file form.
 *
 * Man: setns(2), "Since Linux 5.8, fd may refer to a PID file descriptor"
 * and ERRORS.
 *
 * Man-page errata: setns(2) says ESRCH only for a process that "has
 * terminated and been waited on"; a zombie's pidfd gives ESRCH too.
 *
 * The article: setns() takes a file of /proc/PID/ns (it predates pidfds).
 *
 * Since: 5.8.
 *
 * Exceptions: none.
 */
#include "common.h"

/*
 * Whether setns() takes a pidfd (5.8+; before, a pidfd is no namespace:
 * EINVAL), asked apart from the cases so that an EINVAL in a case is a
 * failure: the caller joins its own uts namespace through its own pidfd,
 * which changes nothing.  EPERM (no CAP_SYS_ADMIN) means it is supported.
 * Returns 0, or -errno of pidfd_open() or setns().
 */
static int pidfd_setns_probe(void)
{
	int pidfd = sys_pidfd_open(getpid(), 0);
	int ret;

	if (pidfd < 0)
		return -errno;
	ret = sys_setns(pidfd, CLONE_NEWUTS) && errno != EPERM ? -errno : 0;
	close(pidfd);
	return ret;
}

#define REQUIRE_PIDFD_SETNS()                                                      \
	do {                                                                       \
		int __ret = pidfd_setns_probe();                                   \
		if (__ret == -ENOSYS)                                              \
			SKIP(return, "pidfd_open() not supported (ENOSYS)");       \
		if (__ret == -EINVAL)                                              \
			SKIP(return,                                               \
				   "setns() with a pidfd not supported (EINVAL)"); \
		ASSERT_EQ(0, __ret)                                                \
		TH_LOG("setns(own pidfd, CLONE_NEWUTS): %s",                       \
		       strerror(-__ret));                                          \
	} while (0)

/* Inodes of every existing type's namespace of a process. */
struct proc_ns {
	struct stat st[NS_COUNT];
	bool exists[NS_COUNT];
};

/* @children: the *_for_children entries, which setns() changes. */
static int proc_ns_take(pid_t pid, bool children, struct proc_ns *s)
{
	for (int i = 0; i < NS_COUNT; i++) {
		const struct ns_type *t = &ns_types[i];

		s->exists[i] = ns_type_exists(t);
		if (s->exists[i] &&
		    ns_stat(pid, children ? t->children_name : t->name,
			    &s->st[i]))
			return -errno;
	}
	return 0;
}

/* The first type in @flags where @a and @b differ, or NULL. */
static const struct ns_type *
first_difference(const struct proc_ns *a, const struct proc_ns *b, int flags)
{
	for (int i = 0; i < NS_COUNT; i++)
		if ((ns_types[i].flag & flags) && a->exists[i] &&
		    !same_inode(&a->st[i], &b->st[i]))
			return &ns_types[i];
	return NULL;
}

static int existing_flags(int flags)
{
	const struct ns_type *t;

	for_each_ns(t)
		if ((flags & t->flag) && !ns_type_exists(t))
			flags &= ~t->flag;
	return flags;
}

struct holder {
	pid_t pid;
	int pidfd;
	int release_fd;
};

/* A child in new namespaces of @flags, via clone3, until released. */
static int hold_in_new_ns(int flags, struct holder *h)
{
	struct nsapi_clone_args args = {
		.flags = flags | CLONE_PIDFD,
		.pidfd = (uintptr_t)&h->pidfd,
		.exit_signal = SIGCHLD,
	};
	int release[2];

	if (pipe2(release, O_CLOEXEC))
		return -errno;
	fflush(NULL);
	h->pid = clone3_child_args(&args, CLONE_ARGS_SIZE_VER0);
	if (h->pid < 0)
		return -errno;
	if (h->pid == 0) {
		close(release[1]);
		sync_wait(release[0]);
		_exit(0);
	}
	close(release[0]);
	h->release_fd = release[1];
	return 0;
}

static int release_holder(struct holder *h)
{
	close(h->release_fd);
	h->release_fd = -1;
	return wait_child(h->pid);
}

#define REQUIRE_HOLDER(ret, flags)                                          \
	do {                                                                \
		if (ret)                                                    \
			SKIP_IF_ENV_EXPLAINS(return, NS_CALL_CLONE3, flags, \
						   -(ret));                 \
		ASSERT_EQ(0, ret)                                           \
		TH_LOG("clone3(flags 0x%x) for the target: %s", (flags),    \
		       strerror(-(ret)));                                   \
	} while (0)

/*
 * One call joins a new user namespace and every namespace it owns: the
 * caller's entries (pid_for_children, time_for_children for pid and time)
 * then name the target's namespaces.  No privilege is needed: the caller
 * owns the target's user namespace.
 */
TEST(several_flags_join_every_namespace_at_once)
{
	int flags = existing_flags(
		CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC |
		CLONE_NEWNET | CLONE_NEWCGROUP | CLONE_NEWPID | CLONE_NEWTIME);
	struct holder h = { .pid = -1, .pidfd = -1, .release_fd = -1 };
	struct proc_ns target, before, after;
	const struct ns_type *t;
	int ret;

	REQUIRE_PIDFD_SETNS();
	ret = hold_in_new_ns(flags, &h);
	REQUIRE_HOLDER(ret, flags);
	ASSERT_EQ(0, proc_ns_take(h.pid, false, &target));
	ASSERT_EQ(0, proc_ns_take(0, true, &before));
	t = first_difference(&before, &target, flags);
	ASSERT_NE(NULL, t)
	TH_LOG("the target is in none of the new namespaces");

	ret = sys_setns(h.pidfd, flags) ? -errno : 0;
	EXPECT_EQ(0, release_holder(&h));
	ASSERT_EQ(0, ret)
	TH_LOG("setns(pidfd, 0x%x): %s", flags, strerror(-ret));
	ASSERT_EQ(0, proc_ns_take(0, true, &after));
	t = first_difference(&after, &target, flags);
	EXPECT_EQ(NULL, t)
	TH_LOG("%s: after setns(pidfd, 0x%x) the caller's %s is not the target's %s",
	       t->name, flags, t->children_name, t->name);
}

/*
 * The caller sits in a pid namespace below the target's: joining that pid
 * namespace is refused (only the own pid namespace or one below it may be
 * entered), so uts, ipc and net, which alone would be joined, stay as they
 * were.  Runs in a grandchild; reports a failure as text.
 */
static void __attribute__((noreturn))
refused_set_changes_nothing(int target_pidfd, const struct proc_ns *target,
			    int report_fd)
{
	const int joinable = CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET;
	const int flags = joinable | CLONE_NEWPID;
	struct ns_snapshot before, after;
	struct proc_ns joined;
	const struct ns_type *t;

	if (ns_snapshot_take(&before))
		child_fail(report_fd, "snapshot: %s", strerror(errno));
	if (sys_setns(target_pidfd, flags) == 0)
		child_fail(
			report_fd,
			"setns(pidfd, uts|ipc|net|pid) into an ancestor pid namespace succeeded");
	if (errno != EINVAL)
		child_fail(
			report_fd,
			"setns(pidfd, uts|ipc|net|pid) into an ancestor pid namespace: %s, expected EINVAL",
			strerror(errno));
	if (ns_snapshot_take(&after))
		child_fail(report_fd, "snapshot: %s", strerror(errno));
	t = ns_snapshot_diff(&before, &after);
	if (t)
		child_fail(
			report_fd,
			"%s: the refused setns(pidfd, uts|ipc|net|pid) changed the caller's %s",
			t->name, t->children_name);
	/* Control: without pid, the same call joins the rest. */
	if (sys_setns(target_pidfd, joinable))
		child_fail(report_fd, "setns(pidfd, uts|ipc|net): %s",
			   strerror(errno));
	if (proc_ns_take(0, true, &joined))
		child_fail(report_fd, "snapshot: %s", strerror(errno));
	t = first_difference(&joined, target, joinable);
	if (t)
		child_fail(
			report_fd,
			"%s: setns(pidfd, uts|ipc|net) did not join the target's",
			t->name);
	_exit(0);
}

/* PID 1 of a new pid namespace, holding a pidfd to itself for its child. */
static void __attribute__((noreturn)) ancestor_target(int report_fd)
{
	const int flags = CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC |
			  CLONE_NEWNET;
	int pidfd = sys_pidfd_open(getpid(), 0);
	struct proc_ns target;
	pid_t pid;

	if (pidfd < 0)
		child_fail(report_fd, "pidfd_open(self): %s", strerror(errno));
	if (proc_ns_take(0, false, &target))
		child_fail(report_fd, "snapshot: %s", strerror(errno));
	pid = clone_child(flags);
	if (pid < 0)
		child_fail(report_fd, "clone(pid|uts|ipc|net): %s",
			   strerror(errno));
	if (pid == 0)
		refused_set_changes_nothing(pidfd, &target, report_fd);
	_exit(wait_child(pid));
}

TEST(a_refused_part_leaves_every_namespace_unchanged)
{
	const int flags = CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC |
			  CLONE_NEWNET;
	int report[2], status;
	char msg[512];
	pid_t pid;

	REQUIRE_NS_ADMIN();
	REQUIRE_PIDFD_SETNS();

	ASSERT_EQ(0, pipe2(report, O_CLOEXEC));
	fflush(NULL);
	pid = clone_child(flags);
	SKIP_IF_ENV_REFUSED(return, NS_CALL_CLONE, flags, pid);
	ASSERT_LE(0, pid)
	TH_LOG("clone(pid|uts|ipc|net): %s", strerror(errno));
	if (pid == 0) {
		close(report[0]);
		ancestor_target(report[1]);
	}
	close(report[1]);
	status = wait_child(pid);
	child_report(report[0], msg, sizeof(msg));
	close(report[0]);
	EXPECT_EQ(0, status)
	TH_LOG("%s", msg[0] ? msg : "the child reported nothing");
}

/* flags 0 is refused with a pidfd (a namespace fd takes 0 as "any type"). */
TEST(zero_flags_give_einval)
{
	const int flags = CLONE_NEWUSER | CLONE_NEWUTS;
	struct holder h = { .pid = -1, .pidfd = -1, .release_fd = -1 };
	struct ns_snapshot before, after;
	const struct ns_type *t;
	int ret, join_ret;

	REQUIRE_PIDFD_SETNS();
	ret = hold_in_new_ns(flags, &h);
	REQUIRE_HOLDER(ret, flags);
	ASSERT_EQ(0, ns_snapshot_take(&before));
	ret = sys_setns(h.pidfd, 0) ? -errno : 0;
	ASSERT_EQ(0, ns_snapshot_take(&after));
	/* Control: the same pidfd with flags joins. */
	join_ret = sys_setns(h.pidfd, flags) ? -errno : 0;
	EXPECT_EQ(0, release_holder(&h));
	EXPECT_EQ(0, join_ret)
	TH_LOG("setns(pidfd, user|uts): %s", strerror(-join_ret));
	EXPECT_EQ(-EINVAL, ret)
	TH_LOG("setns(pidfd, 0) gave %s, expected EINVAL",
	       ret ? strerror(-ret) : "success");
	t = ns_snapshot_diff(&before, &after);
	EXPECT_EQ(NULL, t)
	TH_LOG("%s: the refused setns(pidfd, 0) changed the caller's %s",
	       t->name, t->children_name);
}

FIXTURE(exited){};

FIXTURE_VARIANT(exited)
{
	/* waitid() options after the exit: WNOWAIT leaves a zombie. */
	int wait_options;
};

FIXTURE_VARIANT_ADD(exited, zombie){
	.wait_options = WEXITED | WNOWAIT,
};

FIXTURE_VARIANT_ADD(exited, reaped){
	.wait_options = WEXITED,
};

FIXTURE_SETUP(exited)
{
}

FIXTURE_TEARDOWN(exited)
{
}

/*
 * An exited process has given up its namespaces before it became a zombie:
 * its pidfd gives ESRCH, zombie or reaped, and the caller stays put.
 */
TEST_F(exited, pidfd_of_exited_process_gives_esrch)
{
	const int flags =
		existing_flags(CLONE_NEWUSER | CLONE_NEWUTS | CLONE_NEWIPC |
			       CLONE_NEWNET | CLONE_NEWTIME);
	struct holder h = { .pid = -1, .pidfd = -1, .release_fd = -1 };
	struct ns_snapshot before, after;
	const struct ns_type *t;
	siginfo_t info = {};
	int ret;

	REQUIRE_PIDFD_SETNS();
	ret = hold_in_new_ns(flags, &h);
	REQUIRE_HOLDER(ret, flags);
	close(h.release_fd);
	ASSERT_EQ(0, waitid(P_PID, h.pid, &info, variant->wait_options));
	ASSERT_EQ(h.pid, info.si_pid);

	ASSERT_EQ(0, ns_snapshot_take(&before));
	ret = sys_setns(h.pidfd, flags) ? -errno : 0;
	ASSERT_EQ(0, ns_snapshot_take(&after));
	if (variant->wait_options & WNOWAIT)
		EXPECT_EQ(0, wait_child(h.pid));
	EXPECT_EQ(-ESRCH, ret)
	TH_LOG("setns(pidfd of an exited process, 0x%x) gave %s, expected ESRCH",
	       flags, ret ? strerror(-ret) : "success");
	t = ns_snapshot_diff(&before, &after);
	EXPECT_EQ(NULL, t)
	TH_LOG("%s: the refused setns(pidfd) changed the caller's %s", t->name,
	       t->children_name);
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * S07 (article claim): setns() joins an existing namespace.
 *
 * Rule: setns(fd, nstype) with an fd of /proc/PID/ns/TYPE moves the caller
 * into that namespace: afterwards /proc/self/ns/TYPE has the target's inode
 * and every other type is unchanged; children made afterwards are born in
 * it.  For pid the caller stays where it is (its PID cannot change under
 * it): only pid_for_children changes, and the next child enters.  For time
 * the caller does move: time and time_for_children both change.
 *
 * Man: setns(2), namespaces(7), pid_namespaces(7), time_namespaces(7).
 *
 * Man-page errata: setns(2) says for pid that only children move but is
 * silent for time, which it lists with net, IPC and UTS: that joining moves
 * the caller and sets its time_for_children together, and that a
 * multithreaded caller gets EUSERS (S09); time_namespaces(7) mentions the
 * move only in a parenthesis about time_for_children.
 *
 * The article: setns() disassociates the process from its namespace of that
 * type and associates it with the new one.  True for six types, false for
 * pid (only later children enter).  It is silent on time namespaces, which
 * came in 5.6, after it.
 *
 * Since: 3.0 (ipc, net, uts), 3.8 (mnt, pid, user), cgroup 4.6, time 5.8.
 *
 * Exceptions: pid (pid_for_children only); time moves the caller, unlike
 * unshare(CLONE_NEWTIME), which leaves it behind (S11).
 */
#include "common.h"

/*
 * Whether setns() changes the caller's own /proc/self/ns/TYPE, not only the
 * *_for_children entry: for every type but pid.
 */
static bool setns_moves_caller(const struct ns_type *t)
{
	return t->flag != CLONE_NEWPID;
}

FIXTURE(setns_join)
{
	struct ns_target nt;
};

FIXTURE_VARIANT(setns_join)
{
	const struct ns_type *ns;
};

NS_VARIANTS(setns_join);

/* A holder child in a new namespace of the variant's type: the target. */
FIXTURE_SETUP(setns_join)
{
	if (ns_target_start(_metadata, &self->nt, variant->ns))
		return;
}

FIXTURE_TEARDOWN(setns_join)
{
	ns_target_stop(_metadata, &self->nt);
}

/* Log which entry is where; the expectations are the caller's. */
static void expect_entry(struct __test_metadata *_metadata, const char *name,
			 const struct stat *want, const struct stat *got)
{
	EXPECT_TRUE(same_inode(want, got))
	TH_LOG("/proc/self/ns/%s after setns(): inode %lu, expected %lu", name,
	       (unsigned long)got->st_ino, (unsigned long)want->st_ino);
}

TEST_F(setns_join, caller_takes_target_inode_and_nothing_else_changes)
{
	const struct ns_type *t = variant->ns;
	struct ns_snapshot before, after;
	size_t i = t - ns_types;
	int ret;

	ASSERT_EQ(0, ns_snapshot_take(&before));
	ASSERT_FALSE(same_inode(&self->nt.st, &before.children[i]));

	ret = sys_setns(self->nt.fd, t->flag);
	SKIP_IF_ENV_REFUSED(return, NS_CALL_SETNS, t->flag, ret);
	ASSERT_EQ(0, ret)
	TH_LOG("setns(/proc/%d/ns/%s, %s): %s", self->nt.holder, t->name,
	       t->flag_name, strerror(errno));
	ASSERT_EQ(0, ns_snapshot_take(&after));
	ns_observe("setns(%s fd, %s): own %s %lu -> %lu, %s %lu -> %lu "
		   "(target %lu)",
		   t->name, t->flag_name, t->name,
		   (unsigned long)before.own[i].st_ino,
		   (unsigned long)after.own[i].st_ino, t->children_name,
		   (unsigned long)before.children[i].st_ino,
		   (unsigned long)after.children[i].st_ino,
		   (unsigned long)self->nt.st.st_ino);

	expect_entry(_metadata, t->children_name, &self->nt.st,
		     &after.children[i]);
	if (setns_moves_caller(t))
		expect_entry(_metadata, t->name, &self->nt.st, &after.own[i]);
	else
		expect_entry(_metadata, t->name, &before.own[i], &after.own[i]);

	/* Every other type stays as it was. */
	after.own[i] = before.own[i];
	after.children[i] = before.children[i];
	EXPECT_EQ(NULL, ns_snapshot_diff(&before, &after))
	TH_LOG("setns(%s) also changed the %s namespace", t->flag_name,
	       ns_snapshot_diff(&before, &after)->name);
}

/* A child forked after setns() is in the target namespace, pid included. */
TEST_F(setns_join, child_forked_after_setns_is_in_target)
{
	const struct ns_type *t = variant->ns;
	int report[2];
	char msg[512];
	pid_t child;
	int ret;

	ret = sys_setns(self->nt.fd, t->flag);
	SKIP_IF_ENV_REFUSED(return, NS_CALL_SETNS, t->flag, ret);
	ASSERT_EQ(0, ret)
	TH_LOG("setns(/proc/%d/ns/%s, %s): %s", self->nt.holder, t->name,
	       t->flag_name, strerror(errno));
	ASSERT_EQ(0, pipe2(report, O_CLOEXEC));
	fflush(stdout);
	fflush(stderr);
	child = fork_child();
	ASSERT_LE(0, child);
	if (child == 0) {
		struct stat st;

		close(report[0]);
		if (ns_stat(0, t->name, &st))
			child_fail(report[1], "stat(/proc/self/ns/%s): %s",
				   t->name, strerror(errno));
		if (!same_inode(&self->nt.st, &st))
			child_fail(report[1],
				   "child's %s namespace is inode %lu, "
				   "not the target's %lu",
				   t->name, (unsigned long)st.st_ino,
				   (unsigned long)self->nt.st.st_ino);
		_exit(0);
	}
	close(report[1]);
	child_report(report[0], msg, sizeof(msg));
	close(report[0]);
	EXPECT_EQ(0, wait_child(child))
	TH_LOG("%s", msg);
}

TEST_HARNESS_MAIN

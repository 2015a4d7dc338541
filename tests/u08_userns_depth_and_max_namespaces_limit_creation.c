// SPDX-License-Identifier: GPL-2.0
/*
 * U08 (selftests): user namespaces nest 33 deep below the initial one, then
 * ENOSPC; max_*_namespaces caps creation.
 *
 * Rule: the kernel refuses a new user namespace when its parent is already
 * at level 33 (the initial one is level 0), so 33 can be stacked below the
 * initial namespace; the refusal is ENOSPC since 4.9 (EUSERS 3.11 to 4.8).
 * /proc/sys/user/max_TYPE_namespaces caps how many namespaces of each type
 * the users of a user namespace may create (ENOSPC past it); the files are
 * per user namespace, and here they are lowered only inside a fresh one.
 *
 * Man: user_namespaces(7), "Nested namespaces, namespace membership";
 * namespaces(7), "The /proc/sys/user directory"; clone(2) and unshare(2),
 * ENOSPC and EUSERS.
 *
 * Man-page errata: user_namespaces(7) says a limit of 32 nested levels
 * whose excess fails with EUSERS; the kernel allows 33 below the initial
 * namespace and fails with ENOSPC (unshare(2) has ENOSPC right).
 *
 * The article: silent.
 *
 * Since: the depth limit 3.11; max_*_namespaces and ENOSPC 4.9.
 *
 * Exceptions: none.
 */
#include "common.h"

/* Parent level > 32 is refused: levels 1..33 exist below the initial one. */
#define USERNS_MAX_DEPTH 33
#define USERNS_TRY_DEPTH 40

/* Nest user namespaces until the kernel refuses; returns how many worked. */
static int nest_user_namespaces(int *err)
{
	int depth, ret;

	for (depth = 0; depth < USERNS_TRY_DEPTH; depth++) {
		ret = become_userns_root();
		if (ret) {
			*err = -ret;
			return depth;
		}
	}
	*err = 0;
	return depth;
}

TEST(user_namespaces_nest_33_deep_then_enospc)
{
	/* Not PID 2: in a container's pid namespace it is no kthreadd. */
	bool initial = in_initial_userns();
	struct stat before, after;
	int depth, err;

	REQUIRE_NS_TYPE(ns_by_flag(CLONE_NEWUSER));
	ASSERT_EQ(0, ns_stat(0, "user", &before));
	depth = nest_user_namespaces(&err);
	if (depth == 0)
		SKIP_IF_ENV_EXPLAINS(return, NS_CALL_UNSHARE, CLONE_NEWUSER,
					   err);
	ns_observe("%d nested unshare(CLONE_NEWUSER) worked%s; the next gave "
		   "%s",
		   depth, initial ? " below the initial user namespace" : "",
		   strerrorname_np(err));
	ASSERT_EQ(ENOSPC, err)
	TH_LOG("user: unshare(CLONE_NEWUSER) at depth %d failed with %s, "
	       "expected ENOSPC (EUSERS before 4.9)",
	       depth + 1, strerror(err));
	ASSERT_EQ(0, ns_stat(0, "user", &after));
	EXPECT_FALSE(same_inode(&before, &after));
	if (!initial) {
		/* Started below the initial namespace: fewer levels remain. */
		EXPECT_GE(USERNS_MAX_DEPTH, depth)
		TH_LOG("user: %d nested user namespaces below a non-initial "
		       "one, more than %d",
		       depth, USERNS_MAX_DEPTH);
		return;
	}
	EXPECT_EQ(USERNS_MAX_DEPTH, depth)
	TH_LOG("user: %d nested unshare(CLONE_NEWUSER) worked, expected %d",
	       depth, USERNS_MAX_DEPTH);
}

NS_TYPE_FIXTURE(max_namespaces);

static void set_limit(struct __test_metadata *_metadata, const char *path,
		      const char *value)
{
	int ret = write_file(path, value);

	ASSERT_EQ(0, ret)
	TH_LOG("write %s to %s: %s", value, path, strerror(-ret));
}

/*
 * Whether a child forked now lives in another namespace of type @t than
 * @old: covers pid and time, where unshare() moves only the children (and
 * pid_for_children cannot be stat()ed before the first child exists).
 * Returns 1 (moved), 0 (not moved) or -errno.
 */
static int children_moved(const struct ns_type *t, const struct stat *old)
{
	struct stat st;
	pid_t pid;
	int ret;

	fflush(NULL);
	pid = fork_child();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		if (ns_stat(0, t->name, &st))
			_exit(2);
		_exit(same_inode(&st, old) ? 0 : 1);
	}
	ret = wait_child(pid);
	return ret == 2 ? -EIO : ret;
}

/*
 * With max_TYPE_namespaces at 0 in the caller's user namespace, creating a
 * namespace of that type fails with ENOSPC and changes nothing; at 1 the
 * same call works, so the limit and nothing else refused it.
 */
TEST_F(max_namespaces, limit_zero_refuses_with_enospc_and_one_allows)
{
	const struct ns_type *t = variant->ns;
	struct ns_snapshot before, after;
	char path[128];
	int ret;

	REQUIRE_NS_TYPE(t);
	/* Always a fresh user namespace: its limits are its own. */
	ret = become_userns_root();
	SKIP_IF_ENV_EXPLAINS(return, NS_CALL_UNSHARE, CLONE_NEWUSER, -ret);
	ASSERT_EQ(0, ret)
	TH_LOG("%s: becoming root of a new user namespace: %s", t->name,
	       strerror(-ret));
	snprintf(path, sizeof(path), "/proc/sys/user/max_%s_namespaces",
		 t->name);
	if (access(path, F_OK))
		SKIP(return, "no %s (before 4.9, or 5.6 for time)", path);

	set_limit(_metadata, path, "0");
	ASSERT_EQ(0, ns_snapshot_take(&before));
	EXPECT_EQ(-1, sys_unshare(t->flag));
	EXPECT_EQ(ENOSPC, errno)
	TH_LOG("%s: unshare(%s) with %s = 0 gave %s, expected ENOSPC", t->name,
	       t->flag_name, path, strerror(errno));
	ASSERT_EQ(0, ns_snapshot_take(&after));
	EXPECT_EQ(NULL, ns_snapshot_diff(&before, &after))
	TH_LOG("%s: the refused unshare(%s) changed a namespace", t->name,
	       t->flag_name);

	/* At 1 here, an ancestor's limit (0 in a container?) still holds. */
	set_limit(_metadata, path, "1");
	ret = sys_unshare(t->flag);
	SKIP_IF_ENV_REFUSED(return, NS_CALL_UNSHARE, t->flag, ret);
	ASSERT_EQ(0, ret)
	TH_LOG("%s: unshare(%s) with %s = 1: %s", t->name, t->flag_name, path,
	       strerror(errno));
	EXPECT_EQ(1, children_moved(t, &before.own[t - ns_types]));
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * U03 (selftests): NS_GET_PARENT walks the pid and user namespace trees;
 * EPERM at the top, EINVAL for other types.
 *
 * Rule: ioctl(fd, NS_GET_PARENT) opens the parent of a pid or user
 * namespace, the namespace its creator was in.  At the top of the caller's
 * scope (its own pid or user namespace, or anything above) it fails with
 * EPERM; the six other types have no hierarchy and give EINVAL.  The tree is
 * visible only downwards.
 *
 * Man: ioctl_ns(2), "Discovering namespace relationships".
 *
 * Man-page errata: none.
 *
 * The article: silent (namespaces appear as flat sets of processes).
 *
 * Since: 4.9.
 *
 * Exceptions: none.
 */
#include "common.h"

FIXTURE(parent){};

FIXTURE_VARIANT(parent)
{
	const struct ns_type *ns;
};

/* The hierarchical types. */
NS_VARIANT(parent, pid);
NS_VARIANT(parent, user);

FIXTURE_SETUP(parent)
{
}

FIXTURE_TEARDOWN(parent)
{
}

/* fd of the parent namespace, or -errno. */
static int get_parent(int fd)
{
	int ret = ioctl(fd, NS_GET_PARENT);

	return ret < 0 ? -errno : ret;
}

/* NS_GET_PARENT on /proc/PID/ns/NAME (pid 0: self), or -errno. */
static int get_parent_of(pid_t pid, const char *name)
{
	int fd = ns_open(pid, name);
	int ret;

	if (fd < 0)
		return -errno;
	ret = get_parent(fd);
	close(fd);
	return ret;
}

struct holder {
	pid_t pid;
	int release_fd;
	int result_fd;
};

/*
 * A child in a new user namespace (and a new pid namespace when @t is pid,
 * owned by that user namespace, so no privilege is needed).  It first
 * writes the result of NS_GET_PARENT on its own @t namespace to result_fd,
 * then waits until released.
 */
static int hold_in_new_ns(const struct ns_type *t, struct holder *h)
{
	int result[2], release[2], ret;

	if (open_pipes(result, release, NULL))
		return -errno;
	fflush(NULL);
	h->pid = clone_child(CLONE_NEWUSER | t->flag);
	if (h->pid < 0)
		return -errno;
	if (h->pid == 0) {
		close(release[1]);
		close(result[0]);
		ret = get_parent_of(0, t->name);
		if (ret >= 0)
			close(ret);
		if (write(result[1], &ret, sizeof(ret)) != sizeof(ret))
			_exit(1);
		sync_wait(release[0]);
		_exit(0);
	}
	close(result[1]);
	close(release[0]);
	h->release_fd = release[1];
	h->result_fd = result[0];
	return 0;
}

static int read_result(struct holder *h, int *ret)
{
	return read(h->result_fd, ret, sizeof(*ret)) == sizeof(*ret) ? 0 : -1;
}

static int release_holder(struct holder *h)
{
	close(h->release_fd);
	close(h->result_fd);
	return wait_child(h->pid);
}

#define SKIP_IF_UNSUPPORTED(ret)                                              \
	do {                                                                  \
		if ((ret) == -ENOTTY)                                         \
			SKIP(return, "NS_GET_PARENT not supported (ENOTTY)"); \
	} while (0)

/*
 * Seen from the creator, the parent of a new pid or user namespace is the
 * creator's own; seen from inside, the same ioctl on the same namespace
 * is refused with EPERM: the parent is above the member's scope.
 */
TEST_F(parent, parent_is_the_creators_namespace_and_hidden_from_members)
{
	const struct ns_type *t = variant->ns;
	struct stat parent_st, own_st;
	struct holder h = { .pid = -1, .release_fd = -1, .result_fd = -1 };
	int ret, parent_fd, member_ret;

	REQUIRE_NS_TYPE(t);
	ret = hold_in_new_ns(t, &h);
	SKIP_IF_ENV_EXPLAINS(return, NS_CALL_CLONE, CLONE_NEWUSER | t->flag,
				   -ret);
	ASSERT_EQ(0, ret)
	TH_LOG("%s: clone(CLONE_NEWUSER|%s): %s", t->name, t->flag_name,
	       strerror(-ret));
	ASSERT_EQ(0, read_result(&h, &member_ret))
	TH_LOG("%s: the child in the new namespace reported nothing", t->name);

	parent_fd = get_parent_of(h.pid, t->name);
	EXPECT_EQ(0, release_holder(&h));
	SKIP_IF_UNSUPPORTED(parent_fd);
	ASSERT_LE(0, parent_fd)
	TH_LOG("%s: NS_GET_PARENT on /proc/%d/ns/%s from the creator: %s",
	       t->name, h.pid, t->name, strerror(-parent_fd));
	ASSERT_EQ(0, fstat(parent_fd, &parent_st));
	close(parent_fd);
	ASSERT_EQ(0, ns_stat(0, t->name, &own_st));
	EXPECT_TRUE(same_inode(&own_st, &parent_st))
	TH_LOG("%s: the new namespace's parent is inode %lu, the creator's namespace is %lu",
	       t->name, (unsigned long)parent_st.st_ino,
	       (unsigned long)own_st.st_ino);

	EXPECT_EQ(-EPERM, member_ret)
	TH_LOG("%s: NS_GET_PARENT by a member on its own namespace gave %s, expected EPERM",
	       t->name, member_ret >= 0 ? "an fd" : strerror(-member_ret));
}

/* The caller's own pid or user namespace is the top of its scope. */
TEST_F(parent, callers_own_namespace_gives_eperm)
{
	const struct ns_type *t = variant->ns;
	int ret;

	REQUIRE_NS_TYPE(t);
	ret = get_parent_of(0, t->name);
	SKIP_IF_UNSUPPORTED(ret);
	if (ret >= 0)
		close(ret);
	EXPECT_EQ(-EPERM, ret)
	TH_LOG("%s: NS_GET_PARENT on /proc/self/ns/%s gave %s, expected EPERM",
	       t->name, t->name, ret >= 0 ? "an fd" : strerror(-ret));
}

/* cgroup, ipc, mnt, net, time and uts namespaces have no parent at all. */
TEST(flat_types_give_einval)
{
	static const enum ns_index flat[] = { NS_cgroup, NS_ipc,  NS_mnt,
					      NS_net,	 NS_time, NS_uts };
	const struct ns_type *t;
	int ret;

	for (size_t i = 0; i < ARRAY_SIZE(flat); i++) {
		t = &ns_types[flat[i]];
		if (!ns_type_exists(t))
			continue;
		ret = get_parent_of(0, t->name);
		SKIP_IF_UNSUPPORTED(ret);
		if (ret >= 0)
			close(ret);
		EXPECT_EQ(-EINVAL, ret)
		TH_LOG("%s: NS_GET_PARENT on /proc/self/ns/%s gave %s, expected EINVAL",
		       t->name, t->name, ret >= 0 ? "an fd" : strerror(-ret));
	}
}

TEST_HARNESS_MAIN

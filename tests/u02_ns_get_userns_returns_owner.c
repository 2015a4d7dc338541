// SPDX-License-Identifier: GPL-2.0
/*
 * U02 (selftests): NS_GET_USERNS opens a namespace's owning user namespace;
 * EPERM past the caller's scope.
 *
 * Rule: ioctl(fd, NS_GET_USERNS) opens the user namespace that owns the
 * namespace behind fd; for a user namespace that is its parent.  The owner
 * must be the caller's user namespace or one below it: asking past that
 * scope fails with EPERM rather than hand out a file of an outer namespace.
 *
 * Man: ioctl_ns(2), "Discovering namespace relationships".
 *
 * Man-page errata: none.
 *
 * The article: silent (it presents the types as independent of each
 * other; every non-user namespace belongs to a user namespace).
 *
 * Since: 4.9.
 *
 * Exceptions: none.
 */
#include "common.h"

NS_TYPE_FIXTURE(userns);

/* fd of the owning user namespace, or -errno. */
static int get_userns(int fd)
{
	int ret = ioctl(fd, NS_GET_USERNS);

	return ret < 0 ? -errno : ret;
}

struct holder {
	pid_t pid;
	int release_fd;
	enum ns_call call; /* the call that made, or refused, the namespace */
};

/*
 * A child in a new user namespace and, unless @t is user, a new namespace of
 * type @t owned by it; it waits until released.  CLONE_NEWTIME does not fit
 * clone()'s flags, so the child unshares it.  Returns 0 or -errno.
 */
static int hold_in_new_userns(const struct ns_type *t, struct holder *h)
{
	int ready[2], release[2], err;
	int clone_flags = CLONE_NEWUSER | (t->flag & ~CLONE_NEWTIME);

	if (open_pipes(ready, release, NULL))
		return -errno;
	fflush(NULL);
	h->call = NS_CALL_CLONE;
	h->pid = clone_child(clone_flags);
	if (h->pid < 0)
		return -errno;
	if (h->pid == 0) {
		/* ready carries the errno of unshare(): 0, made. */
		int err = 0;

		close(release[1]);
		if (t->flag == CLONE_NEWTIME && sys_unshare(CLONE_NEWTIME))
			err = errno;
		child_hold(ready[1], err, release[0]);
	}
	close(ready[1]);
	close(release[0]);
	h->release_fd = release[1];
	err = held_errno(ready[0]);
	close(ready[0]);
	if (err) {
		/* It could not make its namespaces: reap it, report why. */
		h->call = NS_CALL_UNSHARE;
		close(h->release_fd);
		wait_child(h->pid);
		return -err;
	}
	return 0;
}

static int release_holder(struct holder *h)
{
	close(h->release_fd);
	return wait_child(h->pid);
}

/*
 * A namespace created together with a user namespace is owned by it; a new
 * user namespace is owned by its creator's (its parent).
 */
TEST_F(userns, owner_of_new_namespace_is_the_creating_userns)
{
	const struct ns_type *t = variant->ns;
	struct stat owner_st, expect_st;
	struct holder h = { .pid = -1, .release_fd = -1 };
	int fd, owner_fd, ret;

	REQUIRE_NS_TYPE(t);
	ret = hold_in_new_userns(t, &h);
	SKIP_IF_ENV_EXPLAINS(return, h.call,
				   h.call == NS_CALL_UNSHARE ?
					   t->flag :
					   CLONE_NEWUSER | t->flag,
				   -ret);
	ASSERT_EQ(0, ret)
	TH_LOG("%s: clone(CLONE_NEWUSER|%s): %s", t->name, t->flag_name,
	       strerror(-ret));

	fd = ns_open(h.pid, t->children_name);
	ASSERT_LE(0, fd)
	TH_LOG("open(/proc/%d/ns/%s): %s", h.pid, t->children_name,
	       strerror(errno));
	owner_fd = get_userns(fd);
	close(fd);
	if (owner_fd == -ENOTTY)
		SKIP(release_holder(&h);
		     return, "NS_GET_USERNS not supported (ENOTTY)");
	ASSERT_LE(0, owner_fd)
	TH_LOG("%s: ioctl(NS_GET_USERNS) on the new namespace: %s", t->name,
	       strerror(-owner_fd));
	ASSERT_EQ(0, fstat(owner_fd, &owner_st));
	close(owner_fd);
	/* Owner of the new user ns: ours; of anything else: the child's. */
	ASSERT_EQ(0, ns_stat(t->flag == CLONE_NEWUSER ? 0 : h.pid, "user",
			     &expect_st));
	EXPECT_EQ(0, release_holder(&h));
	EXPECT_TRUE(same_inode(&expect_st, &owner_st))
	TH_LOG("%s: NS_GET_USERNS gave user ns inode %lu, expected %lu (the %s user namespace)",
	       t->name, (unsigned long)owner_st.st_ino,
	       (unsigned long)expect_st.st_ino,
	       t->flag == CLONE_NEWUSER ? "creator's" : "child's new");
}

/*
 * A namespace owned by the user namespace we were in is out of scope once
 * we enter a new user namespace: EPERM, and no fd.
 */
TEST_F(userns, owner_outside_callers_userns_gives_eperm)
{
	const struct ns_type *t = variant->ns;
	int fd, ret;

	REQUIRE_NS_TYPE(t);
	fd = ns_open(0, t->children_name);
	ASSERT_LE(0, fd)
	TH_LOG("open(/proc/self/ns/%s): %s", t->children_name, strerror(errno));
	ret = sys_unshare(CLONE_NEWUSER) ? errno : 0;
	if (ret)
		close(fd);
	SKIP_IF_ENV_EXPLAINS(return, NS_CALL_UNSHARE, CLONE_NEWUSER, ret);
	ASSERT_EQ(0, ret)
	TH_LOG("%s: unshare(CLONE_NEWUSER): %s", t->name, strerror(ret));
	ret = get_userns(fd);
	close(fd);
	if (ret == -ENOTTY)
		SKIP(return, "NS_GET_USERNS not supported (ENOTTY)");
	if (ret >= 0)
		close(ret);
	EXPECT_EQ(-EPERM, ret)
	TH_LOG("%s: NS_GET_USERNS from inside a new user namespace on the outer %s namespace gave %s, expected EPERM",
	       t->name, t->children_name, ret >= 0 ? "an fd" : strerror(-ret));
}

TEST_HARNESS_MAIN

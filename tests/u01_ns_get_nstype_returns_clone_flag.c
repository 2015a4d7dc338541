// SPDX-License-Identifier: GPL-2.0
/*
 * U01 (selftests): ioctl(fd, NS_GET_NSTYPE) returns the CLONE_NEW* value
 * of the namespace's type.
 *
 * Rule: on a namespace file, of every type, NS_GET_NSTYPE returns the type's
 * CLONE_NEW* value; the *_for_children entries answer with their
 * namespace's type too.  It is the one way to ask an fd that did not come
 * from a /proc/PID/ns path (inherited, SCM_RIGHTS, NS_GET_USERNS, a bind
 * mount) what it is.
 *
 * Man: ioctl_ns(2) (ioctl_nsfs(2) in newer man-pages), "Discovering the
 * namespace type".
 *
 * Man-page errata: none.
 *
 * The article: silent (it names the type only through the link target).
 *
 * Since: 4.11.
 *
 * Exceptions: none.
 */
#include "common.h"

NS_TYPE_FIXTURE(nstype);

/* The ioctl's answer for an open namespace fd, or -errno. */
static int get_nstype(int fd)
{
	int ret = ioctl(fd, NS_GET_NSTYPE);

	return ret < 0 ? -errno : ret;
}

static void check_nstype(struct __test_metadata *_metadata,
			 const struct ns_type *t, const char *entry)
{
	int fd, ret;

	fd = ns_open(0, entry);
	ASSERT_LE(0, fd)
	TH_LOG("open(/proc/self/ns/%s): %s", entry, strerror(errno));
	ret = get_nstype(fd);
	close(fd);
	if (ret == -ENOTTY)
		SKIP(return, "NS_GET_NSTYPE not supported (ENOTTY)");
	ASSERT_LE(0, ret)
	TH_LOG("%s: ioctl(NS_GET_NSTYPE) on /proc/self/ns/%s: %s", t->name,
	       entry, strerror(-ret));
	EXPECT_EQ(t->flag, ret)
	TH_LOG("%s: NS_GET_NSTYPE on /proc/self/ns/%s gave 0x%x, expected %s (0x%x)",
	       t->name, entry, ret, t->flag_name, t->flag);
}

/* The caller's own namespace of each type answers with its CLONE_NEW* flag. */
TEST_F(nstype, own_namespace_answers_its_clone_flag)
{
	REQUIRE_NS_TYPE(variant->ns);
	check_nstype(_metadata, variant->ns, variant->ns->name);
}

/* pid_for_children and time_for_children answer like pid and time. */
TEST(children_entries_answer_their_clone_flag)
{
	const struct ns_type *t;

	for_each_ns(t) {
		if (!strcmp(t->children_name, t->name) || !ns_type_exists(t))
			continue;
		check_nstype(_metadata, t, t->children_name);
	}
}

/*
 * A fresh namespace, created in a child and opened by the parent, answers
 * the same: the type belongs to the namespace, not to the initial one.
 */
TEST_F(nstype, new_namespace_answers_its_clone_flag)
{
	const struct ns_type *t = variant->ns;
	int ready[2], done[2], fd, ret, err;
	struct stat own_st, child_st;
	pid_t pid;

	REQUIRE_NS_TYPE(t);
	REQUIRE_NS_ADMIN();
	ASSERT_EQ(0, pipe2(ready, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(done, O_CLOEXEC));
	fflush(NULL);
	/* CLONE_NEWTIME does not fit clone()'s flags: use unshare() there. */
	pid = clone_child(t->flag == CLONE_NEWTIME ? 0 : t->flag);
	SKIP_IF_ENV_REFUSED(return, NS_CALL_CLONE, t->flag, pid);
	ASSERT_LE(0, pid)
	TH_LOG("%s: clone(%s): %s", t->name, t->flag_name, strerror(errno));
	if (pid == 0) {
		close(done[1]);
		/* ready carries the errno of unshare(): 0, made. */
		err = t->flag == CLONE_NEWTIME && sys_unshare(CLONE_NEWTIME) ?
			      errno :
			      0;
		/* time_for_children of an unshared task is the new one. */
		child_hold(ready[1], err, done[0]);
	}
	close(ready[1]);
	close(done[0]);
	err = held_errno(ready[0]);
	if (err) {
		close(done[1]);
		EXPECT_EQ(1, wait_child(pid));
		SKIP_IF_ENV_EXPLAINS(return, NS_CALL_UNSHARE, t->flag, err);
	}
	ASSERT_EQ(0, err)
	TH_LOG("%s: the child's unshare(%s): %s", t->name, t->flag_name,
	       strerror(err));
	fd = ns_open(pid, t->children_name);
	ASSERT_LE(0, fd)
	TH_LOG("open(/proc/%d/ns/%s): %s", pid, t->children_name,
	       strerror(errno));
	ASSERT_EQ(0, fstat(fd, &child_st));
	ret = get_nstype(fd);
	close(fd);
	close(done[1]);
	EXPECT_EQ(0, wait_child(pid));
	if (ret == -ENOTTY)
		SKIP(return, "NS_GET_NSTYPE not supported (ENOTTY)");
	ASSERT_EQ(0, ns_stat(0, t->children_name, &own_st));
	EXPECT_FALSE(same_inode(&own_st, &child_st))
	TH_LOG("%s: the child's namespace is not new (inode %lu)", t->name,
	       (unsigned long)child_st.st_ino);
	EXPECT_EQ(t->flag, ret)
	TH_LOG("%s: NS_GET_NSTYPE on the child's new namespace gave %d, expected %s (0x%x)",
	       t->name, ret, t->flag_name, t->flag);
}

TEST_HARNESS_MAIN

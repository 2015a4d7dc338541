// SPDX-License-Identifier: GPL-2.0
/*
 * S08 (article claim): setns() checks nstype against the type of the fd.
 *
 * Rule: nstype 0 accepts a namespace fd of any type; nstype equal to the
 * fd's CLONE_NEW* value works; any other value fails with EINVAL and changes
 * nothing.  nstype is not a mask: CLONE_NEWNET | CLONE_NEWUTS is refused
 * even for a net fd (flag sets are for pidfds, U05).  An fd that is not a
 * namespace (nor a pidfd) gives EINVAL, an fd that is not open EBADF.
 *
 * Man: setns(2), "nstype" and ERRORS.
 *
 * Man-page errata: setns(2) is silent that a namespace file opened with
 * O_PATH, an open fd, is refused with EBADF as if it were closed.
 *
 * The article: nstype is used to check the type of the namespace fd names.
 * Right; it does not say that 0 means "any type".
 *
 * Since: 3.0.
 *
 * Exceptions: none.
 */
#include "common.h"

FIXTURE(nstype)
{
	struct ns_target nt;
};

FIXTURE_VARIANT(nstype)
{
	const struct ns_type *ns;
};

NS_VARIANTS(nstype);

/* The fd to join: a holder child's new namespace of the variant's type. */
FIXTURE_SETUP(nstype)
{
	if (ns_target_start(_metadata, &self->nt, variant->ns))
		return;
}

FIXTURE_TEARDOWN(nstype)
{
	ns_target_stop(_metadata, &self->nt);
}

/* setns(fd, nstype) succeeds and the *_for_children entry is the target. */
static void expect_joined(struct __test_metadata *_metadata,
			  FIXTURE_DATA(nstype) * self, const struct ns_type *t,
			  int nstype)
{
	struct stat st;
	int ret = sys_setns(self->nt.fd, nstype);

	SKIP_IF_ENV_REFUSED(return, NS_CALL_SETNS, t->flag, ret);
	ASSERT_EQ(0, ret)
	TH_LOG("setns(%s fd, %s): %s", t->name, CLONE_FLAGS_STR(nstype),
	       strerror(errno));
	ASSERT_EQ(0, ns_stat(0, t->children_name, &st));
	ns_observe("setns(%s fd, %s) joined: %s is now %lu", t->name,
		   CLONE_FLAGS_STR(nstype), t->children_name,
		   (unsigned long)st.st_ino);
	EXPECT_TRUE(same_inode(&self->nt.st, &st))
	TH_LOG("setns(%s fd, %s) returned 0 but /proc/self/ns/%s is inode "
	       "%lu, not the target's %lu",
	       t->name, CLONE_FLAGS_STR(nstype), t->children_name,
	       (unsigned long)st.st_ino, (unsigned long)self->nt.st.st_ino);
}

/*
 * setns(fd, nstype) fails with @want_errno and changes no namespace; SKIP
 * when a seccomp filter answers for the kernel.
 */
static void expect_refused(struct __test_metadata *_metadata, int fd,
			   const char *what, int nstype, int want_errno)
{
	struct ns_snapshot before, after;
	const struct ns_type *changed;
	int ret, err;

	ASSERT_EQ(0, ns_snapshot_take(&before));
	ret = sys_setns(fd, nstype);
	err = ret == -1 ? errno : 0;
	if (err != want_errno)
		SKIP_IF_ENV_EXPLAINS(return, NS_CALL_SETNS, nstype, err);
	EXPECT_EQ(-1, ret)
	TH_LOG("setns(%s, %s) returned %d, expected -1 (%s)", what,
	       CLONE_FLAGS_STR((unsigned int)nstype), ret,
	       strerror(want_errno));
	EXPECT_EQ(want_errno, err)
	TH_LOG("setns(%s, %s): %s, expected %s", what,
	       CLONE_FLAGS_STR((unsigned int)nstype),
	       err ? strerror(err) : "no error", strerror(want_errno));
	ASSERT_EQ(0, ns_snapshot_take(&after));
	changed = ns_snapshot_diff(&before, &after);
	EXPECT_EQ(NULL, changed)
	TH_LOG("refused setns(%s, %s) changed the %s namespace", what,
	       CLONE_FLAGS_STR((unsigned int)nstype), changed->name);
}

TEST_F(nstype, zero_accepts_any_type)
{
	expect_joined(_metadata, self, variant->ns, 0);
}

TEST_F(nstype, own_clone_flag_joins)
{
	expect_joined(_metadata, self, variant->ns, variant->ns->flag);
}

/*
 * Every other CLONE_NEW* value, alone or or-ed with the right one, is
 * EINVAL: nstype names one type, it is not a mask.
 */
TEST_F(nstype, every_other_type_is_einval_and_changes_nothing)
{
	const struct ns_type *t = variant->ns, *o;
	char what[64];

	snprintf(what, sizeof(what), "%s fd", t->name);
	for_each_ns(o) {
		if (o == t)
			continue;
		expect_refused(_metadata, self->nt.fd, what, o->flag, EINVAL);
		expect_refused(_metadata, self->nt.fd, what, o->flag | t->flag,
			       EINVAL);
	}
}

/* Open fds that are neither namespaces nor pidfds. */
static const struct {
	const char *path;
	int flags;
} not_namespaces[] = {
	{ "/dev/null", O_RDONLY },
	{ "/proc/self/status", O_RDONLY },
	{ "/proc/self/ns", O_RDONLY | O_DIRECTORY },
};

TEST(non_namespace_fd_is_einval)
{
	for (size_t i = 0; i < ARRAY_SIZE(not_namespaces); i++) {
		const char *path = not_namespaces[i].path;
		int fd = open(path, not_namespaces[i].flags | O_CLOEXEC);

		ASSERT_LE(0, fd)
		TH_LOG("open(%s): %s", path, strerror(errno));
		expect_refused(_metadata, fd, path, 0, EINVAL);
		expect_refused(_metadata, fd, path, CLONE_NEWUTS, EINVAL);
		close(fd);
	}
}

TEST(closed_fd_is_ebadf)
{
	int fd = ns_open(0, "uts");

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, close(fd));
	expect_refused(_metadata, fd, "closed fd", 0, EBADF);
	expect_refused(_metadata, fd, "closed fd", CLONE_NEWUTS, EBADF);
	expect_refused(_metadata, -1, "fd -1", 0, EBADF);
}

/* An O_PATH fd of a namespace file is open, but not usable by setns(). */
TEST(o_path_namespace_fd_is_ebadf)
{
	int fd = open("/proc/self/ns/uts", O_PATH | O_CLOEXEC);

	ASSERT_LE(0, fd)
	TH_LOG("open(/proc/self/ns/uts, O_PATH): %s", strerror(errno));
	expect_refused(_metadata, fd, "O_PATH uts fd", 0, EBADF);
	expect_refused(_metadata, fd, "O_PATH uts fd", CLONE_NEWUTS, EBADF);
	ns_observe("an open O_PATH fd of /proc/self/ns/uts: setns() gives "
		   "EBADF for nstype 0 and CLONE_NEWUTS");
	close(fd);
}

TEST_HARNESS_MAIN

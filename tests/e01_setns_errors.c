// SPDX-License-Identifier: GPL-2.0
/*
 * E01 (error table): setns() refuses with EBADF, EINVAL or EPERM, and a
 * refused call changes nothing.
 *
 * Rule: a bad file descriptor gives EBADF, and so does a namespace file
 * opened with O_PATH; a wrong nstype or a file that is no namespace gives
 * EINVAL; a caller without the capabilities setns(2) asks for gets EPERM:
 * CAP_SYS_ADMIN over the target (in the user namespace that owns it) and,
 * for every type but user, CAP_SYS_ADMIN in its own user namespace, plus
 * CAP_SYS_CHROOT there for mnt.  The nstype check comes before the privilege
 * check, so an unprivileged caller with a wrong nstype learns EINVAL.  A
 * refused call changes none of the caller's namespaces, of any type.
 *
 * Man: setns(2), "Details for specific namespace types" and ERRORS.
 *
 * Man-page errata: setns(2) is silent that an O_PATH fd gives EBADF, and
 * that EINVAL for a wrong nstype wins over EPERM.
 *
 * The article: silent on errors.
 *
 * Since: 3.0; mnt, pid and user 3.8.
 *
 * Exceptions: none.
 */
#include <sys/mman.h>
#include <sys/socket.h>

#include "common.h"

/* Every nstype value a caller could pass for "any type" or one type. */
static const int any_nstype[] = {
	0,
	CLONE_NEWCGROUP,
	CLONE_NEWIPC,
	CLONE_NEWNS,
	CLONE_NEWNET,
	CLONE_NEWPID,
	CLONE_NEWTIME,
	CLONE_NEWUSER,
	CLONE_NEWUTS,
};

/*
 * Call setns(fd, nstype) and expect it to fail with @err, leaving every
 * namespace of the caller as it was.  Returns false when it SKIPped: a
 * seccomp filter answered instead of the kernel (the caller returns).
 */
static bool expect_refused(struct __test_metadata *_metadata, int fd,
			   int nstype, int err, const char *what)
{
	struct ns_snapshot before, after;
	const struct ns_type *changed;
	int ret, saved, type;
	char why[256];

	ASSERT_EQ(0, ns_snapshot_take(&before));
	errno = 0;
	ret = sys_setns(fd, nstype);
	saved = errno;
	ASSERT_EQ(0, ns_snapshot_take(&after));
	if (ret < 0 && saved != err)
		SKIP_IF_ENV_EXPLAINS(return false, NS_CALL_SETNS, nstype,
					    saved);
	/* The filter's EPERM is no proof of the kernel's. */
	type = ns_env_type_index(nstype);
	if (ret < 0 &&
	    ns_env_explains_filter(NS_CALL_SETNS, type < 0 ? 0 : type, saved,
				   why, sizeof(why)))
		SKIP(return false, "%s", why);
	EXPECT_EQ(-1, ret)
	TH_LOG("setns(%s, %s) returned %d, expected -1 %s", what,
	       CLONE_FLAGS_STR((unsigned int)nstype), ret,
	       strerrorname_np(err));
	EXPECT_EQ(err, saved)
	TH_LOG("setns(%s, %s): errno %s, expected %s", what,
	       CLONE_FLAGS_STR((unsigned int)nstype), strerrorname_np(saved),
	       strerrorname_np(err));
	changed = ns_snapshot_diff(&before, &after);
	EXPECT_EQ(NULL, changed)
	TH_LOG("refused setns(%s, %s) changed the caller's %s namespace", what,
	       CLONE_FLAGS_STR((unsigned int)nstype),
	       changed ? changed->name : "?");
	return true;
}

/* --- EBADF ------------------------------------------------------------- */

static int closed_fd(void)
{
	int fd = open("/proc/self/ns/uts", O_RDONLY | O_CLOEXEC);

	if (fd >= 0)
		close(fd);
	return fd;
}

static int minus_one(void)
{
	return -1;
}

static int int_max(void)
{
	return INT_MAX;
}

/* fdget() does not see O_PATH files: setns() finds no file there. */
static int o_path_ns_file(void)
{
	return open("/proc/self/ns/uts", O_PATH | O_CLOEXEC);
}

static const struct fd_case {
	const char *what;
	int (*make)(void);
	bool keeps_fd;
} ebadf_cases[] = {
	{ "-1", minus_one, false },
	{ "INT_MAX", int_max, false },
	{ "a just closed fd", closed_fd, false },
	{ "an O_PATH fd of /proc/self/ns/uts", o_path_ns_file, true },
};

TEST(bad_fd_gives_ebadf_and_changes_nothing)
{
	for (size_t i = 0; i < ARRAY_SIZE(ebadf_cases); i++) {
		const struct fd_case *c = &ebadf_cases[i];
		int fd = c->make();

		ASSERT_TRUE(!c->keeps_fd || fd >= 0)
		TH_LOG("making %s: %s", c->what, strerror(errno));
		for (size_t j = 0; j < ARRAY_SIZE(any_nstype); j++)
			if (!expect_refused(_metadata, fd, any_nstype[j], EBADF,
					    c->what))
				return;
		if (c->keeps_fd)
			close(fd);
	}
}

/* --- EINVAL: no namespace behind the fd ---------------------------------- */

static int ns_directory(void)
{
	return open("/proc/self/ns", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

static const struct fd_case non_ns_cases[] = {
	{ "a regular file (memfd)", open_memfd, true },
	{ "a pipe", open_pipe_end, true },
	{ "a unix socket", open_unix_socket, true },
	{ "the directory /proc/self/ns", ns_directory, true },
};

TEST(non_namespace_fd_gives_einval_and_changes_nothing)
{
	for (size_t i = 0; i < ARRAY_SIZE(non_ns_cases); i++) {
		const struct fd_case *c = &non_ns_cases[i];
		int fd = c->make();

		ASSERT_LE(0, fd)
		TH_LOG("making %s: %s", c->what, strerror(errno));
		for (size_t j = 0; j < ARRAY_SIZE(any_nstype); j++)
			if (!expect_refused(_metadata, fd, any_nstype[j],
					    EINVAL, c->what))
				return;
		close(fd);
	}
}

/* --- per namespace type ---------------------------------------------------- */

/*
 * @orig_fd is the namespace of this type that the test started in; the
 * test then moves to a new one, so that a setns() that wrongly succeeded
 * would show as a changed inode.
 */
FIXTURE(setns_err)
{
	int orig_fd;
	char what[64];
};

FIXTURE_VARIANT(setns_err)
{
	const struct ns_type *ns;
};

NS_VARIANTS(setns_err);

FIXTURE_SETUP(setns_err)
{
	const struct ns_type *t = variant->ns;
	int ret;

	self->orig_fd = -EBADF;
	REQUIRE_NS_TYPE(t);
	snprintf(self->what, sizeof(self->what), "fd of the original %s ns",
		 t->name);
	self->orig_fd = ns_open(0, t->name);
	ASSERT_LE(0, self->orig_fd)
	TH_LOG("open /proc/self/ns/%s: %s", t->name, strerror(errno));
	REQUIRE_NS_ADMIN();
	ret = sys_unshare(t->flag);
	SKIP_IF_ENV_REFUSED(return, NS_CALL_UNSHARE, t->flag, ret);
	ASSERT_EQ(0, ret)
	TH_LOG("unshare(%s): %s", t->flag_name, strerror(errno));
}

FIXTURE_TEARDOWN(setns_err)
{
	if (self->orig_fd >= 0)
		close(self->orig_fd);
}

/* Any nstype but 0 and the fd's own type is refused before anything else. */
TEST_F(setns_err, wrong_nstype_gives_einval_and_changes_nothing)
{
	const struct ns_type *t, *own = variant->ns;
	/* Not namespace types at all, or two types for a one-type fd. */
	const int odd[] = { -1, CLONE_VM, CLONE_THREAD, 1,
			    own->flag | (own->flag == CLONE_NEWUTS ?
						 CLONE_NEWIPC :
						 CLONE_NEWUTS) };

	for_each_ns(t)
		if (t != own && !expect_refused(_metadata, self->orig_fd,
						t->flag, EINVAL, self->what))
			return;
	for (size_t i = 0; i < ARRAY_SIZE(odd); i++)
		if (!expect_refused(_metadata, self->orig_fd, odd[i], EINVAL,
				    self->what))
			return;
}

/*
 * Whether the namespace of @fd belongs to the caller's own user namespace
 * (1), where root has CAP_SYS_ADMIN over it, or not (0: an ancestor's,
 * outside the caller's: EPERM), or -errno.  Without user namespaces in the
 * kernel the only one, the caller's, owns everything (and NS_GET_USERNS
 * is EPERM).
 */
static int owned_by_own_userns(int fd)
{
	struct stat owner, own;
	int owner_fd = ioctl(fd, NS_GET_USERNS), ret;

	if (owner_fd < 0 && errno == EPERM)
		return !ns_type_exists(&ns_types[NS_user]);
	if (owner_fd < 0)
		return -errno;
	ret = fstat(owner_fd, &owner) || ns_stat(0, "user", &own) ? -errno : 0;
	close(owner_fd);
	return ret ? ret : same_inode(&owner, &own);
}

/*
 * setns(2) asks for CAP_SYS_ADMIN in the user namespace that owns the target
 * and, for every type but user, in the caller's own user namespace too (plus
 * CAP_SYS_CHROOT for mnt); without them joining is EPERM.  Root of the user
 * namespace that owns the original namespace (the host's root, a
 * container's) gives up root first; other callers have no capability there
 * at all (the owner is an ancestor).
 */
TEST_F(setns_err, no_cap_sys_admin_gives_eperm_and_changes_nothing)
{
	const struct ns_type *t = variant->ns;
	int ret = owned_by_own_userns(self->orig_fd);

	ASSERT_LE(0, ret)
	TH_LOG("ioctl(%s, NS_GET_USERNS): %s", self->what, strerror(-ret));
	if (ret && have_cap(CAP_SYS_ADMIN)) {
		ret = drop_to_nobody();
		SKIP_IF_ENV_EXPLAINS(return, NS_CALL_NOBODY, 0, -ret);
		ASSERT_EQ(0, ret)
		TH_LOG("dropping to uid 65534: %s", strerror(-ret));
	}
	ASSERT_FALSE(have_cap(CAP_SYS_ADMIN) &&
		     owned_by_own_userns(self->orig_fd));
	if (expect_refused(_metadata, self->orig_fd, t->flag, EPERM,
			   self->what))
		expect_refused(_metadata, self->orig_fd, 0, EPERM, self->what);
	ns_observe("uid %d without CAP_SYS_ADMIN: setns(%s, %s) and setns(%s, "
		   "0) gave EPERM, nothing changed",
		   getuid(), self->what, CLONE_FLAGS_STR(t->flag), self->what);
}

TEST_HARNESS_MAIN

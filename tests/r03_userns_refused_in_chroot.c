// SPDX-License-Identifier: GPL-2.0
/*
 * R03 (regression): no user namespace from inside a chroot.
 *
 * Rule: while the caller's root directory is not the root of its mount
 * namespace, unshare(CLONE_NEWUSER) and clone(CLONE_NEWUSER) give EPERM, even
 * as root.  Fixed by commit 3151527ee007b73a0ebd296010f1c0454a919c7d
 * ("userns: Don't allow creation if the user is chrooted"), CVE-2013-1956:
 * before it, a chrooted process could create a user namespace, become root
 * there with CAP_SYS_CHROOT and chroot out of its jail.
 *
 * Man: unshare(2) and clone(2), EPERM "(since Linux 3.9)";
 * user_namespaces(7).
 *
 * Man-page errata: none.
 *
 * The article: silent.
 *
 * Since: 3.9.
 *
 * Exceptions: none.
 */
#include "common.h"

#define FIX                                                            \
	"3151527ee007 (\"userns: Don't allow creation if the user is " \
	"chrooted\")"

static int by_unshare(void)
{
	return sys_unshare(CLONE_NEWUSER) ? -errno : 0;
}

/*
 * A child that was created leaves at once; the caller reports "created",
 * also when clone() returned 0 without creating one.
 */
static int by_clone(void)
{
	pid_t parent = getpid();
	pid_t pid = clone_child(CLONE_NEWUSER);

	if (pid == 0 && getpid() != parent)
		_exit(0);
	if (pid < 0)
		return -errno;
	if (pid > 0)
		wait_child(pid);
	return 0;
}

static const struct creation {
	const char *call;
	int (*create)(void);
	enum ns_call ns_call;
} creations[] = {
	/* clone() first: after unshare() the caller's uid is unmapped. */
	{ "clone(CLONE_NEWUSER)", by_clone, NS_CALL_CLONE },
	{ "unshare(CLONE_NEWUSER)", by_unshare, NS_CALL_UNSHARE },
};

/*
 * @proc_self stays usable after chroot: "ns/user" under it is the
 * caller's user namespace at the time of the lookup.
 */
FIXTURE(chrooted)
{
	int proc_self;
	struct stat userns_before;
};

FIXTURE_SETUP(chrooted)
{
	self->proc_self = -EBADF;
	REQUIRE_NS_TYPE(&ns_types[NS_user]);
	REQUIRE_NS_ADMIN();
	self->proc_self =
		open("/proc/self", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ASSERT_LE(0, self->proc_self);
	ASSERT_EQ(0,
		  fstatat(self->proc_self, "ns/user", &self->userns_before, 0));
}

FIXTURE_TEARDOWN(chrooted)
{
	if (self->proc_self >= 0)
		close(self->proc_self);
}

static void enter_root(struct __test_metadata *_metadata, const char *dir)
{
	ASSERT_EQ(0, chroot(dir))
	TH_LOG("chroot(%s): %s", dir, strerror(errno));
	ASSERT_EQ(0, chdir("/"));
}

TEST_F(chrooted, creating_user_ns_in_chroot_gives_eperm)
{
	struct stat after;

	/* Any directory but the namespace root will do. */
	enter_root(_metadata, "/proc");
	for (size_t i = 0; i < ARRAY_SIZE(creations); i++) {
		int ret = creations[i].create();
		char why[256];

		/* Another refusal, or the filter's EPERM, proves nothing. */
		if (ret != -EPERM)
			SKIP_IF_ENV_EXPLAINS(return, creations[i].ns_call,
						   CLONE_NEWUSER, -ret);
		if (ns_env_explains_filter(creations[i].ns_call, NS_user, -ret,
					   why, sizeof(why)))
			SKIP(return, "%s", why);
		EXPECT_EQ(-EPERM, ret)
		TH_LOG("%s in a chroot: %s, expected EPERM; regression: "
		       "fixed by commit " FIX,
		       creations[i].call, ret ? strerror(-ret) : "allowed");
	}
	ASSERT_EQ(0, fstatat(self->proc_self, "ns/user", &after, 0));
	EXPECT_TRUE(same_inode(&self->userns_before, &after))
	TH_LOG("the refused calls changed the caller's user namespace");
}

/* The control: chroot("/") is no jail, and creation works. */
TEST_F(chrooted, creating_user_ns_at_ns_root_is_allowed)
{
	enter_root(_metadata, "/");
	for (size_t i = 0; i < ARRAY_SIZE(creations); i++) {
		int ret = creations[i].create();

		SKIP_IF_ENV_EXPLAINS(return, creations[i].ns_call,
					   CLONE_NEWUSER, -ret);
		EXPECT_EQ(0, ret)
		TH_LOG("%s after chroot(\"/\"): %s", creations[i].call,
		       strerror(-ret));
	}
}

TEST_HARNESS_MAIN

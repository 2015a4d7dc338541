// SPDX-License-Identifier: GPL-2.0
/*
 * R02 (regression): mapping uid 0 in a new user namespace needs
 * CAP_SETFCAP.
 *
 * Rule: a process that created a user namespace without CAP_SETFCAP in its
 * effective set may not write a uid_map that maps its parent's uid 0: EPERM,
 * and the map stays empty.  Fixed by commit
 * db2e718a47984b9d71ed890eb2ea36ecf150de18 ("capabilities: require
 * CAP_SETFCAP to map uid 0"): before it, root without CAP_SETFCAP could map
 * itself to root of a new user namespace and there write v3 file
 * capabilities that the parent honoured, regaining what it had given up.
 *
 * Man: user_namespaces(7), "Defining user and group ID mappings", rule 4;
 * capabilities(7), CAP_SETFCAP.
 *
 * Man-page errata: none.
 *
 * The article: silent.
 *
 * Since: 5.12.
 *
 * Exceptions: none.
 */
#include "common.h"

#define FIX                                                         \
	"db2e718a4798 (\"capabilities: require CAP_SETFCAP to map " \
	"uid 0\")"

/* Remove @cap from the effective, permitted and inheritable sets. */
static int drop_cap(int cap)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2] = {};
	uint32_t bit = 1U << (cap % 32);

	if (syscall(SYS_capget, &hdr, data))
		return -errno;
	data[cap / 32].effective &= ~bit;
	data[cap / 32].permitted &= ~bit;
	data[cap / 32].inheritable &= ~bit;
	return syscall(SYS_capset, &hdr, data) ? -errno : 0;
}

/* Whether /proc/self/uid_map is empty, as it is until a map is written. */
static bool uid_map_empty(void)
{
	char buf[16];
	ssize_t n;
	int fd = open("/proc/self/uid_map", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	return n == 0;
}

/*
 * unshare(CLONE_NEWUSER), and show that the caller did move; false when it
 * SKIPped (the environment explains the refusal).
 */
static bool enter_new_userns(struct __test_metadata *_metadata)
{
	struct stat before, after;
	int ret;

	ASSERT_EQ(0, ns_stat(0, "user", &before));
	ret = sys_unshare(CLONE_NEWUSER);
	SKIP_IF_ENV_REFUSED(return false, NS_CALL_UNSHARE, CLONE_NEWUSER, ret);
	ASSERT_EQ(0, ret)
	TH_LOG("unshare(CLONE_NEWUSER): %s", strerror(errno));
	ASSERT_EQ(0, ns_stat(0, "user", &after));
	ASSERT_FALSE(same_inode(&before, &after))
	TH_LOG("unshare(CLONE_NEWUSER) returned 0 but the user namespace "
	       "is the same");
	return true;
}

/*
 * Be root (uid 0) with every capability, in the initial user namespace or
 * in one whose uid 0 is the caller: then "0 0 1" written into a child user
 * namespace maps the parent's uid 0.
 */
FIXTURE(root_map){};

FIXTURE_SETUP(root_map)
{
	REQUIRE_NS_TYPE(&ns_types[NS_user]);
	REQUIRE_NS_ADMIN();
	ASSERT_EQ(0, geteuid())
	TH_LOG("not uid 0 after gaining CAP_SYS_ADMIN (euid %d)", geteuid());
	ASSERT_TRUE(have_cap(CAP_SETFCAP));
}

FIXTURE_TEARDOWN(root_map)
{
}

TEST_F(root_map, without_setfcap_mapping_uid_0_is_refused)
{
	int ret;

	ASSERT_EQ(0, drop_cap(CAP_SETFCAP));
	ASSERT_FALSE(have_cap(CAP_SETFCAP))
	TH_LOG("CAP_SETFCAP still effective after capset()");
	if (!enter_new_userns(_metadata))
		return;
	ret = write_file("/proc/self/uid_map", "0 0 1");
	EXPECT_EQ(-EPERM, ret)
	TH_LOG("writing \"0 0 1\" to uid_map without CAP_SETFCAP: %s, "
	       "expected EPERM; regression: fixed by commit " FIX,
	       ret ? strerror(-ret) : "accepted");
	EXPECT_TRUE(uid_map_empty())
	TH_LOG("the refused write left a uid_map behind");
}

/* The control: with CAP_SETFCAP the same write is accepted. */
TEST_F(root_map, with_setfcap_mapping_uid_0_is_allowed)
{
	int ret;

	if (!enter_new_userns(_metadata))
		return;
	ret = write_file("/proc/self/uid_map", "0 0 1");
	EXPECT_EQ(0, ret)
	TH_LOG("writing \"0 0 1\" to uid_map with CAP_SETFCAP: %s",
	       strerror(-ret));
	EXPECT_FALSE(uid_map_empty());
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * U12 (selftests): namespace ids from NS_GET_ID are unique and stable; a
 * netns id is its SO_NETNS_COOKIE.
 *
 * Rule: every namespace has a 64-bit id, read with ioctl(fd, NS_GET_ID)
 * (every type) or, for mount namespaces only, NS_GET_MNTNS_ID (EINVAL on
 * other types).  The id is the same through every fd of the namespace, never
 * 0, and a new namespace gets a new one: ids are not reused the way inode
 * numbers are.  They are not ordered by creation time (on 6.18 a later user
 * namespace was seen to get a smaller id, from another CPU's batch).  A
 * network namespace's id is the cookie getsockopt(SO_NETNS_COOKIE) gives for
 * its sockets.
 *
 * Man: ioctl_ns(2) (NS_GET_ID is newer than it), socket(7)
 * SO_NETNS_COOKIE, the kernel's include/uapi/linux/nsfs.h.
 *
 * Man-page errata: ioctl_ns(2) documents neither NS_GET_ID nor
 * NS_GET_MNTNS_ID.
 *
 * The article: silent; it treats the inode number as the identity, which
 * holds only while the namespace lives.
 *
 * Since: NS_GET_ID 6.18; NS_GET_MNTNS_ID earlier in 6.x.
 *
 * Exceptions: on 6.18 the initial namespaces' ids are not yet the fixed
 * 1..8 that later uapi headers list, so no value is assumed.
 */
#include <sys/socket.h>

#include "common.h"

#ifndef NS_GET_ID
#define NS_GET_ID _IOR(NSIO, 13, uint64_t)
#endif
#ifndef SO_NETNS_COOKIE
#define SO_NETNS_COOKIE 71
#endif

static int ns_get_id(int fd, uint64_t *id)
{
	*id = 0;
	return ioctl(fd, NS_GET_ID, id);
}

/* Id of the caller's namespace @name, or 0 with errno set. */
static uint64_t own_ns_id(const char *name)
{
	uint64_t id;
	int fd = ns_open(0, name);

	if (fd < 0)
		return 0;
	if (ns_get_id(fd, &id))
		id = 0;
	close(fd);
	return id;
}

/* SKIP only when NS_GET_ID is unknown (ENOTTY); other errors FAIL later. */
#define REQUIRE_NS_GET_ID(t)                                        \
	do {                                                        \
		REQUIRE_NS_TYPE(t);                                 \
		if (!own_ns_id((t)->name) && errno == ENOTTY)       \
			SKIP(return,                                \
				   "%s: NS_GET_ID not implemented " \
				   "(ENOTTY; since 6.18)",          \
				   (t)->name);                      \
	} while (0)

NS_TYPE_FIXTURE(ns_id);

/* Two opens, the task's entry and repeated calls all give one id. */
TEST_F(ns_id, id_is_nonzero_and_same_through_every_fd)
{
	const struct ns_type *t = variant->ns;
	uint64_t ids[3] = {};
	char path[PATH_MAX];
	int fds[3];

	REQUIRE_NS_GET_ID(t);
	snprintf(path, sizeof(path), "/proc/self/task/%d/ns/%s", gettid(),
		 t->name);
	fds[0] = ns_open(0, t->name);
	fds[1] = ns_open(getpid(), t->name);
	fds[2] = open(path, O_RDONLY | O_CLOEXEC);
	for (size_t i = 0; i < ARRAY_SIZE(fds); i++) {
		ASSERT_LE(0, fds[i]);
		ASSERT_EQ(0, ns_get_id(fds[i], &ids[i]))
		TH_LOG("%s: ioctl(NS_GET_ID): %s", t->name, strerror(errno));
	}
	EXPECT_NE(0, ids[0]);
	EXPECT_EQ(ids[0], ids[1]);
	EXPECT_EQ(ids[0], ids[2]);
	ASSERT_EQ(0, ns_get_id(fds[0], &ids[1]));
	EXPECT_EQ(ids[0], ids[1]);
	for (size_t i = 0; i < ARRAY_SIZE(fds); i++)
		close(fds[i]);
}

/* The id of the caller's own namespace of type @t (run in a new one). */
static uint64_t own_id_of_type(const struct ns_type *t)
{
	return own_ns_id(t->name);
}

/*
 * Id of a namespace of type @t made for a child by clone3() (the only call
 * that takes every CLONE_NEW* flag), read by the child, which then exits
 * and so frees the namespace.  Returns 0 with errno on failure.
 */
static uint64_t id_of_new_namespace(const struct ns_type *t)
{
	return probe_in_new_ns(t->flag, own_id_of_type, t);
}

/* Each new namespace gets a fresh id, even after the last one was freed. */
TEST_F(ns_id, new_namespaces_get_new_ids_never_reused)
{
	const struct ns_type *t = variant->ns;
	uint64_t own, first, second;

	REQUIRE_NS_GET_ID(t);
	REQUIRE_NS_ADMIN();
	own = own_ns_id(t->name);
	first = id_of_new_namespace(t);
	if (!first)
		SKIP_IF_ENV_EXPLAINS(return, NS_CALL_CLONE3, t->flag, errno);
	ASSERT_NE(0, first)
	TH_LOG("%s: clone3(%s) child could not read NS_GET_ID: %s", t->name,
	       t->flag_name, strerror(errno));
	second = id_of_new_namespace(t);
	ASSERT_NE(0, second);
	EXPECT_NE(own, first);
	EXPECT_NE(first, second)
	TH_LOG("%s: a new namespace got id %llu, the id of a freed one "
	       "(%llu)",
	       t->name, (unsigned long long)second, (unsigned long long)first);
}

/* NS_GET_MNTNS_ID: the mount namespace's NS_GET_ID; EINVAL elsewhere. */
TEST(mntns_id_equals_ns_id_and_other_types_give_einval)
{
	const struct ns_type *t;
	uint64_t mntns_id = 0;
	int fd;

	REQUIRE_NS_GET_ID(&ns_types[NS_mnt]);
	fd = ns_open(0, "mnt");
	ASSERT_LE(0, fd);
	if (ioctl(fd, NS_GET_MNTNS_ID, &mntns_id) && errno == ENOTTY)
		SKIP(return, "mnt: NS_GET_MNTNS_ID not implemented (ENOTTY)");
	EXPECT_NE(0, mntns_id)
	TH_LOG("mnt: ioctl(NS_GET_MNTNS_ID): %s", strerror(errno));
	EXPECT_EQ(own_ns_id("mnt"), mntns_id);
	close(fd);
	for_each_ns(t) {
		if (t == &ns_types[NS_mnt] || !ns_type_exists(t))
			continue;
		fd = ns_open(0, t->name);
		ASSERT_LE(0, fd);
		EXPECT_EQ(-1, ioctl(fd, NS_GET_MNTNS_ID, &mntns_id));
		EXPECT_EQ(EINVAL, errno)
		TH_LOG("%s: ioctl(NS_GET_MNTNS_ID) on a %s namespace: %s, "
		       "expected EINVAL",
		       t->name, t->name, strerror(errno));
		close(fd);
	}
}

static uint64_t socket_netns_cookie(void)
{
	socklen_t len = sizeof(uint64_t);
	uint64_t cookie = 0;
	int sock = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (sock < 0)
		return 0;
	if (getsockopt(sock, SOL_SOCKET, SO_NETNS_COOKIE, &cookie, &len))
		cookie = 0;
	close(sock);
	return cookie;
}

/* The caller's netns and a new one: NS_GET_ID equals SO_NETNS_COOKIE. */
TEST(netns_id_equals_so_netns_cookie)
{
	uint64_t cookie;
	int ret;

	REQUIRE_NS_GET_ID(&ns_types[NS_net]);
	cookie = socket_netns_cookie();
	if (!cookie && errno == ENOPROTOOPT)
		SKIP(return, "net: SO_NETNS_COOKIE not implemented "
			     "(ENOPROTOOPT; since 5.14)");
	EXPECT_EQ(own_ns_id("net"), cookie)
	TH_LOG("net: SO_NETNS_COOKIE: %s", strerror(errno));

	REQUIRE_NS_ADMIN();
	ret = sys_unshare(CLONE_NEWNET);
	SKIP_IF_ENV_REFUSED(return, NS_CALL_UNSHARE, CLONE_NEWNET, ret);
	ASSERT_EQ(0, ret)
	TH_LOG("unshare(CLONE_NEWNET): %s", strerror(errno));
	cookie = socket_netns_cookie();
	EXPECT_NE(0, cookie);
	EXPECT_EQ(own_ns_id("net"), cookie);
}

TEST_HARNESS_MAIN

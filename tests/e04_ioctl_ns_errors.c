// SPDX-License-Identifier: GPL-2.0
/*
 * E04 (error table): the NS_GET_* ioctls give ENOTTY on files that are no
 * namespace and for unknown requests.
 *
 * Rule: on a regular file, a pipe or a socket each NS_GET_* ioctl gives
 * ENOTTY, and on a namespace file an ioctl number nsfs does not know gives
 * ENOTTY too; EINVAL is kept for a known request with a bad argument (e.g.
 * NS_GET_PARENT on a uts namespace, U03).  A refused ioctl writes nothing to
 * its argument, installs no file descriptor and changes no namespace.
 *
 * Man: ioctl_ns(2), ERRORS; ioctl(2) for ENOTTY.
 *
 * Man-page errata: none.
 *
 * The article: silent.
 *
 * Since: 4.9.
 *
 * Exceptions: none.
 */
#include <sys/mman.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include "common.h"

/* From linux/nsfs.h of newer kernels; only the numbers matter here. */
#define E04_NS_GET_PID_FROM_PIDNS _IOR(NSIO, 0x6, int)
#define E04_NS_GET_TGID_FROM_PIDNS _IOR(NSIO, 0x7, int)
#define E04_NS_GET_PID_IN_PIDNS _IOR(NSIO, 0x8, int)
#define E04_NS_GET_TGID_IN_PIDNS _IOR(NSIO, 0x9, int)
#define E04_MNT_NS_INFO_SIZE 16
#define E04_NS_MNT_GET_INFO _IOC(_IOC_READ, NSIO, 10, E04_MNT_NS_INFO_SIZE)
#define E04_NS_MNT_GET_NEXT _IOC(_IOC_READ, NSIO, 11, E04_MNT_NS_INFO_SIZE)
#define E04_NS_MNT_GET_PREV _IOC(_IOC_READ, NSIO, 12, E04_MNT_NS_INFO_SIZE)
#define E04_NS_GET_ID _IOR(NSIO, 13, uint64_t)

#define IOCTL(x)      \
	{             \
#x, x \
	}

static const struct ns_ioctl {
	const char *name;
	unsigned long request;
} ns_ioctls[] = {
	IOCTL(NS_GET_USERNS),
	IOCTL(NS_GET_PARENT),
	IOCTL(NS_GET_NSTYPE),
	IOCTL(NS_GET_OWNER_UID),
	IOCTL(NS_GET_MNTNS_ID),
	{ "NS_GET_PID_FROM_PIDNS", E04_NS_GET_PID_FROM_PIDNS },
	{ "NS_GET_TGID_FROM_PIDNS", E04_NS_GET_TGID_FROM_PIDNS },
	{ "NS_GET_PID_IN_PIDNS", E04_NS_GET_PID_IN_PIDNS },
	{ "NS_GET_TGID_IN_PIDNS", E04_NS_GET_TGID_IN_PIDNS },
	{ "NS_MNT_GET_INFO", E04_NS_MNT_GET_INFO },
	{ "NS_MNT_GET_NEXT", E04_NS_MNT_GET_NEXT },
	{ "NS_MNT_GET_PREV", E04_NS_MNT_GET_PREV },
	{ "NS_GET_ID", E04_NS_GET_ID },
};

/* Requests nsfs has never had: a free number, a foreign type, wrong size. */
static const struct ns_ioctl unknown_ioctls[] = {
	{ "_IO(NSIO, 0)", _IO(NSIO, 0) },
	{ "_IO(NSIO, 0x7f)", _IO(NSIO, 0x7f) },
	{ "_IO(NSIO, 0xff)", _IO(NSIO, 0xff) },
	{ "_IO('X', 0x3) (NS_GET_NSTYPE's number, other type)", _IO('X', 3) },
	{ "_IOR(NSIO, 0x3, int) (NS_GET_NSTYPE with a size)",
	  _IOR(NSIO, 3, int) },
	{ "_IOW(NSIO, 0x1, int) (NS_GET_USERNS written to)",
	  _IOW(NSIO, 1, int) },
};

#define POISON 0xa5

/* The lowest free descriptor: a refused ioctl must not install one. */
static int lowest_free_fd(void)
{
	int fd = fcntl(0, F_DUPFD_CLOEXEC, 0);

	if (fd >= 0)
		close(fd);
	return fd;
}

static void expect_enotty(struct __test_metadata *_metadata, int fd,
			  const char *file, const struct ns_ioctl *req)
{
	unsigned char arg[64], poison[sizeof(arg)];
	struct ns_snapshot before, after;
	const struct ns_type *changed;
	int ret, saved, free_fd;

	memset(arg, POISON, sizeof(arg));
	memset(poison, POISON, sizeof(poison));
	ASSERT_EQ(0, ns_snapshot_take(&before));
	free_fd = lowest_free_fd();
	errno = 0;
	ret = ioctl(fd, req->request, arg);
	saved = errno;
	if (ret >= 0 && req->request == NS_GET_USERNS)
		close(ret);
	ASSERT_EQ(0, ns_snapshot_take(&after));
	EXPECT_EQ(-1, ret)
	TH_LOG("ioctl(%s, %s) returned %d, expected -1 ENOTTY", file, req->name,
	       ret);
	EXPECT_EQ(ENOTTY, saved)
	TH_LOG("ioctl(%s, %s): errno %s, expected ENOTTY", file, req->name,
	       strerrorname_np(saved));
	EXPECT_EQ(0, memcmp(poison, arg, sizeof(arg)))
	TH_LOG("refused ioctl(%s, %s) wrote to its argument", file, req->name);
	EXPECT_EQ(free_fd, lowest_free_fd())
	TH_LOG("refused ioctl(%s, %s) left a new descriptor", file, req->name);
	changed = ns_snapshot_diff(&before, &after);
	EXPECT_EQ(NULL, changed)
	TH_LOG("refused ioctl(%s, %s) changed the caller's %s namespace", file,
	       req->name, changed ? changed->name : "?");
}

/* --- every NS_GET_* on files that are no namespace --------------------- */

static int proc_file(void)
{
	return open("/proc/self/status", O_RDONLY | O_CLOEXEC);
}

/* A kernel without IPv4 (CONFIG_INET=n) gets a unix datagram socket. */
static int udp_socket(void)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0 && errno == EAFNOSUPPORT)
		fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	return fd;
}

static const struct non_ns_file {
	const char *what;
	int (*open)(void);
} non_ns_files[] = {
	{ "a regular file (memfd)", open_memfd },
	{ "a procfs file (/proc/self/status)", proc_file },
	{ "a pipe", open_pipe_end },
	{ "a unix socket", open_unix_socket },
	{ "a datagram socket", udp_socket },
};

TEST(ns_ioctl_on_non_namespace_file_gives_enotty)
{
	for (size_t i = 0; i < ARRAY_SIZE(non_ns_files); i++) {
		const struct non_ns_file *f = &non_ns_files[i];
		int fd = f->open();

		ASSERT_LE(0, fd)
		TH_LOG("opening %s: %s", f->what, strerror(errno));
		for (size_t j = 0; j < ARRAY_SIZE(ns_ioctls); j++)
			expect_enotty(_metadata, fd, f->what, &ns_ioctls[j]);
		close(fd);
	}
}

/* --- unknown requests on namespace files, every type ------------------- */

NS_TYPE_FIXTURE(ns_file);

TEST_F(ns_file, unknown_ioctl_gives_enotty)
{
	const struct ns_type *t = variant->ns;
	char what[64];
	int fd;

	REQUIRE_NS_TYPE(t);
	fd = ns_open(0, t->name);
	ASSERT_LE(0, fd)
	TH_LOG("open /proc/self/ns/%s: %s", t->name, strerror(errno));
	snprintf(what, sizeof(what), "/proc/self/ns/%s", t->name);
	for (size_t i = 0; i < ARRAY_SIZE(unknown_ioctls); i++)
		expect_enotty(_metadata, fd, what, &unknown_ioctls[i]);
	close(fd);
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * U11 (selftests): SIOCGSKNS gives a socket's network namespace; an open
 * socket keeps it alive.
 *
 * Rule: a socket belongs to the network namespace its creator was in when it
 * called socket(); ioctl(SIOCGSKNS) on it returns a new fd of that namespace
 * (it needs CAP_NET_ADMIN over the namespace).  After its creator moves on
 * the socket still names, and pins, the old namespace with its state (here:
 * lo up), also after every process in it exited.
 *
 * Man: socket(7) SIOCGSKNS (absent from older man pages; the kernel's
 * net/socket.c), network_namespaces(7), ioctl_ns(2).
 *
 * Man-page errata: namespaces(7) "Namespace lifetime" omits open sockets
 * among the references that keep a network namespace alive.
 *
 * The article: an opened link keeps a namespace alive; silent on sockets.
 *
 * Since: 4.9.
 *
 * Exceptions: none.
 */
#include <net/if.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "common.h"

#ifndef SIOCGSKNS
#define SIOCGSKNS 0x894C
#endif

/* SKIP only for the "not implemented" answer; any other errno is a FAIL. */
#define REQUIRE_SIOCGSKNS(sock)                                        \
	do {                                                           \
		int __fd = ioctl(sock, SIOCGSKNS);                     \
		if (__fd < 0 && errno == ENOTTY)                       \
			SKIP(return, "net: SIOCGSKNS not implemented " \
				     "(ENOTTY; since 4.9)");           \
		if (__fd >= 0)                                         \
			close(__fd);                                   \
	} while (0)

static void expect_socket_netns(struct __test_metadata *_metadata, int sock,
				const struct stat *want, const char *what)
{
	struct stat st;
	int nsfd;

	nsfd = ioctl(sock, SIOCGSKNS);
	ASSERT_LE(0, nsfd)
	TH_LOG("net: ioctl(%s socket, SIOCGSKNS): %s", what, strerror(errno));
	EXPECT_EQ(CLONE_NEWNET, ioctl(nsfd, NS_GET_NSTYPE));
	ASSERT_EQ(0, fstat(nsfd, &st));
	EXPECT_TRUE(same_inode(want, &st))
	TH_LOG("net: SIOCGSKNS on the %s socket names inode %lu, its "
	       "creator's namespace is %lu",
	       what, (unsigned long)st.st_ino, (unsigned long)want->st_ino);
	close(nsfd);
}

/* A socket made in namespace A still names A after its creator moved on. */
TEST(socket_names_netns_of_its_creation)
{
	struct stat first, second;
	int sock_first, sock_second;

	REQUIRE_NS_TYPE(&ns_types[NS_net]);
	REQUIRE_NS_ADMIN();
	REQUIRE_UNSHARE(CLONE_NEWNET);
	ASSERT_EQ(0, ns_stat(0, "net", &first));
	sock_first = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ASSERT_LE(0, sock_first);
	REQUIRE_SIOCGSKNS(sock_first);

	REQUIRE_UNSHARE(CLONE_NEWNET);
	ASSERT_EQ(0, ns_stat(0, "net", &second));
	ASSERT_FALSE(same_inode(&first, &second));
	sock_second = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ASSERT_LE(0, sock_second);

	expect_socket_netns(_metadata, sock_first, &first, "first (AF_INET)");
	expect_socket_netns(_metadata, sock_second, &second,
			    "second (AF_UNIX)");
	close(sock_first);
	close(sock_second);
}

struct netns_report {
	dev_t dev;
	ino_t ino;
	int err; /* 0, or the errno of the step that failed */
	int unshare_err; /* the errno of unshare(), when it was that step */
};

static int set_lo_up(int sock)
{
	struct ifreq ifr = {};

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	if (ioctl(sock, SIOCGIFFLAGS, &ifr))
		return -errno;
	ifr.ifr_flags |= IFF_UP;
	return ioctl(sock, SIOCSIFFLAGS, &ifr) ? -errno : 0;
}

/* Send @report and, when @fd >= 0, the fd along with it. */
static int send_with_fd(int chan, const struct netns_report *report, int fd)
{
	char control[CMSG_SPACE(sizeof(int))] = {};
	struct iovec iov = { (void *)report, sizeof(*report) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *cmsg;

	if (fd >= 0) {
		msg.msg_control = control;
		msg.msg_controllen = sizeof(control);
		cmsg = CMSG_FIRSTHDR(&msg);
		cmsg->cmsg_level = SOL_SOCKET;
		cmsg->cmsg_type = SCM_RIGHTS;
		cmsg->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
	}
	return sendmsg(chan, &msg, 0) == sizeof(*report) ? 0 : -1;
}

/* Returns the received fd, or -1 (report->err says why when it can). */
static int recv_with_fd(int chan, struct netns_report *report)
{
	char control[CMSG_SPACE(sizeof(int))] = {};
	struct iovec iov = { report, sizeof(*report) };
	struct msghdr msg = { .msg_iov = &iov,
			      .msg_iovlen = 1,
			      .msg_control = control,
			      .msg_controllen = sizeof(control) };
	struct cmsghdr *cmsg;
	int fd;

	if (recvmsg(chan, &msg, MSG_CMSG_CLOEXEC) != sizeof(*report))
		return -1;
	cmsg = CMSG_FIRSTHDR(&msg);
	if (!cmsg || cmsg->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(cmsg), sizeof(int));
	return fd;
}

/* In a new netns: lo up, one socket sent to the parent, then exit. */
static void __attribute__((noreturn)) make_netns_and_socket(int chan)
{
	struct netns_report report = {};
	struct stat st = {};
	int sock = -1;

	if (sys_unshare(CLONE_NEWNET))
		report.unshare_err = report.err = errno;
	else if (ns_stat(0, "net", &st))
		report.err = errno;
	else if ((sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		report.err = errno;
	else
		report.err = -set_lo_up(sock);
	report.dev = st.st_dev;
	report.ino = st.st_ino;
	_exit(send_with_fd(chan, &report, report.err ? -1 : sock) ? 2 : 0);
}

static bool lo_is_up(int sock)
{
	struct ifreq ifr = {};

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	return !ioctl(sock, SIOCGIFFLAGS, &ifr) && (ifr.ifr_flags & IFF_UP);
}

/*
 * The only process of a network namespace sends a socket and exits; the
 * socket keeps the namespace: SIOCGSKNS names it, its lo is still up, and
 * setns() through the returned fd enters it.
 */
TEST(open_socket_keeps_netns_alive_after_its_processes_exit)
{
	struct netns_report report = {};
	struct stat want, now;
	int chan[2], sock, nsfd;
	pid_t pid;

	REQUIRE_NS_TYPE(&ns_types[NS_net]);
	REQUIRE_NS_ADMIN();
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, chan));
	fflush(NULL);
	pid = fork_child();
	ASSERT_LE(0, pid);
	if (pid == 0)
		make_netns_and_socket(chan[1]);
	close(chan[1]);
	sock = recv_with_fd(chan[0], &report);
	ASSERT_EQ(0, wait_child(pid));
	SKIP_IF_ENV_EXPLAINS(return, NS_CALL_UNSHARE, CLONE_NEWNET,
				   report.unshare_err);
	ASSERT_EQ(0, report.err)
	TH_LOG("net: child: unshare, socket or lo up: %s",
	       strerror(report.err));
	ASSERT_LE(0, sock);
	REQUIRE_SIOCGSKNS(sock);

	want.st_dev = report.dev;
	want.st_ino = report.ino;
	expect_socket_netns(_metadata, sock, &want, "exited creator's");
	EXPECT_TRUE(lo_is_up(sock))
	TH_LOG("net: lo of the pinned namespace is not up: state was lost");

	nsfd = ioctl(sock, SIOCGSKNS);
	ASSERT_LE(0, nsfd);
	EXPECT_EQ(0, sys_setns(nsfd, CLONE_NEWNET))
	TH_LOG("net: setns(SIOCGSKNS fd, CLONE_NEWNET): %s", strerror(errno));
	ASSERT_EQ(0, ns_stat(0, "net", &now));
	EXPECT_TRUE(same_inode(&want, &now));
	close(nsfd);
	close(sock);
	close(chan[0]);
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * I02 (isolation): POSIX message queues belong to one IPC namespace.
 * Rule: mq_open() of a queue name made in another IPC namespace gives
 *   ENOENT, in both directions, and setns() into that namespace makes the
 *   name open; an mqueue file system lists the queues of the IPC namespace
 *   of the process that mounted it, whichever namespace the reader is in.
 * Man: ipc_namespaces(7); mq_overview(7) ("Mounting the message queue file
 *   system"); mq_open(3) (ERRORS: ENOENT).
 * Man-page errata: none.
 * The article: silent.
 * Since: 2.6.30 (POSIX message queues in IPC namespaces).
 * Exceptions: none needs host root; as nobody every case runs as root of a
 *   new user namespace (which may mount mqueue for an IPC namespace it owns).
 *   The mqueue mounts are made in the test's own mount namespace, on a
 *   tmpfs over /tmp mounted there.
 */
#include <dirent.h>
#include <mqueue.h>

#include "isolation.h"

#define QUEUE "/nsapi-i02"
#define QUEUE_B "/nsapi-i02-b"

/* A small queue, so that RLIMIT_MSGQUEUE never gets in the way. */
static mqd_t make_queue(const char *name)
{
	struct mq_attr attr = { .mq_maxmsg = 1, .mq_msgsize = 16 };

	return mq_open(name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600,
		       &attr);
}

/* mq_open() of an existing @name: 0, or -errno. */
static int open_queue(const char *name)
{
	mqd_t q = mq_open(name, O_RDONLY | O_CLOEXEC);

	if (q == (mqd_t)-1)
		return -errno;
	mq_close(q);
	return 0;
}

static void open_from_new_ns(void *arg, int report)
{
	int ret = open_queue(QUEUE);

	(void)arg;
	if (ret)
		child_fail(report, "mq_open(%s) before unshare: %s", QUEUE,
			   strerror(-ret));
	child_unshare(report, CLONE_NEWIPC, "unshare(CLONE_NEWIPC)");
	ret = open_queue(QUEUE);
	if (ret != -ENOENT)
		child_fail(report,
			   "mq_open(%s) in a new namespace gave %d, "
			   "expected ENOENT",
			   QUEUE, ret);
}

#define ENTER_OWN_IPC_NS()                          \
	do {                                        \
		REQUIRE_NS_TYPE(&ns_types[NS_ipc]); \
		REQUIRE_NS_ADMIN();                 \
		UNSHARE_OR_SKIP(CLONE_NEWIPC);      \
	} while (0)

TEST(queue_made_outside_gives_enoent_in_a_new_namespace)
{
	mqd_t q;

	ENTER_OWN_IPC_NS();
	q = make_queue(QUEUE);
	ASSERT_NE((mqd_t)-1, q)
	TH_LOG("mq_open(%s, O_CREAT): %s", QUEUE, strerror(errno));
	RUN_CHILD_OK(open_from_new_ns, NULL);
	mq_close(q);
}

/* A child that makes QUEUE in a new IPC namespace and waits on @go. */
static void __attribute__((noreturn)) queue_owner(int up, int go, int report)
{
	child_unshare(report, CLONE_NEWIPC, "unshare(CLONE_NEWIPC)");
	if (make_queue(QUEUE) == (mqd_t)-1)
		child_fail(report, "mq_open(%s, O_CREAT): %s", QUEUE,
			   strerror(errno));
	if (sync_send(up))
		child_fail(report, "handshake: %s", strerror(errno));
	sync_wait(go);
	_exit(0);
}

/* The other direction, and setns() into the child's namespace. */
TEST(queue_made_in_a_new_namespace_gives_enoent_outside_until_setns)
{
	struct child_result r = { .status = -1 };
	int up = -1, go = -1, report = -1, fd, ret;
	struct child_pipes c;
	pid_t pid;

	ENTER_OWN_IPC_NS();
	ASSERT_EQ(0, child_pipes_open(&c));
	pid = fork_child();
	ASSERT_EQ(0, child_pipes_keep(&c, pid, &up, &go, &report));
	if (pid == 0)
		queue_owner(c.up[1], c.go[0], c.report[1]);
	if (sync_wait(up)) {
		child_report(report, r.msg, sizeof(r.msg));
		close(go);
		r.status = wait_child(pid);
		CHILD_RESULT_OK(&r);
		ASSERT_TRUE(false);
	}
	EXPECT_EQ(-ENOENT, open_queue(QUEUE))
	TH_LOG("the parent opened the child's queue");
	fd = ns_open(pid, "ipc");
	ASSERT_LE(0, fd);
	ret = sys_setns(fd, CLONE_NEWIPC) ? -errno : 0;
	close(fd);
	if (ret) {
		close(go);
		wait_child(pid);
		SKIP_IF_ENV_EXPLAINS(return, NS_CALL_SETNS, CLONE_NEWIPC, -ret);
		ASSERT_EQ(0, ret);
	}
	EXPECT_EQ(0, open_queue(QUEUE))
	TH_LOG("after setns() into the child's namespace the queue does not "
	       "open");
	close(go);
	EXPECT_EQ(0, wait_child(pid));
	close(up);
	close(report);
}

/* Whether directory @dir holds @name: 1, 0, or -errno. */
static int dir_has(const char *dir, const char *name)
{
	struct dirent *d;
	int found = 0;
	DIR *dp = opendir(dir);

	if (!dp)
		return -errno;
	while ((d = readdir(dp)))
		if (!strcmp(d->d_name, name))
			found = 1;
	closedir(dp);
	return found;
}

static void list_from_other_ns(void *arg, int report)
{
	int a, b;

	(void)arg;
	child_unshare(report, CLONE_NEWIPC, "unshare(CLONE_NEWIPC)");
	if (make_queue(QUEUE_B) == (mqd_t)-1)
		child_fail(report, "mq_open(%s, O_CREAT): %s", QUEUE_B,
			   strerror(errno));
	a = dir_has("/tmp/mq", QUEUE + 1);
	b = dir_has("/tmp/mq", QUEUE_B + 1);
	if (a != 1 || b != 0)
		child_fail(report,
			   "the parent's mount, read from another "
			   "namespace: its queue %d (expected 1), the "
			   "reader's %d (expected 0)",
			   a, b);
	if (mount("mqueue", "/tmp/mq2", "mqueue", 0, NULL))
		child_fail(report, "mount(mqueue) in the child: %s",
			   strerror(errno));
	a = dir_has("/tmp/mq2", QUEUE + 1);
	b = dir_has("/tmp/mq2", QUEUE_B + 1);
	if (a != 0 || b != 1)
		child_fail(report,
			   "the child's own mount: the parent's queue "
			   "%d (expected 0), its own %d (expected 1)",
			   a, b);
}

/*
 * The parent mounts mqueue on /tmp/mq and makes a queue; a child in
 * another IPC namespace makes one of its own: in /tmp/mq it finds only
 * the parent's, in the mqueue it mounts itself only its own.
 */
TEST(mqueue_fs_lists_the_queues_of_the_mounters_namespace)
{
	mqd_t q;
	int ret;

	REQUIRE_NS_TYPE(&ns_types[NS_ipc]);
	REQUIRE_NS_ADMIN();
	UNSHARE_OR_SKIP(CLONE_NEWIPC | CLONE_NEWNS);
	ret = private_tmpfs("/tmp");
	ASSERT_EQ(0, ret)
	TH_LOG("a private tmpfs on /tmp: %s", strerror(-ret));
	ASSERT_EQ(0, mkdir("/tmp/mq", 0755));
	ASSERT_EQ(0, mkdir("/tmp/mq2", 0755));
	ASSERT_EQ(0, mount("mqueue", "/tmp/mq", "mqueue", 0, NULL))
	TH_LOG("mount(mqueue, /tmp/mq): %s", strerror(errno));
	q = make_queue(QUEUE);
	ASSERT_NE((mqd_t)-1, q)
	TH_LOG("mq_open(%s, O_CREAT): %s", QUEUE, strerror(errno));
	EXPECT_EQ(1, dir_has("/tmp/mq", QUEUE + 1));
	RUN_CHILD_OK(list_from_other_ns, NULL);
	mq_close(q);
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * U14 (selftests): nsfs file handles and listns() reach live namespaces
 * only.
 *
 * Rule: name_to_handle_at() on an nsfs fd gives a file handle (FILEID_NSFS:
 * the namespace's 64-bit id, CLONE_NEW* type and inode number), and
 * open_by_handle_at(FD_NSFS_ROOT, handle) reopens the namespace while it is
 * alive; once it is gone the handle is stale (ESTALE on 6.18; ENOENT on
 * later kernels for a namespace not yet freed).  listns() lists the ids of
 * the live namespaces the caller may see, in ascending order, one page at a
 * time, each call resuming after the last id of the previous.  A handle pins
 * nothing.
 *
 * Man: open_by_handle_at(2) (nsfs handles are newer than it); listns() has
 * none yet: include/uapi/linux/nsfs.h and kernel/nstree.c.
 *
 * Man-page errata: open_by_handle_at(2) does not mention nsfs handles or
 * FD_NSFS_ROOT.
 *
 * The article: silent.
 *
 * Since: handles 6.18, listns() 6.19 (ENOSYS on 6.18).
 *
 * Exceptions: who may reach a namespace it is not in changed on purpose: up
 * to 6.18 CAP_SYS_ADMIN in the owning user namespace was enough; 7.x (and
 * stable backports of the February 2026 "tighten permission checks"
 * commits) asks for CAP_SYS_ADMIN in the initial user and pid namespaces
 * (may_see_all_namespaces()).  A caller refused from outside joins the
 * namespace with setns() and reaches it from inside; the test says which
 * policy it found.
 */
#include <sys/syscall.h>

#include "common.h"

NS_TYPE_FIXTURE(ns_handle);

/* The handle carries id, type and inode, and reopens the same namespace. */
TEST_F(ns_handle, handle_names_the_namespace_and_reopens_it)
{
	const struct ns_type *t = variant->ns;
	struct nsapi_handle h;
	struct stat st, reopened;
	uint64_t id;
	int nsfd, fd;

	REQUIRE_NS_TYPE(t);
	nsfd = ns_open(0, t->name);
	ASSERT_LE(0, nsfd);
	REQUIRE_NSFS_HANDLES(nsfd);
	ASSERT_EQ(0, fstat(nsfd, &st));
	ASSERT_EQ(0, handle_of(nsfd, &h))
	TH_LOG("%s: name_to_handle_at(ns fd, AT_EMPTY_PATH): %s", t->name,
	       strerror(errno));
	EXPECT_EQ(FILEID_NSFS, h.fh.handle_type);
	EXPECT_LE(sizeof(h.nsfs), h.fh.handle_bytes);
	EXPECT_EQ(st.st_ino, h.nsfs.ns_inum);
	EXPECT_EQ(t->flag, h.nsfs.ns_type)
	TH_LOG("%s: the handle says type %#x, expected %s", t->name,
	       h.nsfs.ns_type, t->flag_name);
	id = id_of(nsfd);
	if (id)
		EXPECT_EQ(id, h.nsfs.ns_id);

	fd = open_by_handle_at(FD_NSFS_ROOT, &h.fh, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd)
	TH_LOG("%s: open_by_handle_at(FD_NSFS_ROOT): %s", t->name,
	       strerror(errno));
	ASSERT_EQ(0, fstat(fd, &reopened));
	EXPECT_TRUE(same_inode(&st, &reopened));
	EXPECT_EQ(t->flag, ioctl(fd, NS_GET_NSTYPE));
	close(fd);
	close(nsfd);
}

/* A child in a new uts namespace, waiting to be told to exit. */
struct ns_holder {
	pid_t pid;
	int go; /* write end: closing it lets the child exit */
};

static int stop_holder(struct ns_holder *c);

/* A child in a new namespace (unshare(@flag)); 0, or unshare()'s -errno. */
static int start_holder(struct ns_holder *c, int flag)
{
	int ready[2], go[2], err;
	pid_t pid;

	if (open_pipes(ready, go, NULL))
		return -errno;
	fflush(NULL);
	pid = fork_child();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		/* ready carries the errno of unshare(): 0, made. */
		int err = sys_unshare(flag) ? errno : 0;

		close(ready[0]);
		close(go[1]);
		child_hold(ready[1], err, go[0]);
	}
	close(ready[1]);
	close(go[0]);
	c->pid = pid;
	c->go = go[1];
	err = held_errno(ready[0]);
	close(ready[0]);
	if (err) {
		stop_holder(c);
		return -err;
	}
	return 0;
}

static int stop_holder(struct ns_holder *c)
{
	close(c->go);
	return wait_child(c->pid);
}

/*
 * Run @fn(@arg) in a child joined to the uts namespace @nsfd: a caller
 * refused a namespace it is not in (see the top) reaches it from inside.
 * The caller cannot join it itself: as root of a user namespace it could
 * not go back to its own uts namespace, owned by the initial one.
 * Returns @fn's value (0: reached), 100 + errno of setns(), or -errno.
 */
static int inside_uts(int nsfd, int (*fn)(void *arg), void *arg)
{
	pid_t pid = fork_child();

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		if (sys_setns(nsfd, CLONE_NEWUTS))
			_exit(100 + errno);
		_exit(fn(arg));
	}
	return wait_child(pid);
}

struct reopen_arg {
	struct nsapi_handle *h;
	const struct stat *st;
};

/* 0: the handle reopens the namespace of @arg->st; 1: it does not. */
static int reopen_same(void *arg)
{
	const struct reopen_arg *r = arg;
	struct stat reopened;
	int fd;

	fd = open_by_handle_at(FD_NSFS_ROOT, &r->h->fh, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &reopened))
		return 1;
	return same_inode(r->st, &reopened) ? 0 : 1;
}

/*
 * A handle reopens a namespace while a process keeps it alive; after that
 * process exits (and nothing else holds it), the handle is stale.
 */
TEST(handle_reopens_live_namespace_only)
{
	struct nsapi_handle h;
	struct ns_holder c;
	struct stat st, reopened;
	int nsfd, fd, ret, err;

	REQUIRE_NS_TYPE(&ns_types[NS_uts]);
	REQUIRE_NS_ADMIN();
	nsfd = ns_open(0, "uts");
	ASSERT_LE(0, nsfd);
	REQUIRE_NSFS_HANDLES(nsfd);
	close(nsfd);
	ret = start_holder(&c, CLONE_NEWUTS);
	SKIP_IF_ENV_EXPLAINS(return, NS_CALL_UNSHARE, CLONE_NEWUTS, -ret);
	ASSERT_EQ(0, ret)
	TH_LOG("uts: child with unshare(CLONE_NEWUTS): %s", strerror(-ret));
	nsfd = ns_open(c.pid, "uts");
	ASSERT_LE(0, nsfd);
	ASSERT_EQ(0, fstat(nsfd, &st));
	ASSERT_EQ(0, handle_of(nsfd, &h));

	fd = open_by_handle_at(FD_NSFS_ROOT, &h.fh, O_RDONLY | O_CLOEXEC);
	err = fd < 0 ? errno : 0;
	if ((err == EPERM || err == ESTALE) && !have_host_root()) {
		struct reopen_arg arg = { .h = &h, .st = &st };

		ksft_print_msg("this kernel refuses a handle of a namespace "
			       "the caller is not in without CAP_SYS_ADMIN in "
			       "the initial user and pid namespaces (%s): "
			       "reopening from inside\n",
			       strerror(err));
		ret = inside_uts(nsfd, reopen_same, &arg);
		EXPECT_EQ(0, ret)
		TH_LOG("uts: open_by_handle_at() from inside the live "
		       "namespace: status %d",
		       ret);
	} else {
		EXPECT_LE(0, fd)
		TH_LOG("uts: open_by_handle_at() while the child lives: %s",
		       strerror(err));
	}
	close(nsfd);
	if (fd >= 0) {
		EXPECT_EQ(0, fstat(fd, &reopened));
		EXPECT_TRUE(same_inode(&st, &reopened));
		close(fd);
	}

	ASSERT_EQ(0, stop_holder(&c));
	fd = open_by_handle_at(FD_NSFS_ROOT, &h.fh, O_RDONLY | O_CLOEXEC);
	EXPECT_EQ(-1, fd)
	TH_LOG("uts: a handle reopened a namespace whose only process exited");
	/*
	 * 6.18 answers ESTALE (the namespace is freed); from 6.19 a namespace
	 * with no active user that is not yet freed gives ENOENT.
	 */
	EXPECT_TRUE(errno == ESTALE || errno == ENOENT)
	TH_LOG("uts: open_by_handle_at() of a dead namespace: %s, expected "
	       "ESTALE or ENOENT",
	       strerror(errno));
	if (fd >= 0)
		close(fd);
}

/* Pages resume after the last id: strictly ascending, own ns included. */
TEST(listns_pages_by_id_in_ascending_order)
{
	static uint64_t ids[LISTNS_MAX];
	const struct ns_type *t;
	long n;

	REQUIRE_LISTNS();
	n = listns_all(0, ids, ARRAY_SIZE(ids));
	ASSERT_LT(0, n)
	TH_LOG("listns(every type): %s", n ? strerror(-n) : "nothing listed");
	for (long i = 1; i < n; i++) {
		EXPECT_LT(ids[i - 1], ids[i])
		TH_LOG("listns: id %llu follows %llu",
		       (unsigned long long)ids[i],
		       (unsigned long long)ids[i - 1]);
	}
	for_each_ns(t) {
		int fd = ns_type_exists(t) ? ns_open(0, t->name) : -1;

		if (fd < 0)
			continue;
		EXPECT_TRUE(listed(ids, n, id_of(fd)))
		TH_LOG("%s: the caller's own namespace (id %llu) is not listed",
		       t->name, (unsigned long long)id_of(fd));
		close(fd);
	}
}

static uint64_t listns_ids[LISTNS_MAX];

/* 0: the uts namespace of id *@arg is listed; 1: it is not; 2: error. */
static int listns_has(void *arg)
{
	long n = listns_all(CLONE_NEWUTS, listns_ids, ARRAY_SIZE(listns_ids));

	if (n < 0)
		return 2;
	return listed(listns_ids, n, *(uint64_t *)arg) ? 0 : 1;
}

/*
 * A namespace is listed while a process lives in it, and not after.  A
 * caller without host root that does not see it from outside (see the top)
 * must see it from inside.
 */
TEST(listns_lists_live_namespaces_only)
{
	struct ns_holder c;
	uint64_t id;
	int nsfd, ret;

	REQUIRE_LISTNS();
	REQUIRE_NS_ADMIN();
	ret = start_holder(&c, CLONE_NEWUTS);
	SKIP_IF_ENV_EXPLAINS(return, NS_CALL_UNSHARE, CLONE_NEWUTS, -ret);
	ASSERT_EQ(0, ret);
	nsfd = ns_open(c.pid, "uts");
	ASSERT_LE(0, nsfd);
	id = id_of(nsfd);
	ASSERT_NE(0, id);

	ret = listns_has(&id);
	if (ret == 1 && !have_host_root()) {
		ksft_print_msg(
			"this kernel lists a namespace the caller is "
			"not in only for CAP_SYS_ADMIN in the initial "
			"user and pid namespaces: listing from inside\n");
		ret = inside_uts(nsfd, listns_has, &id);
	}
	close(nsfd);
	EXPECT_EQ(0, ret)
	TH_LOG("uts: a live namespace (id %llu) is not listed (status %d)",
	       (unsigned long long)id, ret);
	ASSERT_EQ(0, stop_holder(&c));
	ret = listns_has(&id);
	EXPECT_EQ(1, ret)
	TH_LOG("uts: a namespace whose only process exited (id %llu) is "
	       "still listed (status %d)",
	       (unsigned long long)id, ret);
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * U20 (interface): NS_MNT_GET_NEXT/PREV walk the visible mount namespaces; listmount()/statmount() reach one by id
 * Rule: on a mount namespace fd, NS_MNT_GET_INFO fills struct mnt_ns_info
 *   (the namespace's 64-bit id and its number of mounts); NS_MNT_GET_NEXT
 *   and NS_MNT_GET_PREV return an fd on the neighbouring mount namespace
 *   in id order, up or down, filling the same struct, and ENOENT past the
 *   last one.  They never hand out a mount namespace the caller may not
 *   see (one without CAP_SYS_ADMIN in its owning user namespace): host
 *   root meets every one, a caller in a user namespace only its own.
 *   listmount() and statmount() with mnt_id_req.mnt_ns_id set act in that
 *   mount namespace instead of the caller's: its mounts, none of which the
 *   caller's own listing has.
 * Man: ioctl_nsfs(2) (newer pages; older ones are ioctl_ns(2), silent on
 *   these requests); listmount(2), statmount(2) (mnt_ns_id; pages newer
 *   than this system's).
 * Man-page errata: ioctl_ns(2) on this system lists none of the three
 *   requests; nothing documents that the ids are not in creation order
 *   (on 6.18 a later one can have a smaller id), nor what a walk does at a
 *   namespace the caller may not see (6.12 steps over it; 6.18 stops with
 *   EPERM); this test accepts both and says which it found.
 * The article: silent (it knows no way to find a mount namespace other
 *   than a process's /proc/PID/ns/mnt or a bind mount of it).
 * Since: NS_MNT_GET_* Linux 6.12 (ENOTTY before); listmount() and
 *   statmount() 6.8 (ENOSYS before), their mnt_ns_id 6.11 (E2BIG or EINVAL
 *   for the longer request before).
 * Exceptions: other processes create and destroy mount namespaces all the
 *   time, so the walks check order, visibility and that the test's own
 *   namespaces are met, not what lies between them; nr_mounts does not
 *   count the namespace's root mount, and neither does listmount(), which
 *   on 6.12 lists only the direct children of the mount asked (6.18 the
 *   whole tree): the test walks the tree.  On 6.12 that walk in another
 *   namespace found 1 of its 9 mounts (6.18 and 7.2: all), so the test
 *   requires every mount listed to be of that namespace and none of the
 *   caller's, and prints the count.
 */
#include "common.h"

static long sys_listmount(const struct nsapi_mnt_id_req *req, uint64_t *ids,
			  size_t nr, unsigned int flags)
{
	return syscall(__NR_listmount, req, ids, nr, flags);
}

static long sys_statmount(const struct nsapi_mnt_id_req *req,
			  struct nsapi_statmount *buf, size_t size,
			  unsigned int flags)
{
	return syscall(__NR_statmount, req, buf, size, flags);
}

static int mnt_info(int fd, unsigned long request,
		    struct nsapi_mnt_ns_info *info)
{
	memset(info, 0, sizeof(*info));
	info->size = NSAPI_MNT_NS_INFO_SIZE_VER0;
	return ioctl(fd, request, info);
}

static uint64_t mnt_id_of(int fd)
{
	struct nsapi_mnt_ns_info info;

	return mnt_info(fd, NS_MNT_GET_INFO, &info) ? 0 : info.mnt_ns_id;
}

#define REQUIRE_MNT_NS_ITER()                                               \
	do {                                                                \
		struct nsapi_mnt_ns_info __i;                               \
		int __fd = ns_open(0, "mnt");                               \
		int __r = __fd < 0 ? -1 :                                   \
				     mnt_info(__fd, NS_MNT_GET_INFO, &__i); \
		int __e = errno;                                            \
		if (__fd >= 0)                                              \
			close(__fd);                                        \
		if (__r && __e == ENOTTY)                                   \
			SKIP(return, "NS_MNT_GET_INFO not implemented "     \
				     "(ENOTTY; since 6.12)");               \
		ASSERT_EQ(0, __r)                                           \
		TH_LOG("NS_MNT_GET_INFO on /proc/self/ns/mnt: %s",          \
		       strerror(__e));                                      \
	} while (0)

/* A child in a new mount namespace (a tmpfs on /tmp if asked), until released. */
struct mnt_holder {
	pid_t pid;
	int release;
	int fd; /* its /proc/PID/ns/mnt */
	uint64_t id;
	int failed_flag; /* of a refused unshare() */
};

static int private_mounts(void)
{
	return make_mounts_private() ? errno : 0;
}

static int private_mounts_and_tmpfs(void)
{
	if (make_mounts_private() || mount("nsapi", "/tmp", "tmpfs", 0, NULL))
		return errno;
	return 0;
}

/* Returns 0 or -errno (h->failed_flag set when unshare() was refused). */
static int mnt_holder_start(struct mnt_holder *h, bool with_tmpfs)
{
	h->fd = -EBADF;
	h->failed_flag = 0;
	h->pid = holder_unshare_start(CLONE_NEWNS,
				      with_tmpfs ? private_mounts_and_tmpfs :
						   private_mounts,
				      &h->release, &h->failed_flag);
	if (h->pid < 0)
		return h->pid;
	h->fd = ns_open(h->pid, "mnt");
	if (h->fd < 0)
		return -errno;
	h->id = mnt_id_of(h->fd);
	return 0;
}

static int mnt_holder_stop(struct mnt_holder *h)
{
	int status = 0;

	if (h->fd >= 0)
		close(h->fd);
	if (h->pid > 0)
		status = holder_stop(h->pid, h->release);
	h->pid = -1;
	h->fd = -EBADF;
	return status;
}

/* Start @h or SKIP/FAIL the test (the macro returns). */
#define MNT_HOLDER_START(h, tmpfs)                                       \
	do {                                                             \
		int __ret = mnt_holder_start(h, tmpfs);                  \
		if (__ret < 0 && (h)->failed_flag)                       \
			SKIP_IF_ENV_EXPLAINS(return, NS_CALL_UNSHARE,    \
						   CLONE_NEWNS, -__ret); \
		ASSERT_EQ(0, __ret)                                      \
		TH_LOG("mount namespace holder: %s", strerror(-__ret));  \
		ASSERT_NE(0, (h)->id);                                   \
	} while (0)

#define MAX_WALK 65536

/*
 * From @fd, step with @request until it fails, appending the ids met to
 * @ids (*@n of them).  Each step's id must move in the walk's direction,
 * the fd returned must be the namespace the filled struct names, and
 * (unless @any) one the caller may see.  Returns the errno that ended
 * the walk, or 0 with @why set when a step broke a rule.
 */
static int walk(int fd, unsigned long request, bool any, uint64_t *ids, long *n,
		char *why, size_t len)
{
	bool up = request == NS_MNT_GET_NEXT;
	const char *dir = up ? "NEXT" : "PREV";
	uint64_t last = mnt_id_of(fd);
	struct nsapi_mnt_ns_info info;
	int cur = dup(fd), next, err = ELOOP;

	while (cur >= 0 && *n < MAX_WALK) {
		next = mnt_info(cur, request, &info);
		close(cur);
		cur = next;
		if (next < 0) {
			err = errno;
			break;
		}
		if (info.mnt_ns_id != mnt_id_of(cur))
			err = 0,
			snprintf(why, len,
				 "NS_MNT_GET_%s filled id %llu for "
				 "an fd on %llu",
				 dir, (unsigned long long)info.mnt_ns_id,
				 (unsigned long long)mnt_id_of(cur));
		else if (up ? info.mnt_ns_id <= last : info.mnt_ns_id >= last)
			err = 0, snprintf(why, len,
					  "NS_MNT_GET_%s went from id %llu to "
					  "%llu",
					  dir, (unsigned long long)last,
					  (unsigned long long)info.mnt_ns_id);
		else if (!any && !ns_owned_by_callers_userns(cur))
			err = 0,
			snprintf(why, len,
				 "NS_MNT_GET_%s gave mount namespace "
				 "%llu, owned outside the caller's "
				 "user namespace",
				 dir, (unsigned long long)info.mnt_ns_id);
		if (err == 0)
			break;
		last = info.mnt_ns_id;
		ids[(*n)++] = last;
	}
	if (cur >= 0)
		close(cur);
	return err;
}

static bool met(const uint64_t *ids, long n, uint64_t id)
{
	for (long i = 0; i < n; i++)
		if (ids[i] == id)
			return true;
	return false;
}

static uint64_t walked[MAX_WALK];

/*
 * Host root may see every mount namespace: from the test's first one,
 * NEXT to the end and PREV to the start meet the second one and the
 * caller's own, in id order (ids are not in creation order: on 6.18 a later
 * namespace can have a smaller id).
 */
TEST(next_and_prev_walk_every_mount_namespace_in_id_order_for_host_root)
{
	struct mnt_holder a, b;
	char why[256] = "";
	long n = 0;
	uint64_t own;
	int err, fd;

	REQUIRE_MNT_NS_ITER();
	REQUIRE_HOST_ROOT("everything is visible only there");
	MNT_HOLDER_START(&a, false);
	MNT_HOLDER_START(&b, false);
	fd = ns_open(0, "mnt");
	ASSERT_LE(0, fd);
	own = mnt_id_of(fd);
	close(fd);
	err = walk(a.fd, NS_MNT_GET_NEXT, true, walked, &n, why, sizeof(why));
	EXPECT_EQ(ENOENT, err)
	TH_LOG("NS_MNT_GET_NEXT walk: %s, expected to end with ENOENT",
	       err ? strerror(err) : why);
	err = walk(a.fd, NS_MNT_GET_PREV, true, walked, &n, why, sizeof(why));
	EXPECT_EQ(ENOENT, err)
	TH_LOG("NS_MNT_GET_PREV walk: %s, expected to end with ENOENT",
	       err ? strerror(err) : why);
	EXPECT_TRUE(met(walked, n, b.id))
	TH_LOG("%ld steps from %llu never met the test's other mount "
	       "namespace %llu",
	       n, (unsigned long long)a.id, (unsigned long long)b.id);
	EXPECT_TRUE(met(walked, n, own))
	TH_LOG("%ld steps from %llu never met the caller's own %llu", n,
	       (unsigned long long)a.id, (unsigned long long)own);
	EXPECT_EQ(0, mnt_holder_stop(&b));
	EXPECT_EQ(0, mnt_holder_stop(&a));
}

/*
 * In a child: in a new user namespace B with two mount namespaces of its
 * own (one held by a grandchild), walk both ways from its own: every step
 * is owned by B, and the walk ends with ENOENT (none left that it may
 * see) or, on kernels that stop at the first one it may not see, EPERM;
 * a kernel that ends with ENOENT both ways has skipped the others and
 * must have met the grandchild's.  Exits 0, CHILD_ENV_RC + errno of unshare(), or
 * 1 after a report.
 */
static void __attribute__((noreturn)) walker_run(int report)
{
	struct mnt_holder m1 = { .pid = -1, .fd = -EBADF };
	int fd, up_err, down_err = 0;
	char why[256] = "";
	long n = 0;

	if (sys_unshare(CLONE_NEWUSER))
		_exit(CHILD_ENV_RC + errno);
	up_err = mnt_holder_start(&m1, false);
	if (up_err && m1.failed_flag)
		_exit(CHILD_ENV_RC + -up_err);
	if (up_err)
		child_fail(report, "first mount namespace in B: %s",
			   strerror(-up_err));
	if (sys_unshare(CLONE_NEWNS))
		_exit(CHILD_ENV_RC + errno);
	fd = ns_open(0, "mnt");
	if (fd < 0)
		child_fail(report, "open(/proc/self/ns/mnt): %s",
			   strerror(errno));
	up_err = walk(fd, NS_MNT_GET_NEXT, false, walked, &n, why, sizeof(why));
	if (up_err)
		down_err = walk(fd, NS_MNT_GET_PREV, false, walked, &n, why,
				sizeof(why));
	close(fd);
	mnt_holder_stop(&m1);
	if (!up_err || !down_err)
		child_fail(report, "%s", why);
	if (up_err == EPERM || down_err == EPERM)
		ksft_print_msg("this kernel ends a walk with EPERM at the "
			       "first mount namespace the caller may not "
			       "see\n");
	if ((up_err != ENOENT && up_err != EPERM) ||
	    (down_err != ENOENT && down_err != EPERM))
		child_fail(report,
			   "walks ended with %s and %s, expected "
			   "ENOENT or EPERM",
			   strerror(up_err), strerror(down_err));
	if (up_err == ENOENT && down_err == ENOENT && !met(walked, n, m1.id))
		child_fail(report,
			   "walks from B's own mount namespace ended with "
			   "ENOENT both ways but never met B's other one");
	_exit(0);
}

TEST(next_and_prev_return_only_mount_namespaces_the_caller_may_see)
{
	int report[2], status;
	char msg[512];
	pid_t pid;

	REQUIRE_MNT_NS_ITER();
	REQUIRE_NS_ADMIN();
	ASSERT_EQ(0, open_pipes(report, NULL));
	pid = fork_child();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		close(report[0]);
		walker_run(report[1]);
	}
	close(report[1]);
	status = wait_child(pid);
	child_report(report[0], msg, sizeof(msg));
	close(report[0]);
	EXPECT_CHILD_PASSED(status, msg, NS_CALL_UNSHARE,
			    CLONE_NEWUSER | CLONE_NEWNS);
}

#define MAX_MOUNTS 4096

static bool has_id(const uint64_t *ids, long n, uint64_t id)
{
	for (long i = 0; i < n; i++)
		if (ids[i] == id)
			return true;
	return false;
}

/*
 * Every mount of mount namespace @ns_id (0: the caller's) but its root:
 * listmount() from LSMT_ROOT, then from each mount found, because 6.12
 * lists only the direct children of the mount asked (6.18 the whole
 * tree).  Returns how many, or -1 with errno.
 */
static long list_all(uint64_t ns_id, uint64_t *ids, size_t max)
{
	struct nsapi_mnt_id_req req = {
		.size = NSAPI_MNT_ID_REQ_SIZE_VER1,
		.mnt_id = NSAPI_LSMT_ROOT,
		.mnt_ns_id = ns_id,
	};
	static uint64_t children[MAX_MOUNTS];
	long n = 0, got;

	for (long next = -1; next < n; next++) {
		if (next >= 0)
			req.mnt_id = ids[next];
		got = sys_listmount(&req, children, MAX_MOUNTS, 0);
		if (got < 0)
			return -1;
		for (long i = 0; i < got && (size_t)n < max; i++)
			if (!has_id(ids, n, children[i]))
				ids[n++] = children[i];
	}
	return n;
}

TEST(listmount_and_statmount_reach_another_mount_namespace_by_id)
{
	static uint64_t theirs[MAX_MOUNTS], ours[MAX_MOUNTS];
	struct nsapi_mnt_ns_info info;
	struct nsapi_statmount sm;
	struct mnt_holder h;
	long n, n_own, extra = 0;

	REQUIRE_MNT_NS_ITER();
	REQUIRE_NS_ADMIN();
	n_own = list_all(0, ours, MAX_MOUNTS);
	if (n_own < 0 && errno == ENOSYS)
		SKIP(return, "listmount() not implemented (ENOSYS; since 6.8)");
	if (n_own < 0 && (errno == E2BIG || errno == EINVAL))
		SKIP(return,
			   "listmount() mnt_ns_id not implemented (%s; "
			   "since 6.11)",
			   strerror(errno));
	ASSERT_LT(0, n_own)
	TH_LOG("listmount(own namespace): %s", strerror(errno));
	MNT_HOLDER_START(&h, true);
	ASSERT_EQ(0, mnt_info(h.fd, NS_MNT_GET_INFO, &info));
	n = list_all(h.id, theirs, MAX_MOUNTS);
	ASSERT_LT(0, n)
	TH_LOG("listmount(mnt_ns_id %llu): %s", (unsigned long long)h.id,
	       strerror(errno));
	EXPECT_GE(info.nr_mounts, n)
	TH_LOG("listmount(mnt_ns_id %llu) listed %ld mounts, NS_MNT_GET_INFO "
	       "says %u",
	       (unsigned long long)h.id, n, info.nr_mounts);
	if (n != (long)info.nr_mounts)
		ksft_print_msg("listmount() by mnt_ns_id reached %ld of the %u "
			       "mounts NS_MNT_GET_INFO counts\n",
			       n, info.nr_mounts);
	for (long i = 0; i < n; i++) {
		struct nsapi_mnt_id_req req = {
			.size = NSAPI_MNT_ID_REQ_SIZE_VER1,
			.mnt_id = theirs[i],
			.param = NSAPI_STATMOUNT_MNT_BASIC |
				 NSAPI_STATMOUNT_MNT_NS_ID,
			.mnt_ns_id = h.id,
		};

		memset(&sm, 0, sizeof(sm));
		ASSERT_EQ(0, sys_statmount(&req, &sm, sizeof(sm), 0))
		TH_LOG("statmount(mount %llu, mnt_ns_id %llu): %s",
		       (unsigned long long)theirs[i], (unsigned long long)h.id,
		       strerror(errno));
		EXPECT_EQ(theirs[i], sm.mnt_id);
		EXPECT_EQ(h.id, sm.mnt_ns_id)
		TH_LOG("statmount(mount %llu) says namespace %llu, asked %llu",
		       (unsigned long long)theirs[i],
		       (unsigned long long)sm.mnt_ns_id,
		       (unsigned long long)h.id);
		extra += !has_id(ours, n_own, theirs[i]);
	}
	/* Its copies of our mounts have new ids, and it has its own tmpfs. */
	EXPECT_EQ(n, extra)
	TH_LOG("%ld of the %ld mounts listed by mnt_ns_id %llu are the "
	       "caller's own",
	       n - extra, n, (unsigned long long)h.id);
	EXPECT_EQ(0, mnt_holder_stop(&h));
}

TEST_HARNESS_MAIN

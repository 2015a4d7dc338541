// SPDX-License-Identifier: GPL-2.0
/*
 * U21 (interface): nsfs file handles open read-only, and go stale outside the caller's user namespace
 * Rule: open_by_handle_at(FD_NSFS_ROOT, handle, flags) of a namespace's
 *   handle refuses every way of writing (O_WRONLY, O_RDWR, O_TRUNC: EPERM)
 *   and the flags that make no sense on a namespace (O_DIRECT, O_TMPFILE:
 *   EINVAL), for every type.  A handle names a namespace only inside the
 *   caller's user namespace tree: once the caller has moved into another
 *   user namespace, a sibling of the one that owns the namespace, the same
 *   handle gives ESTALE, as if the namespace did not exist.
 * Man: open_by_handle_at(2) (nsfs handles and FD_NSFS_ROOT are newer than
 *   the page); the kernel's fs/nsfs.c and include/uapi/linux/nsfs.h.
 * Man-page errata: open_by_handle_at(2) says the caller needs
 *   CAP_DAC_READ_SEARCH (EPERM otherwise); for nsfs handles it does not
 *   (nobody opens one here), and its EPERM and EINVAL lists do not cover
 *   the write flags and O_DIRECT/O_TMPFILE above.
 * The article: silent (it predates file handles for namespaces; its only
 *   handles are the /proc/PID/ns files).
 * Since: Linux 6.18 (name_to_handle_at() on an nsfs file: EOPNOTSUPP, and
 *   FD_NSFS_ROOT: EBADF, before).
 * Exceptions: the read-only flags O_CREAT, O_EXCL, O_APPEND and O_PATH are
 *   accepted; O_DIRECTORY gives ENOTDIR.  Which namespaces a caller may
 *   open by handle at all changed in 7.x (see U14): there a caller without
 *   CAP_SYS_ADMIN in the initial namespaces gets ESTALE for any namespace
 *   it is not in, even before it leaves for the sibling user namespace
 *   (seen on 7.2); the ESTALE after it is the same under both rules.
 */
#include "common.h"

NS_TYPE_FIXTURE(nsfs_open);

static const struct open_case {
	const char *name;
	int flags;
	int err;
} open_cases[] = {
	{ "O_WRONLY", O_WRONLY, EPERM },    { "O_RDWR", O_RDWR, EPERM },
	{ "O_TRUNC", O_TRUNC, EPERM },	    { "O_DIRECT", O_DIRECT, EINVAL },
	{ "O_TMPFILE", O_TMPFILE, EINVAL },
};

/* The caller's own namespace: no permission rule beyond the flags. */
TEST_F(nsfs_open, write_flags_eperm_and_direct_tmpfile_einval)
{
	const struct ns_type *t = variant->ns;
	struct nsapi_handle h;
	int nsfd, fd;

	REQUIRE_NS_TYPE(t);
	nsfd = ns_open(0, t->name);
	ASSERT_LE(0, nsfd);
	REQUIRE_NSFS_HANDLES(nsfd);
	ASSERT_EQ(0, handle_of(nsfd, &h))
	TH_LOG("%s: name_to_handle_at(): %s", t->name, strerror(errno));
	close(nsfd);
	/* The handle itself is good: read-only opens it. */
	fd = open_by_handle_at(FD_NSFS_ROOT, &h.fh, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd)
	TH_LOG("%s: open_by_handle_at(O_RDONLY): %s", t->name, strerror(errno));
	close(fd);
	for (size_t i = 0; i < ARRAY_SIZE(open_cases); i++) {
		const struct open_case *c = &open_cases[i];

		fd = open_by_handle_at(FD_NSFS_ROOT, &h.fh,
				       c->flags | O_CLOEXEC);
		EXPECT_EQ(-1, fd)
		TH_LOG("%s: open_by_handle_at(%s) opened fd %d", t->name,
		       c->name, fd);
		EXPECT_EQ(c->err, errno)
		TH_LOG("%s: open_by_handle_at(%s): %s, expected %s", t->name,
		       c->name, strerror(errno), strerror(c->err));
		if (fd >= 0)
			close(fd);
	}
}

/*
 * In a child: the handles of @holder's namespaces open (when the policy
 * lets this caller reach them, see U14) before, and are ESTALE after
 * unshare(CLONE_NEWUSER).  Exits 0, CHILD_ENV_RC + errno of unshare(), or 1 after
 * it reported the first failure.
 */
static void __attribute__((noreturn))
stale_after_unshare(pid_t holder, const struct ns_type *t, int report)
{
	struct nsapi_handle h;
	int nsfd, fd, err;

	nsfd = ns_open(holder, t->name);
	if (nsfd < 0)
		child_fail(report, "open(/proc/%d/ns/%s): %s", holder, t->name,
			   strerror(errno));
	if (handle_of(nsfd, &h))
		child_fail(report, "name_to_handle_at(%s): %s", t->name,
			   strerror(errno));
	close(nsfd);
	fd = open_by_handle_at(FD_NSFS_ROOT, &h.fh, O_RDONLY | O_CLOEXEC);
	err = errno;
	/*
	 * 7.x: a namespace the caller is not in opens only for CAP_SYS_ADMIN
	 * in the initial namespaces; to others it is stale already (7.2).
	 */
	if (fd < 0 && (have_host_root() || (err != EPERM && err != ESTALE)))
		child_fail(report, "open_by_handle_at(%s) before unshare(): %s",
			   t->name, strerror(err));
	if (fd >= 0)
		close(fd);
	if (sys_unshare(CLONE_NEWUSER))
		_exit(CHILD_ENV_RC + errno);
	fd = open_by_handle_at(FD_NSFS_ROOT, &h.fh, O_RDONLY | O_CLOEXEC);
	if (fd >= 0)
		child_fail(report,
			   "open_by_handle_at(%s) from a sibling user "
			   "namespace opened it",
			   t->name);
	if (errno != ESTALE)
		child_fail(report,
			   "open_by_handle_at(%s) from a sibling user "
			   "namespace: %s, expected ESTALE",
			   t->name, strerror(errno));
	_exit(0);
}

TEST_F(nsfs_open, handle_outside_callers_userns_is_estale)
{
	const struct ns_type *t = variant->ns;
	int nsfd, release = -EBADF, report[2], status;
	char msg[512];
	pid_t holder, pid;

	REQUIRE_NS_TYPE(t);
	nsfd = ns_open(0, t->name);
	ASSERT_LE(0, nsfd);
	REQUIRE_NSFS_HANDLES(nsfd);
	close(nsfd);
	REQUIRE_NS_ADMIN();
	/* New namespaces of this type, owned by a new user namespace. */
	holder = holder_start(CLONE_NEWUSER | t->flag, &release);
	if (holder < 0)
		SKIP_IF_ENV_EXPLAINS(return, NS_CALL_CLONE3,
					   CLONE_NEWUSER | t->flag, -holder);
	ASSERT_LT(0, holder)
	TH_LOG("clone3(CLONE_NEWUSER | %s): %s", t->flag_name,
	       strerror(-holder));
	ASSERT_EQ(0, open_pipes(report, NULL));
	pid = fork_child();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		close(report[0]);
		stale_after_unshare(holder, t, report[1]);
	}
	close(report[1]);
	status = wait_child(pid);
	child_report(report[0], msg, sizeof(msg));
	close(report[0]);
	EXPECT_EQ(0, holder_stop(holder, release));
	EXPECT_CHILD_PASSED(status, msg, NS_CALL_UNSHARE, CLONE_NEWUSER);
}

TEST_HARNESS_MAIN

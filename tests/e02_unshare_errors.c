// SPDX-License-Identifier: GPL-2.0
/*
 * E02 (error table): unshare() refuses unknown flag bits with EINVAL and
 * CLONE_NEW* flags without CAP_SYS_ADMIN with EPERM.
 *
 * Rule: flag bits unshare() does not know (and -1) give EINVAL, before
 * privilege is looked at and without applying the valid flags given with
 * them; without CAP_SYS_ADMIN every CLONE_NEW* flag but CLONE_NEWUSER gives
 * EPERM.  A refused call changes none of the caller's namespaces.
 *
 * Man: unshare(2), ERRORS.
 *
 * Man-page errata: none.
 *
 * The article: silent on errors (it says only that unshare() creates
 * namespaces).
 *
 * Since: 2.6.16.
 *
 * Exceptions: which bits are unknown depends on the kernel: Linux 7.x (seen
 * on 7.2) gives unshare() UNSHARE_EMPTY_MNTNS (0x00100000, clone()'s
 * CLONE_PARENT_SETTID bit), a new mount namespace holding only a copy of the
 * caller's root mount.  The test probes each such bit in a child: refused
 * with EINVAL it is unknown like the others; accepted, it must show its
 * effect (a new mount namespace, nothing else changed), and the test says
 * which it found.
 */
#include "common.h"

/* The flags unshare(2) documents; every other bit is unknown to it. */
#define UNSHARE_KNOWN_FLAGS                                            \
	(CLONE_FILES | CLONE_FS | CLONE_NEWCGROUP | CLONE_NEWIPC |     \
	 CLONE_NEWNET | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWTIME |   \
	 CLONE_NEWUSER | CLONE_NEWUTS | CLONE_SYSVSEM | CLONE_THREAD | \
	 CLONE_SIGHAND | CLONE_VM)

#ifndef UNSHARE_EMPTY_MNTNS
#define UNSHARE_EMPTY_MNTNS 0x00100000
#endif

/* Valid flags that ride along with an unknown bit: they must not apply. */
#define RIDE_ALONG (CLONE_NEWUTS | CLONE_NEWIPC)

/*
 * unshare(@flags) fails with @err and changes nothing.  Returns false when
 * it SKIPped: the environment refused the call for the kernel.
 */
static bool expect_refused(struct __test_metadata *_metadata,
			   unsigned long flags, int err)
{
	struct ns_snapshot before, after;
	const struct ns_type *changed;
	char why[256];
	long ret;
	int saved;

	ASSERT_EQ(0, ns_snapshot_take(&before));
	errno = 0;
	ret = syscall(SYS_unshare, flags);
	saved = errno;
	ASSERT_EQ(0, ns_snapshot_take(&after));
	if (ret < 0 && saved != err)
		SKIP_IF_ENV_EXPLAINS(return false, NS_CALL_UNSHARE, (int)flags,
					    saved);
	/* A filter's EPERM is no proof of the kernel's. */
	if (ret < 0 &&
	    ns_env_explains_filter(NS_CALL_UNSHARE, 0, saved, why, sizeof(why)))
		SKIP(return false, "%s", why);
	EXPECT_EQ(-1, ret)
	TH_LOG("unshare(%s) returned %ld, expected -1 %s",
	       CLONE_FLAGS_STR(flags), ret, strerrorname_np(err));
	EXPECT_EQ(err, saved)
	TH_LOG("unshare(%s): errno %s, expected %s", CLONE_FLAGS_STR(flags),
	       strerrorname_np(saved), strerrorname_np(err));
	changed = ns_snapshot_diff(&before, &after);
	EXPECT_EQ(NULL, changed)
	TH_LOG("refused unshare(%s) changed the caller's %s namespace",
	       CLONE_FLAGS_STR(flags), changed ? changed->name : "?");
	return true;
}

/* As int, -1 sets every bit: the kernel sees unknown ones and stops. */
TEST(minus_one_gives_einval_and_changes_nothing)
{
	REQUIRE_NS_ADMIN();
	if (expect_refused(_metadata, (unsigned long)-1L, EINVAL))
		expect_refused(_metadata, (unsigned int)-1, EINVAL);
}

/*
 * In a child: unshare(UNSHARE_EMPTY_MNTNS).  The child's /proc/PID/ns
 * directory is opened first, since the new mount namespace has no /proc.
 * Exit 0: accepted, and only the mount namespace changed; 10: EINVAL, the
 * bit is unknown to this kernel; anything else: a failure, explained on
 * @report_fd.
 */
#define EMPTY_MNTNS_UNKNOWN 10

static void __attribute__((noreturn)) probe_empty_mntns(int report_fd)
{
	struct stat before[NS_COUNT], after[NS_COUNT];
	bool present[NS_COUNT];
	const struct ns_type *t;
	char dir[64];
	int dirfd;

	snprintf(dir, sizeof(dir), "/proc/%d/ns", getpid());
	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		child_fail(report_fd, "open %s: %s", dir, strerror(errno));
	for_each_ns(t) {
		size_t i = t - ns_types;

		present[i] = !fstatat(dirfd, t->name, &before[i], 0);
	}
	if (sys_unshare(UNSHARE_EMPTY_MNTNS)) {
		if (errno == EINVAL)
			_exit(EMPTY_MNTNS_UNKNOWN);
		child_refused(report_fd, NS_CALL_UNSHARE, CLONE_NEWNS, errno);
	}
	for_each_ns(t) {
		size_t i = t - ns_types;

		if (!present[i])
			continue;
		if (fstatat(dirfd, t->name, &after[i], 0))
			child_fail(report_fd, "%s/%s after unshare: %s", dir,
				   t->name, strerror(errno));
		if (same_inode(&before[i], &after[i]) !=
		    (t->flag != CLONE_NEWNS))
			child_fail(
				report_fd,
				"unshare(UNSHARE_EMPTY_MNTNS) returned 0 but "
				"the %s namespace %s",
				t->name,
				t->flag == CLONE_NEWNS ? "did not change" :
							 "changed");
	}
	_exit(0);
}

/*
 * Whether this kernel knows UNSHARE_EMPTY_MNTNS (1) or not (0); fails the
 * test if unsure, -1 when it SKIPped (the environment refused the probe).
 */
static int empty_mntns_is_known(struct __test_metadata *_metadata)
{
	char msg[512] = "";
	int report[2], status;
	pid_t pid;

	if (pipe2(report, O_CLOEXEC))
		return false;
	pid = fork_child();
	if (pid == 0)
		probe_empty_mntns(report[1]);
	close(report[1]);
	status = pid < 0 ? -errno : wait_child(pid);
	child_report(report[0], msg, sizeof(msg));
	close(report[0]);
	if (status == EMPTY_MNTNS_UNKNOWN)
		return 0;
	if (status)
		SKIP_IF_CHILD_EXPLAINED(return -1, msg);
	EXPECT_EQ(0, status)
	TH_LOG("probing unshare(UNSHARE_EMPTY_MNTNS = %#x): status %d %s",
	       UNSHARE_EMPTY_MNTNS, status, msg);
	if (status)
		return 0;
	ksft_print_msg("this kernel knows unshare(%#x) (UNSHARE_EMPTY_MNTNS: "
		       "it made a new mount namespace and changed nothing "
		       "else): not tried as an unknown bit\n",
		       UNSHARE_EMPTY_MNTNS);
	return 1;
}

/*
 * Each unknown bit, alone and together with valid CLONE_NEW* flags that
 * the caller may use (it has CAP_SYS_ADMIN here): EINVAL, and the valid
 * flags are not applied either.
 */
TEST(unknown_flag_bit_gives_einval_and_changes_nothing)
{
	unsigned long known = UNSHARE_KNOWN_FLAGS;
	unsigned int tried = 0;
	int empty_mntns;

	REQUIRE_NS_ADMIN();
	empty_mntns = empty_mntns_is_known(_metadata);
	if (empty_mntns < 0)
		return;
	if (empty_mntns)
		known |= UNSHARE_EMPTY_MNTNS;
	for (unsigned int bit = 0; bit < 8 * sizeof(unsigned long); bit++) {
		unsigned long flag = 1UL << bit;

		if (flag & known)
			continue;
		if (!expect_refused(_metadata, flag, EINVAL) ||
		    !expect_refused(_metadata, flag | RIDE_ALONG, EINVAL))
			return;
		tried++;
	}
	EXPECT_LE(40, tried);
}

/* --- EPERM without CAP_SYS_ADMIN ------------------------------------------ */

FIXTURE(unprivileged){};

FIXTURE_VARIANT(unprivileged)
{
	const struct ns_type *ns;
};

/* Every type but user: that one is the exception, tested below. */
NS_VARIANT(unprivileged, cgroup);
NS_VARIANT(unprivileged, ipc);
NS_VARIANT(unprivileged, mnt);
NS_VARIANT(unprivileged, net);
NS_VARIANT(unprivileged, pid);
NS_VARIANT(unprivileged, time);
NS_VARIANT(unprivileged, uts);

/*
 * Root (of the host or of a container) gives up root for good; an
 * unprivileged caller is as it is.
 */
FIXTURE_SETUP(unprivileged)
{
	if (have_cap(CAP_SYS_ADMIN)) {
		int ret = drop_to_nobody();

		SKIP_IF_ENV_EXPLAINS(return, NS_CALL_NOBODY, 0, -ret);
		ASSERT_EQ(0, ret)
		TH_LOG("dropping to uid 65534: %s", strerror(-ret));
	}
	ASSERT_FALSE(have_cap(CAP_SYS_ADMIN));
}

FIXTURE_TEARDOWN(unprivileged)
{
}

TEST_F(unprivileged, new_namespace_gives_eperm_and_changes_nothing)
{
	REQUIRE_NS_TYPE(variant->ns);
	expect_refused(_metadata, variant->ns->flag, EPERM);
}

/* With CLONE_NEWUSER in the same call the user namespace comes first. */
TEST_F(unprivileged, with_newuser_is_allowed)
{
	const struct ns_type *t = variant->ns;
	struct ns_snapshot before, after;
	int err;

	REQUIRE_NS_TYPE(t);
	ASSERT_EQ(0, ns_snapshot_take(&before));
	err = sys_unshare(CLONE_NEWUSER | t->flag) ? errno : 0;
	SKIP_IF_ENV_EXPLAINS(return, NS_CALL_UNSHARE, CLONE_NEWUSER | t->flag,
				   err);
	ASSERT_EQ(0, err)
	TH_LOG("unshare(CLONE_NEWUSER | %s) as uid %d: %s", t->flag_name,
	       geteuid(), strerror(err));
	ASSERT_EQ(0, ns_snapshot_take(&after));
	EXPECT_FALSE(same_inode(&before.own[NS_user], &after.own[NS_user]));
	EXPECT_FALSE(same_inode(&before.children[t - ns_types],
				&after.children[t - ns_types]))
	TH_LOG("unshare(CLONE_NEWUSER | %s) left the %s namespace as it was",
	       t->flag_name, t->name);
}

TEST_HARNESS_MAIN

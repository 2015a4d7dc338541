// SPDX-License-Identifier: GPL-2.0
/*
 * S03 (article claim): clone() with a CLONE_NEW* flag starts the child in a
 * new namespace of that type only.
 *
 * Rule: clone(CLONE_NEWxxx) creates a namespace of that type and starts the
 * child in it; the child shares every other namespace with its parent.
 * CLONE_NEWTIME (0x80) is no namespace flag for clone(): its bit lies in the
 * exit-signal byte (CSIGNAL), so no time namespace is made.  Up to Linux 6.x
 * the child is an ordinary child with exit signal 145 (waitpid() without
 * __WALL says ECHILD); 7.x refuses the invalid exit signal with EINVAL.
 *
 * Man: clone(2) (CLONE_NEWCGROUP ... CLONE_NEWUTS), namespaces(7);
 * unshare(2) and time_namespaces(7) for CLONE_NEWTIME.
 *
 * Man-page errata: clone(2) does not document CLONE_NEWTIME at all, neither
 * for clone3() nor the reason clone() cannot carry it.
 *
 * The article: if a CLONE_NEW* bit is given, clone() creates a namespace of
 * that type and the new process becomes a member.  Right for the six
 * types it knew; false for time, which clone() cannot create.
 *
 * Since: mnt 2.4.19, uts and ipc 2.6.19, pid 2.6.24, net 2.6.29, user 3.8,
 * cgroup 4.6; CLONE_NEWTIME by unshare() 5.6, by clone3() after a402f1e9a4ee.
 *
 * Exceptions: time (made by clone3() or unshare() instead, see U06, S11).
 */
#include "common.h"

static void mask_names(uint32_t mask, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < NS_COUNT && used < len; i++)
		if (mask & (1U << i))
			used += snprintf(buf + used, len - used, "%s ",
					 ns_types[i].name);
	if (!mask)
		snprintf(buf, len, "none");
}

/*
 * A child made by @create_fn(@flags) reports which of its namespaces differ
 * from @parent's, then stays until go_fd reaches end of file so that the
 * parent can look at /proc/PID.
 */
struct clone_child {
	pid_t pid;
	int mask_fd;
	int go_fd;
};

static void __attribute__((noreturn))
run_child(const struct ns_snapshot *parent, int mask_fd, int go_fd)
{
	struct ns_snapshot mine;
	uint32_t mask;
	char c;

	if (ns_snapshot_take(&mine))
		_exit(2);
	mask = ns_snapshot_diff_mask(parent, &mine);
	if (write(mask_fd, &mask, sizeof(mask)) != sizeof(mask))
		_exit(3);
	_exit(read(go_fd, &c, 1) == 0 ? 0 : 4);
}

static int start_child(struct clone_child *c, pid_t (*create_fn)(int flags),
		       int flags, const struct ns_snapshot *parent)
{
	int mask[2], go[2];

	if (open_pipes(mask, go, NULL))
		return -errno;
	fflush(NULL);
	c->pid = create_fn(flags);
	if (c->pid < 0)
		return -errno;
	if (c->pid == 0) {
		close(mask[0]);
		close(go[1]);
		run_child(parent, mask[1], go[0]);
	}
	close(mask[1]);
	close(go[0]);
	c->mask_fd = mask[0];
	c->go_fd = go[1];
	return 0;
}

/* The exit status (0..255), 128 + signal, or -errno; waits for any child. */
static int wait_clone_child(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, __WALL) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void stop_child(struct __test_metadata *_metadata, struct clone_child *c)
{
	close(c->go_fd);
	EXPECT_EQ(0, wait_clone_child(c->pid));
	close(c->mask_fd);
}

static pid_t by_clone(int flags)
{
	return clone_child(flags);
}

static pid_t by_clone3(int flags)
{
	return clone3_child(flags);
}

/*
 * Make a child with @create_fn(flag of the variant) and check that exactly
 * the namespaces in @expected_mask differ from the parent's.
 */
static void check_child(struct __test_metadata *_metadata,
			const char *call_name, pid_t (*create_fn)(int flags),
			const struct ns_type *ns, uint32_t expected_mask)
{
	char got_names[128], want_names[128];
	struct ns_snapshot parent;
	struct clone_child c;
	uint32_t mask = 0;
	int ret;

	ASSERT_EQ(0, ns_snapshot_take(&parent));
	ret = start_child(&c, create_fn, ns->flag, &parent);
	SKIP_IF_ENV_EXPLAINS(
		return, create_fn == by_clone3 ? NS_CALL_CLONE3 : NS_CALL_CLONE,
		      ns->flag, -ret);
	ASSERT_EQ(0, ret)
	TH_LOG("%s(%s): %s", call_name, ns->flag_name, strerror(-ret));
	EXPECT_EQ(sizeof(mask), read(c.mask_fd, &mask, sizeof(mask)))
	TH_LOG("%s(%s): the child did not report", call_name, ns->flag_name);
	mask_names(mask, got_names, sizeof(got_names));
	mask_names(expected_mask, want_names, sizeof(want_names));
	ns_observe("%s(%s) child: in a new %snamespace, sharing the rest",
		   call_name, CLONE_FLAGS_STR(ns->flag),
		   mask ? got_names : "none");
	EXPECT_EQ(expected_mask, mask)
	TH_LOG("%s(%s): child's namespaces that differ from the parent's: %s"
	       "(expected %s)",
	       call_name, ns->flag_name, got_names, want_names);
	stop_child(_metadata, &c);
}

/*
 * clone(@flag | SIGCHLD) where @flag lies in the exit signal byte: true when
 * the kernel refuses the invalid exit signal (EINVAL, no child, nothing
 * changed), false when it makes a child, which the caller then examines.
 * Any other outcome fails the test.
 */
static bool clone_refuses_bad_exit_signal(struct __test_metadata *_metadata,
					  int flag)
{
	struct ns_snapshot before, after;
	pid_t parent = getpid();
	pid_t pid;
	int err;

	if (ns_snapshot_take(&before))
		return false;
	fflush(NULL);
	pid = sys_clone_fork(flag);
	err = errno;
	if (pid == 0) {
		if (getpid() != parent)
			_exit(0); /* checked by the caller's own clone */
		return false;
	}
	if (pid > 0) {
		EXPECT_EQ(0, wait_clone_child(pid));
		return false;
	}
	if (err != EINVAL)
		SKIP_IF_ENV_EXPLAINS(return true, NS_CALL_CLONE, flag, err);
	EXPECT_EQ(EINVAL, err)
	TH_LOG("clone(%#x | SIGCHLD): %s, expected a child or EINVAL", flag,
	       strerror(err));
	EXPECT_EQ(0, ns_snapshot_take(&after));
	EXPECT_EQ(NULL, ns_snapshot_diff(&before, &after))
	TH_LOG("a refused clone(%#x) changed the caller's namespaces", flag);
	ksft_print_msg("this kernel refuses clone() with exit signal %d "
		       "(%#x | SIGCHLD): EINVAL, no child\n",
		       flag | SIGCHLD, flag);
	return true;
}

NS_TYPE_FIXTURE(create);

/* clone3() can carry every CLONE_NEW* flag, CLONE_NEWTIME included. */
TEST_F(create, clone3_child_is_in_new_namespace_of_that_type_only)
{
	struct nsapi_clone_args probe = {};

	REQUIRE_NS_TYPE(variant->ns);
	if (sys_clone3(&probe, 0) < 0 && errno == ENOSYS)
		SKIP_IF_ENV_EXPLAINS(return, NS_CALL_CLONE3, variant->ns->flag,
					   ENOSYS);
	REQUIRE_NS_ADMIN();
	check_child(_metadata, "clone3", by_clone3, variant->ns,
		    1U << (variant->ns - ns_types));
}

/*
 * clone() does the same for every type whose flag lies above its exit
 * signal byte; for CLONE_NEWTIME, inside that byte, it makes no namespace
 * at all, or no child (see clone_cannot_make_time_namespace).
 */
TEST_F(create, clone_child_is_in_new_namespace_of_that_type_only)
{
	uint32_t expected = 1U << (variant->ns - ns_types);

	REQUIRE_NS_TYPE(variant->ns);
	REQUIRE_NS_ADMIN();
	if (variant->ns->flag & CSIGNAL) {
		ksft_print_msg("clone() reads %s (%#x) as exit signal bits: "
			       "no namespace is expected\n",
			       variant->ns->flag_name, variant->ns->flag);
		expected = 0;
		if (clone_refuses_bad_exit_signal(_metadata, variant->ns->flag))
			return;
	}
	check_child(_metadata, "clone", by_clone, variant->ns, expected);
}

/* Field 38 of /proc/PID/stat: the signal the parent gets at the exit. */
static int read_exit_signal(pid_t pid)
{
	char buf[1024], path[64], *p;
	int field = 2, sig = -1;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	/* The command name (field 2) may hold spaces: count after its ')'. */
	p = strrchr(buf, ')');
	for (p = p ? strtok(p + 1, " ") : NULL; p; p = strtok(NULL, " "))
		if (++field == 38)
			sig = atoi(p);
	return sig;
}

/*
 * clone(CLONE_NEWTIME | SIGCHLD), even without any privilege, makes no time
 * namespace: either the child is in the parent's time namespace with exit
 * signal 0x80 | SIGCHLD, so waitpid() without __WALL does not see it, or
 * the kernel refuses the invalid exit signal with EINVAL.
 */
TEST(clone_cannot_make_time_namespace)
{
	struct ns_snapshot parent;
	struct clone_child c;
	uint32_t mask = ~0U;
	int status, ret;

	if (clone_refuses_bad_exit_signal(_metadata, CLONE_NEWTIME))
		return;
	ASSERT_EQ(0, ns_snapshot_take(&parent));
	ret = start_child(&c, by_clone, CLONE_NEWTIME, &parent);
	SKIP_IF_ENV_EXPLAINS(return, NS_CALL_CLONE, CLONE_NEWTIME, -ret);
	ASSERT_EQ(0, ret)
	TH_LOG("clone(CLONE_NEWTIME | SIGCHLD): %s", strerror(-ret));
	ksft_print_msg("this kernel takes clone(CLONE_NEWTIME | SIGCHLD) as "
		       "exit signal %d\n",
		       CLONE_NEWTIME | SIGCHLD);
	ASSERT_EQ(sizeof(mask), read(c.mask_fd, &mask, sizeof(mask)));
	EXPECT_EQ(0, mask)
	TH_LOG("time: the clone() child's namespaces differ (mask %#x)", mask);
	EXPECT_EQ(CLONE_NEWTIME | SIGCHLD, read_exit_signal(c.pid));
	EXPECT_EQ(-1, waitpid(c.pid, &status, WNOHANG));
	EXPECT_EQ(ECHILD, errno)
	TH_LOG("waitpid(%d) without __WALL: %s", c.pid, strerror(errno));
	stop_child(_metadata, &c);
}

TEST_HARNESS_MAIN

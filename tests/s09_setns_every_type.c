// SPDX-License-Identifier: GPL-2.0
/*
 * S09 (article claim): setns() joins mnt, pid, user and time namespaces
 * too, each with its own refusals.
 *
 * Rule: user: the caller needs CAP_SYS_ADMIN in the target user namespace
 * (its owner has it), must be single-threaded and must not share its
 * fs_struct (CLONE_FS) with another process, else EINVAL; rejoining its own
 * user namespace is EINVAL, and an ancestor is out of reach (EPERM).  mnt:
 * the fs_struct must not be shared, else EINVAL; threads made by
 * pthread_create() share it (CLONE_FS), so setns(mnt) with a pthread alive
 * gives EINVAL, while a thread made by a raw clone() without CLONE_FS does
 * not matter.  The join moves the root and working directory to the
 * namespace's root.  time: a multithreaded caller gets EUSERS.  pid has none
 * of these rules.
 *
 * Man: setns(2), "Details for specific namespace types" and ERRORS;
 * user_namespaces(7).
 *
 * Man-page errata: setns(2) does not list EUSERS (a multithreaded caller
 * joining a time namespace) and does not say that every pthread shares
 * CLONE_FS state, which makes setns(mnt) fail in any threaded program.
 *
 * The article: since Linux 3.8 setns() can join any type of namespace.  True
 * for the types of 2013, but the same call that works from a single-threaded
 * program fails once a thread or a CLONE_FS sibling exists, with an errno
 * that depends on the type.
 *
 * Since: mnt, pid and user 3.8; cgroup 4.6; time 5.8.
 *
 * Exceptions: the test's "thread" for mnt in the raw-clone case is a clone()
 * with CLONE_VM | CLONE_THREAD | CLONE_SIGHAND but without CLONE_FS; the
 * pthread case shows what an ordinary threaded program gets.
 */
#include <pthread.h>

#include "common.h"

/* --- what the caller shares its state with ------------------------------ */

enum companion {
	COMPANION_THREAD, /* CLONE_THREAD, CLONE_FILES, not CLONE_FS */
	COMPANION_FS_SHARER, /* a process made with CLONE_FS, not a thread */
	COMPANION_PTHREAD, /* pthread_create(): CLONE_THREAD and CLONE_FS */
};

static const char *const companion_name[] = {
	[COMPANION_THREAD] = "a raw clone() thread without CLONE_FS",
	[COMPANION_FS_SHARER] = "a CLONE_FS process",
	[COMPANION_PTHREAD] = "a pthread (shares CLONE_FS)",
};

static int thread_fn(void *arg)
{
	char c;

	/* Blocks until the test closes the pipe; errors end the thread too. */
	return read(*(int *)arg, &c, 1) < 0;
}

static void *pthread_fn(void *arg)
{
	thread_fn(arg);
	return NULL;
}

/*
 * Start a companion that blocks reading @*release_fd's other end.  A raw
 * thread runs on @stack; a CLONE_FS process is reapable; a pthread is
 * joined through @*th.  Returns its tid or pid (1 for a pthread).
 */
static pid_t companion_start(enum companion kind, void *stack, size_t size,
			     int *read_fd, int *release_fd, pthread_t *th)
{
	int fds[2];
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC))
		return -errno;
	*read_fd = fds[0];
	*release_fd = fds[1];
	fflush(stdout);
	fflush(stderr);
	if (kind == COMPANION_THREAD)
		return clone(thread_fn, (char *)stack + size,
			     CLONE_VM | CLONE_THREAD | CLONE_SIGHAND |
				     CLONE_FILES | CLONE_SYSVSEM,
			     read_fd);
	if (kind == COMPANION_PTHREAD) {
		errno = pthread_create(th, NULL, pthread_fn, read_fd);
		return errno ? -1 : 1;
	}
	pid = clone_child(CLONE_FS);
	if (pid == 0) {
		close(fds[1]);
		_exit(sync_wait(fds[0]) < 0 ? 0 : 1);
	}
	return pid;
}

FIXTURE(shared_caller)
{
	pid_t holder, companion;
	int release_fd, ns_fd, comp_read_fd, comp_release_fd;
	struct stat target;
	pthread_t pthread;
	char stack[64 * 1024] __attribute__((aligned(16)));
};

FIXTURE_VARIANT(shared_caller)
{
	const struct ns_type *ns;
	enum companion kind;
	int expect_errno; /* 0: the join works despite the companion */
};

#define SHARED_CASE(type, who, companion, err)                             \
	FIXTURE_VARIANT_ADD(shared_caller, type##_with_##who)              \
	{                                                                  \
		.ns = &ns_types[NS_##type], .kind = COMPANION_##companion, \
		.expect_errno = err,                                       \
	}

SHARED_CASE(user, thread, THREAD, EINVAL);
SHARED_CASE(user, clone_fs_sibling, FS_SHARER, EINVAL);
SHARED_CASE(mnt, clone_fs_sibling, FS_SHARER, EINVAL);
SHARED_CASE(mnt, thread, THREAD, 0);
SHARED_CASE(mnt, pthread, PTHREAD, EINVAL);
SHARED_CASE(user, pthread, PTHREAD, EINVAL);
SHARED_CASE(time, pthread, PTHREAD, EUSERS);
SHARED_CASE(time, thread, THREAD, EUSERS);
SHARED_CASE(time, clone_fs_sibling, FS_SHARER, 0);
SHARED_CASE(pid, thread, THREAD, 0);
SHARED_CASE(pid, clone_fs_sibling, FS_SHARER, 0);

FIXTURE_SETUP(shared_caller)
{
	const struct ns_type *t = variant->ns;

	self->holder = self->companion = -1;
	self->ns_fd = -EBADF;
	REQUIRE_NS_TYPE(t);
	REQUIRE_NS_ADMIN();

	self->holder = holder_start(t->flag, &self->release_fd);
	if (self->holder < 0)
		SKIP_IF_ENV_EXPLAINS(return, NS_CALL_CLONE3, t->flag,
					   -self->holder);
	ASSERT_LT(0, self->holder)
	TH_LOG("clone3(%s): %s", t->flag_name, strerror(-self->holder));
	self->ns_fd = ns_open(self->holder, t->name);
	ASSERT_LE(0, self->ns_fd);
	ASSERT_EQ(0, fstat(self->ns_fd, &self->target));

	self->companion = companion_start(
		variant->kind, self->stack, sizeof(self->stack),
		&self->comp_read_fd, &self->comp_release_fd, &self->pthread);
	ASSERT_LT(0, self->companion)
	TH_LOG("starting %s: %s", companion_name[variant->kind],
	       strerror(errno));
}

FIXTURE_TEARDOWN(shared_caller)
{
	if (self->companion > 0) {
		close(self->comp_release_fd);
		if (variant->kind == COMPANION_FS_SHARER)
			wait_child(self->companion);
		if (variant->kind == COMPANION_PTHREAD)
			pthread_join(self->pthread, NULL);
	}
	if (self->ns_fd >= 0)
		close(self->ns_fd);
	if (self->holder > 0)
		EXPECT_EQ(0, holder_stop(self->holder, self->release_fd));
}

static void expect_joined(struct __test_metadata *_metadata,
			  const struct ns_type *t, const struct stat *target)
{
	struct stat st;

	ASSERT_EQ(0, ns_stat(0, t->children_name, &st));
	EXPECT_TRUE(same_inode(target, &st))
	TH_LOG("setns(%s) returned 0 but /proc/self/ns/%s is inode %lu, "
	       "not the target's %lu",
	       t->flag_name, t->children_name, (unsigned long)st.st_ino,
	       (unsigned long)target->st_ino);
}

TEST_F(shared_caller, join_follows_the_type_rule)
{
	const struct ns_type *t = variant->ns;
	struct ns_snapshot before, after;
	const struct ns_type *changed;
	int ret, err;

	ASSERT_EQ(0, ns_snapshot_take(&before));
	ret = sys_setns(self->ns_fd, t->flag);
	err = ret ? errno : 0;
	ns_observe("setns(%s fd, %s) beside %s: %s", t->name,
		   CLONE_FLAGS_STR(t->flag), companion_name[variant->kind],
		   err ? strerror(err) : "joined");
	if (err != variant->expect_errno)
		SKIP_IF_ENV_EXPLAINS(return, NS_CALL_SETNS, t->flag, err);
	EXPECT_EQ(variant->expect_errno, err)
	TH_LOG("setns(%s) beside %s: %s, expected %s", t->flag_name,
	       companion_name[variant->kind], err ? strerror(err) : "success",
	       variant->expect_errno ? strerror(variant->expect_errno) :
				       "success");
	if (!ret) {
		expect_joined(_metadata, t, &self->target);
		return;
	}

	ASSERT_EQ(0, ns_snapshot_take(&after));
	changed = ns_snapshot_diff(&before, &after);
	EXPECT_EQ(NULL, changed)
	TH_LOG("refused setns(%s) changed the %s namespace", t->flag_name,
	       changed->name);

	/* A reaped CLONE_FS sibling no longer shares: the same call works. */
	if (variant->kind != COMPANION_FS_SHARER)
		return;
	close(self->comp_release_fd);
	EXPECT_EQ(0, wait_child(self->companion));
	self->companion = -1;
	ret = sys_setns(self->ns_fd, t->flag);
	SKIP_IF_ENV_REFUSED(return, NS_CALL_SETNS, t->flag, ret);
	ASSERT_EQ(0, ret)
	TH_LOG("setns(%s) after the CLONE_FS sibling exited: %s", t->flag_name,
	       strerror(errno));
	expect_joined(_metadata, t, &self->target);
}

/* --- user namespace rules ------------------------------------------------ */

/* The caller's own user namespace: EINVAL, whatever its privilege. */
TEST(rejoining_own_user_namespace_is_einval)
{
	struct ns_snapshot before, after;
	int fd, ret;

	REQUIRE_NS_TYPE(ns_by_flag(CLONE_NEWUSER));
	fd = ns_open(0, "user");
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ns_snapshot_take(&before));
	ret = sys_setns(fd, CLONE_NEWUSER);
	if (errno != EINVAL)
		SKIP_IF_ENV_REFUSED(return, NS_CALL_SETNS, CLONE_NEWUSER, ret);
	EXPECT_EQ(-1, ret);
	EXPECT_EQ(EINVAL, errno)
	TH_LOG("setns(own user ns, CLONE_NEWUSER): %s", strerror(errno));
	ASSERT_EQ(0, ns_snapshot_take(&after));
	EXPECT_EQ(NULL, ns_snapshot_diff(&before, &after));
	close(fd);
}

/*
 * After entering a new user namespace, the one it came from is an ancestor
 * where the caller has no capability: going back is EPERM, even for root.
 */
TEST(user_join_needs_cap_sys_admin_in_target)
{
	struct ns_snapshot before, after;
	int parent_fd, ret;

	REQUIRE_NS_TYPE(ns_by_flag(CLONE_NEWUSER));
	parent_fd = ns_open(0, "user");
	ASSERT_LE(0, parent_fd);
	ret = become_userns_root();
	SKIP_IF_ENV_EXPLAINS(return, NS_CALL_UNSHARE, CLONE_NEWUSER, -ret);
	ASSERT_EQ(0, ret)
	TH_LOG("becoming root of a new user namespace: %s", strerror(-ret));
	ASSERT_TRUE(have_cap(CAP_SYS_ADMIN));
	ASSERT_EQ(0, ns_snapshot_take(&before));
	ret = sys_setns(parent_fd, CLONE_NEWUSER);
	/* A filter's EPERM is no proof of the kernel's. */
	if (ret && ns_env()->filtered[NS_CALL_SETNS][NS_user] == errno)
		SKIP_IF_ENV_REFUSED(return, NS_CALL_SETNS, CLONE_NEWUSER, ret);
	EXPECT_EQ(-1, ret);
	EXPECT_EQ(EPERM, errno)
	TH_LOG("setns(parent user ns, CLONE_NEWUSER) from its child: %s",
	       strerror(errno));
	ASSERT_EQ(0, ns_snapshot_take(&after));
	EXPECT_EQ(NULL, ns_snapshot_diff(&before, &after));
	close(parent_fd);
}

/*
 * The owner of a user namespace (same euid, in its parent) has every
 * capability in it: it joins without holding any capability itself, and
 * afterwards has CAP_SYS_ADMIN there.
 */
TEST(owner_joins_user_namespace_and_gains_capabilities)
{
	int release_fd = -EBADF, fd, ret;
	struct stat target;
	pid_t holder;

	holder = holder_start(CLONE_NEWUSER, &release_fd);
	if (holder < 0)
		SKIP_IF_ENV_EXPLAINS(return, NS_CALL_CLONE3, CLONE_NEWUSER,
					   -holder);
	ASSERT_LT(0, holder)
	TH_LOG("clone3(CLONE_NEWUSER): %s", strerror(-holder));
	fd = ns_open(holder, "user");
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, fstat(fd, &target));
	TH_LOG("caller holds CAP_SYS_ADMIN before the join: %d",
	       have_cap(CAP_SYS_ADMIN));

	ret = sys_setns(fd, CLONE_NEWUSER);
	SKIP_IF_ENV_REFUSED(return, NS_CALL_SETNS, CLONE_NEWUSER, ret);
	ASSERT_EQ(0, ret)
	TH_LOG("setns(owned user ns, CLONE_NEWUSER): %s", strerror(errno));
	expect_joined(_metadata, &ns_types[NS_user], &target);
	EXPECT_TRUE(have_cap(CAP_SYS_ADMIN));
	close(fd);
	EXPECT_EQ(0, holder_stop(holder, release_fd));
}

/* --- mount namespace: the join resets root and cwd ---------------------- */

TEST(mnt_join_moves_cwd_to_namespace_root)
{
	char cwd[PATH_MAX];
	int release_fd = -EBADF, fd, ret;
	struct stat target;
	pid_t holder;

	REQUIRE_NS_ADMIN();
	holder = holder_start(CLONE_NEWNS, &release_fd);
	if (holder < 0)
		SKIP_IF_ENV_EXPLAINS(return, NS_CALL_CLONE3, CLONE_NEWNS,
					   -holder);
	ASSERT_LT(0, holder)
	TH_LOG("clone3(CLONE_NEWNS): %s", strerror(-holder));
	fd = ns_open(holder, "mnt");
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, fstat(fd, &target));

	ASSERT_EQ(0, chdir("/proc/self"));
	ret = sys_setns(fd, CLONE_NEWNS);
	SKIP_IF_ENV_REFUSED(return, NS_CALL_SETNS, CLONE_NEWNS, ret);
	ASSERT_EQ(0, ret)
	TH_LOG("setns(mnt, CLONE_NEWNS): %s", strerror(errno));
	expect_joined(_metadata, &ns_types[NS_mnt], &target);
	ASSERT_NE(NULL, getcwd(cwd, sizeof(cwd)));
	EXPECT_STREQ("/", cwd);
	close(fd);
	EXPECT_EQ(0, holder_stop(holder, release_fd));
}

TEST_HARNESS_MAIN

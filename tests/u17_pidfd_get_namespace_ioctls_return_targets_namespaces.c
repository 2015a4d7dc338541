// SPDX-License-Identifier: GPL-2.0
/*
 * U17 (interface): ioctl(pidfd, PIDFD_GET_*_NAMESPACE) opens that namespace of the pidfd's process
 * Rule: each of the ten PIDFD_GET_{CGROUP,IPC,MNT,NET,PID,PID_FOR_CHILDREN,
 *   TIME,TIME_FOR_CHILDREN,USER,UTS}_NAMESPACE requests on a pidfd returns a
 *   new O_CLOEXEC file descriptor on the namespace that /proc/PID/ns/TYPE of
 *   the target names (same st_dev and st_ino), an fd setns() joins like the
 *   /proc file; once the target has exited and been reaped the request
 *   gives ESRCH.  The target here has fresh namespaces of every type, and
 *   pid_for_children and time_for_children that differ from its pid and
 *   time, so a request that answered the caller's namespace, or pid for
 *   pid_for_children, would be caught.
 * Man: pidfd_open(2) (lists no ioctls); ioctl_ns(2); setns(2); the requests
 *   are in include/uapi/linux/pidfd.h only.
 * Man-page errata: pidfd_open(2) is silent on the ten requests and on ESRCH
 *   for an exited target; this test shows both.
 * The article: says the /proc/PID/ns files are the handles on a process's
 *   namespaces that setns() takes.  True, but no longer the only way: a
 *   pidfd hands out the same namespaces, without a path in /proc (verdict:
 *   right, incomplete).
 * Since: Linux 6.11 (ENOTTY before: a pidfd had no ioctls).
 * Exceptions: the third ioctl() argument must be 0 (anything else gives
 *   EINVAL, which pidfd_open(2) does not say either); a type the kernel lacks gives EOPNOTSUPP (the variant SKIPs
 *   first); a task that is exiting but not yet reaped can still give
 *   the user namespace (its credentials outlive its nsproxy), so the ESRCH
 *   case reaps the target first.
 */
#include "common.h"

FIXTURE(pidfd_ns){};

FIXTURE_VARIANT(pidfd_ns)
{
	unsigned long request;
	const char *request_name;
	const struct ns_type *ns;
	const char *entry; /* /proc/PID/ns entry the answer must match */
	const char *joined; /* the entry setns() on the answer changes */
};

#define PIDFD_VARIANT(name, REQ, type, entry_, joined_)         \
	FIXTURE_VARIANT_ADD(pidfd_ns, name)                     \
	{                                                       \
		.request = PIDFD_GET_##REQ##_NAMESPACE,         \
		.request_name = "PIDFD_GET_" #REQ "_NAMESPACE", \
		.ns = &ns_types[NS_##type], .entry = entry_,    \
		.joined = joined_,                              \
	}

PIDFD_VARIANT(cgroup, CGROUP, cgroup, "cgroup", "cgroup");
PIDFD_VARIANT(ipc, IPC, ipc, "ipc", "ipc");
PIDFD_VARIANT(mnt, MNT, mnt, "mnt", "mnt");
PIDFD_VARIANT(net, NET, net, "net", "net");
PIDFD_VARIANT(pid, PID, pid, "pid", "pid_for_children");
PIDFD_VARIANT(pid_for_children, PID_FOR_CHILDREN, pid, "pid_for_children",
	      "pid_for_children");
PIDFD_VARIANT(time, TIME, time, "time", "time");
PIDFD_VARIANT(time_for_children, TIME_FOR_CHILDREN, time, "time_for_children",
	      "time");
PIDFD_VARIANT(user, USER, user, "user", "user");
PIDFD_VARIANT(uts, UTS, uts, "uts", "uts");

FIXTURE_SETUP(pidfd_ns)
{
}

FIXTURE_TEARDOWN(pidfd_ns)
{
}

/*
 * The target: a child that enters a new user namespace, then new
 * namespaces of every other type the kernel has (pid and time for its
 * children), and forks the init of its new pid namespace, so that
 * pid_for_children resolves.  Both wait until the release pipe closes.
 */
struct target {
	pid_t pid;
	int pidfd;
	int release;
};

struct target_report {
	int err; /* 0: set up */
	int flag; /* the CLONE_NEW* flag whose unshare() failed */
};

static void __attribute__((noreturn)) target_run(int up, int release)
{
	struct target_report r = { 0 };
	const struct ns_type *t;
	pid_t init;

	/* The user namespace first, so that nobody may make the others. */
	if (ns_type_exists(&ns_types[NS_user]) && sys_unshare(CLONE_NEWUSER))
		r.err = errno, r.flag = CLONE_NEWUSER;
	for_each_ns(t) {
		if (r.err || t->flag == CLONE_NEWUSER || !ns_type_exists(t))
			continue;
		if (sys_unshare(t->flag))
			r.err = errno, r.flag = t->flag;
	}
	init = r.err ? 0 : fork_child();
	if (init == 0 && !r.err) {
		sync_wait(release);
		_exit(0);
	}
	if (init < 0)
		r.err = errno, r.flag = CLONE_NEWPID;
	if (write(up, &r, sizeof(r)) != sizeof(r) || r.err)
		_exit(1);
	sync_wait(release);
	close(release);
	_exit(init > 0 && wait_child(init) == 0 ? 0 : 1);
}

/* Returns 0, or -1 after a SKIP (the caller returns). */
static int target_start(struct __test_metadata *_metadata, struct target *tg)
{
	struct target_report r = { 0 };
	int up[2], rel[2];

	tg->pid = -1;
	tg->pidfd = -EBADF;
	ASSERT_EQ(0, open_pipes(up, rel, NULL));
	tg->pid = fork_child();
	ASSERT_LE(0, tg->pid);
	if (tg->pid == 0) {
		close(up[0]);
		close(rel[1]);
		target_run(up[1], rel[0]);
	}
	close(up[1]);
	close(rel[0]);
	tg->release = rel[1];
	if (read(up[0], &r, sizeof(r)) != sizeof(r))
		r.err = ECHILD;
	close(up[0]);
	if (r.err) {
		close(tg->release);
		wait_child(tg->pid);
		tg->pid = -1;
		SKIP_IF_ENV_EXPLAINS(return -1, NS_CALL_UNSHARE, r.flag, r.err);
		ASSERT_EQ(0, r.err)
		TH_LOG("target: unshare(%s): %s",
		       ns_by_flag(r.flag) ? ns_by_flag(r.flag)->flag_name : "?",
		       strerror(r.err));
	}
	tg->pidfd = sys_pidfd_open(tg->pid, 0);
	if (tg->pidfd < 0 && errno == ENOSYS)
		SKIP(return -1, "pidfd_open() not implemented (ENOSYS; "
				"since 5.3)");
	ASSERT_LE(0, tg->pidfd)
	TH_LOG("pidfd_open(%d): %s", tg->pid, strerror(errno));
	return 0;
}

static int target_stop(struct target *tg)
{
	int status = 0;

	if (tg->pidfd >= 0)
		close(tg->pidfd);
	if (tg->pid > 0) {
		close(tg->release);
		status = wait_child(tg->pid);
	}
	tg->pid = -1;
	tg->pidfd = -EBADF;
	return status;
}

/* ENOTTY: the kernel has no pidfd ioctls (before 6.11). */
#define SKIP_IF_NO_PIDFD_IOCTLS(err)                                      \
	do {                                                              \
		if ((err) == ENOTTY) {                                    \
			target_stop(&tg);                                 \
			SKIP(return, "PIDFD_GET_*_NAMESPACE not "         \
				     "implemented (ENOTTY; since 6.11)"); \
		}                                                         \
	} while (0)

/* In a child: join @fd and compare /proc/self/ns/@joined with it. */
static int join_matches(int fd, const char *joined, const struct stat *want)
{
	struct stat now;
	pid_t pid = fork_child();

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		if (sys_setns(fd, 0))
			_exit(100 + errno);
		if (ns_stat(0, joined, &now))
			_exit(99);
		_exit(same_inode(&now, want) ? 0 : 98);
	}
	return wait_child(pid);
}

TEST_F(pidfd_ns, ioctl_returns_fd_of_targets_namespace_joinable_by_setns)
{
	struct target tg;
	struct stat got, proc, own;
	int fd, ret, want;

	REQUIRE_NS_TYPE(variant->ns);
	/* setns() wants CAP_SYS_ADMIN where the caller is, too. */
	REQUIRE_NS_ADMIN();
	if (target_start(_metadata, &tg))
		return;
	fd = ioctl(tg.pidfd, variant->request, 0);
	SKIP_IF_NO_PIDFD_IOCTLS(fd < 0 ? errno : 0);
	EXPECT_LE(0, fd)
	TH_LOG("ioctl(pidfd, %s): %s", variant->request_name, strerror(errno));
	if (fd < 0) {
		target_stop(&tg);
		return;
	}
	EXPECT_EQ(FD_CLOEXEC, fcntl(fd, F_GETFD) & FD_CLOEXEC);
	ASSERT_EQ(0, fstat(fd, &got));
	ASSERT_EQ(0, ns_stat(tg.pid, variant->entry, &proc))
	TH_LOG("stat(/proc/%d/ns/%s): %s", tg.pid, variant->entry,
	       strerror(errno));
	ASSERT_EQ(0, ns_stat(0, variant->entry, &own));
	EXPECT_TRUE(same_inode(&proc, &got))
	TH_LOG("%s gave inode %lu, /proc/%d/ns/%s is %lu",
	       variant->request_name, (unsigned long)got.st_ino, tg.pid,
	       variant->entry, (unsigned long)proc.st_ino);
	/* Not the caller's (pid and time: the target's own are shared). */
	if (strcmp(variant->entry, "pid") && strcmp(variant->entry, "time")) {
		EXPECT_FALSE(same_inode(&own, &got))
		TH_LOG("%s gave the caller's own namespace",
		       variant->request_name);
	}
	EXPECT_EQ(variant->ns->flag, ioctl(fd, NS_GET_NSTYPE));
	EXPECT_EQ(-1, ioctl(tg.pidfd, variant->request, 1));
	EXPECT_EQ(EINVAL, errno)
	TH_LOG("ioctl(pidfd, %s, 1): %s, expected EINVAL (the argument "
	       "must be 0)",
	       variant->request_name, strerror(errno));

	/*
	 * The target's pid and time namespaces are the caller's: joining them
	 * needs CAP_SYS_ADMIN in their owner, which a caller that is root of
	 * a user namespace below it lacks (EPERM).
	 */
	want = ns_owned_by_callers_userns(fd) ? 0 : 100 + EPERM;
	ret = join_matches(fd, variant->joined, &got);
	if (ret > 100 && ret != want) {
		close(fd);
		target_stop(&tg);
		SKIP_IF_ENV_EXPLAINS(return, NS_CALL_SETNS, variant->ns->flag,
					   ret - 100);
		fd = -1;
	}
	EXPECT_EQ(want, ret)
	TH_LOG("setns(%s fd, 0) in a child: %s, expected %s",
	       variant->request_name,
	       ret > 100 ? strerror(ret - 100) :
	       ret == 98 ? "returned 0, but the namespace did not change" :
	       ret == 0	 ? "joined" :
			   "child failed",
	       want ? "EPERM (owner outside the caller's user namespace)" :
		      "joined");
	if (fd >= 0) {
		close(fd);
		EXPECT_EQ(0, target_stop(&tg));
	}
}

TEST_F(pidfd_ns, reaped_target_gives_esrch)
{
	struct target tg;
	int fd, pidfd;

	REQUIRE_NS_TYPE(variant->ns);
	if (target_start(_metadata, &tg))
		return;
	fd = ioctl(tg.pidfd, variant->request, 0);
	SKIP_IF_NO_PIDFD_IOCTLS(fd < 0 ? errno : 0);
	if (fd >= 0)
		close(fd);
	pidfd = tg.pidfd;
	tg.pidfd = -EBADF;
	ASSERT_EQ(0, target_stop(&tg));
	fd = ioctl(pidfd, variant->request, 0);
	EXPECT_EQ(-1, fd)
	TH_LOG("ioctl(pidfd of a reaped process, %s) gave fd %d",
	       variant->request_name, fd);
	EXPECT_EQ(ESRCH, errno)
	TH_LOG("ioctl(pidfd of a reaped process, %s): %s, expected ESRCH",
	       variant->request_name, strerror(errno));
	if (fd >= 0)
		close(fd);
	close(pidfd);
}

TEST_HARNESS_MAIN

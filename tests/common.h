/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the nsapi tests: the table of namespace types, raw
 * syscall wrappers with fallbacks for older headers, /proc/PID/ns identity,
 * privilege (root, or root of a fresh user namespace), and children that
 * report a real status.  Every helper is static inline so that a test pays
 * only for what it uses.
 */
#ifndef NSAPI_COMMON_H
#define NSAPI_COMMON_H

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/capability.h>

#include "kselftest_harness.h"

#include "ns_uapi.h"
#include "ns_env.h"

enum ns_index {
	NS_cgroup,
	NS_ipc,
	NS_mnt,
	NS_net,
	NS_pid,
	NS_time,
	NS_user,
	NS_uts,
	NS_COUNT
};

/*
 * One row per namespace type.  @name is the /proc/PID/ns entry of the
 * caller's own namespace; for pid and time, unshare() and setns() change
 * @children_name (pid_for_children, time_for_children) instead.
 */
struct ns_type {
	const char *name;
	const char *children_name;
	int flag;
	const char *flag_name;
	const char *kconfig;
};

static const struct ns_type ns_types[NS_COUNT] __attribute__((unused)) = {
	[NS_cgroup] = { "cgroup", "cgroup", CLONE_NEWCGROUP, "CLONE_NEWCGROUP",
			"CONFIG_CGROUPS" },
	[NS_ipc] = { "ipc", "ipc", CLONE_NEWIPC, "CLONE_NEWIPC",
		     "CONFIG_IPC_NS" },
	[NS_mnt] = { "mnt", "mnt", CLONE_NEWNS, "CLONE_NEWNS", "(always)" },
	[NS_net] = { "net", "net", CLONE_NEWNET, "CLONE_NEWNET",
		     "CONFIG_NET_NS" },
	[NS_pid] = { "pid", "pid_for_children", CLONE_NEWPID, "CLONE_NEWPID",
		     "CONFIG_PID_NS" },
	[NS_time] = { "time", "time_for_children", CLONE_NEWTIME,
		      "CLONE_NEWTIME", "CONFIG_TIME_NS" },
	[NS_user] = { "user", "user", CLONE_NEWUSER, "CLONE_NEWUSER",
		      "CONFIG_USER_NS" },
	[NS_uts] = { "uts", "uts", CLONE_NEWUTS, "CLONE_NEWUTS",
		     "CONFIG_UTS_NS" },
};

#define for_each_ns(t) for (t = ns_types; t < ns_types + NS_COUNT; t++)

/*
 * Variants per namespace type: declare FIXTURE_VARIANT(f) with a member
 * "const struct ns_type *ns", then NS_VARIANTS(f) adds one variant per type,
 * named after it (f.net.test_name).
 */
#define NS_VARIANT(fixture, type)           \
	FIXTURE_VARIANT_ADD(fixture, type)  \
	{                                   \
		.ns = &ns_types[NS_##type], \
	}
#define NS_VARIANTS(fixture)         \
	NS_VARIANT(fixture, cgroup); \
	NS_VARIANT(fixture, ipc);    \
	NS_VARIANT(fixture, mnt);    \
	NS_VARIANT(fixture, net);    \
	NS_VARIANT(fixture, pid);    \
	NS_VARIANT(fixture, time);   \
	NS_VARIANT(fixture, user);   \
	NS_VARIANT(fixture, uts)

/*
 * The common case of the above: a fixture with no state of its own, one
 * variant per namespace type, reached in a test as variant->ns.
 */
#define NS_TYPE_FIXTURE(fixture)          \
	FIXTURE(fixture){};               \
	FIXTURE_VARIANT(fixture)          \
	{                                 \
		const struct ns_type *ns; \
	};                                \
	NS_VARIANTS(fixture);             \
	FIXTURE_SETUP(fixture)            \
	{                                 \
	}                                 \
	FIXTURE_TEARDOWN(fixture)         \
	{                                 \
	}

static inline const struct ns_type *ns_by_flag(int flag)
{
	const struct ns_type *t;

	for_each_ns(t)
		if (t->flag == flag)
			return t;
	return NULL;
}

/* --- raw syscalls ------------------------------------------------------ */

static inline long sys_clone3(struct nsapi_clone_args *args, size_t size)
{
	return syscall(__NR_clone3, args, size);
}

/* clone() without a new stack: returns twice, like fork(). */
static inline pid_t sys_clone_fork(unsigned long flags)
{
	return syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, 0);
}

/* clone3() without a new stack, exit signal SIGCHLD: returns like fork(). */
static inline pid_t sys_clone3_fork(uint64_t flags)
{
	struct nsapi_clone_args args = {
		.flags = flags,
		.exit_signal = SIGCHLD,
	};

	return sys_clone3(&args, CLONE_ARGS_SIZE_VER0);
}

static inline int sys_setns(int fd, int nstype)
{
	return syscall(SYS_setns, fd, nstype);
}

static inline int sys_unshare(int flags)
{
	return syscall(SYS_unshare, flags);
}

static inline int sys_pidfd_open(pid_t pid, unsigned int flags)
{
	return syscall(__NR_pidfd_open, pid, flags);
}

/* --- children that never outlive the test ------------------------------ */

/*
 * In a child just made by @parent (its pid, taken before the fork): get
 * SIGKILL when the parent exits, and leave at once if it already has.  A
 * child blocked on a pipe or in waitpid() would otherwise outlive a test
 * that failed, timed out or was killed, holding the test's stdout (a
 * pipeline reading it never ends) and the write ends its siblings wait on.
 * In a new pid namespace getppid() is 0 whoever the parent is, so there the
 * check covers only what the signal does.  Credential changes (setresuid)
 * clear the setting: drop_to_nobody() sets it again.
 */
static inline void die_with_parent(pid_t parent)
{
	pid_t ppid;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL))
		_exit(125);
	ppid = getppid();
	if (ppid != parent && ppid != 0)
		_exit(125);
}

/*
 * fork(), clone() and clone3() without a stack (they return like fork())
 * for a test's children: stdio is flushed first so that buffered TAP lines
 * are not printed twice, and the child dies with its parent.  A call that
 * "returns 0" without making a child (fault injection) leaves the caller
 * as it was: callers that care compare getpid() before and after.
 */
static inline pid_t fork_child_made_by(pid_t pid, pid_t parent)
{
	if (pid == 0 && getpid() != parent)
		die_with_parent(parent);
	return pid;
}

static inline pid_t fork_child(void)
{
	pid_t parent = getpid();

	fflush(NULL);
	return fork_child_made_by(fork(), parent);
}

static inline pid_t clone_child(unsigned long flags)
{
	pid_t parent = getpid();

	fflush(NULL);
	return fork_child_made_by(sys_clone_fork(flags), parent);
}

static inline pid_t clone3_child(uint64_t flags)
{
	pid_t parent = getpid();

	fflush(NULL);
	return fork_child_made_by(sys_clone3_fork(flags), parent);
}

/* clone3() with the caller's @args (pidfd, set_tid, ...), like fork(). */
static inline pid_t clone3_child_args(struct nsapi_clone_args *args,
				      size_t size)
{
	pid_t parent = getpid();

	fflush(NULL);
	return fork_child_made_by(sys_clone3(args, size), parent);
}

/* --- /proc/PID/ns ------------------------------------------------------ */

/* "/proc/PID/ns/NAME" for pid > 0, "/proc/self/ns/NAME" for pid 0. */
static inline void ns_path(char *buf, size_t len, pid_t pid, const char *name)
{
	if (pid > 0)
		snprintf(buf, len, "/proc/%d/ns/%s", pid, name);
	else
		snprintf(buf, len, "/proc/self/ns/%s", name);
}

static inline int ns_stat(pid_t pid, const char *name, struct stat *st)
{
	char path[PATH_MAX];

	ns_path(path, sizeof(path), pid, name);
	return stat(path, st);
}

static inline int ns_open(pid_t pid, const char *name)
{
	char path[PATH_MAX];

	ns_path(path, sizeof(path), pid, name);
	return open(path, O_RDONLY | O_CLOEXEC);
}

static inline bool ns_type_exists(const struct ns_type *t)
{
	char path[PATH_MAX];

	ns_path(path, sizeof(path), 0, t->name);
	return access(path, F_OK) == 0;
}

static inline bool same_inode(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* Whether two namespace files (paths or /proc links) name one namespace. */
static inline int in_same_namespace(pid_t a, pid_t b, const char *name)
{
	struct stat sa, sb;

	if (ns_stat(a, name, &sa) || ns_stat(b, name, &sb))
		return -errno;
	return same_inode(&sa, &sb);
}

/* The inode number inside a link target "type:[ino]", or 0 on error. */
static inline unsigned long ns_link_inode(const char *path, char *type,
					  size_t type_len)
{
	char target[128], *open_br;
	ssize_t n;

	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return 0;
	target[n] = '\0';
	open_br = strstr(target, ":[");
	if (!open_br || target[n - 1] != ']')
		return 0;
	if (type)
		snprintf(type, type_len, "%.*s", (int)(open_br - target),
			 target);
	return strtoul(open_br + 2, NULL, 10);
}

/*
 * The caller's namespaces, every type the kernel has, and the
 * *_for_children entries: take one before and one after a refused call to
 * show that the call changed nothing.  A *_for_children entry that does not
 * resolve (ENOENT) is kept as a zero inode.
 */
struct ns_snapshot {
	bool present[NS_COUNT];
	struct stat own[NS_COUNT];
	struct stat children[NS_COUNT];
};

static inline int ns_snapshot_take(struct ns_snapshot *s)
{
	const struct ns_type *t;

	memset(s, 0, sizeof(*s));
	for_each_ns(t) {
		size_t i = t - ns_types;

		s->present[i] = ns_type_exists(t);
		if (!s->present[i])
			continue;
		if (ns_stat(0, t->name, &s->own[i]))
			return -errno;
		/* pid_for_children: ENOENT until the new init is forked. */
		if (ns_stat(0, t->children_name, &s->children[i]) &&
		    errno != ENOENT)
			return -errno;
	}
	return 0;
}

/* The first type whose namespace differs between @a and @b, or NULL. */
static inline const struct ns_type *
ns_snapshot_diff(const struct ns_snapshot *a, const struct ns_snapshot *b)
{
	const struct ns_type *t;

	for_each_ns(t) {
		size_t i = t - ns_types;

		if (a->present[i] != b->present[i])
			return t;
		if (!a->present[i])
			continue;
		if (!same_inode(&a->own[i], &b->own[i]) ||
		    !same_inode(&a->children[i], &b->children[i]))
			return t;
	}
	return NULL;
}

/* Bit i set: ns_types[i] (own or *_for_children entry) differs. */
static inline uint32_t ns_snapshot_diff_mask(const struct ns_snapshot *a,
					     const struct ns_snapshot *b)
{
	uint32_t mask = 0;

	for (size_t i = 0; i < NS_COUNT; i++) {
		if (a->present[i] != b->present[i] ||
		    !same_inode(&a->own[i], &b->own[i]) ||
		    !same_inode(&a->children[i], &b->children[i]))
			mask |= 1U << i;
	}
	return mask;
}

/* --- files that are no namespace, for the EINVAL/ENOTTY tables --------- */

static inline int open_memfd(void)
{
	return memfd_create("nsapi_regular", MFD_CLOEXEC);
}

/* The read end of a pipe whose write end is already closed. */
static inline int open_pipe_end(void)
{
	int p[2];

	if (pipe2(p, O_CLOEXEC))
		return -1;
	close(p[1]);
	return p[0];
}

static inline int open_unix_socket(void)
{
	return socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
}

/* --- nsfs file handles and listns() ----------------------------------- */

/* The handle's payload (uapi struct nsfs_file_handle). */
struct nsapi_nsfs_fh {
	uint64_t ns_id;
	uint32_t ns_type;
	uint32_t ns_inum;
};

/* A struct file_handle with room for the nsfs payload. */
struct nsapi_handle {
	struct file_handle fh;
	struct nsapi_nsfs_fh nsfs;
};

static inline long sys_listns(const struct nsapi_ns_id_req *req, uint64_t *ids,
			      size_t nr_ids, unsigned int flags)
{
	return syscall(__NR_listns, req, ids, nr_ids, flags);
}

static inline int handle_of(int nsfd, struct nsapi_handle *h)
{
	int mount_id;

	memset(h, 0, sizeof(*h));
	h->fh.handle_bytes = sizeof(h->nsfs);
	return name_to_handle_at(nsfd, "", &h->fh, &mount_id, AT_EMPTY_PATH);
}

/* The namespace's 64-bit id (NS_GET_ID, 6.12+), or 0. */
static inline uint64_t id_of(int nsfd)
{
	uint64_t id = 0;

	return ioctl(nsfd, NS_GET_ID, &id) ? 0 : id;
}

/* SKIP only for the documented "not implemented" answers. */
#define REQUIRE_NSFS_HANDLES(nsfd)                                            \
	do {                                                                  \
		struct nsapi_handle __h;                                      \
		int __fd;                                                     \
		if (handle_of(nsfd, &__h) && errno == EOPNOTSUPP)             \
			SKIP(return, "nsfs file handles not implemented "     \
				     "(name_to_handle_at: EOPNOTSUPP; since " \
				     "6.18)");                                \
		__fd = open_by_handle_at(FD_NSFS_ROOT, &__h.fh, O_RDONLY);    \
		if (__fd < 0 && errno == EBADF)                               \
			SKIP(return, "FD_NSFS_ROOT not implemented "          \
				     "(open_by_handle_at: EBADF)");           \
		if (__fd >= 0)                                                \
			close(__fd);                                          \
	} while (0)

#define LISTNS_PAGE 3
#define LISTNS_MAX 65536

#define REQUIRE_LISTNS()                                                    \
	do {                                                                \
		struct nsapi_ns_id_req __req = { .size = sizeof(__req) };   \
		uint64_t __id;                                              \
		if (sys_listns(&__req, &__id, 1, 0) < 0 && errno == ENOSYS) \
			SKIP(return, "listns() not implemented (ENOSYS; "   \
				     "since 6.19)");                        \
	} while (0)

/*
 * Every id listns() gives for the filter @base (its ns_id is ignored),
 * small pages at a time.  Returns how many, or -errno.
 */
static inline long listns_all_req(const struct nsapi_ns_id_req *base,
				  uint64_t *ids, size_t max)
{
	struct nsapi_ns_id_req req = *base;
	size_t n = 0;
	long got;

	req.ns_id = 0;
	while (n + LISTNS_PAGE <= max) {
		got = sys_listns(&req, ids + n, LISTNS_PAGE, 0);
		if (got < 0 && errno == ENOENT)
			break; /* nothing after req.ns_id */
		if (got < 0)
			return -errno;
		if (got == 0)
			break;
		n += got;
		req.ns_id = ids[n - 1];
	}
	return n;
}

/* Every id listns() gives for @type (0: all). */
static inline long listns_all(uint32_t type, uint64_t *ids, size_t max)
{
	struct nsapi_ns_id_req req = { .size = sizeof(req), .ns_type = type };

	return listns_all_req(&req, ids, max);
}

static inline bool listed(const uint64_t *ids, long n, uint64_t id)
{
	for (long i = 0; i < n; i++)
		if (ids[i] == id)
			return true;
	return false;
}

/*
 * Whether the namespace of @fd is owned by the caller's user namespace or
 * one below it (NS_GET_USERNS, then NS_GET_PARENT up to the caller's).  A
 * kernel without user namespaces has one, the caller's, which owns every
 * namespace, and answers NS_GET_USERNS with EPERM.
 */
static inline bool ns_owned_by_callers_userns(int fd)
{
	struct stat own, owner;
	int ufd = ioctl(fd, NS_GET_USERNS);
	bool below = false;

	if (ufd < 0 && errno == EPERM && !ns_type_exists(&ns_types[NS_user]))
		return true;
	if (ufd < 0 || ns_stat(0, "user", &own)) {
		if (ufd >= 0)
			close(ufd);
		return false;
	}
	/* Walk up from the owner until the caller's own or the top (EPERM). */
	for (;;) {
		int parent;

		if (fstat(ufd, &owner) || same_inode(&own, &owner)) {
			below = same_inode(&own, &owner);
			break;
		}
		parent = ioctl(ufd, NS_GET_PARENT);
		close(ufd);
		ufd = parent;
		if (ufd < 0)
			return false;
	}
	close(ufd);
	return below;
}

/* --- privilege --------------------------------------------------------- */

/* Whether @cap is effective in the caller's user namespace. */
static inline bool have_cap(int cap)
{
	return ns_env_have_cap(cap);
}

/*
 * The initial user namespace maps every uid to itself, "0 0 4294967295";
 * a new one gets that map only from host root.  Comparing with /proc/1 is
 * no test: in a container PID 1 is the container's own init.
 */
static inline bool in_initial_userns(void)
{
	return ns_env_identity_map();
}

/*
 * Whether a refused creation of a user namespace, by the caller itself, is
 * explained by the environment (the test SKIPs) and not a kernel failure
 * (it FAILs): see ns_env_explains().  Prefer SKIP_IF_ENV_EXPLAINS(), which
 * names the cause.
 */
static inline bool userns_refusal_is_policy(int err)
{
	char buf[256];

	return ns_env_explains(NS_CALL_UNSHARE, CLONE_NEWUSER, err, buf,
			       sizeof(buf)) != NULL;
}

/*
 * The environment rule (tests/ns_env.h) in a test: after @call (an
 * NS_CALL_* value) for CLONE_NEW* @flag (0: none) failed with @err, SKIP
 * with the environment's explanation when there is one; otherwise go on,
 * and the test's own ASSERT/EXPECT reports the failure with the call.
 */
#define SKIP_IF_ENV_EXPLAINS(statement, call, flag, err)                \
	do {                                                            \
		char __why_buf[256];                                    \
		int __saved_errno = errno;                              \
		const char *__why = ns_env_explains(                    \
			call, flag, err, __why_buf, sizeof(__why_buf)); \
		errno = __saved_errno;                                  \
		if (__why)                                              \
			SKIP(statement, "%s", __why);                   \
	} while (0)

/*
 * The same after a call that returned @ret: < 0 means refused with errno
 * (errno is kept for the caller's own ASSERT and TH_LOG).
 */
#define SKIP_IF_ENV_REFUSED(statement, call, flag, ret) \
	SKIP_IF_ENV_EXPLAINS(statement, call, flag, (ret) < 0 ? errno : 0)

/* The probe runs in the harness's parent, before the first test forks. */
static void __attribute__((constructor, used)) ns_env_probe_at_start(void)
{
	ns_env();
}

/* Whether the caller is root of the initial user namespace. */
static inline bool have_host_root(void)
{
	return have_cap(CAP_SYS_ADMIN) && in_initial_userns();
}

static inline int write_file(const char *path, const char *text)
{
	size_t len = strlen(text);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, text, len);
	if (n < 0) {
		n = -errno;
		close(fd);
		return n;
	}
	close(fd);
	return (size_t)n == len ? 0 : -EIO;
}

/* Whether /proc/self/setgroups says "deny" (a user namespace's choice). */
static inline bool setgroups_denied(void)
{
	char buf[16] = "";
	int fd = open("/proc/self/setgroups", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);

	if (fd >= 0)
		close(fd);
	return n > 0 && !strncmp(buf, "deny", 4);
}

/*
 * Give up root for good: no supplementary groups (unless the user
 * namespace denies setgroups(), as a rootless container may), gid and uid
 * 65534 (real, effective, saved), so every capability is gone.  Returns 0
 * or -errno: -EINVAL when 65534 is not mapped here (ns_env_explains() with
 * NS_CALL_NOBODY says so).
 */
static inline int drop_to_nobody(void)
{
	int deathsig = 0;

	/* The uid change clears a parent-death signal: keep it. */
	if (prctl(PR_GET_PDEATHSIG, &deathsig))
		return -errno;
	if (setgroups(0, NULL) && !(errno == EPERM && setgroups_denied()))
		return -errno;
	if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534) ||
	    (deathsig && prctl(PR_SET_PDEATHSIG, deathsig)))
		return -errno;
	return 0;
}

/*
 * Enter a new user namespace and become its root (uid 0 mapped to the
 * caller's uid, gid 0 to its gid).  Returns 0 or -errno.
 */
static inline int become_userns_root(void)
{
	uid_t uid = geteuid();
	gid_t gid = getegid();
	char map[64];
	int ret;

	if (sys_unshare(CLONE_NEWUSER))
		return -errno;
	ret = write_file("/proc/self/setgroups", "deny");
	if (ret && ret != -ENOENT)
		return ret;
	snprintf(map, sizeof(map), "0 %u 1", uid);
	ret = write_file("/proc/self/uid_map", map);
	if (ret)
		return ret;
	snprintf(map, sizeof(map), "0 %u 1", gid);
	return write_file("/proc/self/gid_map", map);
}

/*
 * Get CAP_SYS_ADMIN for creating namespaces: keep it when the caller has it,
 * else become root of a new user namespace.  Must run in the test's own
 * process (the harness forks one per test).  Returns 0, or -errno when no
 * route works (the caller then SKIPs with the reason).
 */
static inline int gain_ns_admin(void)
{
	if (have_cap(CAP_SYS_ADMIN))
		return 0;
	return become_userns_root();
}

/* SKIP when the kernel lacks namespace type @t. */
#define REQUIRE_NS_TYPE(t) REQUIRE_NS_TYPE_OR(return, t)
#define REQUIRE_NS_TYPE_OR(statement, t)                           \
	do {                                                       \
		if (!ns_type_exists(t))                            \
			SKIP(statement,                            \
			     "kernel lacks %s namespaces (%s; no " \
			     "/proc/self/ns/%s)",                  \
			     (t)->name, (t)->kconfig, (t)->name);  \
	} while (0)

/*
 * Gain CAP_SYS_ADMIN (root, or a user namespace); SKIP when the
 * environment explains why not, else FAIL naming the step that failed.
 */
#define REQUIRE_NS_ADMIN() REQUIRE_NS_ADMIN_OR(return )
#define REQUIRE_NS_ADMIN_OR(statement)                                     \
	do {                                                               \
		int __ret = gain_ns_admin();                               \
		if (__ret) {                                               \
			SKIP_IF_ENV_EXPLAINS(statement, NS_CALL_UNSHARE,   \
					     CLONE_NEWUSER, -__ret);       \
			ASSERT_EQ(0, __ret)                                \
			TH_LOG("no CAP_SYS_ADMIN, and becoming root of a " \
			       "new user namespace failed: %s",            \
			       strerror(-__ret));                          \
		}                                                          \
	} while (0)

/*
 * unshare(@flags) in the test's own process: SKIP when the environment
 * explains a refusal, else FAIL naming the call.
 */
#define REQUIRE_UNSHARE(flags)                                              \
	do {                                                                \
		int __ret = sys_unshare(flags);                             \
		SKIP_IF_ENV_REFUSED(return, NS_CALL_UNSHARE, flags, __ret); \
		ASSERT_EQ(0, __ret)                                         \
		TH_LOG("unshare(%s): %s", #flags, strerror(errno));         \
	} while (0)

/* Tests that need real root of the initial user namespace. */
#define REQUIRE_HOST_ROOT(why)                                       \
	do {                                                         \
		if (!have_host_root())                               \
			SKIP(return,                                 \
				   "needs root in the initial user " \
				   "namespace: %s",                  \
				   why);                             \
	} while (0)

/*
 * In a chroot "/" is usually a plain directory, and MS_PRIVATE on it is
 * EINVAL (only a mount's root can change its propagation).  The mounts of
 * this process's own mount namespace are made private from the
 * namespace's root instead: chroot() into a subdirectory leaves the working
 * directory outside the new root, from where ".." climbs to the real root;
 * then back into the chroot through a descriptor kept on it.  (A bind
 * mount of "/" onto itself would not do: made on the chroot's shared
 * mount, it propagates to the host's peers before it can be made private.)
 * Only a test's child in its own mount namespace calls this.
 */
static inline int make_mounts_private_chrooted(void)
{
	int chroot_fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC), ret = 0;
	struct stat here, up;

	if (chroot_fd < 0)
		return -errno;
	if (chdir("/") || chroot("/proc"))
		ret = -errno;
	for (int i = 0; !ret && i < 256; i++) {
		if (stat(".", &here) || stat("..", &up))
			ret = -errno;
		else if (same_inode(&here, &up))
			break;
		else if (chdir(".."))
			ret = -errno;
	}
	if (!ret &&
	    (chroot(".") || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL)))
		ret = -errno;
	if (fchdir(chroot_fd) || chroot(".") || chdir("/"))
		ret = ret ? ret : -errno;
	close(chroot_fd);
	return ret;
}

/*
 * After unshare(CLONE_NEWNS) the new mounts still propagate to the host's
 * shared peers: make them private before mounting anything.
 */
static inline int make_mounts_private(void)
{
	if (!mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return 0;
	if (errno != EINVAL || ns_env_root_is_mount())
		return -errno;
	return make_mounts_private_chrooted();
}

/* --- children ---------------------------------------------------------- */

/*
 * Wait for @pid; returns its exit status (0..255), or 128 + signal number
 * when it was killed, or -errno when waitpid() failed.
 */
static inline int wait_child(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return -errno;
	}
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}

/*
 * pipe2(O_CLOEXEC) for each int[2] given, the list ending with NULL: all of
 * them or none, so that an error path leaks no descriptor.  Returns 0, or
 * -1 with errno from the pipe2() that failed.
 */
static inline __attribute__((sentinel)) int open_pipes(int *fds, ...)
{
	int *p, *q, saved;
	va_list ap, again;

	va_start(ap, fds);
	va_copy(again, ap);
	for (p = fds; p; p = va_arg(ap, int *)) {
		if (!pipe2(p, O_CLOEXEC))
			continue;
		saved = errno;
		for (q = fds; q != p; q = va_arg(again, int *)) {
			close(q[0]);
			close(q[1]);
		}
		va_end(again);
		va_end(ap);
		errno = saved;
		return -1;
	}
	va_end(again);
	va_end(ap);
	return 0;
}

/*
 * The three pipes between a test and most of its children: the child writes
 * to up (it is set up, or a value), waits for a byte or EOF on go, and
 * writes one line to report when it fails.
 */
struct child_pipes {
	int up[2], go[2], report[2];
};

static inline int child_pipes_open(struct child_pipes *p)
{
	return open_pipes(p->up, p->go, p->report, NULL);
}

/*
 * After fork() or clone() returned @pid, each side closes the other's ends:
 * the child keeps up[1], go[0] and report[1]; the test gets up[0], go[1] and
 * report[0] in *@up_fd, *@go_fd and *@report_fd.  A failed fork (@pid < 0)
 * closes all six and returns -errno.
 */
static inline int child_pipes_keep(struct child_pipes *p, pid_t pid, int *up_fd,
				   int *go_fd, int *report_fd)
{
	int *ends[] = { p->up, p->go, p->report }, err = errno;

	if (pid < 0) {
		for (int i = 0; i < 3; i++) {
			close(ends[i][0]);
			close(ends[i][1]);
		}
		errno = err;
		return -err;
	}
	/* The child closes the read end of up and report, the write of go. */
	close(pid == 0 ? p->up[0] : p->up[1]);
	close(pid == 0 ? p->go[1] : p->go[0]);
	close(pid == 0 ? p->report[0] : p->report[1]);
	if (pid > 0) {
		*up_fd = p->up[0];
		*go_fd = p->go[1];
		*report_fd = p->report[0];
	}
	return 0;
}

/*
 * What @probe(@t) computes in a child made by clone3() with @flags, that is
 * in new namespaces of those types, sent back over a pipe.  The child has
 * exited when this returns, so its namespaces are gone.  Returns 0, with
 * errno set, when the child could not be made (clone3()'s errno: apply the
 * rule with NS_CALL_CLONE3) or did not report (EPROTO).
 */
static inline uint64_t
probe_in_new_ns(uint64_t flags, uint64_t (*probe)(const struct ns_type *),
		const struct ns_type *t)
{
	uint64_t value = 0;
	int fds[2], err;
	pid_t pid;

	if (open_pipes(fds, NULL))
		return 0;
	pid = clone3_child(flags);
	if (pid == 0) {
		value = probe(t);
		_exit(write(fds[1], &value, sizeof(value)) == sizeof(value) ?
			      0 :
			      1);
	}
	err = errno;
	close(fds[1]);
	if (pid > 0 && read(fds[0], &value, sizeof(value)) != sizeof(value))
		value = 0;
	close(fds[0]);
	if (pid > 0 && wait_child(pid) != 0)
		value = 0;
	errno = pid < 0 ? err : EPROTO;
	return value;
}

/* Checked one-byte handshakes over a pipe. */
static inline int sync_send(int fd)
{
	char c = 'x';

	return write(fd, &c, 1) == 1 ? 0 : -1;
}

static inline int sync_wait(int fd)
{
	char c;

	return read(fd, &c, 1) == 1 ? 0 : -1;
}

/*
 * A child reports failure as one line of text on a pipe, then exits with 1:
 * the parent logs the line with the test's name.  Use in children only.
 */
static inline void __attribute__((format(printf, 2, 3), noreturn))
child_fail(int report_fd, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (len > (int)sizeof(msg) - 1)
		len = sizeof(msg) - 1;
	if (report_fd >= 0 && write(report_fd, msg, len) < 0)
		_exit(2);
	_exit(1);
}

/*
 * A child's refused namespace call (children cannot SKIP), reported like
 * child_fail() with the call, flag and errno at the end, where
 * SKIP_IF_CHILD_EXPLAINED() in the parent finds them and applies the rule.
 */
static inline void __attribute__((noreturn))
child_refused(int report_fd, enum ns_call call, int flag, int err)
{
	child_fail(report_fd, "%s(%#x): %s [refused %d %#x %d]",
		   ns_call_names[call], flag, strerror(err), call, flag, err);
}

#define SKIP_IF_CHILD_EXPLAINED(statement, msg)                               \
	do {                                                                  \
		const char *__at = strstr(msg, "[refused ");                  \
		int __call, __flag, __err;                                    \
		if (__at &&                                                   \
		    sscanf(__at, "[refused %d %x %d]", &__call, &__flag,      \
			   &__err) == 3 &&                                    \
		    __call >= 0 && __call <= NS_CALL_NOBODY)                  \
			SKIP_IF_ENV_EXPLAINS(statement, (enum ns_call)__call, \
					     __flag, __err);                  \
	} while (0)

/*
 * Read what a child reported, up to end of file (empty string when it
 * reported nothing).  What does not fit is read and dropped, so that the
 * writer never gets SIGPIPE for a report written in several pieces.
 */
static inline void child_report(int report_fd, char *buf, size_t len)
{
	char drop[256];
	size_t used = 0;
	ssize_t n;

	for (;;) {
		if (used < len - 1)
			n = read(report_fd, buf + used, len - 1 - used);
		else
			n = read(report_fd, drop, sizeof(drop));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (used < len - 1)
			used += n;
	}
	buf[used] = '\0';
}

/* --- holders ----------------------------------------------------------- */

/*
 * In a child that holds namespaces it made itself: send @err (0: set up)
 * on @up_fd, then exit 1 on error, else stay until @release_fd is closed
 * and exit 0.  The parent reads the errno with held_errno().
 */
static inline void __attribute__((noreturn))
child_hold(int up_fd, int err, int release_fd)
{
	if (write(up_fd, &err, sizeof(err)) != sizeof(err) || err)
		_exit(1);
	sync_wait(release_fd);
	_exit(0);
}

/* What child_hold() sent: 0, its errno, or ECHILD when it sent nothing. */
static inline int held_errno(int up_fd)
{
	int err;

	return read(up_fd, &err, sizeof(err)) == sizeof(err) ? err : ECHILD;
}

/*
 * A holder is a child made by clone3(@flags) that stays in its new
 * namespaces until its release pipe closes: the caller gets its pid and the
 * pipe's write end (*release_fd, O_CLOEXEC).  Returns the pid, or -errno
 * (ENOSYS: no clone3; EINVAL: a flag the kernel does not know; EPERM).
 */
static inline pid_t holder_start(uint64_t flags, int *release_fd)
{
	int fds[2];
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC))
		return -errno;
	pid = clone3_child(flags);
	if (pid == 0) {
		close(fds[1]);
		sync_wait(fds[0]);
		_exit(0);
	}
	if (pid < 0)
		pid = -errno;
	close(fds[0]);
	if (pid < 0)
		close(fds[1]);
	else
		*release_fd = fds[1];
	return pid;
}

/*
 * Children that exit with CHILD_ENV_RC + errno when a step the environment
 * may refuse failed (unshare() of a namespace, say), with 1 after writing
 * a failure to their report pipe (read into @msg, a char array), and with
 * 0 when they passed: SKIP when the environment explains that errno of
 * @call for @flag, else the test fails with the child's report.
 */
/* 20 + errno stays below 128, where wait_child() reports signals. */
#define CHILD_ENV_RC 20
#define EXPECT_CHILD_PASSED(status, msg, call, flag)                           \
	do {                                                                   \
		int __st = (status);                                           \
		if (__st > CHILD_ENV_RC && __st < 128) {                       \
			SKIP_IF_ENV_EXPLAINS(return, call, flag,               \
						   __st - CHILD_ENV_RC);       \
			snprintf(msg, sizeof(msg), "%s(%s): %s",               \
				 ns_call_names[call],                          \
				 ns_by_flag(flag) ?                            \
					 ns_by_flag(flag)->flag_name :         \
					 "0",                                  \
				 strerror(__st - CHILD_ENV_RC));               \
		}                                                              \
		EXPECT_EQ(0, __st)                                             \
		TH_LOG("%s", (msg)[0] ? (msg) : "the child reported nothing"); \
	} while (0)

/*
 * A holder made by fork(): it unshares CLONE_NEWUSER first when @flags has
 * it (so that nobody may make the rest), then the other @flags, runs
 * @setup (NULL: none; it returns 0 or an errno) and stays until its release
 * pipe closes.  Returns its pid (*@release_fd: the pipe's write end), or
 * -errno of the step that failed, with *@failed_flag the flag of a refused
 * unshare() (0 when @setup or fork() failed).
 */
static inline pid_t holder_unshare_start(uint64_t flags, int (*setup)(void),
					 int *release_fd, int *failed_flag)
{
	int up[2], rel[2], r[2] = { 0, 0 };
	uint64_t rest = flags & ~(uint64_t)CLONE_NEWUSER;
	pid_t pid;

	if (open_pipes(up, rel, NULL))
		return -errno;
	pid = fork_child();
	if (pid == 0) {
		close(up[0]);
		close(rel[1]);
		if ((flags & CLONE_NEWUSER) && sys_unshare(CLONE_NEWUSER))
			r[0] = errno, r[1] = CLONE_NEWUSER;
		else if (rest && sys_unshare(rest))
			r[0] = errno, r[1] = (int)rest;
		else if (setup)
			r[0] = setup();
		if (write(up[1], r, sizeof(r)) != sizeof(r) || r[0])
			_exit(1);
		sync_wait(rel[0]);
		_exit(0);
	}
	if (pid < 0)
		r[0] = errno;
	close(up[1]);
	close(rel[0]);
	if (pid > 0 && read(up[0], r, sizeof(r)) != sizeof(r))
		r[0] = ECHILD;
	close(up[0]);
	*failed_flag = r[1];
	if (r[0]) {
		close(rel[1]);
		if (pid > 0)
			wait_child(pid);
		return -r[0];
	}
	*release_fd = rel[1];
	return pid;
}

/* Let a holder go and reap it; returns its wait_child() status. */
static inline int holder_stop(pid_t pid, int release_fd)
{
	close(release_fd);
	return wait_child(pid);
}

/*
 * A namespace to join, for tests of setns(): a holder child in a new
 * namespace of type @t (gaining CAP_SYS_ADMIN first, in a user namespace if
 * need be), an fd on that namespace and its stat().  ns_target_start()
 * returns 0, or -1 after it SKIPped (the caller returns).
 */
struct ns_target {
	pid_t holder;
	int release_fd;
	int fd;
	struct stat st;
};

static inline int ns_target_start(struct __test_metadata *_metadata,
				  struct ns_target *nt, const struct ns_type *t)
{
	nt->holder = -1;
	nt->release_fd = -EBADF;
	nt->fd = -EBADF;
	REQUIRE_NS_TYPE_OR(return -1, t);
	REQUIRE_NS_ADMIN_OR(return -1);

	nt->holder = holder_start(t->flag, &nt->release_fd);
	/* The type exists (above): EINVAL would be a kernel failure. */
	if (nt->holder < 0)
		SKIP_IF_ENV_EXPLAINS(return -1, NS_CALL_CLONE3, t->flag,
					    -nt->holder);
	ASSERT_LT(0, nt->holder)
	TH_LOG("clone3(%s): %s", t->flag_name, strerror(-nt->holder));
	nt->fd = ns_open(nt->holder, t->name);
	ASSERT_LE(0, nt->fd)
	TH_LOG("open(/proc/%d/ns/%s): %s", nt->holder, t->name,
	       strerror(errno));
	ASSERT_EQ(0, fstat(nt->fd, &nt->st));
	return 0;
}

static inline void ns_target_stop(struct __test_metadata *_metadata,
				  struct ns_target *nt)
{
	if (nt->fd >= 0)
		close(nt->fd);
	if (nt->holder > 0)
		EXPECT_EQ(0, holder_stop(nt->holder, nt->release_fd));
}

/*
 * What a test saw, for a learner and a CI reader: one KTAP diagnostic line
 * ("# ..."), flushed at once because a test case ends with _exit().
 * `nsapi explain ID` prints these lines.
 */
static inline __attribute__((format(printf, 1, 2))) void
ns_observe(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
}

/*
 * The CLONE_* flags in flags by name ("CLONE_NEWNET|CLONE_NEWUTS", "0"),
 * with any bits left over in hex (CLONE_NEWTIME is the exit-signal byte's
 * 0x80 for clone(), see S03).
 */
static inline const char *clone_flags_str(unsigned long long flags, char *buf,
					  size_t len)
{
	static const struct {
		unsigned long long bit;
		const char *name;
	} names[] = {
		{ CLONE_NEWTIME, "CLONE_NEWTIME" },
		{ CLONE_VM, "CLONE_VM" },
		{ CLONE_FS, "CLONE_FS" },
		{ CLONE_FILES, "CLONE_FILES" },
		{ CLONE_SIGHAND, "CLONE_SIGHAND" },
		{ CLONE_THREAD, "CLONE_THREAD" },
		{ CLONE_NEWNS, "CLONE_NEWNS" },
		{ CLONE_SYSVSEM, "CLONE_SYSVSEM" },
		{ CLONE_NEWCGROUP, "CLONE_NEWCGROUP" },
		{ CLONE_NEWUTS, "CLONE_NEWUTS" },
		{ CLONE_NEWIPC, "CLONE_NEWIPC" },
		{ CLONE_NEWUSER, "CLONE_NEWUSER" },
		{ CLONE_NEWPID, "CLONE_NEWPID" },
		{ CLONE_NEWNET, "CLONE_NEWNET" },
	};
	size_t used = 0;

	if (flags == ~0ULL || flags == 0xffffffffULL) {
		snprintf(buf, len, "-1");
		return buf;
	}
	buf[0] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		if (!(flags & names[i].bit))
			continue;
		flags &= ~names[i].bit;
		used += snprintf(buf + used, used < len ? len - used : 0,
				 "%s%s", used ? "|" : "", names[i].name);
	}
	if (flags || !used)
		snprintf(buf + used, used < len ? len - used : 0, "%s%#llx",
			 used ? "|" : "", flags);
	return buf;
}

#define CLONE_FLAGS_STR(flags) clone_flags_str((flags), (char[256]){ 0 }, 256)

#endif /* NSAPI_COMMON_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * S06 (article claim): an open fd or a bind mount of its /proc/PID/ns entry
 * keeps a namespace alive after its last member.
 *
 * Rule: after every process in the namespace has exited and been reaped,
 * setns() through the fd, or through a fresh open() of the bind mount, joins
 * the very same namespace (same st_dev and st_ino) with its state intact: the
 * hostname set inside a UTS namespace is still there.  Kept alive is not the
 * same as usable: a pid namespace whose init has exited can still be joined
 * (pid_for_children points into it), but every fork() into it then fails
 * with ENOMEM.
 *
 * Man: namespaces(7), "The /proc/[pid]/ns/ directory" and "Namespace
 * lifetime"; pid_namespaces(7), "The namespace init process"; setns(2).
 *
 * Man-page errata: none.
 *
 * The article: an opened link keeps the namespace from being removed even
 * when all its processes have ended.  True, and a bind mount does the same
 * (it mentions only the open link).  Other references exist too: a process
 * whose *_for_children entry names the namespace, a child user namespace (a
 * user namespace is kept by the namespaces it owns and its children), a pid
 * namespace's descendants, and an open socket for net (U11).
 *
 * Since: 3.8 (fds and bind mounts of the nsfs files).
 *
 * Exceptions: pid, joinable but dead for fork().  The bind mount is made in
 * a private mount namespace of the test's own, on a tmpfs over /tmp.
 */
#include "common.h"

static const char kept_hostname[] = "nsapi-s06-kept";

/* State set by the member and checked by the joiner, for some types. */
static int set_hostname(void)
{
	return sethostname(kept_hostname, strlen(kept_hostname)) ? -errno : 0;
}

static int check_hostname(char *why, size_t len)
{
	char name[HOST_NAME_MAX + 1] = "";

	if (gethostname(name, sizeof(name)))
		return snprintf(why, len, "gethostname: %s", strerror(errno));
	if (strcmp(name, kept_hostname))
		return snprintf(why, len,
				"hostname is \"%s\", was set to \"%s\"", name,
				kept_hostname);
	return 0;
}

/* Joined, but dead: no fork() can put a process in it any more. */
static int check_pid_ns_has_no_init(char *why, size_t len)
{
	pid_t pid = fork_child();

	if (pid == 0)
		_exit(0);
	if (pid > 0) {
		wait_child(pid);
		return snprintf(why, len,
				"fork() into the pid namespace "
				"whose init has exited succeeded");
	}
	if (errno != ENOMEM)
		return snprintf(why, len, "fork(): expected ENOMEM, got %s",
				strerror(errno));
	return 0;
}

static const struct ns_state {
	int (*set)(void);
	int (*check)(char *why, size_t len); /* 0, or > 0 with @why filled */
} ns_states[NS_COUNT] = {
	[NS_uts] = { set_hostname, check_hostname },
	[NS_pid] = { NULL, check_pid_ns_has_no_init },
};

/* The entry setns() changes for pid (Linux 4.12+) and time. */
#define REQUIRE_CHILDREN_ENTRY(ns)                                       \
	do {                                                             \
		char __path[64];                                         \
		struct stat __st;                                        \
		ns_path(__path, sizeof(__path), 0, (ns)->children_name); \
		if (lstat(__path, &__st))                                \
			SKIP(return, "kernel lacks %s", __path);         \
	} while (0)

/*
 * clone3(), else clone(): a child born in the new namespace (for time
 * only clone3() does that; unshare() would leave the caller outside);
 * *@call says which one made (or refused) the child.
 */
static pid_t clone_into_new(int flag, enum ns_call *call)
{
	pid_t pid = clone3_child(flag);

	*call = NS_CALL_CLONE3;
	if (pid < 0 && errno == ENOSYS && !(flag & CSIGNAL)) {
		*call = NS_CALL_CLONE;
		pid = clone_child(flag);
	}
	return pid;
}

/*
 * The only member: it checks by inode that it is in a new namespace (so
 * that state is never set in the parent's), sets the state, says so, and
 * exits when the parent closes go_fd.
 */
static void __attribute__((noreturn))
run_member(const struct ns_type *ns, const struct stat *parent_ns, int ready_fd,
	   int go_fd, int report_fd)
{
	const struct ns_state *state = &ns_states[ns - ns_types];
	struct stat mine;
	char c;

	if (ns_stat(0, ns->name, &mine))
		child_fail(report_fd, "stat /proc/self/ns/%s: %s", ns->name,
			   strerror(errno));
	if (same_inode(&mine, parent_ns))
		child_fail(report_fd,
			   "%s: the clone child is still in the "
			   "parent's namespace",
			   ns->name);
	if (state->set && state->set())
		child_fail(report_fd, "%s: setting state: %s", ns->name,
			   strerror(errno));
	if (sync_send(ready_fd) || read(go_fd, &c, 1) != 0)
		child_fail(report_fd, "handshake with parent failed");
	_exit(0);
}

struct member {
	pid_t pid;
	int ready_fd, go_fd, report_fd;
	enum ns_call call; /* what made it, or refused to */
};

static int start_member(struct member *m, const struct ns_type *ns)
{
	struct child_pipes p;
	struct stat parent_ns;

	if (ns_stat(0, ns->name, &parent_ns) || child_pipes_open(&p))
		return -errno;
	fflush(NULL);
	m->pid = clone_into_new(ns->flag, &m->call);
	if (child_pipes_keep(&p, m->pid, &m->ready_fd, &m->go_fd,
			     &m->report_fd))
		return -errno;
	if (m->pid == 0)
		run_member(ns, &parent_ns, p.up[1], p.go[0], p.report[1]);
	return 0;
}

/* Wait until the member is set up, or log why it is not and fail. */
static void member_ready(struct __test_metadata *_metadata, struct member *m,
			 const struct ns_type *ns)
{
	char msg[512];

	if (sync_wait(m->ready_fd) == 0)
		return;
	child_report(m->report_fd, msg, sizeof(msg));
	TH_LOG("%s: member %d failed: %s (status %d)", ns->name, m->pid, msg,
	       wait_child(m->pid));
	ASSERT_TRUE(false);
}

/* Let the last member exit and reap it. */
static void end_member(struct __test_metadata *_metadata, struct member *m)
{
	close(m->go_fd);
	ASSERT_EQ(0, wait_child(m->pid));
	close(m->ready_fd);
	close(m->report_fd);
}

/*
 * In a child: join through @fd (inherited), or when it is -1 through a
 * fresh open() of @path (the bind mount); check the inode and the state.
 */
static void __attribute__((noreturn))
run_joiner(const struct ns_type *ns, int fd, const char *path,
	   const struct stat *kept, int report_fd)
{
	const struct ns_state *state = &ns_states[ns - ns_types];
	char why[256];
	struct stat now;

	if (fd < 0)
		fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		child_fail(report_fd, "open(%s): %s", path, strerror(errno));
	if (sys_setns(fd, ns->flag))
		child_fail(report_fd, "setns(%s, %s): %s", path, ns->flag_name,
			   strerror(errno));
	if (ns_stat(0, ns->children_name, &now))
		child_fail(report_fd, "stat /proc/self/ns/%s after setns: %s",
			   ns->children_name, strerror(errno));
	if (!same_inode(&now, kept))
		child_fail(report_fd,
			   "/proc/self/ns/%s after setns is (%lu, %lu), the "
			   "kept namespace was (%lu, %lu)",
			   ns->children_name, (unsigned long)now.st_dev,
			   (unsigned long)now.st_ino,
			   (unsigned long)kept->st_dev,
			   (unsigned long)kept->st_ino);
	if (state->check && state->check(why, sizeof(why)))
		child_fail(report_fd, "%s: after setns: %s", ns->name, why);
	_exit(0);
}

static void join_and_check(struct __test_metadata *_metadata,
			   const struct ns_type *ns, int fd, const char *path,
			   const struct stat *kept)
{
	char msg[512] = "";
	int report[2], status;
	pid_t pid;

	ASSERT_EQ(0, pipe2(report, O_CLOEXEC));
	fflush(NULL);
	pid = fork_child();
	ASSERT_LE(0, pid);
	if (pid == 0)
		run_joiner(ns, fd, path, kept, report[1]);
	close(report[1]);
	status = wait_child(pid);
	if (status)
		child_report(report[0], msg, sizeof(msg));
	close(report[0]);
	EXPECT_EQ(0, status)
	TH_LOG("%s: joining the namespace kept by %s: %s", ns->name, path, msg);
}

NS_TYPE_FIXTURE(keep);

/*
 * Open the member's entry, let the member exit, and join through the fd,
 * inherited by the joining child.
 */
TEST_F(keep, open_fd_keeps_namespace_alive)
{
	const struct ns_type *ns = variant->ns;
	char path[64];
	struct member m;
	struct stat kept;
	int fd, ret;

	REQUIRE_NS_TYPE(ns);
	REQUIRE_CHILDREN_ENTRY(ns);
	REQUIRE_NS_ADMIN();
	ret = start_member(&m, ns);
	SKIP_IF_ENV_REFUSED(return, m.call, ns->flag, ret);
	ASSERT_EQ(0, ret)
	TH_LOG("%s(%s): %s", ns_call_names[m.call], ns->flag_name,
	       strerror(errno));
	member_ready(_metadata, &m, ns);
	fd = ns_open(m.pid, ns->name);
	ASSERT_LE(0, fd)
	TH_LOG("open /proc/%d/ns/%s: %s", m.pid, ns->name, strerror(errno));
	ASSERT_EQ(0, fstat(fd, &kept));
	end_member(_metadata, &m);
	ns_observe("member %d of %s:[%lu] exited and was reaped; fd %d still "
		   "open",
		   m.pid, ns->name, (unsigned long)kept.st_ino, fd);

	snprintf(path, sizeof(path), "fd %d", fd);
	join_and_check(_metadata, ns, fd, path, &kept);
	close(fd);
}

/* In the test's private mount namespace, a tmpfs over /tmp. */
static int private_tmp(void)
{
	int ret = make_mounts_private();

	if (ret)
		return ret;
	if (mount("nsapi-s06", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, NULL))
		return -errno;
	return 0;
}

/* Bind the member's entry onto an empty file in the private tmpfs. */
static int bind_entry(pid_t pid, const struct ns_type *ns, char *target,
		      size_t len)
{
	char source[PATH_MAX];
	int fd;

	snprintf(target, len, "/tmp/%s", ns->name);
	fd = open(target, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	close(fd);
	ns_path(source, sizeof(source), pid, ns->name);
	return mount(source, target, NULL, MS_BIND, NULL) ? -errno : 0;
}

/*
 * Bind-mount the member's entry (the mount namespace is made before the
 * member's, so that binding a newer mnt namespace is allowed), close every
 * fd, let the member exit, and join by opening the mount.
 */
TEST_F(keep, bind_mount_keeps_namespace_alive)
{
	const struct ns_type *ns = variant->ns;
	char target[PATH_MAX];
	struct stat kept, later;
	struct member m;
	int ret;

	REQUIRE_NS_TYPE(ns);
	REQUIRE_CHILDREN_ENTRY(ns);
	REQUIRE_NS_ADMIN();
	ret = sys_unshare(CLONE_NEWNS);
	SKIP_IF_ENV_REFUSED(return, NS_CALL_UNSHARE, CLONE_NEWNS, ret);
	ASSERT_EQ(0, ret)
	TH_LOG("unshare(CLONE_NEWNS): %s", strerror(errno));
	ret = private_tmp();
	ASSERT_EQ(0, ret)
	TH_LOG("private mount namespace with a tmpfs on /tmp: %s",
	       strerror(-ret));
	ret = start_member(&m, ns);
	SKIP_IF_ENV_REFUSED(return, m.call, ns->flag, ret);
	ASSERT_EQ(0, ret)
	TH_LOG("%s(%s): %s", ns_call_names[m.call], ns->flag_name,
	       strerror(errno));
	member_ready(_metadata, &m, ns);
	ret = bind_entry(m.pid, ns, target, sizeof(target));
	ASSERT_EQ(0, ret)
	TH_LOG("bind mount /proc/%d/ns/%s: %s", m.pid, ns->name,
	       strerror(-ret));
	ASSERT_EQ(0, ns_stat(m.pid, ns->name, &kept));
	end_member(_metadata, &m);

	ASSERT_EQ(0, stat(target, &later));
	EXPECT_TRUE(same_inode(&kept, &later))
	TH_LOG("%s: the bind mount names (%lu, %lu), the member's was "
	       "(%lu, %lu)",
	       ns->name, (unsigned long)later.st_dev,
	       (unsigned long)later.st_ino, (unsigned long)kept.st_dev,
	       (unsigned long)kept.st_ino);
	join_and_check(_metadata, ns, -1, target, &kept);
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * U18 (interface): a namespace is active, listed by listns() and opened by handle, only while a task, a thread, an fd or a bind mount holds it
 * Rule: since 6.19 the kernel counts active references apart from the
 *   references that keep a namespace's memory: a task in it (any thread of
 *   it), an open nsfs fd on it and a bind mount of its nsfs file (which
 *   pins the nsfs inode) are active references, and so is an active
 *   namespace for the user namespaces that own it, up the tree.  An
 *   inactive namespace is left out of listns() and its file handle no
 *   longer opens (ENOENT).  The initial namespaces are always active.
 * Man: none yet; the kernel's kernel/nstree.c and fs/nsfs.c
 *   (ns_ref_active_get/put) and the listns() uapi.
 * Man-page errata: no page; namespaces(7) still says a namespace lives
 *   while a process, an open fd or a bind mount holds it, with no word on
 *   the two states.
 * The article: says an opened /proc/PID/ns link keeps the namespace from
 *   being torn down after all its processes ended.  Right, and since 6.19
 *   the namespace also stays active (listed, reopenable by handle), as it
 *   does under a bind mount (verdict: right).
 * Since: Linux 6.19 (listns(); ENOSYS before, the SKIP here).
 * Exceptions: on 7.x a caller without CAP_SYS_ADMIN in the initial user and
 *   pid namespaces sees only its own namespaces (see U14), so it cannot
 *   tell another namespace's state from outside: those cases SKIP saying
 *   so.  What holds the namespace in each case is said above each test;
 *   the test itself never keeps an fd on it unless the case says so.  The
 *   catalog row says a bind mount keeps the namespace inactive; 7.2 keeps
 *   it active (listed and reopened by handle), and the kernel wins.
 */
#include <pthread.h>
#include <linux/futex.h>

#include "common.h"

static uint64_t ids_buf[LISTNS_MAX];

/* What the test can name without holding: id and a handle. */
struct ns_name {
	uint64_t id;
	struct nsapi_handle h;
	uint32_t type;
};

/* Name /proc/@pid/ns/@entry; the fd used for it is closed at once. */
static int ns_name_of(pid_t pid, const char *entry, struct ns_name *n)
{
	int fd = ns_open(pid, entry), ret;

	if (fd < 0)
		return -errno;
	n->id = id_of(fd);
	n->type = ioctl(fd, NS_GET_NSTYPE);
	ret = handle_of(fd, &n->h) ? -errno : 0;
	close(fd);
	return n->id ? ret : -EINVAL;
}

#define LISTED 1
#define OPENS 2
#define ACTIVE (LISTED | OPENS)

/* LISTED and OPENS as the kernel shows them now (an fd opened is closed). */
static int state_of(struct ns_name *n)
{
	long cnt = listns_all(n->type, ids_buf, ARRAY_SIZE(ids_buf));
	int state = cnt > 0 && listed(ids_buf, cnt, n->id) ? LISTED : 0;
	int fd =
		open_by_handle_at(FD_NSFS_ROOT, &n->h.fh, O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		state |= OPENS;
		close(fd);
	}
	return state;
}

static const char *state_name(int s)
{
	static const char *const names[] = { "inactive (not listed, no open)",
					     "listed but not opened",
					     "opened but not listed",
					     "active (listed, opened)" };
	return names[s & ACTIVE];
}

/*
 * The first look at a namespace a child holds: active.  Not listed as a
 * caller without host root means the 7.x visibility rule: SKIP.
 */
#define EXPECT_ACTIVE_OR_SKIP(n, what, cleanup)                                \
	do {                                                                   \
		int __s = state_of(n);                                         \
		if (__s == 0 && !have_host_root()) {                           \
			cleanup;                                               \
			SKIP(return, "this kernel shows a namespace the "      \
				     "caller is not in only to CAP_SYS_ADMIN " \
				     "in the initial user and pid namespaces " \
				     "(7.x rule)");                            \
		}                                                              \
		EXPECT_EQ(ACTIVE, __s)                                         \
		TH_LOG("%s: %s, expected active", what, state_name(__s));      \
	} while (0)

#define EXPECT_STATE(want, n, what)                                  \
	do {                                                         \
		int __s = state_of(n);                               \
		EXPECT_EQ(want, __s)                                 \
		TH_LOG("%s: %s, expected %s", what, state_name(__s), \
		       state_name(want));                            \
	} while (0)

#define HOLDER(pid, flags, release)                                     \
	do {                                                            \
		pid = holder_start(flags, release);                     \
		if (pid < 0)                                            \
			SKIP_IF_ENV_EXPLAINS(return, NS_CALL_CLONE3,    \
						   CLONE_NEWUTS, -pid); \
		ASSERT_LT(0, pid)                                       \
		TH_LOG("holder clone3(0x%llx): %s",                     \
		       (unsigned long long)(flags), strerror(-pid));    \
	} while (0)

/* Held by: the holder task only.  Then by nothing. */
TEST(last_task_exit_makes_it_inactive)
{
	struct ns_name uts;
	int release;
	pid_t h;

	REQUIRE_LISTNS();
	REQUIRE_NS_ADMIN();
	HOLDER(h, CLONE_NEWUTS, &release);
	ASSERT_EQ(0, ns_name_of(h, "uts", &uts));
	EXPECT_ACTIVE_OR_SKIP(&uts, "uts held by its task",
			      holder_stop(h, release));
	ASSERT_EQ(0, holder_stop(h, release));
	EXPECT_STATE(0, &uts, "uts after its only task exited");
}

/*
 * Held by: a thread of the holder whose thread-group leader has exited.
 * Then by nothing.
 */
struct thread_holder {
	int up; /* "the leader is gone" */
	int release;
	uint32_t leader_alive; /* cleared by the kernel as the leader exits */
};

static void *thread_main(void *arg)
{
	struct thread_holder *t = arg;
	pid_t tid;

	while (__atomic_load_n(&t->leader_alive, __ATOMIC_ACQUIRE))
		syscall(SYS_futex, &t->leader_alive, FUTEX_WAIT, 1, NULL, NULL,
			0);
	tid = gettid();
	if (write(t->up, &tid, sizeof(tid)) != sizeof(tid))
		syscall(SYS_exit_group, 1);
	sync_wait(t->release);
	syscall(SYS_exit_group, 0);
	return NULL;
}

static void __attribute__((noreturn)) thread_holder_run(int up, int release)
{
	static struct thread_holder t;
	pthread_t thread;

	t.up = up;
	t.release = release;
	t.leader_alive = 1;
	if (sys_unshare(CLONE_NEWUTS))
		_exit(CHILD_ENV_RC + errno);
	if (pthread_create(&thread, NULL, thread_main, &t))
		_exit(1);
	/* Exit the leader thread only; the kernel wakes the futex. */
	syscall(SYS_set_tid_address, &t.leader_alive);
	syscall(SYS_exit, 0);
	_exit(1);
}

TEST(thread_keeps_it_active_after_its_leader_exits)
{
	struct ns_name uts;
	int up[2], rel[2], status;
	pid_t h, tid;

	REQUIRE_LISTNS();
	REQUIRE_NS_ADMIN();
	ASSERT_EQ(0, open_pipes(up, rel, NULL));
	h = fork_child();
	ASSERT_LE(0, h);
	if (h == 0) {
		close(up[0]);
		close(rel[1]);
		thread_holder_run(up[1], rel[0]);
	}
	close(up[1]);
	close(rel[0]);
	if (read(up[0], &tid, sizeof(tid)) != sizeof(tid)) {
		close(up[0]);
		close(rel[1]);
		status = wait_child(h);
		SKIP_IF_ENV_EXPLAINS(return, NS_CALL_UNSHARE, CLONE_NEWUTS,
					   status - CHILD_ENV_RC);
		ASSERT_EQ(0, status)
		TH_LOG("thread holder failed: status %d", status);
	}
	close(up[0]);
	/* Only the thread is left: the zombie leader has no namespaces. */
	ASSERT_EQ(0, ns_name_of(tid, "uts", &uts))
	TH_LOG("naming the uts namespace of the leaderless holder: %s",
	       strerror(errno));
	EXPECT_ACTIVE_OR_SKIP(&uts, "uts held by a thread",
			      (close(rel[1]), wait_child(h)));
	close(rel[1]);
	EXPECT_EQ(0, wait_child(h));
	EXPECT_STATE(0, &uts, "uts after its thread exited");
}

/* Held by: the test's open fd after its task exited.  Then by nothing. */
TEST(open_fd_keeps_it_active)
{
	struct ns_name uts;
	int release, fd;
	pid_t h;

	REQUIRE_LISTNS();
	REQUIRE_NS_ADMIN();
	HOLDER(h, CLONE_NEWUTS, &release);
	ASSERT_EQ(0, ns_name_of(h, "uts", &uts));
	fd = ns_open(h, "uts");
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, holder_stop(h, release));
	EXPECT_ACTIVE_OR_SKIP(&uts, "uts held by an open fd only", close(fd));
	close(fd);
	EXPECT_STATE(0, &uts, "uts after its fd was closed");
}

/*
 * Held by: the test's fd on a uts namespace that a user namespace owns;
 * the user namespace has no task and no fd, only its active child.
 */
TEST(active_child_keeps_its_owning_user_namespace_active)
{
	struct ns_name user, uts;
	int release, fd;
	pid_t h;

	REQUIRE_LISTNS();
	REQUIRE_NS_ADMIN();
	HOLDER(h, CLONE_NEWUSER | CLONE_NEWUTS, &release);
	ASSERT_EQ(0, ns_name_of(h, "user", &user));
	ASSERT_EQ(0, ns_name_of(h, "uts", &uts));
	fd = ns_open(h, "uts");
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, holder_stop(h, release));
	EXPECT_ACTIVE_OR_SKIP(&uts, "uts held by an fd", close(fd));
	EXPECT_STATE(ACTIVE, &user, "its owning user namespace");
	close(fd);
	EXPECT_STATE(0, &uts, "uts after its fd was closed");
	EXPECT_STATE(0, &user, "the user namespace after its child went");
}

/*
 * Held by: a bind mount of its nsfs file, in a child's private mount
 * namespace; no task, no fd.  The mount opens it, same inode.
 */
static void __attribute__((noreturn))
bind_mounter(pid_t target, int up, int go, int report)
{
	char src[64];
	struct stat before, after;
	int fd;

	if (sys_unshare(CLONE_NEWNS))
		_exit(CHILD_ENV_RC + errno);
	if (make_mounts_private() || mount("nsapi", "/tmp", "tmpfs", 0, NULL))
		child_fail(report, "private tmpfs on /tmp: %s",
			   strerror(errno));
	fd = open("/tmp/uts", O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	if (fd < 0)
		child_fail(report, "create /tmp/uts: %s", strerror(errno));
	close(fd);
	snprintf(src, sizeof(src), "/proc/%d/ns/uts", target);
	if (stat(src, &before) || mount(src, "/tmp/uts", NULL, MS_BIND, NULL))
		child_fail(report, "bind mount %s: %s", src, strerror(errno));
	if (sync_send(up) || sync_wait(go))
		_exit(1);
	fd = open("/tmp/uts", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &after))
		child_fail(report,
			   "open the bind mount after the task "
			   "exited: %s",
			   strerror(errno));
	if (!same_inode(&before, &after))
		child_fail(report, "the bind mount opens another inode");
	close(fd);
	_exit(0);
}

TEST(bind_mount_keeps_it_active_and_on_the_file_system)
{
	int release, up[2], go[2], report[2], status;
	struct ns_name uts;
	char msg[512];
	pid_t h, m;

	REQUIRE_LISTNS();
	REQUIRE_NS_ADMIN();
	HOLDER(h, CLONE_NEWUTS, &release);
	ASSERT_EQ(0, ns_name_of(h, "uts", &uts));
	EXPECT_ACTIVE_OR_SKIP(&uts, "uts held by its task",
			      holder_stop(h, release));
	ASSERT_EQ(0, open_pipes(up, go, report, NULL));
	m = fork_child();
	ASSERT_LE(0, m);
	if (m == 0) {
		close(up[0]);
		close(go[1]);
		close(report[0]);
		/* The holder must see its release pipe close. */
		close(release);
		bind_mounter(h, up[1], go[0], report[1]);
	}
	close(up[1]);
	close(go[0]);
	close(report[1]);
	if (sync_wait(up[0]) == 0) {
		EXPECT_EQ(0, holder_stop(h, release));
		h = -1;
		EXPECT_STATE(ACTIVE, &uts, "uts held by a bind mount only");
		EXPECT_EQ(0, sync_send(go[1]));
	}
	close(go[1]);
	close(up[0]);
	status = wait_child(m);
	child_report(report[0], msg, sizeof(msg));
	close(report[0]);
	if (h > 0)
		holder_stop(h, release);
	EXPECT_CHILD_PASSED(status, msg, NS_CALL_UNSHARE, CLONE_NEWNS);
}

/* Held by: whatever holds the initial namespaces (always active). */
static const unsigned long initial_ino[NS_COUNT] = {
	[NS_ipc] = 0xEFFFFFFFUL,    [NS_uts] = 0xEFFFFFFEUL,
	[NS_user] = 0xEFFFFFFDUL,   [NS_pid] = 0xEFFFFFFCUL,
	[NS_cgroup] = 0xEFFFFFFBUL, [NS_time] = 0xEFFFFFFAUL,
	[NS_net] = 0xEFFFFFF9UL,    [NS_mnt] = 0xEFFFFFF8UL,
};

TEST(initial_namespaces_are_always_active)
{
	const struct ns_type *t;
	struct ns_name n;
	struct stat st;
	int seen = 0;

	REQUIRE_LISTNS();
	for_each_ns(t) {
		if (!ns_type_exists(t) || ns_stat(0, t->name, &st) ||
		    st.st_ino != initial_ino[t - ns_types])
			continue;
		ASSERT_EQ(0, ns_name_of(0, t->name, &n));
		EXPECT_STATE(ACTIVE, &n, t->name);
		seen++;
	}
	if (!seen)
		SKIP(return, "the caller is in no initial namespace");
}

TEST_HARNESS_MAIN

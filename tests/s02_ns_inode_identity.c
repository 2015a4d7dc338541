// SPDX-License-Identifier: GPL-2.0
/*
 * S02 (article claim): a namespace is identified by the (st_dev, st_ino)
 * of its /proc/PID/ns entry.
 *
 * Rule: two processes are in the same namespace of a type exactly when
 * stat() of their entries for that type gives the same device and inode;
 * the number in the link target "type:[inode]" is that st_ino.  When a
 * process moves to a new namespace of one type, its entry for that type
 * changes and every other type's stays.  Namespaces belong to threads:
 * /proc/PID/ns shows the thread group leader, /proc/PID/task/TID/ns each
 * thread.  The pair names a namespace only while it is alive: once it is
 * freed, its inode number can be given to a new namespace.
 *
 * Man: namespaces(7), "The /proc/[pid]/ns/ directory" and
 * "/proc/[pid]/ns/pid_for_children".
 *
 * Man-page errata: namespaces(7) and pid_namespaces(7) say that right after
 * unshare(CLONE_NEWPID) readlink() of pid_for_children "returns an empty
 * buffer"; the kernel fails the readlink() with ENOENT until the first child
 * exists (up to 6.x; 7.x names the new namespace at once).
 *
 * The article: the kernel guarantees that two processes in the same
 * namespace see the same inode number, obtained with stat().  True but
 * incomplete: the rule is st_dev and st_ino together, and it holds only
 * while the namespace lives (numbers are reused).
 *
 * Since: 3.8; pid_for_children 4.12; the immediate pid_for_children link
 * in 7.x.
 *
 * Exceptions: for pid and time, unshare() changes the *_for_children entry,
 * not the caller's own.
 */
#include <pthread.h>

#include "common.h"

/* Where a process's entries are: as a process, and as its main thread. */
static const char *const dir_formats[] = {
	"/proc/%d/ns",
	"/proc/%d/task/%d/ns",
};

static void ns_dir(char *buf, size_t len, const char *format, pid_t pid)
{
	snprintf(buf, len, format, pid, pid);
}

/*
 * stat() an entry and check that its link target names the same inode;
 * returns false (after logging) when it cannot be read.
 */
static bool stat_entry(struct __test_metadata *_metadata, const char *dir,
		       const char *entry, struct stat *st)
{
	char path[PATH_MAX];
	unsigned long ino;

	snprintf(path, sizeof(path), "%s/%s", dir, entry);
	if (stat(path, st)) {
		TH_LOG("stat(%s): %s", path, strerror(errno));
		return false;
	}
	ino = ns_link_inode(path, NULL, 0);
	EXPECT_EQ(ino, st->st_ino)
	TH_LOG("%s: link target says inode %lu, stat() says %lu", path, ino,
	       (unsigned long)st->st_ino);
	return true;
}

/*
 * Compare one entry of two directories: the same namespace unless @entry is
 * the one expected to have changed.
 */
static void compare_entry(struct __test_metadata *_metadata, const char *dir_a,
			  const char *dir_b, const char *entry, bool changed)
{
	struct stat a, b;

	ASSERT_TRUE(stat_entry(_metadata, dir_a, entry, &a));
	ASSERT_TRUE(stat_entry(_metadata, dir_b, entry, &b));
	EXPECT_EQ(!changed, same_inode(&a, &b))
	TH_LOG("%s: %s has (%lu, %lu), %s has (%lu, %lu), expected %s", entry,
	       dir_a, (unsigned long)a.st_dev, (unsigned long)a.st_ino, dir_b,
	       (unsigned long)b.st_dev, (unsigned long)b.st_ino,
	       changed ? "different namespaces" : "the same namespace");
}

/* The *_for_children entries came later than the types (pid's in 4.12). */
static bool has_entry(const char *entry)
{
	char path[PATH_MAX];
	struct stat st;

	ns_path(path, sizeof(path), 0, entry);
	return lstat(path, &st) == 0;
}

#define REQUIRE_ENTRY(entry)                                                  \
	do {                                                                  \
		if (!has_entry(entry))                                        \
			SKIP(return, "kernel lacks /proc/self/ns/%s", entry); \
	} while (0)

/*
 * Every entry of every type the kernel has, own and *_for_children: only
 * @changed (NULL for none) differs between the two directories.
 */
static void compare_dirs(struct __test_metadata *_metadata, const char *dir_a,
			 const char *dir_b, const char *changed)
{
	const struct ns_type *t;

	for_each_ns(t) {
		if (!ns_type_exists(t))
			continue;
		compare_entry(_metadata, dir_a, dir_b, t->name,
			      changed && !strcmp(changed, t->name));
		if (strcmp(t->children_name, t->name) &&
		    has_entry(t->children_name))
			compare_entry(_metadata, dir_a, dir_b, t->children_name,
				      changed && !strcmp(changed,
							 t->children_name));
	}
}

/* Both forms of the child's directory against the parent's. */
static void compare_with_parent(struct __test_metadata *_metadata, pid_t child,
				const char *changed)
{
	char dir_a[64], dir_b[64];

	for (size_t i = 0; i < ARRAY_SIZE(dir_formats); i++) {
		ns_dir(dir_a, sizeof(dir_a), dir_formats[i], getpid());
		ns_dir(dir_b, sizeof(dir_b), dir_formats[i], child);
		compare_dirs(_metadata, dir_a, dir_b, changed);
	}
}

/*
 * A child that calls unshare(@flags) (none when 0) and forks once, tells
 * the parent, and stays until the parent closes go_fd.  The fork gives a
 * new pid namespace its init: until then pid_for_children may not be
 * readable (see pid_for_children_is_enoent_or_new_until_first_child).
 */
struct probe_child {
	pid_t pid;
	int ready_fd; /* parent reads: the child is set up */
	int go_fd; /* parent closes: the child may exit */
	int report_fd; /* parent reads: why the child failed */
};

/* The parent's "go" is end of file on the pipe. */
static bool wait_eof(int fd)
{
	char c;

	return read(fd, &c, 1) == 0;
}

static void __attribute__((noreturn))
run_probe_child(int flags, int ready_fd, int go_fd, int report_fd)
{
	pid_t holder;

	if (flags && sys_unshare(flags))
		child_refused(report_fd, NS_CALL_UNSHARE, flags, errno);
	holder = fork_child();
	if (holder < 0)
		child_fail(report_fd, "fork after unshare(%#x): %s", flags,
			   strerror(errno));
	if (holder == 0) {
		close(ready_fd);
		close(report_fd);
		_exit(wait_eof(go_fd) ? 0 : 1);
	}
	if (sync_send(ready_fd) || !wait_eof(go_fd))
		child_fail(report_fd, "handshake with parent failed");
	if (wait_child(holder))
		child_fail(report_fd, "the forked grandchild failed");
	_exit(0);
}

static int start_child(struct probe_child *c, int flags)
{
	struct child_pipes p;

	if (child_pipes_open(&p))
		return -errno;
	fflush(NULL);
	c->pid = fork_child();
	if (child_pipes_keep(&p, c->pid, &c->ready_fd, &c->go_fd,
			     &c->report_fd))
		return -errno;
	if (c->pid == 0)
		run_probe_child(flags, p.up[1], p.go[0], p.report[1]);
	return 0;
}

/* False when it SKIPped: the environment refused the child's unshare(). */
static bool wait_ready(struct __test_metadata *_metadata, struct probe_child *c)
{
	char msg[512];
	int status;

	if (sync_wait(c->ready_fd) == 0)
		return true;
	child_report(c->report_fd, msg, sizeof(msg));
	status = wait_child(c->pid);
	SKIP_IF_CHILD_EXPLAINED(return false, msg);
	TH_LOG("child %d failed: %s (status %d)", c->pid, msg, status);
	c->pid = -1;
	ASSERT_TRUE(false);
	return false;
}

static void stop_child(struct __test_metadata *_metadata, struct probe_child *c)
{
	char msg[512];
	int status;

	close(c->go_fd);
	if (c->pid > 0) {
		status = wait_child(c->pid);
		if (status) {
			child_report(c->report_fd, msg, sizeof(msg));
			TH_LOG("child %d: %s", c->pid, msg);
		}
		EXPECT_EQ(0, status);
	}
	close(c->ready_fd);
	close(c->report_fd);
}

/* A forked child is in all its parent's namespaces, by (dev, ino). */
TEST(forked_child_shares_every_namespace)
{
	struct probe_child c;

	ASSERT_EQ(0, start_child(&c, 0));
	wait_ready(_metadata, &c);
	compare_with_parent(_metadata, c.pid, NULL);
	stop_child(_metadata, &c);
}

NS_TYPE_FIXTURE(identity);

/*
 * After unshare() of one type, the child's entry for that type (the
 * *_for_children one for pid and time) differs from the parent's, and
 * every other entry is still the parent's.
 */
TEST_F(identity, unshare_changes_that_type_only)
{
	struct probe_child c;

	REQUIRE_NS_TYPE(variant->ns);
	REQUIRE_ENTRY(variant->ns->children_name);
	REQUIRE_NS_ADMIN();
	ASSERT_EQ(0, start_child(&c, variant->ns->flag));
	if (!wait_ready(_metadata, &c))
		return;
	compare_with_parent(_metadata, c.pid, variant->ns->children_name);
	stop_child(_metadata, &c);
}

/*
 * The exception to "every process has every entry": after
 * unshare(CLONE_NEWPID) the new pid namespace has no init yet.  Before the
 * first fork pid_for_children either cannot be followed (ENOENT, Linux
 * 6.x) or already names the new namespace (7.x); it must never still name
 * the caller's own.  After the fork it names the new one on every kernel.
 * The child reports what it saw on @report_fd (a failure, or on success
 * which of the two behaviors).
 */
static void __attribute__((noreturn)) pid_for_children_child(int report_fd)
{
	struct stat own, before, after;
	bool followable;
	const char *seen;
	pid_t init;

	if (ns_stat(0, "pid", &own))
		child_fail(report_fd, "stat pid entry: %s", strerror(errno));
	if (sys_unshare(CLONE_NEWPID))
		child_refused(report_fd, NS_CALL_UNSHARE, CLONE_NEWPID, errno);
	followable = ns_stat(0, "pid_for_children", &before) == 0;
	if (!followable && errno != ENOENT)
		child_fail(report_fd,
			   "pid_for_children before the first fork: "
			   "expected ENOENT or the new namespace, got %s",
			   strerror(errno));
	if (followable && same_inode(&own, &before))
		child_fail(report_fd,
			   "pid_for_children before the first fork is still "
			   "the own pid namespace after unshare(CLONE_NEWPID)");
	init = fork_child();
	if (init == 0)
		_exit(0);
	if (init < 0 || wait_child(init))
		child_fail(report_fd, "first fork after unshare failed");
	if (ns_stat(0, "pid_for_children", &after) || ns_stat(0, "pid", &own))
		child_fail(report_fd, "stat pid entries after the fork: %s",
			   strerror(errno));
	if (same_inode(&own, &after))
		child_fail(report_fd, "pid_for_children is still the own pid "
				      "namespace after unshare and fork");
	if (followable && !same_inode(&before, &after))
		child_fail(report_fd,
			   "pid_for_children named one new namespace before "
			   "the first fork and another after it");
	seen = followable ? "this kernel: pid_for_children names the new pid "
			    "namespace before its init exists" :
			    "this kernel: pid_for_children is ENOENT until the "
			    "first child becomes the new namespace's init";
	if (write(report_fd, seen, strlen(seen)) < 0)
		_exit(2);
	_exit(0);
}

TEST(pid_for_children_is_enoent_or_new_until_first_child)
{
	char msg[512] = "";
	int report[2], status;
	pid_t pid;

	REQUIRE_NS_TYPE(&ns_types[NS_pid]);
	REQUIRE_ENTRY("pid_for_children");
	REQUIRE_NS_ADMIN();
	ASSERT_EQ(0, pipe2(report, O_CLOEXEC));
	fflush(NULL);
	pid = fork_child();
	ASSERT_LE(0, pid);
	if (pid == 0)
		pid_for_children_child(report[1]);
	close(report[1]);
	status = wait_child(pid);
	child_report(report[0], msg, sizeof(msg));
	if (status)
		SKIP_IF_CHILD_EXPLAINED(return, msg);
	EXPECT_EQ(0, status)
	TH_LOG("pid: %s", msg);
	if (!status)
		ksft_print_msg("%s\n", msg);
	close(report[0]);
}

struct thread_sync {
	int ready[2], go[2];
	pid_t tid;
	int unshare_errno;
};

static void *unshare_uts_thread(void *arg)
{
	struct thread_sync *s = arg;

	s->tid = gettid();
	s->unshare_errno = sys_unshare(CLONE_NEWUTS) ? errno : 0;
	if (sync_send(s->ready[1]) == 0)
		sync_wait(s->go[0]);
	return NULL;
}

/*
 * Namespaces belong to threads: a thread's unshare() shows in its own
 * /proc/PID/task/TID/ns only; /proc/PID/ns is the thread group leader's.
 */
TEST(thread_unshare_shows_under_its_task_only)
{
	char leader[64], thread[64], process[64];
	struct thread_sync s = {};
	pthread_t th;

	REQUIRE_NS_TYPE(&ns_types[NS_uts]);
	REQUIRE_NS_ADMIN();
	ASSERT_EQ(0, pipe2(s.ready, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(s.go, O_CLOEXEC));
	ASSERT_EQ(0, pthread_create(&th, NULL, unshare_uts_thread, &s));
	ASSERT_EQ(0, sync_wait(s.ready[0]));
	if (s.unshare_errno) {
		ASSERT_EQ(0, sync_send(s.go[1]));
		ASSERT_EQ(0, pthread_join(th, NULL));
		SKIP_IF_ENV_EXPLAINS(return, NS_CALL_UNSHARE, CLONE_NEWUTS,
					   s.unshare_errno);
		ASSERT_EQ(0, s.unshare_errno)
		TH_LOG("unshare(CLONE_NEWUTS) in a thread: %s",
		       strerror(s.unshare_errno));
	}

	snprintf(process, sizeof(process), "/proc/%d/ns", getpid());
	snprintf(leader, sizeof(leader), "/proc/%d/task/%d/ns", getpid(),
		 getpid());
	snprintf(thread, sizeof(thread), "/proc/%d/task/%d/ns", getpid(),
		 s.tid);
	compare_dirs(_metadata, leader, thread, "uts");
	compare_dirs(_metadata, process, leader, NULL);

	ASSERT_EQ(0, sync_send(s.go[1]));
	ASSERT_EQ(0, pthread_join(th, NULL));
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * I03 (isolation): mounts are per namespace, shared only as propagation says.
 * Rule: a new mount namespace starts with a copy of its creator's mounts
 *   (every mount point it sees, under new mount ids); afterwards a mount or unmount on a
 *   private mount stays on its side, on a shared mount it propagates both
 *   ways, on a slave mount only from the master to the slave; a bind mount
 *   of an unbindable mount gives EINVAL; in a mount namespace owned by a new
 *   user namespace the mounts inherited from the more privileged one are
 *   locked: umount() gives EINVAL and a read-only one cannot be made
 *   writable (EPERM), while its own new mounts are free; unshare(CLONE_NEWNS)
 *   also gives the caller its own cwd and root, apart from a CLONE_FS
 *   sibling that shared them.
 * Man: mount_namespaces(7) ("Shared subtree", "Restrictions on mount
 *   namespaces"); mount(2) (MS_SHARED, MS_SLAVE, MS_PRIVATE, MS_UNBINDABLE,
 *   ERRORS: EINVAL); umount(2) (ERRORS: EINVAL); unshare(2) (CLONE_NEWNS
 *   "implies CLONE_FS").
 * Man-page errata: mount_namespaces(7) says locked mount flags "cannot be
 *   changed" but not which errno: remounting a locked read-only mount
 *   without MS_RDONLY gives EPERM, while umount() of a locked mount gives
 *   EINVAL (case inherited_mounts_are_locked_under_a_new_user_namespace).
 * The article: silent (CLONE_NEWNS appears as a flag name only).
 * Since: 2.4.19 (mount namespaces), 2.6.15 (shared subtrees), 3.8 (mount
 *   namespaces owned by user namespaces, locked mounts).
 * Exceptions: none needs host root; as nobody every case runs as root of a
 *   new user namespace.  Every mount is made in the test's own mount
 *   namespace (all mounts private first) on a tmpfs over /tmp mounted there.
 */
#include <sys/statvfs.h>

#include "isolation.h"

#define BASE "/tmp/base"

/* Own mount namespace, every mount private, a tmpfs on /tmp; or SKIP. */
#define ENTER_OWN_MNT_NS()                                               \
	do {                                                             \
		int __ret;                                               \
		REQUIRE_NS_ADMIN();                                      \
		UNSHARE_OR_SKIP(CLONE_NEWNS);                            \
		__ret = private_tmpfs("/tmp");                           \
		ASSERT_EQ(0, __ret)                                      \
		TH_LOG("a private tmpfs on /tmp: %s", strerror(-__ret)); \
	} while (0)

static int mount_tmpfs(const char *dir, unsigned long flags)
{
	return mount("nsapi", dir, "tmpfs", flags, NULL) ? -errno : 0;
}

/* mkdir -p of a path below /tmp (at most three levels). */
static int make_dirs(const char *a, const char *b, const char *c)
{
	const char *dirs[] = { a, b, c };

	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++)
		if (dirs[i] && mkdir(dirs[i], 0755) && errno != EEXIST)
			return -errno;
	return 0;
}

/*
 * The mount points of the caller's namespace in mountinfo order, one per
 * line, and the mount ids, summed.
 */
static int mount_points(char *buf, size_t len, unsigned long long *id_sum)
{
	static char info[1 << 16];
	char *line, *save = NULL, point[PATH_MAX];
	unsigned int id;
	size_t used = 0;

	if (read_text("/proc/self/mountinfo", info, sizeof(info)) < 0)
		return -errno;
	*id_sum = 0;
	buf[0] = '\0';
	for (line = strtok_r(info, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, "%u %*u %*s %*s %4095s", &id, point) != 2)
			return -EPROTO;
		*id_sum += id;
		used += snprintf(buf + used, used < len ? len - used : 0,
				 "%s\n", point);
	}
	return used < len ? 0 : -E2BIG;
}

struct copy_view {
	char points[1 << 15];
	unsigned long long id_sum;
};

/* How often @line (with its newline) occurs in the list @list. */
static int count_line(const char *list, const char *line, size_t len)
{
	int n = 0;

	for (const char *p = list; *p; p = strchr(p, '\n') + 1)
		if (!strncmp(p, line, len) && p[len - 1] == '\n')
			n++;
	return n;
}

/* The first mount point of @want that @have holds fewer times, or NULL. */
static const char *missing_point(const char *have, const char *want)
{
	static char line[PATH_MAX];

	for (const char *p = want; *p; p = strchr(p, '\n') + 1) {
		size_t len = strchr(p, '\n') - p + 1;

		if (count_line(have, p, len) < count_line(want, p, len)) {
			snprintf(line, sizeof(line), "%.*s", (int)len - 1, p);
			return line;
		}
	}
	return NULL;
}

/* In shared memory: the child's view, read by the parent. */
static void read_copy(void *arg, int report)
{
	struct copy_view *v = arg;

	child_unshare(report, CLONE_NEWNS, "unshare(CLONE_NEWNS)");
	if (mount_points(v->points, sizeof(v->points), &v->id_sum))
		child_fail(report, "reading mountinfo: %s", strerror(errno));
}

/*
 * The child's mountinfo after unshare(CLONE_NEWNS) holds every mount point
 * the parent sees, under other mount ids: a copy.
 */
TEST(new_mount_namespace_starts_with_a_copy_of_the_mounts)
{
	static struct copy_view before, after;
	struct copy_view *child;
	const char *miss;

	REQUIRE_NS_ADMIN();
	child = mmap(NULL, sizeof(*child), PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, child);
	ASSERT_EQ(0, mount_points(before.points, sizeof(before.points),
				  &before.id_sum));
	RUN_CHILD_OK(read_copy, child);
	ASSERT_EQ(0, mount_points(after.points, sizeof(after.points),
				  &after.id_sum));
	miss = missing_point(child->points, before.points);
	if (miss)
		miss = missing_point(child->points, after.points);
	EXPECT_EQ(NULL, miss)
	TH_LOG("the new namespace lacks the parent's mount on %s", miss);
	EXPECT_NE(before.id_sum, child->id_sum)
	TH_LOG("the new namespace has the parent's very mounts (same ids)");
	munmap(child, sizeof(*child));
}

FIXTURE(propagation){};
FIXTURE_VARIANT(propagation)
{
	unsigned long base_flag; /* set by the parent before the copy */
	bool child_slave; /* the child makes its copy a slave */
	bool to_child, to_parent;
};
FIXTURE_VARIANT_ADD(propagation, private){ .base_flag = MS_PRIVATE };
FIXTURE_VARIANT_ADD(propagation, shared){ .base_flag = MS_SHARED,
					  .to_child = true,
					  .to_parent = true };
FIXTURE_VARIANT_ADD(propagation, slave){ .base_flag = MS_SHARED,
					 .child_slave = true,
					 .to_child = true };
FIXTURE_SETUP(propagation)
{
}
FIXTURE_TEARDOWN(propagation)
{
}

struct child_sight {
	int pre_copied; /* BASE/pre in the copy */
	int p_mounted; /* BASE/p after the parent mounted it */
	int pre_left; /* BASE/pre after the parent unmounted it */
	int c_ret; /* mounting BASE/c */
};

static void __attribute__((noreturn))
propagation_child(bool slave, int up, int go, int report)
{
	struct child_sight s = {};

	child_unshare(report, CLONE_NEWNS, "unshare(CLONE_NEWNS)");
	if (slave && mount(NULL, BASE, NULL, MS_SLAVE, NULL))
		child_fail(report, "mount(MS_SLAVE): %s", strerror(errno));
	s.pre_copied = is_mount_point(BASE "/pre");
	if (sync_send(up) || sync_wait(go))
		child_fail(report, "handshake failed");
	s.p_mounted = is_mount_point(BASE "/p");
	s.pre_left = is_mount_point(BASE "/pre");
	s.c_ret = mount_tmpfs(BASE "/c", 0);
	if (write(up, &s, sizeof(s)) != sizeof(s))
		child_fail(report, "reporting: %s", strerror(errno));
	sync_wait(go);
	_exit(0);
}

/*
 * The child copies the parent's namespace (and, for slave, makes its copy
 * of BASE a slave); the parent then mounts BASE/p and unmounts BASE/pre,
 * the child mounts BASE/c: each side checks what reached it.
 */
TEST_F(propagation, mounts_and_unmounts_propagate_as_the_mount_type_says)
{
	struct child_result r = { .status = -1 };
	int up = -1, go = -1, report = -1, ret;
	struct child_sight s = {};
	struct child_pipes c;
	pid_t pid;

	ENTER_OWN_MNT_NS();
	ASSERT_EQ(0, make_dirs(BASE, NULL, NULL));
	ASSERT_EQ(0, mount_tmpfs(BASE, 0));
	ASSERT_EQ(0, mount(NULL, BASE, NULL, variant->base_flag, NULL))
	TH_LOG("setting the propagation of " BASE ": %s", strerror(errno));
	ASSERT_EQ(0, make_dirs(BASE "/pre", BASE "/p", BASE "/c"));
	ASSERT_EQ(0, mount_tmpfs(BASE "/pre", 0));

	ASSERT_EQ(0, child_pipes_open(&c));
	pid = fork_child();
	ASSERT_EQ(0, child_pipes_keep(&c, pid, &up, &go, &report));
	if (pid == 0)
		propagation_child(variant->child_slave, c.up[1], c.go[0],
				  c.report[1]);
	if (sync_wait(up) == 0) {
		ASSERT_EQ(0, mount_tmpfs(BASE "/p", 0));
		ASSERT_EQ(0, umount(BASE "/pre"));
		ASSERT_EQ(0, sync_send(go));
		ret = read(up, &s, sizeof(s)) == sizeof(s) ? 0 : -EPIPE;
	} else {
		ret = -EPIPE;
	}
	if (ret) {
		child_report(report, r.msg, sizeof(r.msg));
		close(go);
		r.status = wait_child(pid);
		CHILD_RESULT_OK(&r);
		ASSERT_EQ(0, ret);
	}
	EXPECT_EQ(1, s.pre_copied)
	TH_LOG("the copy lacks the mount made before it (%d)", s.pre_copied);
	EXPECT_EQ(variant->to_child, s.p_mounted)
	TH_LOG("parent's mount reached the child: %d", s.p_mounted);
	EXPECT_EQ(!variant->to_child, s.pre_left)
	TH_LOG("parent's unmount left the child's copy mounted: %d",
	       s.pre_left);
	EXPECT_EQ(0, s.c_ret)
	TH_LOG("the child's mount: %s", strerror(-s.c_ret));
	EXPECT_EQ(variant->to_parent, is_mount_point(BASE "/c"))
	TH_LOG("child's mount reached the parent");
	close(go);
	EXPECT_EQ(0, wait_child(pid));
	close(up);
	close(report);
}

/* EINVAL while unbindable; the same bind once the mount is private. */
TEST(bind_mount_of_an_unbindable_mount_gives_einval)
{
	ENTER_OWN_MNT_NS();
	ASSERT_EQ(0, make_dirs(BASE, "/tmp/target", NULL));
	ASSERT_EQ(0, mount_tmpfs(BASE, 0));
	ASSERT_EQ(0, mount(NULL, BASE, NULL, MS_UNBINDABLE, NULL))
	TH_LOG("mount(MS_UNBINDABLE): %s", strerror(errno));
	EXPECT_EQ(-1, mount(BASE, "/tmp/target", NULL, MS_BIND, NULL));
	EXPECT_EQ(EINVAL, errno)
	TH_LOG("bind of an unbindable mount: %s", strerror(errno));
	EXPECT_EQ(0, is_mount_point("/tmp/target"));
	ASSERT_EQ(0, mount(NULL, BASE, NULL, MS_PRIVATE, NULL));
	EXPECT_EQ(0, mount(BASE, "/tmp/target", NULL, MS_BIND, NULL))
	TH_LOG("bind of the same mount once private: %s", strerror(errno));
	EXPECT_EQ(1, is_mount_point("/tmp/target"));
}

static bool read_only(const char *path)
{
	struct statvfs sv;

	return statvfs(path, &sv) == 0 && (sv.f_flag & ST_RDONLY);
}

static void try_locked_mounts(void *arg, int report)
{
	int ret;

	(void)arg;
	child_unshare(report, CLONE_NEWUSER, "unshare(CLONE_NEWUSER)");
	child_unshare(report, CLONE_NEWNS, "unshare(CLONE_NEWNS)");
	if (umount(BASE "/ro") == 0 || errno != EINVAL)
		child_fail(report,
			   "umount() of an inherited mount: %s, "
			   "expected EINVAL",
			   strerror(errno));
	if (umount2(BASE "/ro", MNT_DETACH) == 0 || errno != EINVAL)
		child_fail(report,
			   "umount2(MNT_DETACH) of an inherited "
			   "mount: %s, expected EINVAL",
			   strerror(errno));
	if (is_mount_point(BASE "/ro") != 1)
		child_fail(report, "the locked mount is gone");
	if (mount(NULL, BASE "/ro", NULL, MS_REMOUNT | MS_BIND, NULL) == 0 ||
	    errno != EPERM)
		child_fail(report,
			   "remount without MS_RDONLY of a locked "
			   "read-only mount: %s, expected EPERM",
			   strerror(errno));
	if (!read_only(BASE "/ro"))
		child_fail(report, "the locked mount became writable");
	/* Its own new mount is not locked. */
	ret = mount_tmpfs(BASE "/own", MS_RDONLY);
	if (ret)
		child_fail(report, "mounting its own tmpfs: %s",
			   strerror(-ret));
	if (mount(NULL, BASE "/own", NULL, MS_REMOUNT | MS_BIND, NULL))
		child_fail(report, "making its own mount writable: %s",
			   strerror(errno));
	if (umount(BASE "/own"))
		child_fail(report, "unmounting its own mount: %s",
			   strerror(errno));
}

/*
 * The parent mounts BASE/ro read-only in its namespace; a child makes a
 * user namespace and, in it, a mount namespace: the copy is locked.
 */
TEST(inherited_mounts_are_locked_under_a_new_user_namespace)
{
	ENTER_OWN_MNT_NS();
	ASSERT_EQ(0, make_dirs(BASE, NULL, NULL));
	ASSERT_EQ(0, mount_tmpfs(BASE, 0));
	ASSERT_EQ(0, make_dirs(BASE "/ro", BASE "/own", NULL));
	ASSERT_EQ(0, mount_tmpfs(BASE "/ro", MS_RDONLY));
	ASSERT_TRUE(read_only(BASE "/ro"));
	RUN_CHILD_OK(try_locked_mounts, NULL);
	/* The parent's own namespace keeps its freedom. */
	EXPECT_EQ(0, umount(BASE "/ro"))
	TH_LOG("umount in the parent's namespace: %s", strerror(errno));
}

static int cwd_is(const char *want)
{
	char cwd[PATH_MAX];

	return getcwd(cwd, sizeof(cwd)) && !strcmp(cwd, want);
}

/*
 * A clone(CLONE_FS) child shares the test's cwd (its chdir() moves the
 * test's); once it unshares CLONE_NEWNS its next chdir() moves only
 * itself.
 */
TEST(unshare_newns_unshares_cwd_and_root_from_a_clone_fs_sibling)
{
	struct child_result r = { .status = -1 };
	int up = -1, go = -1, report = -1;
	struct child_pipes c;
	pid_t pid;

	REQUIRE_NS_ADMIN();
	ASSERT_EQ(0, chdir("/"));
	ASSERT_EQ(0, child_pipes_open(&c));
	pid = clone_child(CLONE_FS);
	ASSERT_EQ(0, child_pipes_keep(&c, pid, &up, &go, &report));
	if (pid == 0) {
		if (chdir("/proc") || sync_send(c.up[1]) || sync_wait(c.go[0]))
			child_fail(c.report[1], "chdir(/proc): %s",
				   strerror(errno));
		child_unshare(c.report[1], CLONE_NEWNS, "unshare(CLONE_NEWNS)");
		if (chdir("/proc/sys") || !cwd_is("/proc/sys"))
			child_fail(c.report[1], "chdir(/proc/sys): %s",
				   strerror(errno));
		_exit(sync_send(c.up[1]) ? 1 : 0);
	}
	if (sync_wait(up) == 0) {
		EXPECT_TRUE(cwd_is("/proc"))
		TH_LOG("the CLONE_FS child's chdir() did not move the test");
		ASSERT_EQ(0, sync_send(go));
	}
	if (sync_wait(up)) {
		child_report(report, r.msg, sizeof(r.msg));
		close(go);
		r.status = wait_child(pid);
		CHILD_RESULT_OK(&r);
		ASSERT_TRUE(false);
	}
	EXPECT_TRUE(cwd_is("/proc"))
	TH_LOG("after unshare(CLONE_NEWNS) the child's chdir() still moved "
	       "the test");
	close(go);
	EXPECT_EQ(0, wait_child(pid));
	close(up);
	close(report);
}

TEST_HARNESS_MAIN

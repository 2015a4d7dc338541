// SPDX-License-Identifier: GPL-2.0
/*
 * I07 (isolation): cgroup paths show relative to the cgroup namespace root.
 * Rule: after unshare(CLONE_NEWCGROUP) /proc/self/cgroup shows the caller's
 *   cgroup as /, in every hierarchy; a process outside the namespace's root
 *   cgroup shows with a path that climbs out of it with /..; a cgroup2 file
 *   system mounted inside the namespace has the namespace's root cgroup as
 *   its root.
 * Man: cgroup_namespaces(7); cgroups(7) ("/proc/[pid]/cgroup"); unshare(2)
 *   (CLONE_NEWCGROUP).
 * Man-page errata: none.
 * The article: silent (written before cgroup namespaces were common; its
 *   /proc/PID/ns listing has no cgroup entry).
 * Since: 4.6.
 * Exceptions: a process in a cgroup other than the namespace's root is
 *   made, as host root, by creating a child cgroup in a cgroup2 view the
 *   test mounts in its own mount namespace (removed afterwards); as nobody,
 *   where no cgroup can be created, PID 1 stands in when it is in another
 *   cgroup, else that case SKIPs.  The other cases run as nobody in a new
 *   user namespace; where the caller already sits in the root cgroup the
 *   first case still holds but cannot tell the namespace from no namespace,
 *   so as host root it moves its child into a new cgroup first.
 */
#include "isolation.h"

#define CG_VIEW "/tmp/cg"
#define SUB_NAME "nsapi-i07"

/* The cgroup2 path of @pid (0: self) from /proc/PID/cgroup, or -errno. */
static int v2_path(pid_t pid, char *buf, size_t len)
{
	char path[64], text[4096], *line;

	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/cgroup", pid);
	else
		snprintf(path, sizeof(path), "/proc/self/cgroup");
	if (read_text(path, text, sizeof(text)) < 0)
		return -errno;
	if (!strncmp(text, "0::", 3))
		line = text;
	else if ((line = strstr(text, "\n0::")))
		line++;
	else
		return -ENOENT;
	snprintf(buf, len, "%.*s", (int)strcspn(line + 3, "\n"), line + 3);
	return 0;
}

/* The first line of /proc/self/cgroup whose path is not "/", or "". */
static void first_non_root_line(char *buf, size_t len)
{
	char text[4096], *line, *save = NULL, *colon;

	buf[0] = '\0';
	if (read_text("/proc/self/cgroup", text, sizeof(text)) < 0) {
		snprintf(buf, len, "(%s)", strerror(errno));
		return;
	}
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		colon = strchr(line, ':');
		colon = colon ? strchr(colon + 1, ':') : NULL;
		if (!colon || strcmp(colon + 1, "/")) {
			snprintf(buf, len, "%s", line);
			return;
		}
	}
}

/* Split @path at '/' into @parts (at most 64): the count. */
static int split(char *path, char **parts)
{
	char *save = NULL, *p;
	int n = 0;

	for (p = strtok_r(path, "/", &save); p && n < 64;
	     p = strtok_r(NULL, "/", &save))
		parts[n++] = p;
	return n;
}

/*
 * The path of @target as seen from a namespace rooted at @root: one "/.."
 * for each component of @root below what the two share, then the rest of
 * @target.
 */
static void relative_path(const char *root, const char *target, char *buf,
			  size_t len)
{
	char r[PATH_MAX], t[PATH_MAX], *rp[64], *tp[64];
	int nr, nt, k = 0;
	size_t used = 0;

	snprintf(r, sizeof(r), "%s", root);
	snprintf(t, sizeof(t), "%s", target);
	nr = split(r, rp);
	nt = split(t, tp);
	while (k < nr && k < nt && !strcmp(rp[k], tp[k]))
		k++;
	buf[0] = '\0';
	for (int i = k; i < nr; i++)
		used += snprintf(buf + used, len - used, "/..");
	for (int i = k; i < nt; i++)
		used += snprintf(buf + used, len - used, "/%s", tp[i]);
	if (!used)
		snprintf(buf, len, "/");
}

/*
 * As host root: a new cgroup below the test's own (self->sub), in a
 * cgroup2 view mounted in the test's own mount namespace; removed after
 * the test.
 */
FIXTURE(cg)
{
	char sub[PATH_MAX];
	bool made;
};
FIXTURE_SETUP(cg)
{
	char own[PATH_MAX];
	int ret;

	REQUIRE_NS_TYPE(&ns_types[NS_cgroup]);
	if (!have_host_root()) {
		REQUIRE_NS_ADMIN();
		return;
	}
	UNSHARE_OR_SKIP(CLONE_NEWNS);
	ret = private_tmpfs("/tmp");
	ASSERT_EQ(0, ret)
	TH_LOG("a private tmpfs on /tmp: %s", strerror(-ret));
	ASSERT_EQ(0, mkdir(CG_VIEW, 0755));
	if (mount("cgroup2", CG_VIEW, "cgroup2", 0, NULL) ||
	    v2_path(0, own, sizeof(own)))
		return;
	snprintf(self->sub, sizeof(self->sub),
		 CG_VIEW "%.3000s/" SUB_NAME "-%d", strcmp(own, "/") ? own : "",
		 getpid());
	self->made = mkdir(self->sub, 0755) == 0;
}
FIXTURE_TEARDOWN(cg)
{
	if (self->made)
		rmdir(self->sub);
}

/*
 * RUN_CHILD_OK, with the new cgroup removed before anything is asserted:
 * the harness runs no teardown after a failed ASSERT.
 */
#define RUN_CHILD_THEN_REMOVE_CGROUP(fn, arg)                        \
	do {                                                         \
		struct child_result __r = { .status = -1 };          \
		int __ret = run_child(fn, arg, &__r);                \
		if (self->made && rmdir(self->sub) == 0)             \
			self->made = false;                          \
		ASSERT_EQ(0, __ret)                                  \
		TH_LOG("fork: %s", strerror(-__ret));                \
		CHILD_RESULT_OK(&__r);                               \
		EXPECT_FALSE(self->made)                             \
		TH_LOG("rmdir(%s): %s", self->sub, strerror(errno)); \
	} while (0)

/* In a child: move into @sub (when made), then unshare CLONE_NEWCGROUP. */
static void enter(const char *sub, int flags, int report)
{
	char procs[PATH_MAX + 16];

	if (sub) {
		snprintf(procs, sizeof(procs), "%s/cgroup.procs", sub);
		if (write_file(procs, "0"))
			child_fail(report, "moving into %s: %s", sub,
				   strerror(errno));
	}
	child_unshare(report, CLONE_NEWCGROUP | flags,
		      "unshare(CLONE_NEWCGROUP)");
}

static void own_cgroup_is_root(void *arg, int report)
{
	char line[512];

	enter(arg, 0, report);
	first_non_root_line(line, sizeof(line));
	if (line[0])
		child_fail(report,
			   "after unshare(CLONE_NEWCGROUP) "
			   "/proc/self/cgroup has \"%s\", expected /",
			   line);
}

TEST_F(cg, unshare_shows_the_callers_cgroup_as_root)
{
	RUN_CHILD_THEN_REMOVE_CGROUP(own_cgroup_is_root,
				     self->made ? self->sub : NULL);
}

struct outside {
	const char *sub;
	pid_t target;
	char want[PATH_MAX];
};

static void outside_climbs_out(void *arg, int report)
{
	struct outside *o = arg;
	char got[PATH_MAX];

	enter(o->sub, 0, report);
	if (v2_path(o->target, got, sizeof(got)))
		child_fail(report, "reading /proc/%d/cgroup: %s", o->target,
			   strerror(errno));
	if (strcmp(got, o->want))
		child_fail(report,
			   "process %d, outside the namespace root, "
			   "shows as \"%s\", expected \"%s\"",
			   o->target, got, o->want);
}

/*
 * As host root the child moves into a new cgroup below the test's and
 * reads the test's path: "/..".  Otherwise it reads PID 1's, when PID 1
 * is in a cgroup outside the child's.
 */
TEST_F(cg, process_outside_the_namespace_root_shows_with_dotdot)
{
	struct outside o = { .target = getpid() };
	char own[PATH_MAX], other[PATH_MAX];
	int ret;

	ret = v2_path(0, own, sizeof(own));
	if (ret == -ENOENT)
		SKIP(return, "no cgroup2 hierarchy (a cgroup v1 only host)");
	ASSERT_EQ(0, ret);
	if (self->made) {
		o.sub = self->sub;
		snprintf(o.want, sizeof(o.want), "/..");
	} else {
		o.target = 1;
		if (v2_path(1, other, sizeof(other)))
			SKIP(return,
				   "no cgroup can be made here and PID 1's "
				   "cgroup is unreadable: %s",
				   strerror(errno));
		if (!strncmp(other, own, strlen(own)) &&
		    (other[strlen(own)] == '/' || !other[strlen(own)] ||
		     !strcmp(own, "/")))
			SKIP(return,
				   "no cgroup can be made here and PID 1 "
				   "is in this cgroup or below (%.500s)",
				   other);
		relative_path(own, other, o.want, sizeof(o.want));
	}
	RUN_CHILD_THEN_REMOVE_CGROUP(outside_climbs_out, &o);
}

static void mount_inside(void *arg, int report)
{
	char procs[4096], pid[32];
	int ret;

	enter(arg, CLONE_NEWNS, report);
	ret = private_tmpfs("/tmp");
	if (ret)
		child_fail(report, "a private tmpfs on /tmp: %s",
			   strerror(-ret));
	if (mkdir("/tmp/inside", 0755) ||
	    mount("cgroup2", "/tmp/inside", "cgroup2", 0, NULL))
		child_fail(report, "mount(cgroup2) inside: %s",
			   strerror(errno));
	if (read_text("/tmp/inside/cgroup.procs", procs, sizeof(procs)) < 0)
		child_fail(report, "reading the root's cgroup.procs: %s",
			   strerror(errno));
	snprintf(pid, sizeof(pid), "%d\n", getpid());
	/* In a new cgroup of its own the caller is the only member. */
	if (arg ? strcmp(procs, pid) :
		  strncmp(procs, pid, strlen(pid)) && !strstr(procs, pid))
		child_fail(report,
			   "the mount's root cgroup.procs: \"%.200s\", "
			   "expected %s the caller %d",
			   procs, arg ? "only" : "to hold", getpid());
}

/*
 * A cgroup2 mounted inside the namespace lists the caller in the root's
 * cgroup.procs: its root is the caller's cgroup (as host root, a new one
 * whose cgroup.procs holds only the caller).
 */
TEST_F(cg, cgroup2_mounted_inside_has_the_namespace_root_as_root)
{
	char own[PATH_MAX];

	if (v2_path(0, own, sizeof(own)) == -ENOENT)
		SKIP(return, "no cgroup2 hierarchy (a cgroup v1 only host)");
	RUN_CHILD_THEN_REMOVE_CGROUP(mount_inside,
				     self->made ? self->sub : NULL);
}

TEST_HARNESS_MAIN

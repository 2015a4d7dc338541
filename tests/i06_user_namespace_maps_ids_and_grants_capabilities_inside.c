// SPDX-License-Identifier: GPL-2.0
/*
 * I06 (isolation): a user namespace maps ids and grants capabilities inside.
 * Rule: uid_map and gid_map take one write each (the next gives EPERM);
 *   the namespace's creator may write a map of its own single id, a process
 *   with CAP_SETUID (CAP_SETGID) in the parent namespace any of its ids;
 *   an unprivileged gid_map write needs "deny" in setgroups first; ids
 *   without a mapping read as the overflow id (65534); a map reads relative
 *   to the reader (the second field is in the reader's namespace, or in the
 *   parent's when the reader is inside); the first process has every
 *   capability inside and none over what its parent's namespace owns
 *   (sethostname() on the parent's UTS namespace fails); execve() keeps
 *   them only when the uid is 0 in the namespace; since 4.15 a map takes
 *   more than 5 ranges, up to 340.
 * Man: user_namespaces(7) ("User and group ID mappings: uid_map and
 *   gid_map", "Interaction of user namespaces and other types of
 *   namespaces", "Effect of capabilities within a user namespace",
 *   "Capabilities"); capabilities(7) ("Capabilities and execution of
 *   programs by root"); proc(5) (/proc/sys/kernel/overflowuid).
 * Man-page errata: none found; the 340-range limit (since 4.15) is in
 *   user_namespaces(7) and holds.
 * The article: it says that, like most namespace types, making one needs a
 *   privilege such as CAP_SYS_ADMIN; for the user namespace that is wrong:
 *   every case here makes one as nobody, and it grants the capabilities
 *   (case first_process_has_every_capability_inside_none_over_the_parent).
 * Since: 3.8 (unprivileged user namespaces); 3.19 (setgroups); 4.15 (340
 *   ranges).
 * Exceptions: parent_with_cap_setuid_maps_other_ids and
 *   more_than_five_ranges_are_accepted need host root: an unprivileged user,
 *   and root of a user namespace it made, hold only their own id, so there
 *   is no second id or range to map.  Every other case runs as nobody (a
 *   host root runner's child writing its own map has no capability in the
 *   parent namespace either, so those cases test the same rule).
 */
#include <sys/utsname.h>

#include "isolation.h"

#define CAPS_FD_ENV "NSAPI_I06_CAPS_FD"

static unsigned long long cap_eff(void)
{
	char text[4096], *line;

	if (read_text("/proc/self/status", text, sizeof(text)) < 0)
		return ~0ULL;
	line = strstr(text, "\nCapEff:");
	return line ? strtoull(line + 8, NULL, 16) : ~0ULL;
}

/*
 * Run as "/proc/self/exe" by the execve() case, before the harness: send
 * CapEff to the fd the environment names and exit.
 */
static void __attribute__((constructor(101))) report_caps_after_exec(void)
{
	const char *fd = getenv(CAPS_FD_ENV);
	unsigned long long caps;

	if (!fd)
		return;
	caps = cap_eff();
	_exit(write(atoi(fd), &caps, sizeof(caps)) == sizeof(caps) ? 0 : 1);
}

static unsigned long long all_caps(void)
{
	char text[32];
	int last;

	if (read_text("/proc/sys/kernel/cap_last_cap", text, sizeof(text)) < 0)
		return 0;
	last = atoi(text);
	return last >= 63 ? ~0ULL : (1ULL << (last + 1)) - 1;
}

static int write_map(pid_t pid, const char *file, const char *text)
{
	char path[64];

	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/%s", pid, file);
	else
		snprintf(path, sizeof(path), "/proc/self/%s", file);
	return write_file(path, text);
}

static void read_map(pid_t pid, const char *file, char *buf, size_t len)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/%s", pid, file);
	if (read_text(path, buf, len) < 0)
		snprintf(buf, len, "(%s)", strerror(errno));
}

/* "a b c" from a map's text (its columns are padded). */
static void squeeze(char *s)
{
	char *out = s;
	bool space = true;

	for (char *p = s; *p; p++) {
		bool ws = *p == ' ' || *p == '\n';

		if (!ws)
			*out++ = *p;
		else if (!space)
			*out++ = *p == '\n' ? '\n' : ' ';
		space = ws;
	}
	while (out > s && (out[-1] == ' ' || out[-1] == '\n'))
		out--;
	*out = '\0';
}

/*
 * A child in a new user namespace: it signals up, waits for go (the test
 * writes its maps meanwhile), then runs @fn.
 */
struct uchild {
	pid_t pid;
	int up, go, report;
};

static int uchild_start(struct __test_metadata *_metadata, struct uchild *u,
			child_fn fn, void *arg)
{
	struct child_result r = { .status = -1 };
	struct child_pipes c;

	ASSERT_EQ(0, child_pipes_open(&c));
	u->pid = fork_child();
	ASSERT_EQ(0, child_pipes_keep(&c, u->pid, &u->up, &u->go, &u->report));
	if (u->pid == 0) {
		child_unshare(c.report[1], CLONE_NEWUSER,
			      "unshare(CLONE_NEWUSER)");
		if (sync_send(c.up[1]) || sync_wait(c.go[0]))
			child_fail(c.report[1], "handshake failed");
		if (fn)
			fn(arg, c.report[1]);
		_exit(0);
	}
	if (sync_wait(u->up) == 0)
		return 0;
	child_report(u->report, r.msg, sizeof(r.msg));
	close(u->go);
	r.status = wait_child(u->pid);
	CHILD_RESULT_OK_OR(return 1, &r);
	ASSERT_TRUE(false);
	return 1;
}

/* Let the child run its function; then the same checks as RUN_CHILD_OK. */
static void uchild_finish(struct __test_metadata *_metadata, struct uchild *u)
{
	struct child_result r;

	sync_send(u->go);
	close(u->go);
	child_report(u->report, r.msg, sizeof(r.msg));
	r.status = wait_child(u->pid);
	close(u->up);
	close(u->report);
	CHILD_RESULT_OK(&r);
}

/* --- writes ------------------------------------------------------------- */

FIXTURE(writer){};
FIXTURE_VARIANT(writer)
{
	bool by_parent;
};
FIXTURE_VARIANT_ADD(writer, child){ .by_parent = false };
FIXTURE_VARIANT_ADD(writer, parent){ .by_parent = true };
FIXTURE_SETUP(writer)
{
	REQUIRE_NS_TYPE(&ns_types[NS_user]);
}
FIXTURE_TEARDOWN(writer)
{
}

struct own_map {
	char uid[64], gid[64];
};

/* The child writes its own maps; the second write of each fails. */
static void write_own_maps_twice(void *arg, int report)
{
	struct own_map *m = arg;
	int ret;

	if (write_map(0, "setgroups", "deny") ||
	    (ret = write_map(0, "uid_map", m->uid)) ||
	    (ret = write_map(0, "gid_map", m->gid)))
		child_fail(report, "writing its own maps: %s", strerror(errno));
	ret = write_map(0, "uid_map", m->uid);
	if (ret != -EPERM)
		child_fail(report, "second uid_map write: %d, expected EPERM",
			   ret);
	ret = write_map(0, "gid_map", m->gid);
	if (ret != -EPERM)
		child_fail(report, "second gid_map write: %d, expected EPERM",
			   ret);
	if (getuid() != 0 || getgid() != 0)
		child_fail(report, "after its maps: uid %d gid %d, expected 0",
			   getuid(), getgid());
}

TEST_F(writer, each_map_is_written_once_second_write_gives_eperm)
{
	struct own_map m;
	struct uchild u;
	char got[128];

	snprintf(m.uid, sizeof(m.uid), "0 %u 1", geteuid());
	snprintf(m.gid, sizeof(m.gid), "0 %u 1", getegid());
	if (uchild_start(_metadata, &u,
			 variant->by_parent ? NULL : write_own_maps_twice, &m))
		return;
	if (variant->by_parent) {
		/* Needed by an unprivileged parent, harmless for root. */
		EXPECT_EQ(0, write_map(u.pid, "setgroups", "deny"));
		EXPECT_EQ(0, write_map(u.pid, "uid_map", m.uid));
		EXPECT_EQ(0, write_map(u.pid, "gid_map", m.gid));
		EXPECT_EQ(-EPERM, write_map(u.pid, "uid_map", m.uid))
		TH_LOG("second uid_map write by the parent");
		EXPECT_EQ(-EPERM, write_map(u.pid, "gid_map", m.gid))
		TH_LOG("second gid_map write by the parent");
		read_map(u.pid, "uid_map", got, sizeof(got));
		squeeze(got);
		EXPECT_STREQ(m.uid, got);
	}
	uchild_finish(_metadata, &u);
}

/* The caller's ids before unshare (after it they read as the overflow id). */
struct ids {
	uid_t uid;
	gid_t gid;
};

static void map_other_id(void *arg, int report)
{
	struct ids *id = arg;
	uid_t other = id->uid == 0 ? 1 : 0;
	char text[64];
	int ret;

	snprintf(text, sizeof(text), "0 %u 1", other);
	ret = write_map(0, "uid_map", text);
	if (ret != -EPERM)
		child_fail(report,
			   "the creator mapping uid %u, not its own: "
			   "%d, expected EPERM",
			   other, ret);
	snprintf(text, sizeof(text), "0 %u 2", id->uid);
	ret = write_map(0, "uid_map", text);
	if (ret != -EPERM)
		child_fail(report,
			   "the creator mapping two ids: %d, "
			   "expected EPERM",
			   ret);
	snprintf(text, sizeof(text), "0 %u 1", id->uid);
	ret = write_map(0, "uid_map", text);
	if (ret)
		child_fail(report, "the creator mapping its own id: %s",
			   strerror(-ret));
}

/*
 * The creator, with no capability in the parent namespace (it lost them
 * there by unsharing), may map its own uid and nothing else.
 */
TEST(creator_maps_only_its_own_single_id)
{
	struct ids id = { geteuid(), getegid() };
	struct uchild u;

	REQUIRE_NS_TYPE(&ns_types[NS_user]);
	if (uchild_start(_metadata, &u, map_other_id, &id))
		return;
	uchild_finish(_metadata, &u);
}

/* Host root, with CAP_SETUID in the initial namespace, maps any ids. */
TEST(parent_with_cap_setuid_maps_other_ids)
{
	struct uchild u;
	char got[128];

	REQUIRE_NS_TYPE(&ns_types[NS_user]);
	REQUIRE_HOST_ROOT("only it holds ids other than its own to map");
	if (uchild_start(_metadata, &u, NULL, NULL))
		return;
	EXPECT_EQ(0, write_map(u.pid, "uid_map", "0 100000 1000"));
	EXPECT_EQ(0, write_map(u.pid, "gid_map", "0 100000 1000"))
	TH_LOG("gid_map by a parent with CAP_SETGID, no setgroups deny");
	read_map(u.pid, "uid_map", got, sizeof(got));
	squeeze(got);
	EXPECT_STREQ("0 100000 1000", got);
	uchild_finish(_metadata, &u);
}

static void gid_map_before_and_after_deny(void *arg, int report)
{
	struct ids *id = arg;
	char text[64];
	int ret;

	/* A child inherits "deny" (a rootless container wrote it above us). */
	if (read_text("/proc/self/setgroups", text, sizeof(text)) > 0 &&
	    !strncmp(text, "deny", 4))
		child_skip(report, "setgroups is already deny, inherited from "
				   "the parent user namespace: the order "
				   "cannot be shown here");
	snprintf(text, sizeof(text), "0 %u 1", id->gid);
	ret = write_map(0, "gid_map", text);
	if (ret == -ENOENT)
		child_skip(report, "no /proc/self/setgroups (Linux 3.19+)");
	if (ret != -EPERM)
		child_fail(report,
			   "gid_map before setgroups deny: %d, "
			   "expected EPERM",
			   ret);
	ret = write_map(0, "setgroups", "deny");
	if (ret)
		child_fail(report, "setgroups deny: %s", strerror(-ret));
	ret = write_map(0, "gid_map", text);
	if (ret)
		child_fail(report, "gid_map after setgroups deny: %s",
			   strerror(-ret));
}

TEST(unprivileged_gid_map_needs_setgroups_deny_first)
{
	struct ids id = { geteuid(), getegid() };
	struct uchild u;

	REQUIRE_NS_TYPE(&ns_types[NS_user]);
	if (uchild_start(_metadata, &u, gid_map_before_and_after_deny, &id))
		return;
	uchild_finish(_metadata, &u);
}

/* --- reading ------------------------------------------------------------ */

static long read_long(const char *path)
{
	char text[32];

	return read_text(path, text, sizeof(text)) < 0 ? -1 : atol(text);
}

static void ids_unmapped(void *arg, int report)
{
	long ouid = read_long("/proc/sys/kernel/overflowuid");
	long ogid = read_long("/proc/sys/kernel/overflowgid");
	struct stat st;

	(void)arg;
	child_unshare(report, CLONE_NEWUSER, "unshare(CLONE_NEWUSER)");
	if (stat("/", &st))
		child_fail(report, "stat(/): %s", strerror(errno));
	if (getuid() != ouid || getgid() != ogid || st.st_uid != ouid ||
	    st.st_gid != ogid)
		child_fail(report,
			   "without maps: uid %d gid %d, / owned by "
			   "%d:%d; expected the overflow ids %ld:%ld",
			   getuid(), getgid(), st.st_uid, st.st_gid, ouid,
			   ogid);
}

TEST(unmapped_ids_read_as_the_overflow_id)
{
	REQUIRE_NS_TYPE(&ns_types[NS_user]);
	RUN_CHILD_OK(ids_unmapped, NULL);
}

/*
 * T (the test) makes A in a new user namespace and maps "0 T 1"; A makes
 * B in a namespace below and maps "5 0 1".  Each reads the maps: the
 * second field is in the reader's namespace, or in the parent's when the
 * reader is inside the namespace itself.
 */
struct readings {
	char a_reads_b[64], b_reads_self[64], b_reads_a[64];
};

static void __attribute__((noreturn))
nested_reader(struct readings *rd, int report)
{
	struct uchild u;
	char msg[512];
	int status;

	/* B: its own child, set up the same way as A was by T. */
	struct child_pipes c;

	if (child_pipes_open(&c))
		child_fail(report, "pipe: %s", strerror(errno));
	u.pid = fork_child();
	if (u.pid < 0 || child_pipes_keep(&c, u.pid, &u.up, &u.go, &u.report))
		child_fail(report, "fork: %s", strerror(errno));
	if (u.pid == 0) {
		child_unshare(c.report[1], CLONE_NEWUSER,
			      "unshare(CLONE_NEWUSER), nested");
		if (sync_send(c.up[1]) || sync_wait(c.go[0]))
			child_fail(c.report[1], "handshake failed");
		read_map(getpid(), "uid_map", rd->b_reads_self,
			 sizeof(rd->b_reads_self));
		read_map(getppid(), "uid_map", rd->b_reads_a,
			 sizeof(rd->b_reads_a));
		_exit(0);
	}
	if (sync_wait(u.up)) {
		child_report(u.report, msg, sizeof(msg));
		wait_child(u.pid);
		child_fail(report, "B: %s", msg);
	}
	if (write_map(u.pid, "uid_map", "5 0 1"))
		child_fail(report, "B's map by A: %s", strerror(errno));
	read_map(u.pid, "uid_map", rd->a_reads_b, sizeof(rd->a_reads_b));
	sync_send(u.go);
	child_report(u.report, msg, sizeof(msg));
	status = wait_child(u.pid);
	if (status)
		child_fail(report, "B: %s", msg);
	_exit(0);
}

TEST(maps_read_relative_to_the_reader)
{
	struct readings *rd;
	char want[64], t_reads_a[64];
	struct child_result r;
	struct uchild a;

	REQUIRE_NS_TYPE(&ns_types[NS_user]);
	rd = mmap(NULL, sizeof(*rd), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, rd);
	if (uchild_start(_metadata, &a, (child_fn)nested_reader, rd))
		return;
	/* A's gid must be mapped too, for it to make B's namespace. */
	snprintf(want, sizeof(want), "0 %u 1", getegid());
	ASSERT_EQ(0, write_map(a.pid, "setgroups", "deny"));
	ASSERT_EQ(0, write_map(a.pid, "gid_map", want));
	snprintf(want, sizeof(want), "0 %u 1", geteuid());
	ASSERT_EQ(0, write_map(a.pid, "uid_map", want));
	read_map(a.pid, "uid_map", t_reads_a, sizeof(t_reads_a));
	squeeze(t_reads_a);
	EXPECT_STREQ(want, t_reads_a);
	sync_send(a.go);
	close(a.go);
	child_report(a.report, r.msg, sizeof(r.msg));
	r.status = wait_child(a.pid);
	close(a.up);
	close(a.report);
	CHILD_RESULT_OK(&r);
	squeeze(rd->a_reads_b);
	squeeze(rd->b_reads_self);
	squeeze(rd->b_reads_a);
	EXPECT_STREQ("5 0 1", rd->a_reads_b)
	TH_LOG("A, in B's parent namespace, reads B's map");
	EXPECT_STREQ("5 0 1", rd->b_reads_self)
	TH_LOG("B reads its own map: the second field in the parent's ids");
	EXPECT_STREQ("0 5 1", rd->b_reads_a)
	TH_LOG("B reads A's map: the second field in B's own ids");
	munmap(rd, sizeof(*rd));
}

/* --- capabilities ------------------------------------------------------- */

static void caps_inside_not_over_parent(void *arg, int report)
{
	unsigned long long want = all_caps(), got;
	struct utsname u;

	(void)arg;
	child_unshare(report, CLONE_NEWUSER, "unshare(CLONE_NEWUSER)");
	got = cap_eff();
	if (got != want)
		child_fail(report,
			   "CapEff in the new namespace %#llx, "
			   "expected every capability %#llx",
			   got, want);
	/* The same name: even a kernel bug would change nothing. */
	if (uname(&u))
		child_fail(report, "uname: %s", strerror(errno));
	if (sethostname(u.nodename, strlen(u.nodename)) == 0 || errno != EPERM)
		child_fail(report,
			   "sethostname() on the parent's UTS "
			   "namespace: %s, expected EPERM",
			   strerror(errno));
}

/*
 * The test takes a UTS namespace of its own (owned by its user namespace),
 * whose hostname it may set; its child, in a new user namespace, has every
 * capability and may not.
 */
TEST(first_process_has_every_capability_inside_none_over_the_parent)
{
	struct utsname u;

	REQUIRE_NS_TYPE(&ns_types[NS_user]);
	REQUIRE_NS_ADMIN();
	UNSHARE_OR_SKIP(CLONE_NEWUTS);
	ASSERT_EQ(0, uname(&u));
	ASSERT_EQ(0, sethostname(u.nodename, strlen(u.nodename)))
	TH_LOG("sethostname() in the test's own UTS namespace: %s",
	       strerror(errno));
	RUN_CHILD_OK(caps_inside_not_over_parent, NULL);
}

FIXTURE(exec){};
FIXTURE_VARIANT(exec)
{
	unsigned int inside_uid;
	bool keeps;
};
FIXTURE_VARIANT_ADD(exec, uid_0){ .inside_uid = 0, .keeps = true };
FIXTURE_VARIANT_ADD(exec, uid_5){ .inside_uid = 5, .keeps = false };
FIXTURE_SETUP(exec)
{
	REQUIRE_NS_TYPE(&ns_types[NS_user]);
}
FIXTURE_TEARDOWN(exec)
{
}

static void exec_self(void *arg, int report)
{
	child_exec_self(report, CAPS_FD_ENV, *(int *)arg);
}

/* The parent maps the child's uid to 0 or 5 inside; the child execs. */
TEST_F(exec, execve_keeps_capabilities_only_for_uid_0)
{
	unsigned long long caps = ~0ULL;
	struct uchild u;
	char map[64];
	int fds[2];

	ASSERT_EQ(0, open_pipes(fds, NULL));
	if (uchild_start(_metadata, &u, exec_self, &fds[1]))
		return;
	snprintf(map, sizeof(map), "%u %u 1", variant->inside_uid, geteuid());
	ASSERT_EQ(0, write_map(u.pid, "uid_map", map));
	close(fds[1]);
	uchild_finish(_metadata, &u);
	ASSERT_EQ(sizeof(caps), read(fds[0], &caps, sizeof(caps)))
	TH_LOG("the exec'd program did not report");
	close(fds[0]);
	EXPECT_EQ(variant->keeps ? all_caps() : 0, caps)
	TH_LOG("CapEff after execve() as uid %u inside: %#llx",
	       variant->inside_uid, caps);
}

/* 340 ranges are taken; 341 give EINVAL (one write, under a page). */
TEST(more_than_five_ranges_are_accepted_up_to_340)
{
	static char text[4096];
	struct uchild u;
	char got[64 * 1024];
	size_t used;
	int lines = 0;

	REQUIRE_NS_TYPE(&ns_types[NS_user]);
	REQUIRE_HOST_ROOT("only it holds more than one id to map");
	for (int n = 341; n >= 340; n--) {
		used = 0;
		for (int i = 0; i < n; i++)
			used += snprintf(text + used, sizeof(text) - used,
					 "%d %d 1\n", i * 2, 1000 + i * 2);
		if (uchild_start(_metadata, &u, NULL, NULL))
			return;
		EXPECT_EQ(n == 340 ? 0 : -EINVAL,
			  write_map(u.pid, "uid_map", text))
		TH_LOG("a uid_map of %d ranges", n);
		if (n == 340) {
			read_map(u.pid, "uid_map", got, sizeof(got));
			for (char *p = got; (p = strchr(p, '\n')); p++)
				lines++;
			EXPECT_EQ(340, lines);
		}
		uchild_finish(_metadata, &u);
	}
}

TEST_HARNESS_MAIN

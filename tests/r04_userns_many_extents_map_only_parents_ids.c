// SPDX-License-Identifier: GPL-2.0
/*
 * R04 (regression): a nested user namespace with more than 5 uid_map lines maps only ids its parent holds
 * Rule: every line of a uid_map names ids of the parent user namespace,
 *   and the kernel translates them to kernel ids, whichever way it looks
 *   them up: down (namespace id to kernel id, setresuid()) and up (kernel
 *   id to namespace id, getuid(), stat()).  A map of more than 5 lines is
 *   kept in two sorted copies, one per direction; both must hold kernel
 *   ids.  Here U1 maps its ids 0-5 to kernel ids 100000-100005 and U2,
 *   inside it, maps its 0-5 to U1's 0-5 in six lines.  Then, seen from U2,
 *   kernel id 100000 is U2's 0, kernel id 0 (host root, which U1 does not
 *   hold) is unmapped (the overflow uid, 65534), and U2's uid 1 is kernel
 *   id 100001.
 * Man: user_namespaces(7), "Defining user and group ID mappings: writing
 *   to uid_map and gid_map" (up to 340 lines since 4.15).
 * Man-page errata: none (the page states the rule; the bug broke it).
 * The article: silent (it does not cover user namespace id maps).
 * Since: Linux 4.15 (more than 5 lines, commit 6397fac4915a); the reverse
 *   copy held parent ids until commit d2f007dbe7e4c9583eea6eb04d60001e85c6f1bd
 *   ("userns: also map extents in the reverse map to kernel IDs"), 4.20
 *   and 4.19.2: CVE-2018-18955, where U2 saw host root's files as its own
 *   root's and got its capabilities over them.
 * Exceptions: writing U1's map of several ids needs host root (the test
 *   SKIPs otherwise); U2's map is written by U1's root, which may map any
 *   ids U1 holds.
 */
#include "common.h"

#define FIX                                                            \
	"d2f007dbe7e4 (\"userns: also map extents in the reverse map " \
	"to kernel IDs\")"

#define KERNEL_BASE 100000
#define EXTENTS 6

/* What U2's process saw, sent to the test. */
struct u2_view {
	int err; /* 100 + errno of a setup step, or 0 */
	uid_t uid; /* getuid() in U2: its kernel uid is 100000 */
	uid_t root_owner; /* st_uid of "/" seen from U2 */
};

/* st_uid of "/", by fstat() of an fd (a zeroed struct if fstat() lies). */
static uid_t owner_of_root(void)
{
	struct stat st;
	int fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	uid_t uid = (uid_t)-1;

	memset(&st, 0, sizeof(st));
	if (fd >= 0 && syscall(SYS_fstat, fd, &st) == 0)
		uid = st.st_uid;
	if (fd >= 0)
		close(fd);
	return uid;
}

/* The process in U2: wait for its map, look, then become uid 1. */
static void __attribute__((noreturn)) in_u2(int up, int go)
{
	struct u2_view v = { 0 };

	if (sys_unshare(CLONE_NEWUSER))
		v.err = 100 + errno;
	if (!v.err && (sync_send(up) || sync_wait(go)))
		_exit(1);
	if (!v.err) {
		v.uid = getuid();
		v.root_owner = owner_of_root();
		if (setresuid(1, 1, 1))
			v.err = 200 + errno;
	}
	if (write(up, &v, sizeof(v)) != sizeof(v))
		_exit(1);
	sync_wait(go);
	_exit(0);
}

static int write_map(pid_t pid, const char *file, const char *map)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/%s", pid, file);
	return write_file(path, map);
}

/*
 * The process in U1: make U2's process, write its six-line map (ids U1
 * holds), pass on what it saw and its kernel uid after setresuid(1).
 */
static void __attribute__((noreturn)) in_u1(int up, int go)
{
	struct u2_view v = { 0 };
	int u2_up[2], u2_go[2];
	char map[256] = "";
	pid_t pid;

	/* U1's maps are written: be its root, kernel id 100000. */
	if (sync_send(up) || sync_wait(go) || open_pipes(u2_up, u2_go, NULL))
		_exit(1);
	if (setresgid(0, 0, 0) || setresuid(0, 0, 0))
		_exit(110 + errno);
	/* The uid change made it undumpable: /proc/PID would be root's. */
	if (prctl(PR_SET_DUMPABLE, 1))
		_exit(1);
	pid = fork_child();
	if (pid == 0) {
		close(u2_up[0]);
		close(u2_go[1]);
		in_u2(u2_up[1], u2_go[0]);
	}
	close(u2_up[1]);
	close(u2_go[0]);
	if (pid < 0 || sync_wait(u2_up[0]))
		v.err = 300;
	for (int i = 0; !v.err && i < EXTENTS; i++)
		snprintf(map + strlen(map), sizeof(map) - strlen(map),
			 "%d %d 1\n", i, i);
	if (!v.err && write_map(pid, "uid_map", map))
		v.err = 300 + errno;
	if (!v.err &&
	    (sync_send(u2_go[1]) || read(u2_up[0], &v, sizeof(v)) != sizeof(v)))
		v.err = 300;
	/* The test reads U2's kernel uid from /proc/PID/status meanwhile. */
	if (write(up, &v, sizeof(v)) != sizeof(v) ||
	    write(up, &pid, sizeof(pid)) != sizeof(pid))
		_exit(1);
	sync_wait(go);
	close(u2_go[1]);
	_exit(pid > 0 ? wait_child(pid) : 1);
}

/* The real uid on the Uid: line of /proc/@pid/status, as the test sees it. */
static long status_uid(pid_t pid)
{
	char path[64], line[256];
	long uid = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "Uid:", 4))
			uid = strtol(line + 4, NULL, 10);
	fclose(f);
	return uid;
}

static uid_t overflow_uid(void)
{
	char buf[16] = "";
	int fd = open("/proc/sys/kernel/overflowuid", O_RDONLY | O_CLOEXEC);

	if (fd < 0 || read(fd, buf, sizeof(buf) - 1) <= 0)
		strcpy(buf, "65534");
	if (fd >= 0)
		close(fd);
	return strtoul(buf, NULL, 10);
}

TEST(nested_userns_with_six_extents_maps_only_parents_ids)
{
	int up[2], go[2], status;
	struct u2_view v = { 0 };
	char map[64];
	pid_t u1, u2 = -1;

	REQUIRE_NS_TYPE(&ns_types[NS_user]);
	REQUIRE_HOST_ROOT("only host root writes a map of several ids");
	ASSERT_EQ(0, open_pipes(up, go, NULL));
	u1 = fork_child();
	ASSERT_LE(0, u1);
	if (u1 == 0) {
		close(up[0]);
		close(go[1]);
		if (sys_unshare(CLONE_NEWUSER))
			_exit(100 + errno);
		in_u1(up[1], go[0]);
	}
	close(up[1]);
	close(go[0]);
	if (sync_wait(up[0]) == 0) {
		snprintf(map, sizeof(map), "0 %d %d\n", KERNEL_BASE, EXTENTS);
		EXPECT_EQ(0, write_map(u1, "uid_map", map))
		TH_LOG("write U1's uid_map: %s", strerror(errno));
		EXPECT_EQ(0, write_map(u1, "gid_map", map))
		TH_LOG("write U1's gid_map: %s", strerror(errno));
		EXPECT_EQ(0, sync_send(go[1]));
	}
	if (read(up[0], &v, sizeof(v)) != sizeof(v) ||
	    read(up[0], &u2, sizeof(u2)) != sizeof(u2))
		v.err = -1;
	close(up[0]);
	if (!v.err) {
		EXPECT_EQ(KERNEL_BASE + 1, status_uid(u2))
		TH_LOG("after setresuid(1) in U2 its kernel uid is %ld, "
		       "expected %d",
		       status_uid(u2), KERNEL_BASE + 1);
	}
	close(go[1]);
	status = wait_child(u1);
	if (v.err > 100 && v.err < 200)
		SKIP_IF_ENV_EXPLAINS(return, NS_CALL_UNSHARE, CLONE_NEWUSER,
					   v.err - 100);
	if (status > 100 && status < 110)
		SKIP_IF_ENV_EXPLAINS(return, NS_CALL_UNSHARE, CLONE_NEWUSER,
					   status - 100);
	ASSERT_EQ(0, v.err)
	TH_LOG("setup failed: code %d (1xx unshare, 2xx setresuid in U2, "
	       "3xx U2's map; errno is the rest)",
	       v.err);
	EXPECT_EQ(0, status);
	EXPECT_EQ(0, v.uid)
	TH_LOG("U2 sees its kernel uid %d as %u, expected 0: the reverse "
	       "map holds parent ids, not kernel ids; regression: fixed by "
	       "commit " FIX,
	       KERNEL_BASE, v.uid);
	EXPECT_EQ(overflow_uid(), v.root_owner)
	TH_LOG("U2 sees / (owned by host root, not held by U1) as owned by "
	       "%u, expected the overflow uid %u: U2 maps an id its parent "
	       "does not hold; regression: fixed by commit " FIX,
	       v.root_owner, overflow_uid());
}

TEST_HARNESS_MAIN

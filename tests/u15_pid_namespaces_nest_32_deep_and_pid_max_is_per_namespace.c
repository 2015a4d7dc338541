// SPDX-License-Identifier: GPL-2.0
/*
 * U15 (interface): pid namespaces nest 32 levels below the initial one, then ENOSPC; pid_max is per pid namespace, bounded by its ancestors'
 * Rule: the initial pid namespace is level 0 and a new one is its
 *   creator's level + 1, up to level 32: creating one at level 33 fails
 *   with ENOSPC (a chain of children, each the init of the next level,
 *   finds the limit wherever the caller starts).  Each pid namespace has
 *   its own pid_max, read and written through /proc/sys/kernel/pid_max by
 *   its members (CAP_SYS_ADMIN in its owning user namespace): writing it
 *   changes neither the parent's nor the host's, pids inside stay below
 *   it, and an ancestor's lower pid_max still caps how many processes a
 *   nested namespace may have (fork: EAGAIN) even when the nested one's
 *   own value is higher.
 * Man: pid_namespaces(7), "Nesting PID namespaces" (32 levels, since 3.7);
 *   clone(2) ERRORS, ENOSPC; proc(5), /proc/sys/kernel/pid_max.
 * Man-page errata: none for the nesting (pid_namespaces(7) gives 32 levels
 *   and clone(2) ENOSPC, both right).  proc(5) describes pid_max as one
 *   limit for the whole system; since 6.14 each pid namespace has its own, and a new one starts at
 *   PID_MAX_LIMIT (4194304 on 64-bit), not at its parent's value (the test
 *   prints what it found).
 * The article: silent (it does not discuss pid namespace nesting or
 *   pid_max).
 * Since: the 32-level limit Linux 3.7 (ENOSPC since 4.9, EINVAL before);
 *   pid_max per pid namespace 6.14 (before, the file is not writable in a
 *   user namespace: EACCES, the SKIP here).
 * Exceptions: a caller that is already in a nested pid namespace has fewer
 *   levels left (the test counts from its NSpid line); max_pid_namespaces
 *   of a user namespace can refuse earlier, also with ENOSPC (then the
 *   environment rule decides).  pid_max cannot go below max(301, 8 x the
 *   possible CPUs): EINVAL.  The pid_max cases write as root of a user
 *   namespace, never as host root (an older kernel refuses that write
 *   instead of changing the host's limit): they SKIP on a kernel without
 *   user namespaces.
 */
#include <poll.h>

#include "common.h"

#define MAX_PID_NS_LEVEL 32

/* The caller's pid namespace level: entries of NSpid minus one. */
static int own_level(void)
{
	char line[512], *p, *end;
	FILE *f = fopen("/proc/self/status", "re");
	int n = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "NSpid:", 6))
			continue;
		n = 0;
		for (p = line + 6;; p = end, n++) {
			strtol(p, &end, 10);
			if (end == p)
				break;
		}
		break;
	}
	fclose(f);
	return n - 1;
}

/*
 * Whether levels above the caller are hidden: NSpid shows only what the
 * mounted /proc's pid namespace sees, so in a container (unshare --pid
 * --mount-proc) it says level 0 below the initial namespace, whose inode
 * is fixed (PROC_PID_INIT_INO, see U13).
 */
static bool levels_hidden(int level)
{
	struct stat st;

	return level == 0 && !ns_stat(0, "pid", &st) &&
	       st.st_ino != 0xEFFFFFFCUL;
}

/* What the deepest level of the chain sends up, level by level. */
struct chain_report {
	int level; /* the deepest level reached */
	int err; /* errno of clone(CLONE_NEWPID) there */
	int bad_level; /* a level whose NSpid or getpid() was wrong, or 0 */
};

/*
 * One level of the chain: check that this process is PID 1 of level
 * @level, make the next level with its own pipe, pass the report of the
 * deepest level up @up, then wait on @release, which never comes: the
 * test kills the top level and the kernel kills the rest with it.
 */
static void __attribute__((noreturn))
chain_level(int level, int up, int release)
{
	struct chain_report r = { .level = level };
	int p[2];
	pid_t pid;

	if (getpid() != 1 || own_level() != level)
		r.bad_level = level;
	for (;;) {
		if (r.bad_level || pipe2(p, O_CLOEXEC))
			break;
		pid = clone_child(CLONE_NEWPID);
		if (pid == 0) {
			close(p[0]);
			close(up);
			up = p[1];
			level++;
			r.level = level;
			if (getpid() != 1 || own_level() != level)
				r.bad_level = level;
			continue;
		}
		if (pid < 0) {
			r.err = errno;
			close(p[0]);
			close(p[1]);
			break;
		}
		close(p[1]);
		if (read(p[0], &r, sizeof(r)) != sizeof(r))
			r.bad_level = level;
		close(p[0]);
		break;
	}
	if (write(up, &r, sizeof(r)) != sizeof(r))
		_exit(1);
	sync_wait(release);
	_exit(0);
}

TEST(pid_namespaces_nest_32_levels_then_enospc)
{
	struct chain_report r = { 0 };
	int up[2], release[2], alive[2], start;
	char c;
	pid_t top;

	REQUIRE_NS_TYPE(&ns_types[NS_pid]);
	start = own_level();
	ASSERT_LE(0, start)
	TH_LOG("no NSpid line in /proc/self/status");
	REQUIRE_NS_ADMIN();
	/* alive: every level holds its write end until it is gone. */
	ASSERT_EQ(0, open_pipes(up, release, alive, NULL));
	top = clone_child(CLONE_NEWPID);
	if (top == 0) {
		close(up[0]);
		close(release[1]);
		close(alive[0]);
		chain_level(start + 1, up[1], release[0]);
	}
	close(up[1]);
	close(release[0]);
	close(alive[1]);
	if (top < 0) {
		close(up[0]);
		close(release[1]);
		close(alive[0]);
		SKIP_IF_ENV_EXPLAINS(return, NS_CALL_CLONE, CLONE_NEWPID,
					   errno);
		ASSERT_LE(0, top)
		TH_LOG("clone(CLONE_NEWPID) at level %d: %s", start + 1,
		       strerror(errno));
	}
	if (read(up[0], &r, sizeof(r)) != sizeof(r))
		r.bad_level = -1;
	close(up[0]);

	/* Clean up from the top: its exit takes every level below with it. */
	EXPECT_EQ(0, kill(top, SIGKILL));
	EXPECT_EQ(128 + SIGKILL, wait_child(top));
	close(release[1]);
	ASSERT_EQ(0, fcntl(alive[0], F_SETFL, O_NONBLOCK));
	EXPECT_EQ(0, read(alive[0], &c, 1))
	TH_LOG("a level of the chain is still alive after its top was reaped");
	close(alive[0]);

	ASSERT_EQ(0, r.bad_level)
	TH_LOG("level %d: the chain broke (NSpid, getpid() or a pipe)",
	       r.bad_level);
	if (r.level < MAX_PID_NS_LEVEL)
		SKIP_IF_ENV_EXPLAINS(return, NS_CALL_CLONE, CLONE_NEWPID,
					   r.err);
	if (levels_hidden(start)) {
		/* Started below a level /proc does not show: fewer remain. */
		EXPECT_GT(MAX_PID_NS_LEVEL, r.level)
		TH_LOG("level %d reached from a hidden start", r.level);
	} else {
		EXPECT_EQ(MAX_PID_NS_LEVEL, r.level)
		TH_LOG("the deepest pid namespace is at level %d (started at %d): "
		       "%s",
		       r.level, start, strerror(r.err));
	}
	EXPECT_EQ(ENOSPC, r.err)
	TH_LOG("clone(CLONE_NEWPID) at level %d: %s, expected ENOSPC",
	       r.level + 1, strerror(r.err));
}

/* --- pid_max ----------------------------------------------------------- */

#define PID_MAX_PATH "/proc/sys/kernel/pid_max"

static long read_pid_max(void)
{
	char buf[32] = "";
	int fd = open(PID_MAX_PATH, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return n > 0 ? strtol(buf, NULL, 10) : -EIO;
}

static int write_pid_max(long v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%ld", v);
	return write_file(PID_MAX_PATH, buf);
}

/* The lowest pid_max the kernel takes: max(301, 8 x possible CPUs). */
static long pid_max_min(void)
{
	FILE *f = fopen("/sys/devices/system/cpu/possible", "re");
	int lo, hi, cpus = 0;

	if (f) {
		while (fscanf(f, "%d", &lo) == 1) {
			cpus += fscanf(f, "-%d", &hi) == 1 ? hi - lo + 1 : 1;
			if (fgetc(f) != ',')
				break;
		}
		fclose(f);
	}
	return 8 * cpus > 301 ? 8 * cpus : 301;
}

/*
 * Outcomes of the pid_max children, as exit statuses: 0 passed; SKIP_RC
 * the kernel has no per-namespace pid_max; anything else a failure the
 * child reported on its pipe.
 */
#define SKIP_RC 4
#define NOBODY_RC 5 /* setresuid(65534) refused: uid 65534 not mapped */

/*
 * In a fresh child: uid 65534, then root of a new user namespace (so that
 * the host's pid_max can never be written, whatever the kernel), then PID
 * 1 of a new pid namespace, which runs @fn.
 */
static int in_new_pidns(int (*fn)(int report), int report)
{
	pid_t pid = fork_child(), init;
	int ret;

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		/*
		 * Kernel uid 0 may write the global pid_max of a kernel
		 * without per-namespace pid_max even from a user namespace
		 * (the file is root's): be nobody first, so that there the
		 * write is refused (EACCES) and nothing outside changes.
		 */
		if (geteuid() == 0 && drop_to_nobody())
			_exit(NOBODY_RC);
		/* The uid change made /proc/self root's: own it again. */
		if (prctl(PR_SET_DUMPABLE, 1))
			_exit(1);
		ret = become_userns_root();
		if (ret)
			_exit(CHILD_ENV_RC + -ret);
		init = clone_child(CLONE_NEWPID);
		if (init < 0)
			_exit(CHILD_ENV_RC + errno);
		if (init == 0)
			_exit(fn(report));
		_exit(wait_child(init));
	}
	return wait_child(pid);
}

/* SKIP_RC when pid_max is not this namespace's own (open: EACCES). */
static int pid_max_writable(int report)
{
	int fd = open(PID_MAX_PATH, O_WRONLY | O_CLOEXEC);

	if (fd < 0 && (errno == EACCES || errno == EPERM))
		return SKIP_RC;
	if (fd < 0)
		child_fail(report, "open(%s, O_WRONLY): %s", PID_MAX_PATH,
			   strerror(errno));
	close(fd);
	return 0;
}

static int pid_max_own_value(int report)
{
	long limit = pid_max_min() + 100, was = read_pid_max(), v;

	if (pid_max_writable(report))
		return SKIP_RC;
	ksft_print_msg("a new pid namespace starts with pid_max %ld\n", was);
	if (write_pid_max(limit))
		child_fail(report, "write %ld to %s: %s", limit, PID_MAX_PATH,
			   strerror(errno));
	v = read_pid_max();
	if (v != limit)
		child_fail(report, "%s reads %ld after writing %ld",
			   PID_MAX_PATH, v, limit);
	/* Every pid, through a wrap-around, stays below the limit. */
	for (long i = 0; i <= limit; i++) {
		pid_t pid = fork();

		if (pid == 0)
			_exit(0);
		if (pid < 0)
			child_fail(report, "fork %ld: %s", i, strerror(errno));
		wait_child(pid);
		if (pid >= limit)
			child_fail(report, "fork gave pid %d, pid_max is %ld",
				   pid, limit);
	}
	return 0;
}

/* Fill the namespace with waiting children until fork fails. */
static int pid_max_nested_inner(int report)
{
	long outer = pid_max_min() + 100, inner = outer + 100, n = 0, v;
	int hold[2];
	pid_t pid;

	if (write_pid_max(inner))
		child_fail(report, "nested: write %ld: %s", inner,
			   strerror(errno));
	v = read_pid_max();
	if (v != inner)
		child_fail(report, "nested: pid_max reads %ld, wrote %ld", v,
			   inner);
	if (pipe2(hold, O_CLOEXEC))
		child_fail(report, "pipe2: %s", strerror(errno));
	for (;;) {
		pid = fork();
		if (pid == 0) {
			close(hold[1]);
			sync_wait(hold[0]);
			_exit(0);
		}
		if (pid < 0)
			break;
		if (++n > inner)
			break;
	}
	close(hold[1]);
	if (pid >= 0)
		child_fail(report,
			   "nested: %ld forks, past the outer pid_max %ld", n,
			   outer);
	if (errno != EAGAIN)
		child_fail(report, "nested: fork %ld: %s, expected EAGAIN", n,
			   strerror(errno));
	if (n >= outer)
		child_fail(report,
			   "nested: %ld processes under an outer "
			   "pid_max of %ld",
			   n, outer);
	/* The children exit on EOF; PID 1 reaps them as it exits. */
	return 0;
}

static int pid_max_nested_outer(int report)
{
	long outer = pid_max_min() + 100;
	pid_t pid;

	if (pid_max_writable(report))
		return SKIP_RC;
	if (write_pid_max(outer))
		child_fail(report, "write %ld: %s", outer, strerror(errno));
	pid = clone_child(CLONE_NEWPID);
	if (pid < 0)
		child_fail(report, "clone(CLONE_NEWPID) nested: %s",
			   strerror(errno));
	if (pid == 0)
		_exit(pid_max_nested_inner(report));
	return wait_child(pid);
}

FIXTURE(pid_max){};

FIXTURE_VARIANT(pid_max)
{
	int (*fn)(int report);
};

FIXTURE_VARIANT_ADD(pid_max, own_value){
	.fn = pid_max_own_value,
};

FIXTURE_VARIANT_ADD(pid_max, nested_under_lower_outer){
	.fn = pid_max_nested_outer,
};

FIXTURE_SETUP(pid_max)
{
}

FIXTURE_TEARDOWN(pid_max)
{
}

TEST_F(pid_max, pid_max_is_per_pid_namespace_and_bounded_by_ancestors)
{
	long host = read_pid_max();
	int report[2], status;
	char msg[512];

	REQUIRE_NS_TYPE(&ns_types[NS_pid]);
	/* The write is made as root of a user namespace (in_new_pidns()). */
	REQUIRE_NS_TYPE(&ns_types[NS_user]);
	ASSERT_LT(0, host);
	ASSERT_EQ(0, open_pipes(report, NULL));
	status = in_new_pidns(variant->fn, report[1]);
	close(report[1]);
	child_report(report[0], msg, sizeof(msg));
	close(report[0]);
	EXPECT_EQ(host, read_pid_max())
	TH_LOG("the caller's pid_max changed from %ld to %ld", host,
	       read_pid_max());
	if (status == NOBODY_RC)
		SKIP_IF_ENV_EXPLAINS(return, NS_CALL_NOBODY, 0, EINVAL);
	if (status == SKIP_RC)
		SKIP(return,
			   "pid_max per pid namespace not implemented (%s "
			   "not writable in a user namespace: EACCES; since "
			   "6.14)",
			   PID_MAX_PATH);
	EXPECT_CHILD_PASSED(status, msg, NS_CALL_UNSHARE,
			    CLONE_NEWUSER | CLONE_NEWPID);
}

TEST_HARNESS_MAIN

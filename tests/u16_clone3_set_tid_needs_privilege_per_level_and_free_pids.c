// SPDX-License-Identifier: GPL-2.0
/*
 * U16 (interface): clone3() set_tid needs CAP_SYS_ADMIN or CAP_CHECKPOINT_RESTORE over each level, free pids below pid_max, no more entries than levels
 * Rule: clone3()'s set_tid array (innermost level first) chooses the
 *   child's pid in each pid namespace it names.  For every level the caller
 *   needs CAP_SYS_ADMIN or CAP_CHECKPOINT_RESTORE in the user namespace
 *   that owns that level's pid namespace (EPERM otherwise, also when only an
 *   outer level is out of reach); more entries than the child will have
 *   levels give EINVAL; a pid at or above that level's pid_max gives
 *   EINVAL; a pid already in use gives EEXIST.  A refused clone3() makes no
 *   process at all: the caller is left with no child.
 * Man: clone(2), "set_tid" and ERRORS (EEXIST, EINVAL, EPERM).
 * Man-page errata: clone(2) ERRORS names only CAP_SYS_ADMIN for EPERM
 *   (CAP_CHECKPOINT_RESTORE appears only in the set_tid description): this
 *   test shows that CAP_CHECKPOINT_RESTORE alone suffices; its EINVAL for
 *   "an invalid" pid does not say that pid_max is the bound.
 * The article: silent (2013: neither clone3() nor set_tid existed; its
 *   clone() picks no pids).
 * Since: set_tid Linux 5.5; CAP_CHECKPOINT_RESTORE 5.9; clone3() 5.3
 *   (ENOSYS before; E2BIG for the longer struct before 5.5).
 * Exceptions: in a new pid namespace set_tid[0] must be 1 (see U06); the
 *   array may be shorter than the levels (the others get free pids).
 */
#include "common.h"

#ifndef CAP_CHECKPOINT_RESTORE
#define CAP_CHECKPOINT_RESTORE 40
#endif

enum tid_source {
	TIDS_GIVEN, /* .tids as they are */
	TIDS_TOO_MANY, /* one more than the child's levels */
	TIDS_PID_MAX, /* this level's pid_max */
	TIDS_SIBLING, /* the pid of a live child of the caller */
};

enum caller_caps {
	CAPS_KEEP,
	CAPS_NONE, /* every capability dropped */
	CAPS_CHECKPOINT_RESTORE, /* only CAP_CHECKPOINT_RESTORE */
	CAPS_NEW_USERNS, /* root of a new user namespace below the level */
};

FIXTURE(set_tid){};

FIXTURE_VARIANT(set_tid)
{
	uint64_t flags;
	pid_t tids[2];
	size_t ntids;
	enum tid_source source;
	enum caller_caps caps;
	int err;
};

FIXTURE_VARIANT_ADD(set_tid, chosen_pid_in_each_level){
	.flags = CLONE_NEWPID,
	.tids = { 1, 4242 },
	.ntids = 2,
};

FIXTURE_VARIANT_ADD(set_tid, checkpoint_restore_alone_suffices){
	.tids = { 4343 },
	.ntids = 1,
	.caps = CAPS_CHECKPOINT_RESTORE,
};

FIXTURE_VARIANT_ADD(set_tid, no_capability_eperm){
	.tids = { 4444 },
	.ntids = 1,
	.caps = CAPS_NONE,
	.err = EPERM,
};

/* Caps in the new inner level's owner, none in the outer one's. */
FIXTURE_VARIANT_ADD(set_tid, outer_level_out_of_reach_eperm){
	.flags = CLONE_NEWPID,
	.tids = { 1, 4545 },
	.ntids = 2,
	.caps = CAPS_NEW_USERNS,
	.err = EPERM,
};

FIXTURE_VARIANT_ADD(set_tid, more_entries_than_levels_einval){
	.source = TIDS_TOO_MANY,
	.err = EINVAL,
};

FIXTURE_VARIANT_ADD(set_tid, pid_max_einval){
	.source = TIDS_PID_MAX,
	.ntids = 1,
	.err = EINVAL,
};

FIXTURE_VARIANT_ADD(set_tid, pid_in_use_eexist){
	.source = TIDS_SIBLING,
	.ntids = 1,
	.err = EEXIST,
};

FIXTURE_SETUP(set_tid)
{
}

FIXTURE_TEARDOWN(set_tid)
{
}

#define NO_SET_TID_RC 200 /* + ENOSYS or E2BIG from clone3() */

/* Keep only @keep (a capability number, or -1 for none). */
static int keep_only_cap(int keep)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2] = {};

	if (keep >= 0) {
		data[keep / 32].effective = 1U << (keep % 32);
		data[keep / 32].permitted = 1U << (keep % 32);
	}
	return syscall(SYS_capset, &hdr, data) ? -errno : 0;
}

/* Levels of the caller's pid namespace (entries of NSpid). */
static int nspid_entries(void)
{
	char line[512], *p, *end;
	FILE *f = fopen("/proc/self/status", "re");
	int n = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "NSpid:", 6))
			continue;
		for (p = line + 6;; p = end, n++) {
			strtol(p, &end, 10);
			if (end == p)
				break;
		}
	}
	fclose(f);
	return n;
}

/*
 * Whether NSpid hides levels above the test: it lists what the mounted
 * /proc's pid namespace sees, so in a container (unshare --pid
 * --mount-proc) one entry does not mean the initial pid namespace, whose
 * inode is fixed (PROC_PID_INIT_INO, see U13).  Set before the fork.
 */
static bool pid_levels_hidden;

static bool nspid_hides_levels(void)
{
	struct stat st;

	return nspid_entries() == 1 && !ns_stat(0, "pid", &st) &&
	       st.st_ino != 0xEFFFFFFCUL;
}

static long read_pid_max(void)
{
	char buf[32] = "";
	int fd = open("/proc/sys/kernel/pid_max", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return n > 0 ? strtol(buf, NULL, 10) : -1;
}

/* A child that waits for EOF on @hold, or -errno. */
static pid_t start_sibling(int *hold_w)
{
	int hold[2];
	pid_t pid;

	if (pipe2(hold, O_CLOEXEC))
		return -errno;
	pid = fork_child();
	if (pid == 0) {
		close(hold[1]);
		sync_wait(hold[0]);
		_exit(0);
	}
	close(hold[0]);
	if (pid < 0) {
		close(hold[1]);
		return -errno;
	}
	*hold_w = hold[1];
	return pid;
}

/*
 * PID 1 of a fresh pid namespace: set up the caller as the variant says,
 * run clone3() with set_tid, and check the outcome.  Returns 0,
 * CHILD_ENV_RC + errno, NO_SET_TID_RC + errno, or fails with a report.
 */
static int run_case(const FIXTURE_VARIANT(set_tid) * v, int report)
{
	pid_t tids[40], sibling = -1, pid;
	size_t ntids = v->ntids;
	int hold = -1, ret;
	siginfo_t si;

	memcpy(tids, v->tids, sizeof(v->tids));
	if (v->source == TIDS_TOO_MANY) {
		/*
		 * The child would have as many levels as the caller; when
		 * some are hidden, the most clone3() takes (32) is too many.
		 */
		ntids = pid_levels_hidden ? 32 : nspid_entries() + 1;
		for (size_t i = 0; i < ntids && i < ARRAY_SIZE(tids); i++)
			tids[i] = 5000 + i;
	} else if (v->source == TIDS_PID_MAX) {
		tids[0] = read_pid_max();
		if (tids[0] <= 0)
			child_fail(report, "read pid_max: %s", strerror(errno));
	} else if (v->source == TIDS_SIBLING) {
		sibling = start_sibling(&hold);
		if (sibling < 0)
			child_fail(report, "fork: %s", strerror(-sibling));
		tids[0] = sibling;
	}
	if (v->caps == CAPS_NEW_USERNS) {
		ret = become_userns_root();
		if (ret)
			return CHILD_ENV_RC + -ret;
	} else if (v->caps != CAPS_KEEP) {
		ret = keep_only_cap(
			v->caps == CAPS_NONE ? -1 : CAP_CHECKPOINT_RESTORE);
		if (ret)
			child_fail(report, "capset: %s", strerror(-ret));
	}

	struct nsapi_clone_args args = {
		.flags = v->flags,
		.exit_signal = SIGCHLD,
		.set_tid = (uintptr_t)tids,
		.set_tid_size = ntids,
	};
	pid = clone3_child_args(&args, sizeof(args));
	if (pid == 0)
		_exit(getpid() == tids[0] ? 0 : 1);
	if (pid < 0 && (errno == ENOSYS || errno == E2BIG))
		return NO_SET_TID_RC + errno;
	ret = pid < 0 ? errno : 0;
	if (sibling > 0) {
		close(hold);
		wait_child(sibling);
	}
	if (!v->err) {
		if (pid < 0)
			child_fail(report, "clone3(set_tid %d..., %zu): %s",
				   tids[0], ntids, strerror(ret));
		if (pid != tids[ntids - 1])
			child_fail(report, "clone3() gave pid %d, asked %d",
				   pid, tids[ntids - 1]);
		if (wait_child(pid) != 0)
			child_fail(report, "the child's own pid is not %d",
				   tids[0]);
		return 0;
	}
	if (pid > 0) {
		wait_child(pid);
		child_fail(report,
			   "clone3(set_tid %d..., %zu) made pid %d, "
			   "expected %s",
			   tids[0], ntids, pid, strerror(v->err));
	}
	if (ret != v->err)
		child_fail(report,
			   "clone3(set_tid %d..., %zu): %s, expected %s",
			   tids[0], ntids, strerror(ret), strerror(v->err));
	/* A refused call made no process: no child is left to wait for. */
	if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG) == 0 || errno != ECHILD)
		child_fail(report, "after the refused clone3() the caller "
				   "still has a child");
	return 0;
}

TEST_F(set_tid, gives_the_chosen_pids_or_refuses_and_makes_no_process)
{
	int report[2], status;
	char msg[512];
	pid_t pid;

	REQUIRE_NS_TYPE(&ns_types[NS_pid]);
	REQUIRE_NS_ADMIN();
	pid_levels_hidden = nspid_hides_levels();
	ASSERT_EQ(0, open_pipes(report, NULL));
	pid = clone_child(CLONE_NEWPID);
	if (pid < 0)
		SKIP_IF_ENV_EXPLAINS(return, NS_CALL_CLONE, CLONE_NEWPID,
					   errno);
	ASSERT_LE(0, pid)
	TH_LOG("clone(CLONE_NEWPID): %s", strerror(errno));
	if (pid == 0) {
		close(report[0]);
		_exit(run_case(variant, report[1]));
	}
	close(report[1]);
	status = wait_child(pid);
	child_report(report[0], msg, sizeof(msg));
	close(report[0]);
	if (status == NO_SET_TID_RC + E2BIG)
		SKIP(return, "clone3() set_tid not implemented (E2BIG; since "
			     "5.5)");
	if (status == NO_SET_TID_RC + ENOSYS)
		SKIP_IF_ENV_EXPLAINS(return, NS_CALL_CLONE3, CLONE_NEWPID,
					   ENOSYS);
	EXPECT_CHILD_PASSED(status, msg, NS_CALL_UNSHARE, CLONE_NEWUSER);
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * U06 (selftests): clone3() creates pid and time namespaces for the child,
 * and set_tid picks its pid in each level.
 *
 * Rule: with CLONE_NEWPID the clone3() child is PID 1 of a new pid
 * namespace, with CLONE_NEWTIME it runs in a new time namespace from its
 * first instruction.  set_tid chooses the child's pid in each nested pid
 * namespace, innermost first (the NSpid line of /proc/PID/status lists them
 * outermost first); in a new pid namespace the innermost one must be 1.
 *
 * Man: clone(2), clone3() and set_tid; time_namespaces(7).
 *
 * Man-page errata: clone(2) does not document CLONE_NEWTIME, which clone3()
 * accepts; time_namespaces(7) calls unshare() the only way to create a time
 * namespace.
 *
 * The article: silent (clone3() came in 5.3).
 *
 * Since: clone3() 5.3, set_tid 5.5, CLONE_NEWTIME in clone3() after commit
 * a402f1e9a4ee.
 *
 * Exceptions: none.
 */
#include "common.h"

FIXTURE(newns){};

FIXTURE_VARIANT(newns)
{
	uint64_t flags;
};

FIXTURE_VARIANT_ADD(newns, pid){
	.flags = CLONE_NEWPID,
};

FIXTURE_VARIANT_ADD(newns, time){
	.flags = CLONE_NEWTIME,
};

FIXTURE_VARIANT_ADD(newns, pid_and_time){
	.flags = CLONE_NEWPID | CLONE_NEWTIME,
};

FIXTURE_SETUP(newns)
{
}

FIXTURE_TEARDOWN(newns)
{
}

static int require_types(uint64_t flags, const struct ns_type **missing)
{
	const struct ns_type *t;

	for_each_ns(t) {
		if ((flags & t->flag) && !ns_type_exists(t)) {
			*missing = t;
			return -1;
		}
	}
	return 0;
}

/*
 * Exactly the types in @flags differ between the child and the caller:
 * returns the first type that does not follow that rule, or NULL.
 */
static const struct ns_type *wrong_type(pid_t child, uint64_t flags)
{
	const struct ns_type *t;

	for_each_ns(t) {
		if (!ns_type_exists(t))
			continue;
		if (in_same_namespace(child, 0, t->name) != !(flags & t->flag))
			return t;
	}
	return NULL;
}

/* The child is in new namespaces of exactly the requested types. */
TEST_F(newns, clone3_puts_child_in_new_namespaces)
{
	struct nsapi_clone_args args = {
		.flags = variant->flags,
		.exit_signal = SIGCHLD,
	};
	const struct ns_type *t = NULL;
	int report[2], release[2];
	pid_t pid, child_pid, expect_pid;

	if (require_types(variant->flags, &t))
		SKIP(return, "kernel lacks %s namespaces (%s)", t->name,
			   t->kconfig);
	REQUIRE_NS_ADMIN();
	ASSERT_EQ(0, pipe2(report, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(release, O_CLOEXEC));
	fflush(NULL);
	pid = clone3_child_args(&args, sizeof(args));
	SKIP_IF_ENV_REFUSED(return, NS_CALL_CLONE3, args.flags, pid);
	ASSERT_LE(0, pid)
	TH_LOG("clone3(flags 0x%llx): %s", (unsigned long long)args.flags,
	       strerror(errno));
	if (pid == 0) {
		child_pid = getpid();
		close(release[1]);
		if (write(report[1], &child_pid, sizeof(child_pid)) < 0)
			_exit(1);
		sync_wait(release[0]);
		_exit(0);
	}
	close(release[0]);
	close(report[1]);
	ASSERT_EQ(sizeof(child_pid),
		  read(report[0], &child_pid, sizeof(child_pid)));
	t = wrong_type(pid, variant->flags);
	close(release[1]);
	EXPECT_EQ(0, wait_child(pid));
	EXPECT_EQ(NULL, t)
	TH_LOG("%s: after clone3(flags 0x%llx) the child's %s namespace is %s the parent's",
	       t->name, (unsigned long long)args.flags, t->name,
	       (args.flags & t->flag) ? "still" : "not");
	/* In a new pid namespace the child is its init. */
	expect_pid = (variant->flags & CLONE_NEWPID) ? 1 : pid;
	EXPECT_EQ(expect_pid, child_pid)
	TH_LOG("pid: the child's getpid() is %d, expected %d", child_pid,
	       expect_pid);
}

/* --- set_tid ----------------------------------------------------------- */

FIXTURE(set_tid){};

FIXTURE_VARIANT(set_tid)
{
	uint64_t flags;
	pid_t tids[2]; /* innermost first */
	size_t ntids;
	int err; /* 0: the child gets exactly these pids */
};

/* pid 1 in the child's new pid namespace, 4242 in the one around it. */
FIXTURE_VARIANT_ADD(set_tid, new_pid_ns_1_and_4242){
	.flags = CLONE_NEWPID,
	.tids = { 1, 4242 },
	.ntids = 2,
};

FIXTURE_VARIANT_ADD(set_tid, same_pid_ns_4343){
	.tids = { 4343 },
	.ntids = 1,
};

/* A new pid namespace must start with its init: set_tid[0] is 1. */
FIXTURE_VARIANT_ADD(set_tid, new_pid_ns_without_1_einval){
	.flags = CLONE_NEWPID,
	.tids = { 4444 },
	.ntids = 1,
	.err = EINVAL,
};

/* The caller is PID 1 of its pid namespace: 1 is taken. */
FIXTURE_VARIANT_ADD(set_tid, pid_in_use_eexist){
	.tids = { 1 },
	.ntids = 1,
	.err = EEXIST,
};

FIXTURE_SETUP(set_tid)
{
}

FIXTURE_TEARDOWN(set_tid)
{
}

/* The pids of the NSpid line of /proc/self/status, outermost first. */
static int read_nspid(pid_t *pids, int max)
{
	char line[256], *p, *end;
	int n = 0;
	FILE *f = fopen("/proc/self/status", "re");

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "NSpid:", 6))
			break;
	fclose(f);
	if (strncmp(line, "NSpid:", 6))
		return -ENOENT;
	for (p = line + 6; n < max; p = end) {
		long v = strtol(p, &end, 10);

		if (end == p)
			break;
		pids[n++] = v;
	}
	return n;
}

/* In the new child: its innermost pids must be the chosen ones. */
static void __attribute__((noreturn))
check_own_pids(const pid_t *tids, size_t ntids, int report_fd)
{
	pid_t pids[40];
	int n = read_nspid(pids, ARRAY_SIZE(pids));

	if (n < (int)ntids + 1)
		child_fail(report_fd, "NSpid of /proc/self/status: %d pids", n);
	for (size_t i = 0; i < ntids; i++)
		if (pids[n - 1 - i] != tids[i])
			child_fail(
				report_fd,
				"NSpid %zu levels out is %d, set_tid[%zu] asked %d",
				i, pids[n - 1 - i], i, tids[i]);
	_exit(0);
}

/*
 * PID 1 of a fresh pid namespace (so that its pids are free and it may
 * choose them) runs clone3() with set_tid and checks the outcome.
 */
static void __attribute__((noreturn))
run_set_tid(const FIXTURE_VARIANT(set_tid) * v, int report_fd)
{
	struct nsapi_clone_args args = {
		.flags = v->flags,
		.exit_signal = SIGCHLD,
		.set_tid = (uintptr_t)v->tids,
		.set_tid_size = v->ntids,
	};
	pid_t pid = clone3_child_args(&args, sizeof(args));

	if (pid == 0)
		check_own_pids(v->tids, v->ntids, report_fd);
	if (pid < 0 && errno == E2BIG)
		_exit(KSFT_SKIP);
	if (pid < 0 && errno != v->err)
		child_refused(report_fd, NS_CALL_CLONE3, v->flags, errno);
	if (v->err) {
		if (pid > 0)
			wait_child(pid);
		if (pid > 0 || errno != v->err)
			child_fail(report_fd,
				   "clone3(set_tid) gave %s, expected %s",
				   pid > 0 ? "a child" : strerror(errno),
				   strerror(v->err));
		_exit(0);
	}
	if (pid < 0)
		child_fail(report_fd, "clone3(set_tid): %s", strerror(errno));
	/* The caller sees the pid chosen for its own level. */
	if (pid != v->tids[v->ntids - 1])
		child_fail(report_fd,
			   "clone3(set_tid) returned pid %d, set_tid asked %d",
			   pid, v->tids[v->ntids - 1]);
	_exit(wait_child(pid));
}

TEST_F(set_tid, set_tid_chooses_pid_per_level)
{
	int report[2], status;
	char msg[512];
	pid_t pid;

	REQUIRE_NS_TYPE(&ns_types[NS_pid]);
	REQUIRE_NS_ADMIN();
	ASSERT_EQ(0, pipe2(report, O_CLOEXEC));
	fflush(NULL);
	pid = clone_child(CLONE_NEWPID);
	SKIP_IF_ENV_REFUSED(return, NS_CALL_CLONE, CLONE_NEWPID, pid);
	ASSERT_LE(0, pid)
	TH_LOG("pid: clone(CLONE_NEWPID): %s", strerror(errno));
	if (pid == 0) {
		close(report[0]);
		run_set_tid(variant, report[1]);
	}
	close(report[1]);
	status = wait_child(pid);
	child_report(report[0], msg, sizeof(msg));
	close(report[0]);
	if (status == KSFT_SKIP)
		SKIP(return, "clone3() with set_tid not supported (E2BIG)");
	if (status)
		SKIP_IF_CHILD_EXPLAINED(return, msg);
	EXPECT_EQ(0, status)
	TH_LOG("pid: %s", msg[0] ? msg : "the pid 1 child reported nothing");
}

TEST_HARNESS_MAIN

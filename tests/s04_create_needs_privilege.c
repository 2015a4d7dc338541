// SPDX-License-Identifier: GPL-2.0
/*
 * S04 (article claim): creating a namespace needs CAP_SYS_ADMIN, except a
 * user namespace.
 *
 * Rule: without CAP_SYS_ADMIN in its user namespace, unshare(), clone() and
 * clone3() with any CLONE_NEW* flag but CLONE_NEWUSER fail with EPERM and
 * change nothing: no process is made and the caller's namespaces stay.  An
 * unprivileged process may create a user namespace, and inside it, where it
 * has every capability, any other type: unshare(CLONE_NEWUSER |
 * CLONE_NEWUTS) works as nobody because the user namespace is made first.
 *
 * Man: unshare(2) and clone(2), EPERM; user_namespaces(7).
 *
 * Man-page errata: none.
 *
 * The article: creating a UTS namespace, like most namespaces, needs
 * privilege (CAP_SYS_ADMIN), so that an unprivileged user cannot change the
 * hostname a set-user-ID program relies on.  Right, but it leaves out that
 * the capability is counted in the caller's user namespace, which anyone can
 * create first.
 *
 * Since: the EPERM rule with the namespaces themselves; unprivileged user
 * namespaces 3.8.
 *
 * Exceptions: unprivileged user namespaces can be switched off
 * (user.max_user_namespaces=0, Debian's kernel.unprivileged_userns_clone=0,
 * Ubuntu's AppArmor restriction): the test SKIPs that part and says which.
 * clone() cannot carry CLONE_NEWTIME (S03): for time only unshare() and
 * clone3() are checked.
 */
#include "common.h"

/* What a creation attempt did: its errno, and what changed where. */
struct outcome {
	int err; /* 0 when the call succeeded */
	uint32_t diff; /* bit i: ns_types[i] differs from before the call */
	int flags; /* the CLONE_NEW* flags being created when it failed */
};

/* In a child: report what changed since @before, then exit. */
static void __attribute__((noreturn))
report_and_exit(int fd, int err, int flags, const struct ns_snapshot *before)
{
	struct outcome out = { .err = err, .flags = flags };
	struct ns_snapshot now;

	if (ns_snapshot_take(&now))
		_exit(2);
	out.diff = ns_snapshot_diff_mask(before, &now);
	_exit(write(fd, &out, sizeof(out)) == sizeof(out) ? 0 : 3);
}

/* The child runs the call; the caller stays as it was. */
static pid_t try_unshare(int flag, int fd, const struct ns_snapshot *before)
{
	pid_t pid = fork_child();

	if (pid == 0)
		report_and_exit(fd, sys_unshare(flag) ? errno : 0, flag,
				before);
	return pid < 0 ? -errno : pid;
}

/* The child, if one is made, reports what it is in. */
static pid_t try_clone(int flag, int fd, const struct ns_snapshot *before)
{
	pid_t pid = clone_child(flag);

	if (pid == 0)
		report_and_exit(fd, 0, flag, before);
	return pid < 0 ? -errno : pid;
}

static pid_t try_clone3(int flag, int fd, const struct ns_snapshot *before)
{
	pid_t pid = clone3_child(flag);

	if (pid == 0)
		report_and_exit(fd, 0, flag, before);
	return pid < 0 ? -errno : pid;
}

static bool clone_can_carry(int flag)
{
	return !(flag & CSIGNAL);
}

/* A filter's ENOSYS is tried anyway: the rule names the filter. */
static bool clone3_exists(int flag)
{
	struct nsapi_clone_args probe = {};

	(void)flag;
	return !(sys_clone3(&probe, 0) < 0 && errno == ENOSYS) ||
	       ns_env()->filtered[NS_CALL_CLONE3][0];
}

static const struct create_call {
	const char *name;
	enum ns_call call;
	/* Returns the child's pid, or -errno when the call itself failed. */
	pid_t (*run)(int flag, int fd, const struct ns_snapshot *before);
	bool (*applies)(int flag);
} create_calls[] = {
	{ "unshare", NS_CALL_UNSHARE, try_unshare, NULL },
	{ "clone", NS_CALL_CLONE, try_clone, clone_can_carry },
	{ "clone3", NS_CALL_CLONE3, try_clone3, clone3_exists },
};

/*
 * Make the attempt; a call that failed made no process (waitpid() finds no
 * child) and must not have changed the caller either.
 */
static void attempt(struct __test_metadata *_metadata,
		    const struct create_call *call, int flag,
		    struct outcome *out)
{
	struct ns_snapshot before;
	int report[2], status;
	pid_t pid;

	ASSERT_EQ(0, ns_snapshot_take(&before));
	ASSERT_EQ(0, pipe2(report, O_CLOEXEC));
	fflush(NULL);
	pid = call->run(flag, report[1], &before);
	close(report[1]);
	if (pid < 0) {
		struct ns_snapshot after;

		ASSERT_EQ(0, ns_snapshot_take(&after));
		out->err = -pid;
		out->diff = ns_snapshot_diff_mask(&before, &after);
		EXPECT_EQ(-1, waitpid(-1, &status, WNOHANG | __WALL))
		TH_LOG("%s failed with %s and yet made a child", call->name,
		       strerror(out->err));
	} else {
		EXPECT_EQ(sizeof(*out), read(report[0], out, sizeof(*out)))
		TH_LOG("%s: the child did not report", call->name);
		EXPECT_EQ(0, wait_child(pid));
	}
	close(report[0]);
}

/*
 * The environment rule for one outcome: a refusal where success was due
 * SKIPs when the environment explains it; the EPERM that is due proves
 * nothing when a seccomp filter gives it (SKIP).  Returns false on SKIP.
 */
static bool env_allows_check(struct __test_metadata *_metadata,
			     enum ns_call call, int err,
			     const struct outcome *out)
{
	char why[256];

	if (out->err && out->err != err)
		SKIP_IF_ENV_EXPLAINS(return false, call, out->flags, out->err);
	if (out->err &&
	    ns_env_explains_filter(call, ns_env_type_index(out->flags),
				   out->err, why, sizeof(why)))
		SKIP(return false, "%s", why);
	return true;
}

/* Every applicable call with @flag: expect @err and exactly @diff changed. */
static void expect_calls(struct __test_metadata *_metadata,
			 const struct ns_type *ns, int err, uint32_t diff)
{
	for (size_t i = 0; i < ARRAY_SIZE(create_calls); i++) {
		const struct create_call *call = &create_calls[i];
		struct outcome out = { .err = -1 };

		if (call->applies && !call->applies(ns->flag)) {
			ksft_print_msg("%s: %s() cannot make this namespace, "
				       "not checked\n",
				       ns->name, call->name);
			continue;
		}
		out.flags = ns->flag;
		attempt(_metadata, call, ns->flag, &out);
		if (!env_allows_check(_metadata, call->call, err, &out))
			return;
		EXPECT_EQ(err, out.err)
		TH_LOG("%s(%s) as uid %d: expected %s, got %s", call->name,
		       ns->flag_name, geteuid(),
		       err ? strerror(err) : "success",
		       out.err ? strerror(out.err) : "success");
		EXPECT_EQ(diff, out.diff)
		TH_LOG("%s(%s) as uid %d: namespaces changed: mask %#x, "
		       "expected %#x",
		       call->name, ns->flag_name, geteuid(), out.diff, diff);
	}
}

/*
 * Lose CAP_SYS_ADMIN in this (the test's own, disposable) process: root
 * becomes uid/gid 65534; a caller already without it stays as it is.
 */
static int become_unprivileged(void)
{
	int ret = 0;

	if (geteuid() == 0 || have_cap(CAP_SYS_ADMIN))
		ret = drop_to_nobody();
	if (!ret && have_cap(CAP_SYS_ADMIN))
		ret = -EPERM;
	return ret;
}

#define REQUIRE_UNPRIVILEGED()                                              \
	do {                                                                \
		int __ret = become_unprivileged();                          \
		SKIP_IF_ENV_EXPLAINS(return, NS_CALL_NOBODY, 0, -__ret);    \
		ASSERT_EQ(0, __ret)                                         \
		TH_LOG("dropping CAP_SYS_ADMIN by becoming uid/gid 65534: " \
		       "%s",                                                \
		       strerror(-__ret));                                   \
	} while (0)

NS_TYPE_FIXTURE(privilege);

/* Without CAP_SYS_ADMIN: EPERM and nothing changed, but for user. */
TEST_F(privilege, unprivileged_create_fails_with_eperm_except_user)
{
	bool user = variant->ns->flag == CLONE_NEWUSER;

	REQUIRE_NS_TYPE(variant->ns);
	REQUIRE_UNPRIVILEGED();
	expect_calls(_metadata, variant->ns, user ? 0 : EPERM,
		     user ? 1U << NS_user : 0);
}

/* With CAP_SYS_ADMIN (root, or root of a user namespace) every call works. */
TEST_F(privilege, cap_sys_admin_creates_namespace)
{
	REQUIRE_NS_TYPE(variant->ns);
	REQUIRE_NS_ADMIN();
	expect_calls(_metadata, variant->ns, 0, 1U << (variant->ns - ns_types));
}

/* Unprivileged: user namespace first, then UTS inside it; or both at once. */
static const struct userns_case {
	const char *name;
	int calls[2]; /* unshare() flags, in order; 0 ends */
} userns_cases[] = {
	{ "user, then uts", { CLONE_NEWUSER, CLONE_NEWUTS } },
	{ "user and uts in one call", { CLONE_NEWUSER | CLONE_NEWUTS, 0 } },
};

static void __attribute__((noreturn))
run_userns_case(const struct userns_case *c, int fd)
{
	struct ns_snapshot before;
	int made = 0; /* the flags so far: uts is made in the new user ns */

	if (ns_snapshot_take(&before))
		_exit(2);
	for (size_t i = 0; i < ARRAY_SIZE(c->calls) && c->calls[i]; i++) {
		made |= c->calls[i];
		if (sys_unshare(c->calls[i]))
			report_and_exit(fd, errno, made, &before);
	}
	report_and_exit(fd, 0, made, &before);
}

TEST(unprivileged_user_namespace_can_hold_uts_namespace)
{
	const struct ns_type *uts = &ns_types[NS_uts];

	REQUIRE_NS_TYPE(uts);
	REQUIRE_NS_TYPE(&ns_types[NS_user]);
	REQUIRE_UNPRIVILEGED();
	/* The refusal first: without the user namespace, EPERM. */
	expect_calls(_metadata, uts, EPERM, 0);

	for (size_t i = 0; i < ARRAY_SIZE(userns_cases); i++) {
		struct outcome out = { .err = -1 };
		int report[2];
		pid_t pid;

		ASSERT_EQ(0, pipe2(report, O_CLOEXEC));
		fflush(NULL);
		pid = fork_child();
		ASSERT_LE(0, pid);
		if (pid == 0)
			run_userns_case(&userns_cases[i], report[1]);
		close(report[1]);
		EXPECT_EQ(sizeof(out), read(report[0], &out, sizeof(out)));
		EXPECT_EQ(0, wait_child(pid));
		close(report[0]);
		if (out.err)
			SKIP_IF_ENV_EXPLAINS(return, NS_CALL_UNSHARE, out.flags,
						   out.err);
		EXPECT_EQ(0, out.err)
		TH_LOG("%s as uid %d: unshare: %s", userns_cases[i].name,
		       geteuid(), strerror(out.err));
		EXPECT_EQ(1U << NS_user | 1U << NS_uts, out.diff)
		TH_LOG("%s: namespaces changed: mask %#x", userns_cases[i].name,
		       out.diff);
	}
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * S05 (article claim): a UTS namespace isolates the hostname and the NIS
 * domain name.
 *
 * Rule: a new UTS namespace starts with a copy of its creator's names;
 * sethostname() and setdomainname() in it change what uname() returns to
 * its members only.  The parent, still in the old namespace, sees its names
 * unchanged at the same moment, and a change made outside is not seen inside
 * either.  The other uname() fields (sysname, release, version, machine) are
 * not per namespace.
 *
 * Man: uts_namespaces(7), sethostname(2), setdomainname(2), uname(2).
 *
 * Man-page errata: none.
 *
 * The article: an unprivileged user able to set any hostname could defeat
 * lock files or change a program's behavior, hence the privilege for a UTS
 * namespace.  It is silent on what the namespace holds: both names, copied
 * (not reset) at creation.
 *
 * Since: 2.6.19.
 *
 * Exceptions: none; for host safety every change happens only after the
 * test has seen, by (st_dev, st_ino), that the process left the namespace it
 * started in.
 */
#include <stddef.h>
#include <sys/utsname.h>

#include "common.h"

/* The two names a UTS namespace holds, and how to set each. */
static const struct uts_name {
	const char *name;
	int (*set)(const char *name, size_t len);
	size_t offset; /* in struct utsname */
	const char *value;
} uts_names[] = {
	{ "hostname", sethostname, offsetof(struct utsname, nodename),
	  "nsapi-s05-host" },
	{ "domainname", setdomainname, offsetof(struct utsname, domainname),
	  "nsapi-s05.invalid" },
};

static const char *field(const struct utsname *u, const struct uts_name *n)
{
	return (const char *)u + n->offset;
}

/* unshare(CLONE_NEWUTS), and prove by inode that it took effect. */
static int enter_new_uts(void)
{
	struct stat before, after;

	if (ns_stat(0, "uts", &before) || sys_unshare(CLONE_NEWUTS) ||
	    ns_stat(0, "uts", &after))
		return -errno;
	return same_inode(&before, &after) ? -EEXIST : 0;
}

static const char *enter_error(int ret)
{
	return ret == -EEXIST ? "the uts inode did not change" : strerror(-ret);
}

/* Set both names; only ever called after enter_new_uts() succeeded. */
static int set_names(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(uts_names); i++) {
		const struct uts_name *n = &uts_names[i];

		if (n->set(n->value, strlen(n->value)))
			return -errno;
	}
	return 0;
}

/*
 * A child that enters a new UTS namespace, optionally sets both names, and
 * sends its uname() to the parent: once when set up, then once for every
 * byte on go_fd, until go_fd is closed.
 */
static void __attribute__((noreturn))
uts_child(bool set, int uname_fd, int go_fd, int report_fd)
{
	struct utsname u;
	ssize_t n;
	int ret;
	char c;

	ret = enter_new_uts();
	if (ret && ret != -EEXIST)
		child_refused(report_fd, NS_CALL_UNSHARE, CLONE_NEWUTS, -ret);
	if (ret)
		child_fail(report_fd, "unshare(CLONE_NEWUTS): %s",
			   enter_error(ret));
	ret = set ? set_names() : 0;
	if (ret)
		child_fail(report_fd, "sethostname/setdomainname: %s",
			   strerror(-ret));
	do {
		if (uname(&u) || write(uname_fd, &u, sizeof(u)) != sizeof(u))
			child_fail(report_fd, "uname() or reporting it: %s",
				   strerror(errno));
		n = read(go_fd, &c, 1);
	} while (n == 1);
	if (n != 0)
		child_fail(report_fd, "handshake with parent failed");
	_exit(0);
}

struct uts_probe {
	pid_t pid;
	int uname_fd, go_fd, report_fd;
};

static int start_uts_child(struct uts_probe *p, bool set)
{
	struct child_pipes c;

	if (child_pipes_open(&c))
		return -errno;
	fflush(NULL);
	p->pid = fork_child();
	if (child_pipes_keep(&c, p->pid, &p->uname_fd, &p->go_fd,
			     &p->report_fd))
		return -errno;
	if (p->pid == 0)
		uts_child(set, c.up[1], c.go[0], c.report[1]);
	return 0;
}

/*
 * The child's uname(), read while it is alive in its namespace; false when
 * it SKIPped (the environment refused the child's unshare()).
 */
static bool child_uname(struct __test_metadata *_metadata, struct uts_probe *p,
			struct utsname *u)
{
	char msg[512];

	if (read(p->uname_fd, u, sizeof(*u)) == sizeof(*u))
		return true;
	child_report(p->report_fd, msg, sizeof(msg));
	close(p->go_fd);
	wait_child(p->pid);
	SKIP_IF_CHILD_EXPLAINED(return false, msg);
	TH_LOG("uts child %d: %s", p->pid, msg);
	ASSERT_TRUE(false);
	return false;
}

static void stop_uts_child(struct __test_metadata *_metadata,
			   struct uts_probe *p)
{
	close(p->go_fd);
	EXPECT_EQ(0, wait_child(p->pid));
	close(p->uname_fd);
	close(p->report_fd);
}

static void expect_names(struct __test_metadata *_metadata, const char *who,
			 const struct utsname *want, const struct utsname *got)
{
	for (size_t i = 0; i < ARRAY_SIZE(uts_names); i++) {
		EXPECT_STREQ(field(want, &uts_names[i]),
			     field(got, &uts_names[i]))
		TH_LOG("uts: %s sees %s \"%s\", expected \"%s\"", who,
		       uts_names[i].name, field(got, &uts_names[i]),
		       field(want, &uts_names[i]));
	}
}

static void expect_set_names(struct __test_metadata *_metadata, const char *who,
			     const struct utsname *got)
{
	for (size_t i = 0; i < ARRAY_SIZE(uts_names); i++) {
		EXPECT_STREQ(uts_names[i].value, field(got, &uts_names[i]))
		TH_LOG("uts: %s sees %s \"%s\" after setting \"%s\"", who,
		       uts_names[i].name, field(got, &uts_names[i]),
		       uts_names[i].value);
	}
}

/* Before any change, a new UTS namespace holds a copy of the names. */
TEST(new_uts_namespace_starts_with_copy_of_names)
{
	struct utsname parent, inside;
	struct uts_probe p;

	REQUIRE_NS_TYPE(&ns_types[NS_uts]);
	REQUIRE_NS_ADMIN();
	ASSERT_EQ(0, uname(&parent));
	ASSERT_EQ(0, start_uts_child(&p, false));
	if (!child_uname(_metadata, &p, &inside))
		return;
	expect_names(_metadata, "the new namespace", &parent, &inside);
	EXPECT_STREQ(parent.release, inside.release);
	stop_uts_child(_metadata, &p);
}

/*
 * The child's names change for the child; the parent's uname(), at the
 * same moment and after the child is gone, still has the old ones.
 */
TEST(sethostname_in_new_uts_is_seen_inside_only)
{
	struct utsname before, inside, outside;
	struct uts_probe p;

	REQUIRE_NS_TYPE(&ns_types[NS_uts]);
	REQUIRE_NS_ADMIN();
	ASSERT_EQ(0, uname(&before));
	ASSERT_EQ(0, start_uts_child(&p, true));
	if (!child_uname(_metadata, &p, &inside))
		return;
	expect_set_names(_metadata, "the child, inside", &inside);
	ASSERT_EQ(0, uname(&outside));
	ns_observe("inside the new UTS namespace: %s / %s; outside: %s / %s",
		   inside.nodename, inside.domainname, outside.nodename,
		   outside.domainname);
	expect_names(_metadata, "the parent, while the child lives", &before,
		     &outside);
	stop_uts_child(_metadata, &p);
	ASSERT_EQ(0, uname(&outside));
	expect_names(_metadata, "the parent, after the child", &before,
		     &outside);
}

/*
 * The other direction: this test's process takes a UTS namespace of its
 * own, a child takes another, and the names the parent then sets stay out
 * of the child's.
 */
TEST(sethostname_outside_is_not_seen_inside)
{
	struct utsname before, inside, outside;
	struct uts_probe p;
	int ret;

	REQUIRE_NS_TYPE(&ns_types[NS_uts]);
	REQUIRE_NS_ADMIN();
	ASSERT_EQ(0, uname(&before));
	ret = enter_new_uts();
	if (ret != -EEXIST)
		SKIP_IF_ENV_EXPLAINS(return, NS_CALL_UNSHARE, CLONE_NEWUTS,
					   -ret);
	ASSERT_EQ(0, ret)
	TH_LOG("uts: unshare(CLONE_NEWUTS) for the test itself: %s",
	       enter_error(ret));
	ASSERT_EQ(0, start_uts_child(&p, false));
	if (!child_uname(_metadata, &p, &inside))
		return;
	expect_names(_metadata, "the child, before the change", &before,
		     &inside);
	ret = set_names();
	ASSERT_EQ(0, ret)
	TH_LOG("uts: sethostname/setdomainname: %s", strerror(-ret));
	ASSERT_EQ(0, uname(&outside));
	expect_set_names(_metadata, "the parent", &outside);
	ASSERT_EQ(0, sync_send(p.go_fd));
	if (!child_uname(_metadata, &p, &inside))
		return;
	expect_names(_metadata, "the child, after the parent's change", &before,
		     &inside);
	stop_uts_child(_metadata, &p);
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * U04 (selftests): NS_GET_OWNER_UID gives the creator's uid as the caller
 * sees it.
 *
 * Rule: ioctl(fd, NS_GET_OWNER_UID, &uid) stores the effective uid of the
 * process that created the user namespace behind fd, translated into the
 * caller's user namespace: the creator's uid from outside, the overflow uid
 * (65534) from a namespace where that uid is not mapped.  An fd of any other
 * type gives EINVAL.
 *
 * Man: ioctl_ns(2), "Discovering the owner of a user namespace".
 *
 * Man-page errata: none.
 *
 * The article: silent.
 *
 * Since: 4.11.
 *
 * Exceptions: none.
 */
#include "common.h"

/* Reported when the ioctl stored nothing. */
#define UID_UNSET ((uid_t)-2)
/* The creator's uid when the test can choose one (as host root). */
#define CHOSEN_UID 4242

/* The owner uid of the user namespace behind fd, or -errno. */
static int get_owner_uid(int fd, uid_t *uid)
{
	*uid = UID_UNSET;
	return ioctl(fd, NS_GET_OWNER_UID, uid) ? -errno : 0;
}

struct answer {
	int ret;
	uid_t uid;
};

struct creator {
	pid_t pid;
	uid_t uid;
	int answer_fd;
	int release_fd;
};

/*
 * A child that takes uid @uid, creates a user namespace, reports what
 * NS_GET_OWNER_UID says from inside it, and waits until released.
 */
static void __attribute__((noreturn))
creator_child(uid_t uid, int answer_fd, int release_fd)
{
	struct answer a = { .ret = -ECHILD, .uid = UID_UNSET };
	pid_t parent = getppid();
	int fd, ret = 0;

	if (setresgid(uid, uid, uid) || setresuid(uid, uid, uid))
		ret = -errno;
	/* A uid change clears the parent-death signal: set it again. */
	die_with_parent(parent);
	if (ret)
		a.ret = ret;
	else if (sys_unshare(CLONE_NEWUSER))
		a.ret = -errno;
	else if ((fd = ns_open(0, "user")) < 0)
		a.ret = -errno;
	else
		a.ret = get_owner_uid(fd, &a.uid);
	if (write(answer_fd, &a, sizeof(a)) != sizeof(a))
		_exit(1);
	sync_wait(release_fd);
	_exit(0);
}

static int start_creator(struct creator *c, struct answer *inside)
{
	int answer[2], release[2];

	if (open_pipes(answer, release, NULL))
		return -errno;
	fflush(NULL);
	c->pid = fork_child();
	if (c->pid < 0)
		return -errno;
	if (c->pid == 0) {
		close(release[1]);
		creator_child(c->uid, answer[1], release[0]);
	}
	close(answer[1]);
	close(release[0]);
	c->answer_fd = answer[0];
	c->release_fd = release[1];
	if (read(c->answer_fd, inside, sizeof(*inside)) != sizeof(*inside))
		return -EPIPE;
	return 0;
}

static int stop_creator(struct creator *c)
{
	close(c->release_fd);
	close(c->answer_fd);
	return wait_child(c->pid);
}

static uid_t overflowuid(void)
{
	unsigned int uid = 65534;
	FILE *f = fopen("/proc/sys/kernel/overflowuid", "re");

	if (f) {
		if (fscanf(f, "%u", &uid) != 1)
			uid = 65534;
		fclose(f);
	}
	return uid;
}

/*
 * Host root creates the namespace as uid 4242; anyone else first becomes
 * root of a user namespace, where its only mapped uid is 0.  The caller
 * sees the creator's uid; the creator, inside its own unmapped namespace,
 * sees the overflow uid.
 */
TEST(owner_uid_is_creators_uid_as_the_caller_sees_it)
{
	struct creator c = { .pid = -1, .answer_fd = -1, .release_fd = -1 };
	struct answer inside;
	uid_t outside;
	int fd, ret;

	c.uid = have_host_root() ? CHOSEN_UID : 0;
	if (c.uid == 0 && (ret = become_userns_root()))
		SKIP(return,
			   "cannot create a user namespace to choose a uid in: %s",
			   strerror(-ret));
	ret = start_creator(&c, &inside);
	ASSERT_EQ(0, ret)
	TH_LOG("user: starting the creator as uid %u: %s", c.uid,
	       strerror(-ret));
	if (inside.ret == -EPERM || inside.ret == -ENOSPC)
		SKIP(stop_creator(&c);
		     return, "uid %u cannot create a user namespace: %s", c.uid,
			   strerror(-inside.ret));

	fd = ns_open(c.pid, "user");
	ASSERT_LE(0, fd)
	TH_LOG("open(/proc/%d/ns/user): %s", c.pid, strerror(errno));
	ret = get_owner_uid(fd, &outside);
	close(fd);
	EXPECT_EQ(0, stop_creator(&c));
	if (ret == -ENOTTY)
		SKIP(return, "NS_GET_OWNER_UID not supported (ENOTTY)");
	ASSERT_EQ(0, ret)
	TH_LOG("user: ioctl(NS_GET_OWNER_UID) from the creator's parent: %s",
	       strerror(-ret));
	EXPECT_EQ(c.uid, outside)
	TH_LOG("user: a namespace created by uid %u reports owner %u", c.uid,
	       outside);

	ASSERT_EQ(0, inside.ret)
	TH_LOG("user: the creator's setresuid/unshare/ioctl: %s",
	       strerror(-inside.ret));
	EXPECT_EQ(overflowuid(), inside.uid)
	TH_LOG("user: from inside, where uid %u is unmapped, the owner reads as %u, expected the overflow uid",
	       c.uid, inside.uid);
}

/* Only user namespaces have an owner uid. */
TEST(non_user_types_give_einval)
{
	const struct ns_type *t;
	uid_t uid;
	int fd, ret;

	for_each_ns(t) {
		if (t->flag == CLONE_NEWUSER || !ns_type_exists(t))
			continue;
		fd = ns_open(0, t->name);
		ASSERT_LE(0, fd)
		TH_LOG("open(/proc/self/ns/%s): %s", t->name, strerror(errno));
		ret = get_owner_uid(fd, &uid);
		close(fd);
		if (ret == -ENOTTY)
			SKIP(return, "NS_GET_OWNER_UID not supported (ENOTTY)");
		EXPECT_EQ(-EINVAL, ret)
		TH_LOG("%s: NS_GET_OWNER_UID gave %s (uid %u), expected EINVAL",
		       t->name, ret ? strerror(-ret) : "success", uid);
		EXPECT_EQ(UID_UNSET, uid)
		TH_LOG("%s: the refused NS_GET_OWNER_UID stored uid %u",
		       t->name, uid);
	}
}

TEST_HARNESS_MAIN

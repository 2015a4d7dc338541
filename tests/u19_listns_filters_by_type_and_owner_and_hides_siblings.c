// SPDX-License-Identifier: GPL-2.0
/*
 * U19 (interface): listns() filters by several types and by owner, shows the caller its own namespaces and never its siblings'
 * Rule: listns(req, ids, n, flags) lists namespace ids in ascending
 *   order.  req.ns_type is a mask of CLONE_NEW* flags, several at once;
 *   req.user_ns_id keeps only namespaces owned by that user namespace,
 *   LISTNS_CURRENT_USER by the caller's.  A caller always sees its own
 *   namespaces; one inside a user namespace never sees those of a sibling
 *   user namespace (it has no CAP_SYS_ADMIN there); 6.19 also shows it the
 *   namespaces its user namespace owns, 7.x only to a caller with
 *   CAP_SYS_ADMIN in the initial user and pid namespaces (see U14: the test
 *   says which it found).  flags other than 0 and a nonzero req.spare give
 *   EINVAL, a req.size below 32 EINVAL; an ids buffer the kernel cannot
 *   write, whole or from its second slot on, gives EFAULT.
 * Man: none yet; the kernel's include/uapi/linux/nsfs.h and kernel/nstree.c.
 * Man-page errata: no page exists.  The catalog's "spare fields give
 *   EINVAL" holds for spare; the kernel does not check spare2 (not
 *   asserted), and an unknown ns_type bit gives EOPNOTSUPP, not EINVAL.
 * The article: silent (it has no way to list namespaces: one finds them
 *   through processes' /proc/PID/ns files).
 * Since: Linux 6.19 (ENOSYS before).
 * Exceptions: other processes' namespaces come and go while the test
 *   lists; the test checks the namespaces of its own children only.
 */
#include "common.h"

static uint64_t ids_buf[LISTNS_MAX];

#define SETUP_RC 100 /* + errno of the child's unshare() */

/* Own namespace id of type @name for /proc/@pid (0: self). */
static uint64_t ns_id_of(pid_t pid, const char *name)
{
	int fd = ns_open(pid, name);
	uint64_t id = fd < 0 ? 0 : id_of(fd);

	if (fd >= 0)
		close(fd);
	return id;
}

/*
 * A holder in new namespaces (@flags: CLONE_NEWUSER first when set, so
 * that nobody may make the others), until its release pipe closes.
 * Returns its pid or -errno (*@flag: the flag refused).
 */
static pid_t holder_in(uint64_t flags, int *release, int *flag)
{
	int up[2], rel[2], err = 0;
	pid_t pid;

	if (open_pipes(up, rel, NULL))
		return -errno;
	pid = fork_child();
	if (pid == 0) {
		close(up[0]);
		close(rel[1]);
		if ((flags & CLONE_NEWUSER) && sys_unshare(CLONE_NEWUSER))
			err = errno, *flag = CLONE_NEWUSER;
		if (!err && (flags & ~CLONE_NEWUSER) &&
		    sys_unshare(flags & ~CLONE_NEWUSER))
			err = errno;
		child_hold(up[1], err, rel[0]);
	}
	close(up[1]);
	close(rel[0]);
	if (pid > 0)
		err = held_errno(up[0]);
	close(up[0]);
	if (pid < 0 || err) {
		close(rel[1]);
		if (pid > 0)
			wait_child(pid);
		*flag = flags & CLONE_NEWUSER ? CLONE_NEWUSER : (int)flags;
		return pid < 0 ? -errno : -err;
	}
	*release = rel[1];
	return pid;
}

#define HOLDER_IN(pid, flags, release)                                        \
	do {                                                                  \
		int __flag = 0;                                               \
		pid = holder_in(flags, release, &__flag);                     \
		if (pid < 0)                                                  \
			SKIP_IF_ENV_EXPLAINS(return, NS_CALL_UNSHARE, __flag, \
						   -pid);                     \
		ASSERT_LT(0, pid)                                             \
		TH_LOG("holder with unshare(0x%llx): %s",                     \
		       (unsigned long long)(flags), strerror(-pid));          \
	} while (0)

/* In a child: after @setup (0 or an errno), run @fn and exit with it. */
static int in_child(int (*setup)(void), int (*fn)(int report, void *arg),
		    void *arg, char *msg, size_t len)
{
	int report[2], status;
	pid_t pid;

	msg[0] = '\0';
	if (open_pipes(report, NULL))
		return -errno;
	pid = fork_child();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		int err = setup ? setup() : 0;

		close(report[0]);
		if (err)
			_exit(SETUP_RC + err);
		_exit(fn(report[1], arg));
	}
	close(report[1]);
	status = wait_child(pid);
	child_report(report[0], msg, len);
	close(report[0]);
	return status;
}

/* The outcome of in_child(): SKIP when the environment explains it. */
#define EXPECT_CHILD_OK(status, msg)                                           \
	do {                                                                   \
		if ((status) > SETUP_RC && (status) < 128) {                   \
			SKIP_IF_ENV_EXPLAINS(return, NS_CALL_UNSHARE,          \
						   CLONE_NEWUSER,              \
						   (status)-SETUP_RC);         \
			snprintf(msg, sizeof(msg), "unshare(): %s",            \
				 strerror((status)-SETUP_RC));                 \
		}                                                              \
		EXPECT_EQ(0, status)                                           \
		TH_LOG("%s", (msg)[0] ? (msg) : "the child reported nothing"); \
	} while (0)

static int new_user_uts_ipc_net(void)
{
	if (sys_unshare(CLONE_NEWUSER) ||
	    sys_unshare(CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET))
		return errno;
	return 0;
}

static int new_user_uts(void)
{
	if (sys_unshare(CLONE_NEWUSER) || sys_unshare(CLONE_NEWUTS))
		return errno;
	return 0;
}

/* The type of namespace @id (by a handle holding the id only), or 0. */
static int type_of_id(uint64_t id)
{
	struct nsapi_handle h = {
		.fh = { .handle_bytes = sizeof(h.nsfs),
			.handle_type = FILEID_NSFS },
		.nsfs = { .ns_id = id },
	};
	int fd = open_by_handle_at(FD_NSFS_ROOT, &h.fh, O_RDONLY | O_CLOEXEC);
	int type;

	if (fd < 0)
		return 0;
	type = ioctl(fd, NS_GET_NSTYPE);
	close(fd);
	return type < 0 ? 0 : type;
}

static int list_uts_and_ipc(int report, void *arg)
{
	uint32_t mask = CLONE_NEWUTS | CLONE_NEWIPC;
	long n = listns_all(mask, ids_buf, ARRAY_SIZE(ids_buf));
	int type, checked = 0;

	(void)arg;
	if (n < 0)
		child_fail(report, "listns(CLONE_NEWUTS | CLONE_NEWIPC): %s",
			   strerror(-n));
	if (!listed(ids_buf, n, ns_id_of(0, "uts")) ||
	    !listed(ids_buf, n, ns_id_of(0, "ipc")))
		child_fail(report, "listns(CLONE_NEWUTS | CLONE_NEWIPC) lacks "
				   "the caller's own uts or ipc namespace");
	if (listed(ids_buf, n, ns_id_of(0, "net")))
		child_fail(report, "listns(CLONE_NEWUTS | CLONE_NEWIPC) lists "
				   "the caller's net namespace");
	for (long i = 0; i < n; i++) {
		type = type_of_id(ids_buf[i]);
		if (type && !(type & mask))
			child_fail(report,
				   "listns(CLONE_NEWUTS | CLONE_NEWIPC) "
				   "lists id %llu of type %#x",
				   (unsigned long long)ids_buf[i], type);
		checked += type != 0;
	}
	if (checked < 2)
		child_fail(report,
			   "only %d of %ld listed ids could be opened "
			   "by handle",
			   checked, n);
	return 0;
}

/* A caller in new user, uts, ipc and net namespaces lists two types. */
TEST(type_filter_takes_several_types_at_once)
{
	char msg[512];
	int status;

	REQUIRE_LISTNS();
	status = in_child(new_user_uts_ipc_net, list_uts_and_ipc, NULL, msg,
			  sizeof(msg));
	EXPECT_CHILD_OK(status, msg);
}

/* In new user and uts namespaces: @arg is the uts id left behind. */
static int list_by_owner(int report, void *arg)
{
	uint64_t outer_uts = *(uint64_t *)arg, uts = ns_id_of(0, "uts");
	struct nsapi_ns_id_req req = {
		.size = sizeof(req),
		.user_ns_id = ns_id_of(0, "user"),
	};
	const char *how[] = { "user_ns_id of its own user namespace",
			      "LISTNS_CURRENT_USER" };

	for (int i = 0; i < 2; i++) {
		long n = listns_all_req(&req, ids_buf, ARRAY_SIZE(ids_buf));

		if (n < 0)
			child_fail(report, "listns(%s): %s", how[i],
				   strerror(-n));
		if (!listed(ids_buf, n, uts))
			child_fail(report,
				   "listns(%s) lacks the uts namespace it owns",
				   how[i]);
		if (listed(ids_buf, n, outer_uts))
			child_fail(report,
				   "listns(%s) lists the outer uts namespace, "
				   "owned by another user namespace",
				   how[i]);
		req.user_ns_id = LISTNS_CURRENT_USER;
	}
	return 0;
}

TEST(owner_filter_by_id_and_current_user_lists_what_it_owns)
{
	uint64_t outer_uts = ns_id_of(0, "uts");
	char msg[512];
	int status;

	REQUIRE_LISTNS();
	status = in_child(new_user_uts, list_by_owner, &outer_uts, msg,
			  sizeof(msg));
	EXPECT_CHILD_OK(status, msg);
}

struct sibling_arg {
	uint64_t sibling_uts;
};

/*
 * In a new user namespace (no uts of its own): the caller's own
 * namespaces of every type are listed, a sibling user namespace's uts is
 * not, and one its own user namespace owns (a child's) is on 6.19.
 */
static int list_own_not_siblings(int report, void *arg)
{
	const struct sibling_arg *a = arg;
	const struct ns_type *t;
	int release, flag = 0;
	uint64_t child_uts;
	pid_t child;
	long n;

	child = holder_in(CLONE_NEWUTS, &release, &flag);
	if (child < 0)
		child_fail(report, "child with unshare(CLONE_NEWUTS): %s",
			   strerror(-child));
	child_uts = ns_id_of(child, "uts");
	n = listns_all(0, ids_buf, ARRAY_SIZE(ids_buf));
	holder_stop(child, release);
	if (n < 0)
		child_fail(report, "listns(every type): %s", strerror(-n));
	for_each_ns(t)
		if (ns_type_exists(t) &&
		    !listed(ids_buf, n, ns_id_of(0, t->name)))
			child_fail(report,
				   "listns() lacks the caller's own %s "
				   "namespace",
				   t->name);
	if (listed(ids_buf, n, a->sibling_uts))
		child_fail(report, "listns() lists the uts namespace of a "
				   "sibling user namespace");
	ksft_print_msg("a uts namespace owned by the caller's user namespace "
		       "is %s (%s)\n",
		       listed(ids_buf, n, child_uts) ? "listed" : "not listed",
		       listed(ids_buf, n, child_uts) ?
			       "6.19 rule" :
			       "7.x rule: only the caller's own");
	return 0;
}

static int new_user(void)
{
	return sys_unshare(CLONE_NEWUSER) ? errno : 0;
}

TEST(caller_sees_its_own_namespaces_not_its_siblings)
{
	struct sibling_arg a;
	int release, status;
	char msg[512];
	pid_t sib;

	REQUIRE_LISTNS();
	HOLDER_IN(sib, CLONE_NEWUSER | CLONE_NEWUTS, &release);
	a.sibling_uts = ns_id_of(sib, "uts");
	status =
		in_child(new_user, list_own_not_siblings, &a, msg, sizeof(msg));
	EXPECT_EQ(0, holder_stop(sib, release));
	EXPECT_CHILD_OK(status, msg);
}

static const struct bad_req {
	const char *name;
	struct nsapi_ns_id_req req;
	unsigned int flags;
	int err;
} bad_reqs[] = {
	{ "flags 1", { .size = sizeof(struct nsapi_ns_id_req) }, 1, EINVAL },
	{ "spare 1",
	  { .size = sizeof(struct nsapi_ns_id_req), .spare = 1 },
	  0,
	  EINVAL },
	{ "size 24", { .size = 24 }, 0, EINVAL },
};

TEST(bad_flags_spare_or_size_give_einval)
{
	uint64_t ids[4];

	REQUIRE_LISTNS();
	for (size_t i = 0; i < ARRAY_SIZE(bad_reqs); i++) {
		const struct bad_req *b = &bad_reqs[i];
		long ret = sys_listns(&b->req, ids, ARRAY_SIZE(ids), b->flags);

		EXPECT_EQ(-1, ret)
		TH_LOG("listns(%s) returned %ld", b->name, ret);
		EXPECT_EQ(b->err, errno)
		TH_LOG("listns(%s): %s, expected %s", b->name, strerror(errno),
		       strerror(b->err));
	}
}

/*
 * Two slots, the second in an unmapped page: the caller's own namespaces
 * alone are more than one, so the kernel must write past the first.
 */
TEST(buffer_crossing_into_unmapped_page_gives_efault)
{
	struct nsapi_ns_id_req req = { .size = sizeof(req) };
	long page = sysconf(_SC_PAGESIZE), ret;
	uint64_t *ids;
	char *map;

	REQUIRE_LISTNS();
	map = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, map);
	ASSERT_EQ(0, munmap(map + page, page));
	ids = (uint64_t *)(map + page) - 1;
	ret = sys_listns(&req, ids, 2, 0);
	EXPECT_EQ(-1, ret)
	TH_LOG("listns(2 slots, the second unmapped) returned %ld", ret);
	EXPECT_EQ(EFAULT, errno)
	TH_LOG("listns(2 slots, the second unmapped): %s, expected EFAULT",
	       strerror(errno));
	ret = sys_listns(&req, (uint64_t *)(map + page), 1, 0);
	EXPECT_EQ(-1, ret);
	EXPECT_EQ(EFAULT, errno)
	TH_LOG("listns(1 slot, unmapped): %s, expected EFAULT",
	       strerror(errno));
	EXPECT_EQ(0, munmap(map, page));
}

TEST_HARNESS_MAIN

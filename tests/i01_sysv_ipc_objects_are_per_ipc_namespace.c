// SPDX-License-Identifier: GPL-2.0
/*
 * I01 (isolation): System V IPC objects and limits belong to one IPC namespace.
 * Rule: a shared memory segment, message queue or semaphore set made under a
 *   key in one IPC namespace is not there in another: the key gives ENOENT,
 *   the id EINVAL, and /proc/sysvipc/{shm,msg,sem} do not list it; setns()
 *   into the namespace makes it visible, /proc/sysvipc included; an open fd
 *   of the namespace keeps the objects, with their contents, after its last
 *   process is gone; kernel.shmmax and the other IPC limits are per
 *   namespace, and a new namespace starts with the built-in defaults.
 * Man: ipc_namespaces(7); sysvipc(7); shmget(2), msgget(2), semget(2) (ERRORS:
 *   ENOENT); shmctl(2), msgctl(2), semctl(2) (ERRORS: EINVAL, EIDRM);
 *   proc(5) (/proc/sysvipc, /proc/sys/kernel/shmmax, msgmax, sem).
 * Man-page errata: ipc_namespaces(7) lists the /proc/sys/kernel IPC limits
 *   as per namespace but not that a new namespace gets the built-in defaults,
 *   not its creator's values (case
 *   ipc_limits_are_per_namespace_and_start_at_defaults), nor that only newer
 *   kernels let root of the namespace's user namespace write them (older
 *   ones: root of the initial one only; that case SKIPs there).
 * The article: silent (it names CLONE_NEWIPC as one of the flags only).
 * Since: 2.6.19 (IPC namespaces); the limits writable by root of the owning
 *   user namespace since the IPC sysctls moved into the namespace (Alexey
 *   Gladkov's series, 2022; the matrix shows which kernels).
 * Exceptions: none needs host root; as nobody every case runs as root of a
 *   new user namespace.  That the objects die with the namespace is seen
 *   from outside, since nothing can look inside a namespace after its last
 *   reference: a segment locked in memory (SHM_LOCK) counts against
 *   RLIMIT_MEMLOCK in its creator's user namespace until it is destroyed
 *   (a count per user namespace since 5.14).  The kernel frees a dead IPC
 *   namespace from a workqueue after an RCU grace period, so that case
 *   polls, bounded to 20 s: a deadline for what must happen, not a guess
 *   that something did not.
 */
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/resource.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <time.h>

#include "isolation.h"

#define IPC_KEY 0x4e534931 /* "NSI1" */
#define SHM_SIZE 4096
#define SEM_VALUE 7
#define LOCK_SIZE (16 * 4096) /* the segment SHM_LOCK charges */

enum ipc_kind { KIND_SHM, KIND_MSG, KIND_SEM };

union semun {
	int val;
	struct semid_ds *buf;
	unsigned short *array;
};

struct ipc_msg {
	long mtype;
	char text[16];
};

static const char payload[] = "nsapi-i01";

FIXTURE(sysv){};
FIXTURE_VARIANT(sysv)
{
	enum ipc_kind kind;
	const char *proc; /* /proc/sysvipc/NAME */
};
FIXTURE_VARIANT_ADD(sysv, shm){ .kind = KIND_SHM, .proc = "shm" };
FIXTURE_VARIANT_ADD(sysv, msg){ .kind = KIND_MSG, .proc = "msg" };
FIXTURE_VARIANT_ADD(sysv, sem){ .kind = KIND_SEM, .proc = "sem" };
FIXTURE_SETUP(sysv)
{
	REQUIRE_NS_TYPE(&ns_types[NS_ipc]);
	REQUIRE_NS_ADMIN();
}
FIXTURE_TEARDOWN(sysv)
{
}

/* The object's id, made new under IPC_KEY; or -errno. */
static int ipc_make(enum ipc_kind kind)
{
	int flags = IPC_CREAT | IPC_EXCL | 0600, id = -1;

	switch (kind) {
	case KIND_SHM:
		id = shmget(IPC_KEY, SHM_SIZE, flags);
		break;
	case KIND_MSG:
		id = msgget(IPC_KEY, flags);
		break;
	case KIND_SEM:
		id = semget(IPC_KEY, 1, flags);
		break;
	}
	return id < 0 ? -errno : id;
}

/* The id IPC_KEY names in the caller's IPC namespace, or -errno. */
static int ipc_lookup(enum ipc_kind kind)
{
	int id = -1;

	switch (kind) {
	case KIND_SHM:
		id = shmget(IPC_KEY, 0, 0);
		break;
	case KIND_MSG:
		id = msgget(IPC_KEY, 0);
		break;
	case KIND_SEM:
		id = semget(IPC_KEY, 0, 0);
		break;
	}
	return id < 0 ? -errno : id;
}

/* IPC_STAT on @id: 0 or -errno. */
static int ipc_stat(enum ipc_kind kind, int id)
{
	struct shmid_ds shm;
	struct msqid_ds msq;
	struct semid_ds sem;
	union semun arg = { .buf = &sem };
	int ret = -1;

	switch (kind) {
	case KIND_SHM:
		ret = shmctl(id, IPC_STAT, &shm);
		break;
	case KIND_MSG:
		ret = msgctl(id, IPC_STAT, &msq);
		break;
	case KIND_SEM:
		ret = semctl(id, 0, IPC_STAT, arg);
		break;
	}
	return ret < 0 ? -errno : 0;
}

/* Put something in the object: bytes, a message, a semaphore value. */
static int ipc_fill(enum ipc_kind kind, int id)
{
	struct ipc_msg m = { .mtype = 1 };
	union semun arg = { .val = SEM_VALUE };
	void *p;

	switch (kind) {
	case KIND_SHM:
		p = shmat(id, NULL, 0);
		if (p == (void *)-1)
			return -errno;
		memcpy(p, payload, sizeof(payload));
		return shmdt(p) ? -errno : 0;
	case KIND_MSG:
		memcpy(m.text, payload, sizeof(payload));
		return msgsnd(id, &m, sizeof(m.text), IPC_NOWAIT) ? -errno : 0;
	case KIND_SEM:
		return semctl(id, 0, SETVAL, arg) ? -errno : 0;
	}
	return -EINVAL;
}

/* Whether the object holds what ipc_fill() put there: 1, 0, or -errno. */
static int ipc_filled(enum ipc_kind kind, int id)
{
	struct ipc_msg m = {};
	int ret;
	void *p;

	switch (kind) {
	case KIND_SHM:
		p = shmat(id, NULL, SHM_RDONLY);
		if (p == (void *)-1)
			return -errno;
		ret = !memcmp(p, payload, sizeof(payload));
		return shmdt(p) ? -errno : ret;
	case KIND_MSG:
		if (msgrcv(id, &m, sizeof(m.text), 0, IPC_NOWAIT) < 0)
			return -errno;
		return !memcmp(m.text, payload, sizeof(payload));
	case KIND_SEM:
		ret = semctl(id, 0, GETVAL);
		return ret < 0 ? -errno : ret == SEM_VALUE;
	}
	return -EINVAL;
}

/* Whether /proc/sysvipc/@name lists IPC_KEY: 1, 0, or -errno. */
static int proc_lists_key(const char *name)
{
	char path[64], line[512];
	long long key;
	int found = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/sysvipc/%s", name);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%lld", &key) == 1 && key == IPC_KEY)
			found = 1;
	fclose(f);
	return found;
}

/* How the object looks from the caller's IPC namespace. */
struct sight {
	int lookup; /* id or -errno */
	int stat; /* of the id given: 0 or -errno */
	int listed; /* in /proc/sysvipc */
};

static void look(enum ipc_kind kind, const char *proc, int id, struct sight *s)
{
	s->lookup = ipc_lookup(kind);
	s->stat = ipc_stat(kind, id);
	s->listed = proc_lists_key(proc);
}

static void expect_unseen(struct __test_metadata *_metadata, const char *who,
			  int id, const struct sight *s)
{
	EXPECT_EQ(-ENOENT, s->lookup)
	TH_LOG("%s: the key gave %d, expected ENOENT", who, s->lookup);
	EXPECT_TRUE(s->stat == -EINVAL || s->stat == -EIDRM)
	TH_LOG("%s: IPC_STAT of id %d gave %d, expected EINVAL or EIDRM", who,
	       id, s->stat);
	EXPECT_EQ(0, s->listed)
	TH_LOG("%s: /proc/sysvipc listed the key (%d)", who, s->listed);
}

static void expect_seen(struct __test_metadata *_metadata, const char *who,
			int id, const struct sight *s)
{
	EXPECT_EQ(id, s->lookup)
	TH_LOG("%s: the key gave %d, expected id %d", who, s->lookup, id);
	EXPECT_EQ(0, s->stat)
	TH_LOG("%s: IPC_STAT of id %d gave %d", who, id, s->stat);
	EXPECT_EQ(1, s->listed)
	TH_LOG("%s: /proc/sysvipc did not list the key (%d)", who, s->listed);
}

/*
 * A child in a new IPC namespace with the object in it (filled), alive
 * until its go pipe closes.
 */
struct owner {
	pid_t pid;
	int id;
	int up, go, report;
};

static void __attribute__((noreturn))
owner_main(enum ipc_kind kind, int up, int go, int report)
{
	int id;

	child_unshare(report, CLONE_NEWIPC, "unshare(CLONE_NEWIPC)");
	id = ipc_make(kind);
	if (id < 0)
		child_fail(report, "making the object: %s", strerror(-id));
	if (ipc_fill(kind, id))
		child_fail(report, "filling the object: %s", strerror(errno));
	if (write(up, &id, sizeof(id)) != sizeof(id))
		child_fail(report, "reporting the id: %s", strerror(errno));
	sync_wait(go);
	_exit(0);
}

typedef void (*owner_fn)(enum ipc_kind kind, int up, int go, int report);

/* 0 with the owner running, or 1 after it SKIPped or failed. */
static int owner_start(struct __test_metadata *_metadata, enum ipc_kind kind,
		       owner_fn main_fn, struct owner *o)
{
	struct child_result r = { .status = -1 };
	struct child_pipes c;

	ASSERT_EQ(0, child_pipes_open(&c));
	o->pid = fork_child();
	ASSERT_EQ(0, child_pipes_keep(&c, o->pid, &o->up, &o->go, &o->report));
	if (o->pid == 0)
		main_fn(kind, c.up[1], c.go[0], c.report[1]);
	if (read(o->up, &o->id, sizeof(o->id)) == sizeof(o->id))
		return 0;
	child_report(o->report, r.msg, sizeof(r.msg));
	close(o->go);
	r.status = wait_child(o->pid);
	CHILD_RESULT_OK_OR(return 1, &r);
	ASSERT_TRUE(false);
	return 1;
}

static void owner_stop(struct __test_metadata *_metadata, struct owner *o)
{
	close(o->go);
	EXPECT_EQ(0, wait_child(o->pid));
	close(o->up);
	close(o->report);
}

/* Made inside a new namespace: the test's own cannot see it. */
TEST_F(sysv, object_made_in_a_new_namespace_is_invisible_outside)
{
	struct sight s;
	struct owner o;

	UNSHARE_OR_SKIP(CLONE_NEWIPC);
	if (owner_start(_metadata, variant->kind, owner_main, &o))
		return;
	look(variant->kind, variant->proc, o.id, &s);
	expect_unseen(_metadata, "the parent", o.id, &s);
	owner_stop(_metadata, &o);
}

struct outside_arg {
	enum ipc_kind kind;
	const char *proc;
	int id;
};

static void look_from_new_ns(void *p, int report)
{
	struct outside_arg *a = p;
	struct sight s;

	look(a->kind, a->proc, a->id, &s);
	if (s.lookup != a->id || s.listed != 1)
		child_fail(report,
			   "before unshare the key gave %d (id %d), "
			   "listed %d",
			   s.lookup, a->id, s.listed);
	child_unshare(report, CLONE_NEWIPC, "unshare(CLONE_NEWIPC)");
	look(a->kind, a->proc, a->id, &s);
	if (s.lookup != -ENOENT)
		child_fail(report, "the key gave %d, expected ENOENT",
			   s.lookup);
	if (s.stat != -EINVAL && s.stat != -EIDRM)
		child_fail(report,
			   "IPC_STAT of id %d gave %d, expected "
			   "EINVAL or EIDRM",
			   a->id, s.stat);
	if (s.listed != 0)
		child_fail(report, "/proc/sysvipc listed the key (%d)",
			   s.listed);
}

/* The other direction: made by the parent, unseen in the child's new one. */
TEST_F(sysv, object_made_outside_is_invisible_in_a_new_namespace)
{
	struct outside_arg a = { .kind = variant->kind, .proc = variant->proc };

	UNSHARE_OR_SKIP(CLONE_NEWIPC);
	a.id = ipc_make(variant->kind);
	ASSERT_LE(0, a.id)
	TH_LOG("making the object: %s", strerror(-a.id));
	RUN_CHILD_OK(look_from_new_ns, &a);
}

static int setns_fd(struct __test_metadata *_metadata, int fd)
{
	if (sys_setns(fd, CLONE_NEWIPC)) {
		int err = errno;

		SKIP_IF_ENV_EXPLAINS(return 1, NS_CALL_SETNS, CLONE_NEWIPC,
					    err);
		ASSERT_EQ(0, -err)
		TH_LOG("setns(CLONE_NEWIPC): %s", strerror(err));
	}
	return 0;
}

/* After setns() the same key, id and /proc/sysvipc line are there. */
TEST_F(sysv, setns_into_the_namespace_makes_its_objects_visible)
{
	struct sight s;
	struct owner o;
	int fd;

	UNSHARE_OR_SKIP(CLONE_NEWIPC);
	if (owner_start(_metadata, variant->kind, owner_main, &o))
		return;
	look(variant->kind, variant->proc, o.id, &s);
	expect_unseen(_metadata, "before setns", o.id, &s);
	fd = ns_open(o.pid, "ipc");
	ASSERT_LE(0, fd);
	if (setns_fd(_metadata, fd) == 0) {
		look(variant->kind, variant->proc, o.id, &s);
		expect_seen(_metadata, "after setns", o.id, &s);
		EXPECT_EQ(1, ipc_filled(variant->kind, o.id));
	}
	close(fd);
	owner_stop(_metadata, &o);
}

/* Its last process gone, an fd keeps the namespace and the objects. */
TEST_F(sysv, an_fd_of_the_namespace_keeps_its_objects_after_the_last_process)
{
	struct sight s;
	struct owner o;
	int fd;

	UNSHARE_OR_SKIP(CLONE_NEWIPC);
	if (owner_start(_metadata, variant->kind, owner_main, &o))
		return;
	fd = ns_open(o.pid, "ipc");
	ASSERT_LE(0, fd);
	owner_stop(_metadata, &o);
	if (setns_fd(_metadata, fd) == 0) {
		look(variant->kind, variant->proc, o.id, &s);
		expect_seen(_metadata, "after setns through the fd", o.id, &s);
		EXPECT_EQ(1, ipc_filled(variant->kind, o.id))
		TH_LOG("the object lost its contents");
	}
	close(fd);
}

/* A new segment of LOCK_SIZE bytes, locked in memory: its id, or -errno. */
static int shm_locked_new(void)
{
	int id = shmget(IPC_PRIVATE, LOCK_SIZE, IPC_CREAT | 0600), err;

	if (id < 0)
		return -errno;
	if (shmctl(id, SHM_LOCK, NULL) == 0)
		return id;
	err = -errno;
	shmctl(id, IPC_RMID, NULL);
	return err;
}

/* An owner whose new IPC namespace holds one locked segment. */
static void __attribute__((noreturn))
locker_main(enum ipc_kind kind, int up, int go, int report)
{
	int id;

	(void)kind;
	child_unshare(report, CLONE_NEWIPC, "unshare(CLONE_NEWIPC)");
	id = shm_locked_new();
	if (id < 0)
		child_fail(report, "shmget(%d bytes) + SHM_LOCK: %s", LOCK_SIZE,
			   strerror(-id));
	if (write(up, &id, sizeof(id)) != sizeof(id))
		child_fail(report, "reporting the id: %s", strerror(errno));
	sync_wait(go);
	_exit(0);
}

static long ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 +
	       (t.tv_nsec - t0->tv_nsec) / 1000000;
}

/*
 * shmctl(@id, SHM_LOCK) until it is not ENOMEM, for at most 20 s.  A poll,
 * because the kernel gives a process nothing to wait on here: the last
 * put_ipc_ns() only queues free_ipc() on a workqueue, which waits for an RCU
 * grace period and then destroys the segments (shm_exit_ns()); no fd, pid
 * or signal sees that, and the events that do come (the namespace's mqueue
 * superblock going away) come before it.  20 s is a deadline for what must
 * happen, not a guess that nothing did: it took 0-80 ms on 6.18 and in the
 * matrix guests booted alone (also beside busy loops), but 2.4 s to over
 * 10 s on Debian's 6.1 in full matrix runs, four guests at once (the wait
 * is printed).
 */
static int shm_lock_when_released(int id, long *waited_ms)
{
	struct timespec t0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		if (shmctl(id, SHM_LOCK, NULL) == 0) {
			*waited_ms = ms_since(&t0);
			return 0;
		}
		if (errno != ENOMEM)
			return -errno;
		usleep(5000);
		*waited_ms = ms_since(&t0);
	} while (*waited_ms < 20000);
	return -ENOMEM;
}

/*
 * The test is in a user namespace of its own (no CAP_IPC_LOCK over the
 * initial one, so RLIMIT_MEMLOCK applies, and a memlock count no other
 * process shares) with the limit set to one segment.  The owner locks one
 * in its new IPC namespace and exits; an fd keeps the namespace: the
 * limit is used up, so locking a second segment here is ENOMEM and leaves
 * it unlocked.  Closing the fd drops the last reference: the kernel
 * destroys the segment with the namespace, and the charge comes back.
 */
TEST(segment_is_destroyed_with_the_namespace_not_before)
{
	struct rlimit one = { LOCK_SIZE, LOCK_SIZE };
	struct shmid_ds ds;
	struct owner o;
	int fd, id, ret;
	long waited;

	REQUIRE_NS_TYPE(&ns_types[NS_ipc]);
	REQUIRE_NS_ADMIN();
	UNSHARE_OR_SKIP(CLONE_NEWUSER | CLONE_NEWIPC);
	ASSERT_EQ(0, setrlimit(RLIMIT_MEMLOCK, &one))
	TH_LOG("setrlimit(RLIMIT_MEMLOCK, %d): %s", LOCK_SIZE, strerror(errno));
	if (owner_start(_metadata, KIND_SHM, locker_main, &o))
		return;
	fd = ns_open(o.pid, "ipc");
	ASSERT_LE(0, fd);
	owner_stop(_metadata, &o);

	id = shmget(IPC_PRIVATE, LOCK_SIZE, IPC_CREAT | 0600);
	ASSERT_LE(0, id)
	TH_LOG("shmget(%d bytes): %s", LOCK_SIZE, strerror(errno));
	ret = shmctl(id, SHM_LOCK, NULL) ? -errno : 0;
	EXPECT_EQ(-ENOMEM, ret)
	TH_LOG("SHM_LOCK while an fd keeps the other namespace's locked "
	       "segment: %s, expected ENOMEM",
	       ret ? strerror(-ret) : "success");
	ASSERT_EQ(0, shmctl(id, IPC_STAT, &ds));
	EXPECT_EQ(0, ds.shm_perm.mode & SHM_LOCKED)
	TH_LOG("the refused SHM_LOCK left the segment locked");

	close(fd);
	ret = shm_lock_when_released(id, &waited);
	EXPECT_EQ(0, ret)
	TH_LOG("SHM_LOCK %ld ms after the namespace's last fd was closed: "
	       "%s: its segment was not destroyed with it",
	       waited, strerror(-ret));
	if (ret == 0)
		TH_LOG("the charge came back %ld ms after the last fd was closed",
		       waited);
	shmctl(id, IPC_RMID, NULL);
}

/* The IPC limits under /proc/sys/kernel, with a value to write. */
static const struct ipc_limit {
	const char *name;
	const char *value;
} ipc_limits[] = {
	{ "shmmax", "123456789" },     { "shmall", "1234567" },
	{ "shmmni", "1234" },	       { "msgmax", "4321" },
	{ "msgmnb", "54321" },	       { "msgmni", "321" },
	{ "sem", "251 32001 33 129" },
};

struct limits {
	char v[ARRAY_SIZE(ipc_limits)][64];
};

static int read_limits(struct limits *l)
{
	char path[64];

	for (size_t i = 0; i < ARRAY_SIZE(ipc_limits); i++) {
		snprintf(path, sizeof(path), "/proc/sys/kernel/%s",
			 ipc_limits[i].name);
		if (read_text(path, l->v[i], sizeof(l->v[i])) < 0)
			return -errno;
		l->v[i][strcspn(l->v[i], "\n")] = '\0';
		/* "sem" separates its four values with tabs. */
		for (char *c = l->v[i]; *c; c++)
			if (*c == '\t')
				*c = ' ';
	}
	return 0;
}

static void read_limits_in_new_ns(void *p, int report)
{
	struct limits *want = p, got;

	child_unshare(report, CLONE_NEWIPC, "unshare(CLONE_NEWIPC)");
	if (read_limits(&got))
		child_fail(report, "reading the limits: %s", strerror(errno));
	for (size_t i = 0; i < ARRAY_SIZE(ipc_limits); i++)
		if (strcmp(want->v[i], got.v[i]))
			child_fail(report,
				   "kernel.%s is \"%s\" in a new "
				   "namespace, expected the default \"%s\"",
				   ipc_limits[i].name, got.v[i], want->v[i]);
}

/*
 * Changed in the test's namespace, the limits read back changed there; a
 * new namespace made from it has the values a fresh one starts with, the
 * defaults, not the changed ones.
 */
TEST(ipc_limits_are_per_namespace_and_start_at_defaults)
{
	struct limits fresh, now;
	char path[64];
	int ret;

	REQUIRE_NS_TYPE(&ns_types[NS_ipc]);
	REQUIRE_NS_ADMIN();
	UNSHARE_OR_SKIP(CLONE_NEWIPC);
	ASSERT_EQ(0, read_limits(&fresh))
	TH_LOG("reading /proc/sys/kernel IPC limits: %s", strerror(errno));
	for (size_t i = 0; i < ARRAY_SIZE(ipc_limits); i++) {
		snprintf(path, sizeof(path), "/proc/sys/kernel/%s",
			 ipc_limits[i].name);
		ret = write_file(path, ipc_limits[i].value);
		if (ret == -EROFS)
			SKIP(return, "/proc/sys is mounted read-only here");
		if ((ret == -EACCES || ret == -EPERM) && !have_host_root())
			SKIP(return,
				   "writing %s as root of a user namespace: "
				   "%s (this kernel lets only host root write it)",
				   path, strerror(-ret));
		ASSERT_EQ(0, ret)
		TH_LOG("write(%s, \"%s\"): %s", path, ipc_limits[i].value,
		       strerror(-ret));
	}
	ASSERT_EQ(0, read_limits(&now));
	for (size_t i = 0; i < ARRAY_SIZE(ipc_limits); i++) {
		EXPECT_STREQ(ipc_limits[i].value, now.v[i])
		TH_LOG("kernel.%s reads \"%s\" after writing \"%s\"",
		       ipc_limits[i].name, now.v[i], ipc_limits[i].value);
	}
	RUN_CHILD_OK(read_limits_in_new_ns, &fresh);
}

TEST_HARNESS_MAIN

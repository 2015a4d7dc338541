// SPDX-License-Identifier: GPL-2.0
/*
 * U07 (selftests): time namespace offsets apply to the children and freeze
 * once a task entered.
 *
 * Rule: after unshare(CLONE_NEWTIME) the caller, with CAP_SYS_TIME in the
 * user namespace that owns the new time namespace, may write clock offsets
 * to /proc/self/timens_offsets; the new namespace starts with the creator's
 * offsets (inherited, not zero).  Its children, which enter the namespace,
 * see the CLOCK_MONOTONIC family (MONOTONIC, _COARSE, _RAW) and the
 * CLOCK_BOOTTIME family (BOOTTIME, _ALARM) shifted by them; the caller does
 * not.  Once a task has entered, a later write fails with EACCES, even after
 * that task is gone.
 *
 * Man: time_namespaces(7), "/proc/PID/timens_offsets".
 *
 * Man-page errata: none.
 *
 * The article: silent (time namespaces came in 5.6).
 *
 * Since: 5.6.
 *
 * Exceptions: CLOCK_REALTIME is shared and cannot be offset.
 */
#include <time.h>

#include "common.h"

#define OFFSETS_FILE "/proc/self/timens_offsets"
#define NSEC_PER_SEC 1000000000LL

static const struct clock_offset {
	const char *name; /* as timens_offsets writes it */
	clockid_t clock;
	long long offset_sec;
} offsets[] = {
	{ "monotonic", CLOCK_MONOTONIC, 10 * 86400 },
	{ "boottime", CLOCK_BOOTTIME, 20 * 86400 },
	/* Not offset: the check that the wall clock is shared. */
	{ "realtime", CLOCK_REALTIME, 0 },
};

static long long now_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

/* "monotonic 864000 0\nboottime 1728000 0\n", from the table. */
static void offsets_text(char *buf, size_t len, long long extra_sec)
{
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(offsets); i++)
		if (offsets[i].offset_sec)
			n += snprintf(buf + n, len - n, "%s %lld 0\n",
				      offsets[i].name,
				      offsets[i].offset_sec + extra_sec);
}

/*
 * The offset of @name in timens_offsets (of the caller's time namespace for
 * children), in seconds, or -1 when the line is missing.
 */
static long long read_offset(const char *name)
{
	char line[128], clock[32];
	long long sec = -1, s;
	long nsec;
	FILE *f = fopen(OFFSETS_FILE, "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%31s %lld %ld", clock, &s, &nsec) == 3 &&
		    !strcmp(clock, name))
			sec = s;
	fclose(f);
	return sec;
}

/* A new time namespace for the caller's children, or SKIP. */
#define ENTER_NEW_TIMENS()                                      \
	do {                                                    \
		REQUIRE_NS_TYPE(&ns_types[NS_time]);            \
		REQUIRE_NS_ADMIN();                             \
		REQUIRE_UNSHARE(CLONE_NEWTIME);                 \
		if (access(OFFSETS_FILE, F_OK))                 \
			SKIP(return, "no " OFFSETS_FILE ": %s", \
				   strerror(errno));            \
	} while (0)

/* A child that enters the namespace and reports its clocks, or -errno. */
static int child_clocks(long long *ns)
{
	size_t len = ARRAY_SIZE(offsets) * sizeof(*ns);
	int fds[2], status;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC))
		return -errno;
	fflush(NULL);
	pid = fork_child();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		for (size_t i = 0; i < ARRAY_SIZE(offsets); i++)
			ns[i] = now_ns(offsets[i].clock);
		_exit(write(fds[1], ns, len) == (ssize_t)len ? 0 : 1);
	}
	close(fds[1]);
	status = read(fds[0], ns, len) == (ssize_t)len ? 0 : -EPIPE;
	close(fds[0]);
	if (wait_child(pid))
		status = -ECHILD;
	return status;
}

/*
 * Each clock the child reads lies between the caller's readings before and
 * after the child ran, shifted by exactly that clock's offset: no
 * tolerance needed.  So the child sees the offsets, the caller does not.
 */
TEST(offsets_shift_the_childrens_clocks_not_the_callers)
{
	long long before[ARRAY_SIZE(offsets)], after[ARRAY_SIZE(offsets)];
	long long child[ARRAY_SIZE(offsets)];
	char text[256];
	int ret;

	ENTER_NEW_TIMENS();
	offsets_text(text, sizeof(text), 0);
	ret = write_file(OFFSETS_FILE, text);
	ASSERT_EQ(0, ret)
	TH_LOG("time: write(%s, \"%s\"): %s", OFFSETS_FILE, text,
	       strerror(-ret));

	for (size_t i = 0; i < ARRAY_SIZE(offsets); i++)
		before[i] = now_ns(offsets[i].clock);
	ret = child_clocks(child);
	for (size_t i = 0; i < ARRAY_SIZE(offsets); i++)
		after[i] = now_ns(offsets[i].clock);
	ASSERT_EQ(0, ret)
	TH_LOG("time: the child reading its clocks: %s", strerror(-ret));

	for (size_t i = 0; i < ARRAY_SIZE(offsets); i++) {
		long long off = offsets[i].offset_sec * NSEC_PER_SEC;

		EXPECT_TRUE(before[i] + off <= child[i] &&
			    child[i] <= after[i] + off)
		TH_LOG("time: %s: the child read %lld ns, the caller %lld..%lld ns; expected the caller's plus %lld s",
		       offsets[i].name, child[i], before[i], after[i],
		       offsets[i].offset_sec);
	}
}

/*
 * The offsets may be rewritten until a task enters; after that every
 * write fails with EACCES, also once that task has exited, and the
 * offsets stay as they were.
 */
TEST(offsets_freeze_once_a_task_entered)
{
	long long child[ARRAY_SIZE(offsets)];
	char first[256], second[256], third[256];
	int ret;

	ENTER_NEW_TIMENS();
	offsets_text(first, sizeof(first), 0);
	offsets_text(second, sizeof(second), 1);
	offsets_text(third, sizeof(third), 2);
	ASSERT_EQ(0, write_file(OFFSETS_FILE, first));
	ret = write_file(OFFSETS_FILE, second);
	EXPECT_EQ(0, ret)
	TH_LOG("time: rewriting the offsets before anyone entered: %s",
	       strerror(-ret));

	/* The child enters, reads its clocks, exits and is reaped. */
	ASSERT_EQ(0, child_clocks(child));
	ret = write_file(OFFSETS_FILE, third);
	EXPECT_EQ(-EACCES, ret)
	TH_LOG("time: writing the offsets after a task entered gave %s, expected EACCES",
	       ret ? strerror(-ret) : "success");
	for (size_t i = 0; i < ARRAY_SIZE(offsets); i++) {
		if (!offsets[i].offset_sec)
			continue;
		EXPECT_EQ(offsets[i].offset_sec + 1,
			  read_offset(offsets[i].name))
		TH_LOG("time: %s offset after the refused write",
		       offsets[i].name);
	}
}

static const struct bad_write {
	const char *text;
	int err;
} bad_writes[] = {
	/* The wall clock cannot be offset (CLOCK_REALTIME is 0). */
	{ "0 3600 0\n", EINVAL },
	{ "realtime 3600 0\n", EINVAL },
	{ "monotonic 1 1000000000\n", EINVAL },
	/* An offset that would put the clock before 0. */
	{ "monotonic -4000000000 0\n", ERANGE },
};

/*
 * Refused offsets, each with its errno, leave the offsets as they were (a
 * new time namespace inherits its creator's offsets, time_namespaces(7));
 * a valid write afterwards still works (nothing was frozen by the refusals).
 */
TEST(only_monotonic_and_boottime_take_valid_offsets)
{
	long long inherited[ARRAY_SIZE(offsets)];
	char valid[256];
	int ret;

	ENTER_NEW_TIMENS();
	for (size_t i = 0; i < ARRAY_SIZE(offsets); i++)
		inherited[i] = read_offset(offsets[i].name);
	ns_observe("new time namespace: inherited offsets monotonic %lld s, "
		   "boottime %lld s",
		   inherited[0], inherited[1]);
	for (size_t i = 0; i < ARRAY_SIZE(bad_writes); i++) {
		ret = write_file(OFFSETS_FILE, bad_writes[i].text);
		EXPECT_EQ(-bad_writes[i].err, ret)
		TH_LOG("time: write(%s, \"%.*s\") gave %s, expected %s",
		       OFFSETS_FILE, (int)strlen(bad_writes[i].text) - 1,
		       bad_writes[i].text, ret ? strerror(-ret) : "success",
		       strerror(bad_writes[i].err));
	}
	for (size_t i = 0; i < ARRAY_SIZE(offsets); i++) {
		if (!offsets[i].offset_sec)
			continue;
		EXPECT_EQ(inherited[i], read_offset(offsets[i].name))
		TH_LOG("time: %s offset changed by refused writes",
		       offsets[i].name);
	}
	offsets_text(valid, sizeof(valid), 0);
	ret = write_file(OFFSETS_FILE, valid);
	EXPECT_EQ(0, ret)
	TH_LOG("time: a valid write after the refused ones: %s",
	       strerror(-ret));
}

TEST_HARNESS_MAIN

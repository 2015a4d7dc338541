// SPDX-License-Identifier: GPL-2.0
/*
 * I08 (isolation): time offsets shift the monotonic and boot clocks everywhere.
 * Rule: inside a time namespace CLOCK_MONOTONIC, _RAW and _COARSE read the
 *   monotonic offset more, CLOCK_BOOTTIME and _ALARM the boottime offset
 *   more, both through the vDSO and through the raw system call, and
 *   CLOCK_REALTIME is not shifted; /proc/uptime and sysinfo()'s uptime are
 *   shifted too; an absolute deadline given to clock_nanosleep() or to a
 *   timerfd (TFD_TIMER_ABSTIME) is in the namespace's time, converted by
 *   the kernel; a process keeps the namespace and its offsets across
 *   execve(), and a vfork() child reads the same shifted clocks.
 * Man: time_namespaces(7); clock_gettime(2); clock_nanosleep(2)
 *   (TIMER_ABSTIME); timerfd_create(2) (TFD_TIMER_ABSTIME); sysinfo(2);
 *   proc(5) (/proc/uptime); vdso(7).
 * Man-page errata: time_namespaces(7) names clock_nanosleep(2),
 *   timerfd_settime(2) and /proc/uptime as affected but not sysinfo(2),
 *   whose uptime is shifted as well (case
 *   proc_uptime_and_sysinfo_uptime_are_shifted), nor in which time an
 *   absolute deadline is read: in the namespace's (the deadline cases).
 * The article: silent (written before time namespaces, Linux 5.6).
 * Since: 5.6.
 * Exceptions: none needs host root; as nobody every case runs as root of a
 *   new user namespace.  The only waits are the 20 ms absolute deadlines
 *   under test; the offset for them is negative, so a deadline the kernel
 *   failed to convert would be in the past and return at once (caught),
 *   not hang.  CLOCK_BOOTTIME_ALARM SKIPs without an RTC (EINVAL).
 */
#include <sys/sysinfo.h>
#include <sys/timerfd.h>
#include <time.h>

#include "isolation.h"

#define OFFSETS_FILE "/proc/self/timens_offsets"
#define NSEC_PER_SEC 1000000000LL
#define MONO_OFF (10 * 86400LL)
#define BOOT_OFF (20 * 86400LL)
#define EXEC_FD_ENV "NSAPI_I08_FD"

static long long ts_ns(const struct timespec *ts)
{
	return ts->tv_sec * NSEC_PER_SEC + ts->tv_nsec;
}

/* Through the vDSO (glibc's clock_gettime), or -errno. */
static long long vdso_ns(clockid_t clk)
{
	struct timespec ts;

	return clock_gettime(clk, &ts) ? -errno : ts_ns(&ts);
}

/* Through the system call itself, or -errno. */
static long long syscall_ns(clockid_t clk)
{
	struct timespec ts;

	return syscall(SYS_clock_gettime, clk, &ts) ? -errno : ts_ns(&ts);
}

/* A child's three readings of one clock: vDSO, system call, vDSO. */
struct readings {
	long long v1, s, v2;
};

static void read_three(clockid_t clk, struct readings *r)
{
	r->v1 = vdso_ns(clk);
	r->s = syscall_ns(clk);
	r->v2 = vdso_ns(clk);
}

/*
 * Enter a new time namespace for children with @mono and @boot seconds of
 * offset, or SKIP.
 */
#define ENTER_TIMENS(mono, boot)                                      \
	do {                                                          \
		char __text[128];                                     \
		int __ret;                                            \
		REQUIRE_NS_TYPE(&ns_types[NS_time]);                  \
		REQUIRE_NS_ADMIN();                                   \
		UNSHARE_OR_SKIP(CLONE_NEWTIME);                       \
		snprintf(__text, sizeof(__text),                      \
			 "monotonic %lld 0\nboottime %lld 0\n",       \
			 (long long)(mono), (long long)(boot));       \
		__ret = write_file(OFFSETS_FILE, __text);             \
		ASSERT_EQ(0, __ret)                                   \
		TH_LOG("write(%s, \"%s\"): %s", OFFSETS_FILE, __text, \
		       strerror(-__ret));                             \
	} while (0)

/* The child's readings within the test's, shifted by @off seconds. */
static void expect_bracketed(struct __test_metadata *_metadata,
			     const char *what, long long before,
			     const struct readings *r, long long after,
			     long long off)
{
	long long o = off * NSEC_PER_SEC;

	EXPECT_TRUE(before + o <= r->v1 && r->v1 <= r->s && r->s <= r->v2 &&
		    r->v2 <= after + o)
	TH_LOG("%s: vDSO %lld, syscall %lld, vDSO %lld ns; the test read "
	       "%lld..%lld, expected those plus %lld s in that order",
	       what, r->v1, r->s, r->v2, before, after, off);
}

FIXTURE(clock){};
FIXTURE_VARIANT(clock)
{
	clockid_t clk;
	long long off;
};
FIXTURE_VARIANT_ADD(clock, monotonic){ CLOCK_MONOTONIC, MONO_OFF };
FIXTURE_VARIANT_ADD(clock, monotonic_raw){ CLOCK_MONOTONIC_RAW, MONO_OFF };
FIXTURE_VARIANT_ADD(clock, monotonic_coarse){ CLOCK_MONOTONIC_COARSE,
					      MONO_OFF };
FIXTURE_VARIANT_ADD(clock, boottime){ CLOCK_BOOTTIME, BOOT_OFF };
FIXTURE_VARIANT_ADD(clock, boottime_alarm){ CLOCK_BOOTTIME_ALARM, BOOT_OFF };
FIXTURE_VARIANT_ADD(clock, realtime){ CLOCK_REALTIME, 0 };
FIXTURE_SETUP(clock)
{
	if (variant->clk == CLOCK_BOOTTIME_ALARM &&
	    syscall_ns(CLOCK_BOOTTIME_ALARM) == -EINVAL)
		SKIP(return, "CLOCK_BOOTTIME_ALARM: EINVAL (no RTC device "
			     "for alarm timers)");
}
FIXTURE_TEARDOWN(clock)
{
}

static void read_clock(void *arg, int report)
{
	struct readings *r = arg;
	clockid_t clk = r->v1;

	read_three(clk, r);
	if (r->v1 < 0 || r->s < 0 || r->v2 < 0)
		child_fail(report,
			   "clock_gettime(%d): vDSO %lld, syscall "
			   "%lld",
			   clk, r->v1, r->s);
}

TEST_F(clock, offset_shifts_the_clock_through_vdso_and_syscall)
{
	struct readings *r;
	long long before, after;

	ENTER_TIMENS(MONO_OFF, BOOT_OFF);
	r = mmap(NULL, sizeof(*r), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, r);
	r->v1 = variant->clk;
	before = vdso_ns(variant->clk);
	RUN_CHILD_OK(read_clock, r);
	after = vdso_ns(variant->clk);
	expect_bracketed(_metadata, "inside", before, r, after, variant->off);
	munmap(r, sizeof(*r));
}

struct uptimes {
	double proc;
	long sysinfo;
};

static void read_uptimes(void *arg, int report)
{
	struct uptimes *u = arg;
	struct sysinfo si;
	char text[128];

	if (read_text("/proc/uptime", text, sizeof(text)) < 0 ||
	    sscanf(text, "%lf", &u->proc) != 1)
		child_fail(report, "reading /proc/uptime: %s", strerror(errno));
	if (sysinfo(&si))
		child_fail(report, "sysinfo: %s", strerror(errno));
	u->sysinfo = si.uptime;
}

/* Both within the test's CLOCK_BOOTTIME seconds plus the offset. */
TEST(proc_uptime_and_sysinfo_uptime_are_shifted)
{
	long long before, after;
	struct uptimes *u;

	ENTER_TIMENS(MONO_OFF, BOOT_OFF);
	u = mmap(NULL, sizeof(*u), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, u);
	before = vdso_ns(CLOCK_BOOTTIME) / NSEC_PER_SEC;
	RUN_CHILD_OK(read_uptimes, u);
	after = vdso_ns(CLOCK_BOOTTIME) / NSEC_PER_SEC + 1;
	EXPECT_TRUE(before + BOOT_OFF <= u->proc && u->proc <= after + BOOT_OFF)
	TH_LOG("/proc/uptime inside %.2f s; the test's boot time %lld..%lld "
	       "s, expected plus %lld s",
	       u->proc, before, after, BOOT_OFF);
	EXPECT_TRUE(before + BOOT_OFF <= u->sysinfo &&
		    u->sysinfo <= after + BOOT_OFF)
	TH_LOG("sysinfo() uptime inside %ld s; the test's boot time "
	       "%lld..%lld s, expected plus %lld s",
	       u->sysinfo, before, after, BOOT_OFF);
	munmap(u, sizeof(*u));
}

/* --- absolute deadlines -------------------------------------------------- */

FIXTURE(deadline){};
FIXTURE_VARIANT(deadline)
{
	clockid_t clk;
};
FIXTURE_VARIANT_ADD(deadline, monotonic){ CLOCK_MONOTONIC };
FIXTURE_VARIANT_ADD(deadline, boottime){ CLOCK_BOOTTIME };
FIXTURE_SETUP(deadline)
{
}
FIXTURE_TEARDOWN(deadline)
{
}

/*
 * Offsets of minus half of each clock's reading: the namespace's clocks
 * stay positive and an unconverted deadline would lie in the past.
 */
#define ENTER_TIMENS_BACKWARDS()                                             \
	do {                                                                 \
		long long __m = vdso_ns(CLOCK_MONOTONIC) / NSEC_PER_SEC / 2; \
		long long __b = vdso_ns(CLOCK_BOOTTIME) / NSEC_PER_SEC / 2;  \
		if (__m < 1)                                                 \
			SKIP(return, "the clocks read under 2 s");           \
		ENTER_TIMENS(-__m, -__b);                                    \
	} while (0)

struct wait_arg {
	clockid_t clk;
	bool timerfd;
};

/* Wait until 20 ms from now in the namespace's time, absolutely. */
static void wait_for_deadline(void *arg, int report)
{
	struct wait_arg *w = arg;
	struct itimerspec its = {};
	struct timespec now, end;
	long long deadline;
	uint64_t ticks;
	int fd, ret;

	if (clock_gettime(w->clk, &now))
		child_fail(report, "clock_gettime: %s", strerror(errno));
	deadline = ts_ns(&now) + 20 * 1000000LL;
	its.it_value.tv_sec = deadline / NSEC_PER_SEC;
	its.it_value.tv_nsec = deadline % NSEC_PER_SEC;
	if (w->timerfd) {
		fd = timerfd_create(w->clk, TFD_CLOEXEC);
		if (fd < 0 ||
		    timerfd_settime(fd, TFD_TIMER_ABSTIME, &its, NULL) ||
		    read(fd, &ticks, sizeof(ticks)) != sizeof(ticks))
			child_fail(report, "timerfd: %s", strerror(errno));
		close(fd);
	} else {
		do
			ret = clock_nanosleep(w->clk, TIMER_ABSTIME,
					      &its.it_value, NULL);
		while (ret == EINTR);
		if (ret)
			child_fail(report, "clock_nanosleep: %s",
				   strerror(ret));
	}
	if (clock_gettime(w->clk, &end))
		child_fail(report, "clock_gettime: %s", strerror(errno));
	if (ts_ns(&end) < deadline)
		child_fail(report,
			   "woke at %lld ns, %lld ns before the "
			   "deadline %lld: the deadline was not converted",
			   ts_ns(&end), deadline - ts_ns(&end), deadline);
}

TEST_F(deadline, absolute_clock_nanosleep_deadline_is_in_namespace_time)
{
	struct wait_arg w = { .clk = variant->clk };

	ENTER_TIMENS_BACKWARDS();
	RUN_CHILD_OK(wait_for_deadline, &w);
}

TEST_F(deadline, absolute_timerfd_deadline_is_in_namespace_time)
{
	struct wait_arg w = { .clk = variant->clk, .timerfd = true };

	ENTER_TIMENS_BACKWARDS();
	RUN_CHILD_OK(wait_for_deadline, &w);
}

/* --- execve and vfork --------------------------------------------------- */

struct exec_report {
	struct readings r;
	ino_t ns;
};

/*
 * Run as "/proc/self/exe" by the execve() case, before the harness: send
 * the monotonic readings and the time namespace's inode, and exit.
 */
static void __attribute__((constructor(101))) report_after_exec(void)
{
	const char *fd = getenv(EXEC_FD_ENV);
	struct exec_report e = {};
	struct stat st;

	if (!fd)
		return;
	read_three(CLOCK_MONOTONIC, &e.r);
	if (ns_stat(0, "time", &st) == 0)
		e.ns = st.st_ino;
	_exit(write(atoi(fd), &e, sizeof(e)) == sizeof(e) ? 0 : 1);
}

static void exec_self(void *arg, int report)
{
	child_exec_self(report, EXEC_FD_ENV, *(int *)arg);
}

TEST(namespace_and_offsets_survive_execve)
{
	struct exec_report e = {};
	long long before, after;
	struct stat ns;
	int fds[2];

	ENTER_TIMENS(MONO_OFF, BOOT_OFF);
	ASSERT_EQ(0, ns_stat(0, "time_for_children", &ns));
	ASSERT_EQ(0, open_pipes(fds, NULL));
	before = vdso_ns(CLOCK_MONOTONIC);
	RUN_CHILD_OK(exec_self, &fds[1]);
	after = vdso_ns(CLOCK_MONOTONIC);
	close(fds[1]);
	ASSERT_EQ(sizeof(e), read(fds[0], &e, sizeof(e)))
	TH_LOG("the exec'd program did not report");
	close(fds[0]);
	EXPECT_EQ(ns.st_ino, e.ns)
	TH_LOG("after execve() the time namespace is another one");
	expect_bracketed(_metadata, "after execve", before, &e.r, after,
			 MONO_OFF);
}

/* Shared with the vfork() child, which writes and exits. */
static volatile struct readings vfork_readings;

static void read_in_vfork_child(void *arg, int report)
{
	struct readings *out = arg;
	struct readings r;
	pid_t pid = vfork();

	if (pid == 0) {
		read_three(CLOCK_MONOTONIC, &r);
		vfork_readings = r;
		_exit(0);
	}
	if (pid < 0 || wait_child(pid) != 0)
		child_fail(report, "vfork: %s", strerror(errno));
	*out = vfork_readings;
}

TEST(namespace_and_offsets_survive_vfork)
{
	struct readings *r;
	long long before, after;

	ENTER_TIMENS(MONO_OFF, BOOT_OFF);
	r = mmap(NULL, sizeof(*r), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, r);
	before = vdso_ns(CLOCK_MONOTONIC);
	RUN_CHILD_OK(read_in_vfork_child, r);
	after = vdso_ns(CLOCK_MONOTONIC);
	expect_bracketed(_metadata, "in a vfork() child", before, r, after,
			 MONO_OFF);
	munmap(r, sizeof(*r));
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * T01 (tool): nsapi trace reports exactly the namespace calls a process
 * makes.
 *
 * Rule: a worker makes a known sequence (100 unshare(CLONE_NEWUTS), 10 setns() of
 * a UTS fd with nstype CLONE_NEWNET, which fail with EINVAL, and one clone3()
 * with CLONE_NEWPID|CLONE_NEWNET) while a second process makes similar calls
 * as noise; the tracer, filtered to the worker by pid, by comm, by its
 * network namespace (--netns) or by its pid namespace (--pidns,
 * --container), attached either way (btf: sys_enter/sys_exit as BTF raw
 * tracepoints; perf: the syscalls/ events), must print one JSON line per
 * call of the worker and nothing else, each with the worker's namespace of
 * the call's type before and after it (a chain of new UTS namespaces, the
 * unchanged network namespace of the failed setns, the child's new one
 * after clone3); with --hist, one histogram per call kind, counted in the
 * kernel, with exactly the worker's counts.  Pids are the ones this test
 * sees, also when it runs in a pid namespace of its own (a container); the
 * comms are new for every run, so that two runs at once do not see each
 * other's calls.  A call a seccomp filter answers (as
 * in this test's can-fail proof) returns before sys_enter fires and is
 * invisible to any tracer.
 *
 * Man: bpf(2), perf_event_open(2); the kernel's
 * Documentation/trace/events.rst and Documentation/bpf/.
 *
 * Man-page errata: none.
 *
 * The article: silent (not a kernel behavior: the check of the project's
 * optional eBPF tracer, harness/trace/README.md).
 *
 * Since: BTF raw tracepoints 5.5.
 *
 * Exceptions: SKIPs with the tracer's own one-line reason when tracing is
 * unavailable (no root or CAP_BPF, no bpf(), no kernel BTF, no tracefs for
 * perf, or the tracer was not built), and where the kernel lacks UTS, net or
 * pid namespaces (the worker's calls make and name them).  The tracer is $NSAPI_TRACE, else
 * ../nsapi-trace next to this program's directory.
 */
#include <grp.h>
#include <libgen.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <time.h>

#include "common.h"

#define SKIP_STATUS 4

/* "t01w-" and "t01n-" and 8 hex digits, chosen once per run. */
static char worker_comm[16], noise_comm[16];

static void __attribute__((constructor)) choose_comms(void)
{
	unsigned int r;

	if (getrandom(&r, sizeof(r), 0) != sizeof(r))
		r = (unsigned int)getpid() ^ (unsigned int)time(NULL) << 16;
	snprintf(worker_comm, sizeof(worker_comm), "t01w-%08x", r);
	snprintf(noise_comm, sizeof(noise_comm), "t01n-%08x", r);
}

struct expected_call {
	const char *syscall;
	const char *flags;
	const char *err; /* NULL: success */
	int count;
	long long ret; /* the raw return value; -1: any pid > 0 */
};

static const struct expected_call expected[] = {
	{ "unshare", "CLONE_NEWUTS", NULL, 100, 0 },
	{ "setns", "CLONE_NEWNET", "EINVAL", 10, -EINVAL },
	{ "clone3", "CLONE_NEWNET|CLONE_NEWPID", NULL, 1, -1 },
};

/* --- the tracer -------------------------------------------------------- */

static int tracer_path(char *buf, size_t len)
{
	const char *env = getenv("NSAPI_TRACE");
	char self[PATH_MAX];
	ssize_t n;

	if (env && *env) {
		snprintf(buf, len, "%s", env);
		return 0;
	}
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n < 0)
		return -errno;
	self[n] = '\0';
	snprintf(buf, len, "%s/../nsapi-trace", dirname(self));
	return 0;
}

struct tracer {
	pid_t pid;
	int out_fd; /* its stdout */
	int err_fd; /* its stderr */
};

#define MAX_OPTS 8

/*
 * Start `nsapi-trace --json OPTS... -d 60 --ready-fd 3` (@opts ends with
 * NULL), as uid 65534 when @as_nobody; -errno on failure.
 */
static int tracer_start(struct tracer *t, const char *path,
			const char *const *opts, int *ready_fd, bool as_nobody)
{
	const char *argv[MAX_OPTS + 7] = { path, "--json" };
	int out[2], err[2], ready[2], ret, exe, n = 2;

	for (; *opts && n < MAX_OPTS + 2; opts++)
		argv[n++] = *opts;
	argv[n++] = "-d";
	argv[n++] = "60";
	argv[n++] = "--ready-fd";
	argv[n++] = "3";

	if (open_pipes(out, err, ready, NULL))
		return -errno;
	fflush(NULL);
	t->pid = fork_child();
	if (t->pid < 0)
		return -errno;
	if (t->pid == 0) {
		if (dup2(out[1], 1) < 0 || dup2(err[1], 2) < 0 ||
		    dup2(ready[1], 3) < 0)
			_exit(1);
		/*
		 * Opened before the drop: uid 65534 may not reach the
		 * checkout (a clone in /root, mode 0700), only the file.
		 */
		exe = open(path, O_PATH | O_CLOEXEC);
		if (as_nobody && (ret = drop_to_nobody())) {
			dprintf(2, "dropping to uid 65534: %s\n",
				strerror(-ret));
			_exit(1);
		}
		if (exe >= 0)
			syscall(SYS_execveat, exe, "", argv, environ,
				AT_EMPTY_PATH);
		execv(path, (char *const *)argv);
		dprintf(2, "exec %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	close(out[1]);
	close(err[1]);
	close(ready[1]);
	t->out_fd = out[0];
	t->err_fd = err[0];
	*ready_fd = ready[0];
	return 0;
}

/* --- a worker and its noise -------------------------------------------- */

struct child {
	pid_t pid;
	int go_fd; /* write one byte: start the calls */
	int report_fd; /* one line on failure */
	int ns_err; /* the errno that refused the worker's own namespace */
};

/* Where the worker runs: with the test, or in new namespaces of its own. */
enum worker_ns { SAME_NS, OWN_NETNS, OWN_PIDNS };

/* The worker's exit status when its namespace was refused: this + errno. */
#define NS_ERR_EXIT 64

static void worker_calls(int report_fd)
{
	struct nsapi_clone_args args = {
		.flags = CLONE_NEWPID | CLONE_NEWNET,
		.exit_signal = SIGCHLD,
	};
	int fd = ns_open(0, "uts");
	long pid;

	if (fd < 0)
		child_fail(report_fd, "open /proc/self/ns/uts: %m");
	for (int i = 0; i < 100; i++)
		if (sys_unshare(CLONE_NEWUTS))
			child_fail(report_fd, "unshare(CLONE_NEWUTS): %m");
	for (int i = 0; i < 10; i++)
		if (sys_setns(fd, CLONE_NEWNET) != -1 || errno != EINVAL)
			child_fail(report_fd, "setns(uts fd, CLONE_NEWNET) "
					      "did not fail with EINVAL");
	pid = clone3_child_args(&args, CLONE_ARGS_SIZE_VER0);
	if (pid < 0)
		child_fail(report_fd, "clone3(CLONE_NEWPID|CLONE_NEWNET): %m");
	if (pid == 0)
		_exit(0);
	if (wait_child(pid) != 0)
		child_fail(report_fd, "clone3 child did not exit 0");
}

static void noise_calls(int report_fd)
{
	int fd = ns_open(0, "uts");

	for (int i = 0; i < 5; i++) {
		if (sys_unshare(CLONE_NEWUTS))
			child_fail(report_fd, "noise unshare: %m");
		if (sys_setns(fd, CLONE_NEWNET) != -1)
			child_fail(report_fd, "noise setns succeeded");
	}
}

/*
 * Fork a child named @comm that gains CAP_SYS_ADMIN (its namespaces are its
 * own), says it is prepared, waits for go, then runs @calls.
 */
static int child_start(struct child *c, const char *comm,
		       void (*calls)(int report_fd), enum worker_ns where)
{
	struct child_pipes p;
	int prepared_fd = -1;

	c->ns_err = 0;
	if (child_pipes_open(&p))
		return -errno;
	fflush(NULL);
	/* A new pid namespace: the worker is its init (pid 1 there). */
	c->pid = where == OWN_PIDNS ? clone_child(CLONE_NEWPID) : fork_child();
	if (c->pid < 0)
		c->ns_err = where == OWN_PIDNS ? errno : 0;
	if (child_pipes_keep(&p, c->pid, &prepared_fd, &c->go_fd,
			     &c->report_fd))
		return -errno;
	if (c->pid == 0) {
		prctl(PR_SET_NAME, comm);
		if (gain_ns_admin())
			child_fail(p.report[1], "no CAP_SYS_ADMIN: %m");
		/* Before the tracer starts: not one of the traced calls. */
		if (where == OWN_NETNS && unshare(CLONE_NEWNET))
			_exit(NS_ERR_EXIT + errno);
		if (sync_send(p.up[1]) || sync_wait(p.go[0]))
			child_fail(p.report[1], "handshake with the test");
		calls(p.report[1]);
		_exit(0);
	}
	if (sync_wait(prepared_fd)) {
		int st = wait_child(c->pid);

		close(prepared_fd);
		c->pid = -1;
		if (st > NS_ERR_EXIT && st < 128)
			c->ns_err = st - NS_ERR_EXIT;
		return -EPIPE;
	}
	close(prepared_fd);
	return 0;
}

/* --- reading the JSON lines --------------------------------------------- */

/* The value of "key" in a flat JSON line, quotes removed; false if absent. */
static bool json_get(const char *line, const char *key, char *buf, size_t len)
{
	char pattern[64];
	const char *v, *end;

	snprintf(pattern, sizeof(pattern), "\"%s\":", key);
	v = strstr(line, pattern);
	if (!v)
		return false;
	v += strlen(pattern);
	if (*v == '"')
		end = strchr(++v, '"');
	else
		end = v + strcspn(v, ",}");
	if (!end || (size_t)(end - v) >= len)
		return false;
	snprintf(buf, len, "%.*s", (int)(end - v), v);
	return true;
}

static long long json_num(const char *line, const char *key)
{
	char buf[32];

	return json_get(line, key, buf, sizeof(buf)) ? atoll(buf) : -1;
}

static bool call_matches(const char *line, const struct expected_call *e)
{
	char syscall[16], flags[128], err[32];

	if (!json_get(line, "syscall", syscall, sizeof(syscall)) ||
	    !json_get(line, "flags", flags, sizeof(flags)) ||
	    !json_get(line, "errno", err, sizeof(err)))
		return false;
	return !strcmp(syscall, e->syscall) && !strcmp(flags, e->flags) &&
	       !strcmp(err, e->err ? e->err : "null");
}

/*
 * setns's extra fields: the nstype, and the target the fd names (null when
 * the tracer was asked not to name it: --no-target).
 */
static void check_setns(struct __test_metadata *_metadata, const char *line,
			bool named)
{
	char target[64], want[64];
	struct stat st;

	EXPECT_EQ(CLONE_NEWNET, json_num(line, "nstype"));
	EXPECT_LE(0, json_num(line, "fd"));
	ASSERT_EQ(0, ns_stat(0, "uts", &st));
	snprintf(want, sizeof(want), "uts:[%lu]", (unsigned long)st.st_ino);
	ASSERT_TRUE(json_get(line, "target", target, sizeof(target)));
	EXPECT_STREQ(named ? want : "null", target);
}

/* "ns_type" is @type; the inodes before and after, 0 for null. */
static void ns_of(struct __test_metadata *_metadata, const char *line,
		  const char *type, long long *before, long long *after)
{
	char got[16];

	ASSERT_TRUE(json_get(line, "ns_type", got, sizeof(got)))
	TH_LOG("no ns_type: %s", line);
	EXPECT_STREQ(type, got);
	*before = json_num(line, "ns_before");
	*after = json_num(line, "ns_after");
}

static int count_lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static ssize_t read_all(int fd, char *buf, size_t len)
{
	size_t used = 0;
	ssize_t n;

	while (used < len - 1) {
		n = read(fd, buf + used, len - 1 - used);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		used += n;
	}
	buf[used] = '\0';
	return used;
}

/* --- the test ---------------------------------------------------------- */

/* The worker's namespaces before its calls, as this test sees them. */
struct worker_ns_ids {
	unsigned long long uts, net, pid;
};

FIXTURE(trace)
{
	struct tracer tracer;
	struct child worker, noise;
	pid_t worker_pid;
	struct worker_ns_ids ns;
	char *out;
};

enum filter { BY_PID, BY_COMM, BY_NETNS, BY_PIDNS, BY_CONTAINER };

FIXTURE_VARIANT(trace)
{
	enum filter filter;
	const char *attach; /* --attach: auto, btf or perf */
	bool no_target; /* --no-target */
	bool hist; /* --hist --json: counted in the kernel */
};

/*
 * The default way in (auto) is btf where it is built (x86_64): ask for it
 * by name there, so that a silent fall back to perf cannot pass for it.
 */
#ifdef __x86_64__
#define DEFAULT_ATTACH "btf"
#else
#define DEFAULT_ATTACH "auto"
#endif

FIXTURE_VARIANT_ADD(trace, filtered_by_pid){
	.filter = BY_PID,
	.attach = DEFAULT_ATTACH,
};

FIXTURE_VARIANT_ADD(trace, filtered_by_comm){
	.filter = BY_COMM,
	.attach = "auto",
};

/* The other way in (per-syscall perf events), with both filters. */
FIXTURE_VARIANT_ADD(trace, perf_events_by_pid){
	.filter = BY_PID,
	.attach = "perf",
};

FIXTURE_VARIANT_ADD(trace, perf_events_by_comm){
	.filter = BY_COMM,
	.attach = "perf",
};

/* setns's target left out. */
FIXTURE_VARIANT_ADD(trace, no_target_by_comm){
	.filter = BY_COMM,
	.attach = "auto",
	.no_target = true,
};

/* The namespace filters: the worker in a network namespace of its own. */
FIXTURE_VARIANT_ADD(trace, filtered_by_netns){
	.filter = BY_NETNS,
	.attach = DEFAULT_ATTACH,
};

FIXTURE_VARIANT_ADD(trace, perf_events_by_netns){
	.filter = BY_NETNS,
	.attach = "perf",
};

/* ... and the init of a pid namespace of its own (a container). */
FIXTURE_VARIANT_ADD(trace, filtered_by_pidns){
	.filter = BY_PIDNS,
	.attach = DEFAULT_ATTACH,
};

FIXTURE_VARIANT_ADD(trace, filtered_by_container){
	.filter = BY_CONTAINER,
	.attach = "perf",
};

/* What nsapi bench --trace runs: histograms kept in the kernel. */
FIXTURE_VARIANT_ADD(trace, hist_by_comm){
	.filter = BY_COMM,
	.attach = DEFAULT_ATTACH,
	.no_target = true,
	.hist = true,
};

FIXTURE_VARIANT_ADD(trace, perf_events_hist_by_comm){
	.filter = BY_COMM,
	.attach = "perf",
	.no_target = true,
	.hist = true,
};

FIXTURE_SETUP(trace)
{
	self->tracer.pid = self->worker.pid = self->noise.pid = -1;
	self->out = calloc(1, 1 << 20);
	ASSERT_NE(NULL, self->out);
}

FIXTURE_TEARDOWN(trace)
{
	pid_t *pids[] = { &self->tracer.pid, &self->worker.pid,
			  &self->noise.pid };

	for (size_t i = 0; i < ARRAY_SIZE(pids); i++) {
		if (*pids[i] > 0) {
			kill(*pids[i], SIGKILL);
			wait_child(*pids[i]);
		}
	}
	free(self->out);
}

/* Start the tracer filtered to the worker; SKIP with its reason if it can't. */
static void start_filtered_tracer(struct __test_metadata *_metadata,
				  FIXTURE_DATA(trace) * self,
				  const FIXTURE_VARIANT(trace) * variant)
{
	static const char *const filter_opts[] = {
		[BY_PID] = "-p",
		[BY_COMM] = "-c",
		[BY_NETNS] = "--netns",
		[BY_PIDNS] = "--pidns",
		[BY_CONTAINER] = "--container",
	};
	char path[PATH_MAX], arg[32], reason[512];
	const char *opts[MAX_OPTS + 1] = { "--attach", variant->attach,
					   filter_opts[variant->filter], arg };
	int ready_fd, status, n = 4;

	if (variant->no_target)
		opts[n++] = "--no-target";
	if (variant->hist)
		opts[n++] = "--hist";
	ASSERT_EQ(0, tracer_path(path, sizeof(path)));
	if (access(path, X_OK))
		SKIP(return, "tracer %.200s not built: %s", path,
			   strerror(errno));
	if (variant->filter == BY_COMM)
		snprintf(arg, sizeof(arg), "%s", worker_comm);
	else if (variant->filter == BY_NETNS)
		snprintf(arg, sizeof(arg), "%llu", self->ns.net);
	else if (variant->filter == BY_PIDNS)
		snprintf(arg, sizeof(arg), "%llu", self->ns.pid);
	else
		snprintf(arg, sizeof(arg), "%d", self->worker.pid);
	ASSERT_EQ(0, tracer_start(&self->tracer, path, opts, &ready_fd, false));
	if (sync_wait(ready_fd) == 0) {
		close(ready_fd);
		return;
	}
	close(ready_fd);
	status = wait_child(self->tracer.pid);
	self->tracer.pid = -1;
	child_report(self->tracer.err_fd, reason, sizeof(reason));
	reason[strcspn(reason, "\n")] = '\0';
	if (status == SKIP_STATUS)
		SKIP(return, "%s", reason);
	ASSERT_EQ(SKIP_STATUS, status)
	TH_LOG("tracer exited %d before it was ready: %s", status, reason);
}

/*
 * The noise makes its calls first, then the worker: one after the other, so
 * that the two never run the tracer's program at once.  On kernels whose
 * syscall tracepoints are preemptible (seen on 7.2 under TCG with one CPU)
 * a task preempted inside the program makes the kernel skip the other's
 * run (recursion protection), and that call is lost.
 */
static void run_children(struct __test_metadata *_metadata,
			 FIXTURE_DATA(trace) * self)
{
	struct child *children[] = { &self->noise, &self->worker };
	char report[512];

	for (size_t i = 0; i < ARRAY_SIZE(children); i++) {
		int status;

		ASSERT_EQ(0, sync_send(children[i]->go_fd));
		status = wait_child(children[i]->pid);
		children[i]->pid = -1;
		child_report(children[i]->report_fd, report, sizeof(report));
		ASSERT_EQ(0, status)
		TH_LOG("child %zu: %s", i, report);
	}
}

/*
 * The namespaces each call reports: unshare(CLONE_NEWUTS) moves the worker
 * from one UTS namespace to the next (a chain starting at its first), the
 * failed setns leaves its network namespace as it was, and clone3's child
 * has a network namespace of its own.
 */
static void check_ns(struct __test_metadata *_metadata, const char *line,
		     const struct expected_call *e,
		     const struct worker_ns_ids *ns, long long *uts)
{
	long long before, after;

	if (!strcmp(e->syscall, "unshare")) {
		ns_of(_metadata, line, "uts", &before, &after);
		EXPECT_EQ(*uts, before)
		TH_LOG("unshare's UTS namespace before is not the last one's "
		       "after: %s",
		       line);
		EXPECT_LT(0, after);
		EXPECT_NE(before, after);
		*uts = after;
	} else if (!strcmp(e->syscall, "setns")) {
		ns_of(_metadata, line, "net", &before, &after);
		EXPECT_EQ((long long)ns->net, before);
		EXPECT_EQ((long long)ns->net, after);
	} else {
		ns_of(_metadata, line, "net", &before, &after);
		EXPECT_EQ((long long)ns->net, before);
		EXPECT_LT(0, after);
		EXPECT_NE(before, after);
	}
}

static void check_lines(struct __test_metadata *_metadata, char *out,
			pid_t worker, bool named,
			const struct worker_ns_ids *ns)
{
	int counts[ARRAY_SIZE(expected)] = {}, total = 0;
	long long last_ts = 0, uts = (long long)ns->uts;
	char *save, *line;

	for (line = strtok_r(out, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save), total++) {
		bool known = false;

		EXPECT_EQ(worker, json_num(line, "pid"))
		TH_LOG("a call of another process: %s", line);
		EXPECT_LT(0, json_num(line, "dur_ns"));
		EXPECT_LE(last_ts, json_num(line, "ts_ns"));
		last_ts = json_num(line, "ts_ns");
		for (size_t i = 0; i < ARRAY_SIZE(expected); i++) {
			const struct expected_call *e = &expected[i];

			if (!call_matches(line, e))
				continue;
			counts[i]++;
			known = true;
			if (e->ret >= 0 || e->ret < -1) {
				EXPECT_EQ(e->ret, json_num(line, "ret"));
			} else {
				EXPECT_LT(0, json_num(line, "ret"));
			}
			if (!strcmp(e->syscall, "setns"))
				check_setns(_metadata, line, named);
			check_ns(_metadata, line, e, ns, &uts);
		}
		EXPECT_TRUE(known)
		TH_LOG("unexpected call: %s", line);
	}
	for (size_t i = 0; i < ARRAY_SIZE(expected); i++) {
		EXPECT_EQ(expected[i].count, counts[i])
		TH_LOG("%s %s (%s)", expected[i].syscall, expected[i].flags,
		       expected[i].err ? expected[i].err : "success");
	}
	EXPECT_EQ(111, total);
}

/*
 * --hist --json: one line per kind of call, counted in the kernel: the
 * worker's 100, 10 and 1, nothing else.
 */
static void check_hists(struct __test_metadata *_metadata, char *out)
{
	int counts[ARRAY_SIZE(expected)] = {}, lines = 0;
	char *save, *line;

	for (line = strtok_r(out, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save), lines++) {
		bool known = false;

		for (size_t i = 0; i < ARRAY_SIZE(expected); i++) {
			if (!call_matches(line, &expected[i]))
				continue;
			counts[i] += json_num(line, "count");
			known = true;
		}
		EXPECT_TRUE(known)
		TH_LOG("unexpected histogram: %s", line);
		EXPECT_LT(0, json_num(line, "p50_ns"));
	}
	for (size_t i = 0; i < ARRAY_SIZE(expected); i++) {
		EXPECT_EQ(expected[i].count, counts[i])
		TH_LOG("%s %s (%s)", expected[i].syscall, expected[i].flags,
		       expected[i].err ? expected[i].err : "success");
	}
	EXPECT_EQ((int)ARRAY_SIZE(expected), lines);
}

static unsigned long long ns_ino(pid_t pid, const char *name)
{
	struct stat st;

	return ns_stat(pid, name, &st) ? 0 : (unsigned long long)st.st_ino;
}

/* The worker, where the variant wants it; SKIP if the environment refuses. */
static void start_worker(struct __test_metadata *_metadata,
			 FIXTURE_DATA(trace) * self,
			 const FIXTURE_VARIANT(trace) * variant)
{
	enum worker_ns where = SAME_NS;
	int ret;

	if (variant->filter == BY_NETNS)
		where = OWN_NETNS;
	else if (variant->filter == BY_PIDNS || variant->filter == BY_CONTAINER)
		where = OWN_PIDNS;
	ret = child_start(&self->worker, worker_comm, worker_calls, where);
	if (ret && self->worker.ns_err) {
		if (where == OWN_PIDNS)
			SKIP_IF_ENV_EXPLAINS(return, NS_CALL_CLONE,
						   CLONE_NEWPID,
						   self->worker.ns_err);
		else
			SKIP_IF_ENV_EXPLAINS(return, NS_CALL_UNSHARE,
						   CLONE_NEWNET,
						   self->worker.ns_err);
	}
	if (ret) {
		char msg[256];

		child_report(self->worker.report_fd, msg, sizeof(msg));
		ASSERT_EQ(0, ret)
		TH_LOG("worker: %s; it said: %s",
		       strerror(self->worker.ns_err ?: -ret), msg);
	}
	self->ns.uts = ns_ino(self->worker.pid, "uts");
	self->ns.net = ns_ino(self->worker.pid, "net");
	self->ns.pid = ns_ino(self->worker.pid, "pid");
	ASSERT_NE(0, self->ns.uts);
	ASSERT_NE(0, self->ns.net);
	ASSERT_NE(0, self->ns.pid);
}

/* Exactly the worker's 111 calls, with their flags and errnos. */
TEST_F(trace, reports_exactly_the_calls_of_the_filtered_process)
{
	const struct ns_env *env = ns_env();
	char err[1024];
	int status;

	/* The worker's calls create and name these types. */
	REQUIRE_NS_TYPE(&ns_types[NS_uts]);
	REQUIRE_NS_TYPE(&ns_types[NS_net]);
	REQUIRE_NS_TYPE(&ns_types[NS_pid]);
	/* The rule, from the probe: the children could not make their calls. */
	SKIP_IF_ENV_EXPLAINS(return, NS_CALL_UNSHARE, CLONE_NEWUTS,
				   env->filtered[NS_CALL_UNSHARE][NS_uts]);
	/* Without CAP_SYS_ADMIN the children gain it in a user namespace. */
	if (!have_cap(CAP_SYS_ADMIN)) {
		REQUIRE_NS_TYPE(&ns_types[NS_user]);
		if (env->create_errno[NS_user] > 0)
			SKIP_IF_ENV_EXPLAINS(return, NS_CALL_UNSHARE,
						   CLONE_NEWUSER,
						   env->create_errno[NS_user]);
	}
	start_worker(_metadata, self, variant);
	if (self->worker.pid < 0)
		return;
	ASSERT_EQ(0,
		  child_start(&self->noise, noise_comm, noise_calls, SAME_NS));
	self->worker_pid = self->worker.pid;
	start_filtered_tracer(_metadata, self, variant);
	if (self->tracer.pid < 0)
		return;
	run_children(_metadata, self);
	/* The tracer prints what is in its buffer before it exits. */
	ASSERT_EQ(0, kill(self->tracer.pid, SIGINT));
	read_all(self->tracer.out_fd, self->out, 1 << 20);
	status = wait_child(self->tracer.pid);
	self->tracer.pid = -1;
	child_report(self->tracer.err_fd, err, sizeof(err));
	ASSERT_EQ(0, status)
	TH_LOG("tracer stderr: %s", err);
	if (variant->hist)
		check_hists(_metadata, self->out);
	else
		check_lines(_metadata, self->out, self->worker_pid,
			    !variant->no_target, &self->ns);
	if (_metadata->exit_code != KSFT_PASS && err[0])
		TH_LOG("tracer stderr: %s", err);
}

/*
 * Without privilege the tracer says why in one line and exits with the
 * skip status, never with libbpf's memlock advice.
 */
TEST(unprivileged_tracer_exits_4_with_one_line)
{
	char path[PATH_MAX], out[512];
	const char *opts[] = { "-p", "1", NULL };
	struct tracer t;
	int ready_fd;

	if (!have_cap(CAP_SETUID) || !have_cap(CAP_SETGID))
		SKIP(return,
			   "needs CAP_SETUID and CAP_SETGID to drop to 65534");
	if (!ns_env()->nobody_mapped)
		SKIP_IF_ENV_EXPLAINS(return, NS_CALL_NOBODY, 0, EINVAL);
	ASSERT_EQ(0, tracer_path(path, sizeof(path)));
	if (access(path, X_OK))
		SKIP(return, "tracer %.200s not built: %s", path,
			   strerror(errno));
	ASSERT_EQ(0, tracer_start(&t, path, opts, &ready_fd, true));
	EXPECT_NE(0, sync_wait(ready_fd));
	close(ready_fd);
	EXPECT_EQ(SKIP_STATUS, wait_child(t.pid));
	EXPECT_EQ(0, read_all(t.out_fd, out, sizeof(out)));
	read_all(t.err_fd, out, sizeof(out));
	EXPECT_EQ(1, count_lines(out))
	TH_LOG("stderr: %s", out);
	EXPECT_EQ(NULL, strstr(out, "memlock"));
	EXPECT_EQ(NULL, strstr(out, "RLIMIT"));
}

TEST_HARNESS_MAIN

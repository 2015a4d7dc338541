// SPDX-License-Identifier: GPL-2.0
/*
 * nsapi trace: clone, clone3, unshare and setns as they happen, one line per
 * call (or a JSON line, or log2 latency histograms at the end).  Like
 * execsnoop, for namespaces.  The kernel half is nsapi_trace.bpf.c.
 *
 * Exit status: 0 done, 1 runtime error, 2 bad usage, 4 tracing unavailable
 * here (the kselftest skip status), with a one-line reason.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <linux/capability.h>
#include <linux/perf_event.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "nsapi_trace.h"
#include "nsapi_trace.skel.h"

#define EXIT_USAGE 2
#define EXIT_UNAVAILABLE 4

#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#endif
#ifndef CAP_BPF
#define CAP_BPF 39
#endif
#ifndef __NR_clone3
#define __NR_clone3 435
#endif

/* The BPF side wakes us only for batches: how often to look anyway. */
#define POLL_MS 50

#define TRACEFS "/sys/kernel/tracing"
#define DEBUGFS_TRACING "/sys/kernel/debug/tracing"
#define NS_FLAGS_MASK 0x7e020080ULL

static const char *const nstype_names[NST_COUNT] = {
	[NST_NONE] = "",	 [NST_NET] = "net", [NST_PID] = "pid",
	[NST_USER] = "user",	 [NST_IPC] = "ipc", [NST_UTS] = "uts",
	[NST_CGROUP] = "cgroup", [NST_MNT] = "mnt", [NST_TIME] = "time",
};

static const char *const syscall_names[SC_COUNT] = {
	[SC_CLONE] = "clone",
	[SC_CLONE3] = "clone3",
	[SC_UNSHARE] = "unshare",
	[SC_SETNS] = "setns",
};

/* Every CLONE_* flag, namespace flags first; printed in this order. */
static const struct flag_name {
	unsigned long long bit;
	const char *name;
} clone_flags[] = {
	{ 0x40000000ULL, "CLONE_NEWNET" },
	{ 0x20000000ULL, "CLONE_NEWPID" },
	{ 0x10000000ULL, "CLONE_NEWUSER" },
	{ 0x08000000ULL, "CLONE_NEWIPC" },
	{ 0x04000000ULL, "CLONE_NEWUTS" },
	{ 0x02000000ULL, "CLONE_NEWCGROUP" },
	{ 0x00020000ULL, "CLONE_NEWNS" },
	{ 0x00000080ULL, "CLONE_NEWTIME" },
	{ 0x200000000ULL, "CLONE_INTO_CGROUP" },
	{ 0x100000000ULL, "CLONE_CLEAR_SIGHAND" },
	{ 0x80000000ULL, "CLONE_IO" },
	{ 0x01000000ULL, "CLONE_CHILD_SETTID" },
	{ 0x00800000ULL, "CLONE_UNTRACED" },
	{ 0x00400000ULL, "CLONE_DETACHED" },
	{ 0x00200000ULL, "CLONE_CHILD_CLEARTID" },
	{ 0x00100000ULL, "CLONE_PARENT_SETTID" },
	{ 0x00080000ULL, "CLONE_SETTLS" },
	{ 0x00040000ULL, "CLONE_SYSVSEM" },
	{ 0x00010000ULL, "CLONE_THREAD" },
	{ 0x00008000ULL, "CLONE_PARENT" },
	{ 0x00004000ULL, "CLONE_VFORK" },
	{ 0x00002000ULL, "CLONE_PTRACE" },
	{ 0x00001000ULL, "CLONE_PIDFD" },
	{ 0x00000800ULL, "CLONE_SIGHAND" },
	{ 0x00000400ULL, "CLONE_FILES" },
	{ 0x00000200ULL, "CLONE_FS" },
	{ 0x00000100ULL, "CLONE_VM" },
};

/* How the programs reach the syscalls (nsapi_trace.bpf.c's header). */
enum attach_mode { ATTACH_AUTO, ATTACH_BTF, ATTACH_PERF };

static const char *const attach_names[] = { "auto", "btf", "perf" };

static struct env {
	pid_t pid;
	enum attach_mode attach;
	char comm[NSAPI_TRACE_COMM_LEN];
	bool comm_prefix; /* -c NAME*: every comm starting with NAME */
	unsigned long long netns, pidns; /* --netns, --pidns/--container */
	bool group_ns, group_comm; /* --hist --group */
	long interval_sec; /* --hist -i */
	long duration_sec;
	int ready_fd;
	bool json;
	bool hist;
	bool all_clones;
	bool no_target;
	long slots; /* --slots: 0 = the BPF side's default */
	bool check_only;
	bool verbose;
	long long mono_to_real_ns;
} env = { .ready_fd = -1 };

static volatile sig_atomic_t exiting;

/* --- messages ---------------------------------------------------------- */

static void __attribute__((format(printf, 2, 3), noreturn))
die(int status, const char *fmt, ...)
{
	va_list ap;

	fputs("nsapi trace: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(status);
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list args)
{
	(void)level;
	if (!env.verbose)
		return 0;
	return vfprintf(stderr, fmt, args);
}

/* --- options ----------------------------------------------------------- */

static const char usage_text[] =
	"usage: nsapi trace [-p PID] [-c COMM] [--netns INODE] [--pidns INODE]\n"
	"                   [--container PID] [-d SECONDS] [--json] [--hist]\n"
	"                   [--group ns,comm] [-i SECONDS] [-a] [--no-target]\n"
	"                   [--attach MODE] [--ready-fd N] [--check] [-v]\n"
	"Trace clone, clone3, unshare and setns system-wide (or one process).\n"
	"Pids are as this process sees them (its pid namespace).\n"
	"  -p, --pid PID       only the process (thread group) PID\n"
	"  -c, --comm COMM     only tasks whose comm is COMM (<= 15 chars);\n"
	"                      COMM* : whose comm starts with COMM\n"
	"      --netns INODE   only tasks in the network namespace INODE\n"
	"      --pidns INODE   only tasks in the pid namespace INODE\n"
	"      --container PID only tasks in PID's pid namespace\n"
	"  -d, --duration SEC  stop after SEC seconds (1..86400)\n"
	"  -j, --json          one JSON object per line (with --hist: per\n"
	"                      histogram)\n"
	"  -H, --hist          latency histograms per syscall, flags and errno,\n"
	"                      kept in the kernel, printed at the end\n"
	"      --group KEYS    --hist: also by ns (the caller's namespace of the\n"
	"                      call's type) and/or comm, comma-separated\n"
	"  -i, --interval SEC  --hist: print the histograms so far every SEC\n"
	"  -a, --all-clones    also clone/clone3 without CLONE_NEW* flags\n"
	"      --no-target     do not name what setns()'s fd refers to (cheaper)\n"
	"      --attach MODE   auto (default: btf, else perf), btf (tp_btf\n"
	"                      sys_enter/sys_exit), perf (syscalls/ events)\n"
	"      --ready-fd N    write one byte to fd N once attached\n"
	"      --slots N       (tests) N per-thread slots, a power of two in\n"
	"                      1..16384; reports the calls that did not fit\n"
	"      --check         only check that tracing works here (0 or 4);\n"
	"                      prints the attach mode it would use\n"
	"  -v, --verbose       show libbpf's log\n"
	"Exit status: 0 done, 1 error, 2 bad usage, 4 tracing unavailable.\n";

static long parse_long(const char *what, const char *s, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		die(EXIT_USAGE, "bad %s '%s': expected an integer in %ld..%ld",
		    what, s, min, max);
	return v;
}

static void check_options(void)
{
	char path[64];

	if (env.pid) {
		snprintf(path, sizeof(path), "/proc/%d", env.pid);
		if (access(path, F_OK))
			die(EXIT_USAGE, "bad pid %d: no such process", env.pid);
	}
	if (env.ready_fd >= 0 && fcntl(env.ready_fd, F_GETFD) < 0)
		die(EXIT_USAGE, "bad --ready-fd %d: %s", env.ready_fd,
		    strerror(errno));
	if (!env.hist && (env.group_ns || env.group_comm || env.interval_sec))
		die(EXIT_USAGE, "--group and -i need --hist");
}

/* --container PID: the inode of PID's pid namespace. */
static unsigned long long container_pidns(const char *arg)
{
	long pid = parse_long("--container pid", arg, 1, INT_MAX);
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%ld/ns/pid", pid);
	if (stat(path, &st))
		die(EXIT_USAGE, "bad --container %ld: %s: %s", pid, path,
		    strerror(errno));
	return st.st_ino;
}

static void parse_group(const char *arg)
{
	char buf[64], *tok, *save;

	snprintf(buf, sizeof(buf), "%s", arg);
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (!strcmp(tok, "ns"))
			env.group_ns = true;
		else if (!strcmp(tok, "comm"))
			env.group_comm = true;
		else
			die(EXIT_USAGE,
			    "bad --group '%s': expected ns, comm or ns,comm",
			    arg);
	}
}

static void parse_comm(const char *arg)
{
	size_t n = strlen(arg);

	if (n && arg[n - 1] == '*') {
		env.comm_prefix = true;
		n--;
	}
	if (!n || n >= sizeof(env.comm))
		die(EXIT_USAGE, "bad comm '%s': expected 1..15 characters",
		    arg);
	memcpy(env.comm, arg, n);
}

static enum attach_mode parse_attach(const char *s)
{
	for (size_t i = 0; i < sizeof(attach_names) / sizeof(*attach_names);
	     i++)
		if (!strcmp(s, attach_names[i]))
			return (enum attach_mode)i;
	die(EXIT_USAGE, "bad --attach '%s': expected auto, btf or perf", s);
}

static void parse_args(int argc, char **argv)
{
	enum {
		OPT_READY_FD = 256,
		OPT_CHECK,
		OPT_ATTACH,
		OPT_NO_TARGET,
		OPT_SLOTS,
		OPT_NETNS,
		OPT_PIDNS,
		OPT_CONTAINER,
		OPT_GROUP
	};
	static const struct option opts[] = {
		{ "pid", required_argument, NULL, 'p' },
		{ "comm", required_argument, NULL, 'c' },
		{ "duration", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "hist", no_argument, NULL, 'H' },
		{ "interval", required_argument, NULL, 'i' },
		{ "group", required_argument, NULL, OPT_GROUP },
		{ "netns", required_argument, NULL, OPT_NETNS },
		{ "pidns", required_argument, NULL, OPT_PIDNS },
		{ "container", required_argument, NULL, OPT_CONTAINER },
		{ "all-clones", no_argument, NULL, 'a' },
		{ "attach", required_argument, NULL, OPT_ATTACH },
		{ "no-target", no_argument, NULL, OPT_NO_TARGET },
		{ "slots", required_argument, NULL, OPT_SLOTS },
		{ "ready-fd", required_argument, NULL, OPT_READY_FD },
		{ "check", no_argument, NULL, OPT_CHECK },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":p:c:d:i:jHavh", opts, NULL)) !=
	       -1) {
		switch (c) {
		case 'p':
			env.pid = parse_long("pid", optarg, 1, INT_MAX);
			break;
		case 'c':
			parse_comm(optarg);
			break;
		case 'i':
			env.interval_sec =
				parse_long("interval", optarg, 1, 86400);
			break;
		case OPT_GROUP:
			parse_group(optarg);
			break;
		case OPT_NETNS:
			env.netns = parse_long("--netns inode", optarg, 1,
					       UINT32_MAX);
			break;
		case OPT_PIDNS:
			env.pidns = parse_long("--pidns inode", optarg, 1,
					       UINT32_MAX);
			break;
		case OPT_CONTAINER:
			env.pidns = container_pidns(optarg);
			break;
		case 'd':
			env.duration_sec =
				parse_long("duration", optarg, 1, 86400);
			break;
		case 'j':
			env.json = true;
			break;
		case 'H':
			env.hist = true;
			break;
		case 'a':
			env.all_clones = true;
			break;
		case OPT_READY_FD:
			env.ready_fd =
				parse_long("--ready-fd", optarg, 0, INT_MAX);
			break;
		case OPT_CHECK:
			env.check_only = true;
			break;
		case OPT_ATTACH:
			env.attach = parse_attach(optarg);
			break;
		case OPT_NO_TARGET:
			env.no_target = true;
			break;
		case OPT_SLOTS:
			env.slots = parse_long("--slots", optarg, 1, 16384);
			if (env.slots & (env.slots - 1))
				die(EXIT_USAGE,
				    "bad --slots %ld: not a power of two",
				    env.slots);
			break;
		case 'v':
			env.verbose = true;
			break;
		case 'h':
			fputs(usage_text, stdout);
			exit(0);
		case ':':
			die(EXIT_USAGE, "option '%s' needs a value",
			    argv[optind - 1]);
		default:
			die(EXIT_USAGE, "unknown option '%s' (try --help)",
			    argv[optind - 1]);
		}
	}
	if (optind < argc)
		die(EXIT_USAGE, "unexpected argument '%s' (try --help)",
		    argv[optind]);
	check_options();
}

/* --- can this process trace here? ---------------------------------------- */

static bool have_cap(unsigned int cap)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2] = {};

	if (syscall(SYS_capget, &hdr, data))
		return false;
	return data[cap / 32].effective & (1U << (cap % 32));
}

static void require_privilege(void)
{
	if (have_cap(CAP_SYS_ADMIN) ||
	    (have_cap(CAP_BPF) && have_cap(CAP_PERFMON)))
		return;
	die(EXIT_UNAVAILABLE,
	    "tracing needs root (CAP_SYS_ADMIN) or CAP_BPF and CAP_PERFMON; "
	    "uid %d has neither",
	    (int)geteuid());
}

/* Create and drop a small ring buffer: proves bpf() works, as this user. */
static void require_bpf_syscall(void)
{
	union bpf_attr attr = {
		.map_type = BPF_MAP_TYPE_RINGBUF,
		.max_entries = 4096,
	};
	int fd = syscall(__NR_bpf, BPF_MAP_CREATE, &attr, sizeof(attr));

	if (fd >= 0) {
		close(fd);
		return;
	}
	if (errno == ENOSYS)
		die(EXIT_UNAVAILABLE,
		    "no bpf() syscall in this kernel (CONFIG_BPF_SYSCALL=n)");
	if (errno == EINVAL)
		die(EXIT_UNAVAILABLE, "bpf(BPF_MAP_CREATE, RINGBUF): EINVAL: "
				      "kernel too old for BPF ring buffers "
				      "(needs 5.8)");
	die(EXIT_UNAVAILABLE,
	    "bpf(BPF_MAP_CREATE) refused: %s (seccomp, lockdown, or "
	    "kernel.unprivileged_bpf_disabled)",
	    strerror(errno));
}

/*
 * perf mode's tracepoint ids come from tracefs.  Where it is not mounted
 * (the host, the qemu guests, a chroot) the tracer makes a mount of its own
 * that is attached nowhere (fsopen and fsmount, 5.2): no mount namespace,
 * no mount point, nothing to make private, so a / that is not a mount
 * point (a chroot) is no problem, and the caller's mount table is unchanged.
 */
static int tracefs_fd = -1;

static int open_tracefs(char *why, size_t len)
{
	static const char *const dirs[] = { TRACEFS, DEBUGFS_TRACING };
	char path[64];
	int fs;

	if (tracefs_fd >= 0)
		return 0;
	for (size_t i = 0; i < sizeof(dirs) / sizeof(*dirs); i++) {
		snprintf(path, sizeof(path), "%s/events", dirs[i]);
		if (access(path, F_OK))
			continue;
		tracefs_fd = open(dirs[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (tracefs_fd >= 0)
			return 0;
	}
	fs = fsopen("tracefs", FSOPEN_CLOEXEC);
	if (fs < 0) {
		snprintf(why, len,
			 "tracefs is not mounted and fsopen(\"tracefs\") "
			 "failed: %s (CONFIG_TRACING?)",
			 strerror(errno));
		return -1;
	}
	if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) == 0)
		tracefs_fd = fsmount(fs, FSMOUNT_CLOEXEC, 0);
	if (tracefs_fd < 0)
		snprintf(why, len,
			 "tracefs is not mounted and a detached mount of it "
			 "(fsconfig, fsmount) failed: %s",
			 strerror(errno));
	close(fs);
	return tracefs_fd < 0 ? -1 : 0;
}

/* The id of tracepoint @event ("cat/name"); -1 if it has none. */
static long long tracepoint_id(const char *event)
{
	char path[PATH_MAX], buf[32];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "events/%s/id", event);
	fd = openat(tracefs_fd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return strtoll(buf, NULL, 10);
}

enum tp_family { TP_SYSCALLS, TP_RAW_SYSCALLS };

/* perf mode's events, in tracefs; -1 with the reason in @why. */
static int find_tracepoints(enum tp_family *family, char *why, size_t len)
{
	if (open_tracefs(why, len))
		return -1;
	if (tracepoint_id("syscalls/sys_enter_unshare") >= 0) {
		*family = TP_SYSCALLS;
		return 0;
	}
	if (tracepoint_id("raw_syscalls/sys_enter") >= 0) {
		*family = TP_RAW_SYSCALLS;
		return 0;
	}
	snprintf(why, len,
		 "no syscall tracepoints in tracefs: neither syscalls/ "
		 "(CONFIG_FTRACE_SYSCALLS) nor raw_syscalls/");
	return -1;
}

/* A tracepoint program through a perf event opened here (libbpf's own
 * attach would look the id up in a mounted tracefs). */
static struct bpf_link *attach_tracepoint(struct bpf_program *prog)
{
	const char *event =
		bpf_program__section_name(prog) + strlen("tracepoint/");
	struct perf_event_attr attr = {
		.type = PERF_TYPE_TRACEPOINT,
		.size = sizeof(attr),
		.sample_period = 1,
		.wakeup_events = 1,
	};
	struct bpf_link *link;
	long long id = tracepoint_id(event);
	int pfd, err;

	if (id < 0) {
		errno = ENOENT;
		return NULL;
	}
	attr.config = id;
	pfd = syscall(SYS_perf_event_open, &attr, -1, 0, -1,
		      PERF_FLAG_FD_CLOEXEC);
	if (pfd < 0)
		return NULL;
	link = bpf_program__attach_perf_event(prog, pfd);
	if (!link) {
		err = errno;
		close(pfd);
		errno = err;
	}
	return link;
}

static void decode_flags(char *buf, size_t len, __u32 sc,
			 unsigned long long flags)
{
	unsigned long long rest = flags;
	size_t n = 0;

	buf[0] = '\0';
	if (sc == SC_CLONE)
		rest &= ~0xffULL;
	for (size_t i = 0; i < sizeof(clone_flags) / sizeof(clone_flags[0]);
	     i++) {
		if (!(rest & clone_flags[i].bit))
			continue;
		n += snprintf(buf + n, len - n, "%s%s", n ? "|" : "",
			      clone_flags[i].name);
		rest &= ~clone_flags[i].bit;
		if (n >= len)
			return;
	}
	if (rest)
		n += snprintf(buf + n, len - n, "%s0x%llx", n ? "|" : "", rest);
	if (sc == SC_CLONE && (flags & 0xff) && n < len) {
		const char *sig = sigabbrev_np(flags & 0xff);

		if (sig)
			n += snprintf(buf + n, len - n, "%sSIG%s", n ? "|" : "",
				      sig);
		else
			n += snprintf(buf + n, len - n, "%ssignal %llu",
				      n ? "|" : "", flags & 0xff);
	}
	if (!n)
		snprintf(buf, len, "0");
}

static void describe_target(char *buf, size_t len, const struct ns_event *e)
{
	switch (e->target_kind) {
	case TARGET_NONE:
		snprintf(buf, len, "not-open");
		break;
	case TARGET_NS:
		snprintf(buf, len, "%.*s:[%llu]", NSAPI_TRACE_NSNAME_LEN,
			 e->target_ns, (unsigned long long)e->target_ino);
		break;
	case TARGET_PIDFD:
		snprintf(buf, len, "pidfd:%d", e->target_pid);
		break;
	case TARGET_OTHER:
		snprintf(buf, len, "other:0x%llx",
			 (unsigned long long)e->target_magic);
		break;
	default:
		buf[0] = '\0';
	}
}

static const char *errno_name(long long ret)
{
	if (ret >= 0 || ret < -4095)
		return NULL;
	return strerrorname_np(-ret);
}

/*
 * One JSON line per event is printed directly, not through json-c (which
 * the runner and the bench use): a comm is up to 16 arbitrary bytes, not
 * UTF-8, and every byte outside printable ASCII becomes \u00XX here, so a
 * line is valid JSON whatever a process named itself; and the reader keeps
 * up with a million events a second without an allocation per event.
 */
static void json_string(const char *s, size_t max)
{
	putchar('"');
	for (size_t i = 0; i < max && s[i]; i++) {
		unsigned char c = s[i];

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

/* "ns_type", "ns_before", "ns_after": null where not known. */
static void print_json_ns(__u32 type, unsigned long long before,
			  unsigned long long after)
{
	if (!type || type >= NST_COUNT) {
		fputs(",\"ns_type\":null,\"ns_before\":null,\"ns_after\":null",
		      stdout);
		return;
	}
	printf(",\"ns_type\":\"%s\",\"ns_before\":", nstype_names[type]);
	before ? printf("%llu", before) : fputs("null", stdout);
	fputs(",\"ns_after\":", stdout);
	after ? printf("%llu", after) : fputs("null", stdout);
}

static void print_json(const struct ns_event *e, const char *flags,
		       const char *target)
{
	const char *err = errno_name(e->ret);

	printf("{\"ts_ns\":%llu,\"pid\":%u,\"tid\":%u,\"comm\":",
	       (unsigned long long)e->ts_ns, e->pid, e->tid);
	json_string(e->comm, sizeof(e->comm));
	printf(",\"syscall\":\"%s\",\"flags\":\"%s\",\"flags_raw\":%llu",
	       syscall_names[e->syscall], flags, (unsigned long long)e->flags);
	if (e->syscall == SC_SETNS) {
		printf(",\"nstype\":%llu,\"fd\":%d,\"target\":",
		       (unsigned long long)e->flags, e->fd);
		if (*target)
			json_string(target, strlen(target));
		else
			fputs("null", stdout);
	} else {
		fputs(",\"nstype\":null,\"fd\":null,\"target\":null", stdout);
	}
	printf(",\"ret\":%lld,\"errno\":", (long long)e->ret);
	if (err)
		printf("\"%s\"", err);
	else
		fputs("null", stdout);
	printf(",\"dur_ns\":%llu", (unsigned long long)e->dur_ns);
	print_json_ns(e->ns_type, e->ns_before, e->ns_after);
	puts("}");
}

static void print_header(void)
{
	printf("%-12s %-7s %-7s %-16s %-7s %-10s %9s  %s\n", "TIME", "PID",
	       "TID", "COMM", "SYSCALL", "RET", "DUR(us)", "ARGS");
}

static void print_text(const struct ns_event *e, const char *flags,
		       const char *target)
{
	long long real_ns = (long long)e->ts_ns + env.mono_to_real_ns;
	time_t sec = real_ns / 1000000000LL;
	const char *err = errno_name(e->ret);
	char ret[32], ts[16];
	struct tm tm;

	strftime(ts, sizeof(ts), "%H:%M:%S", localtime_r(&sec, &tm));
	if (err)
		snprintf(ret, sizeof(ret), "%s", err);
	else
		snprintf(ret, sizeof(ret), "%lld", (long long)e->ret);
	printf("%s.%03lld %-7u %-7u %-16.16s %-7s %-10s %9.3f  ", ts,
	       (real_ns / 1000000) % 1000, e->pid, e->tid, e->comm,
	       syscall_names[e->syscall], ret, e->dur_ns / 1000.0);
	if (e->syscall == SC_SETNS)
		printf("fd=%d%s%s nstype=%s", e->fd, *target ? " " : "", target,
		       flags);
	else
		printf("%s", flags);
	/* "net 4026531840 -> 4026532310": the caller's, before and after. */
	if (e->ns_type && e->ns_type < NST_COUNT) {
		printf("  %s %llu -> ", nstype_names[e->ns_type],
		       (unsigned long long)e->ns_before);
		e->ns_after ? printf("%llu", (unsigned long long)e->ns_after) :
			      fputs("?", stdout);
	}
	putchar('\n');
}

static long long now_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* --- histograms (kept in the kernel: --hist) ------------------------- */

#define MERGED_MAX 1024

static struct hist_val merged[MERGED_MAX];
static unsigned int nr_merged;
static unsigned long long merged_lost;

/* Bucket @i's range [lo, hi) in ns (nsapi_trace.h). */
static void bucket_range(unsigned int i, unsigned long long *lo,
			 unsigned long long *hi)
{
	unsigned int e = i / HIST_SUB + HIST_SUB_BITS - 1;
	unsigned long long m = i % HIST_SUB + HIST_SUB;

	if (i < HIST_SUB) {
		*lo = i;
		*hi = i + 1;
		return;
	}
	*lo = m << (e - HIST_SUB_BITS);
	*hi = (m + 1) << (e - HIST_SUB_BITS);
}

/* The @q quantile of @h in ns, linear inside its bucket; NAN if empty. */
static double hist_quantile(const struct hist_val *h, double q)
{
	double want = q * (double)h->count, seen = 0;
	unsigned long long lo, hi;

	for (unsigned int i = 0; i < HIST_BUCKETS; i++) {
		if (!h->buckets[i] || seen + (double)h->buckets[i] < want) {
			seen += (double)h->buckets[i];
			continue;
		}
		bucket_range(i, &lo, &hi);
		return (double)lo + (double)(hi - lo) * (want - seen) /
					    (double)h->buckets[i];
	}
	return NAN;
}

static void merge_one(const struct hist_val *v)
{
	struct hist_key k = v->key;
	struct hist_val *m = NULL;

	if (v->key.used != 1 || !v->count)
		return;
	for (unsigned int i = 0; i < nr_merged && !m; i++)
		if (!memcmp(&merged[i].key, &k, sizeof(k)))
			m = &merged[i];
	if (!m) {
		if (nr_merged == MERGED_MAX) {
			merged_lost += v->count;
			return;
		}
		m = &merged[nr_merged++];
		m->key = k;
	}
	m->count += v->count;
	m->sum_ns += v->sum_ns;
	for (unsigned int i = 0; i < HIST_BUCKETS; i++)
		m->buckets[i] += v->buckets[i];
}

/* Every CPU's slots, merged by key into merged[]. */
static int read_hists(struct nsapi_trace *skel)
{
	int ncpu = libbpf_num_possible_cpus(),
	    fd = bpf_map__fd(skel->maps.hist);
	struct hist_val *vals;

	if (ncpu <= 0)
		return -1;
	vals = calloc(ncpu, sizeof(*vals));
	if (!vals)
		return -1;
	memset(merged, 0, sizeof(merged));
	nr_merged = 0;
	merged_lost = 0;
	for (__u32 slot = 0; slot < HIST_SLOTS; slot++) {
		if (bpf_map_lookup_elem(fd, &slot, vals))
			continue;
		for (int c = 0; c < ncpu; c++)
			merge_one(&vals[c]);
	}
	free(vals);
	return 0;
}

static const char *key_errno(const struct hist_key *k)
{
	return k->err ? strerrorname_np(k->err) : NULL;
}

static void print_stars(unsigned long long val, unsigned long long max,
			int width)
{
	int n = max ? (int)(val * width / max) : 0;

	for (int i = 0; i < width; i++)
		putchar(i < n ? '*' : ' ');
}

/* 1234 -> "1K" style bounds, as bpftrace prints them. */
static void human_ns(char *buf, size_t len, unsigned long long v)
{
	static const char units[] = "KMGT";
	int u = -1;

	while (v >= 1024 && !(v % 1024) && u < 3) {
		v /= 1024;
		u++;
	}
	if (u < 0)
		snprintf(buf, len, "%llu", v);
	else
		snprintf(buf, len, "%llu%c", v, units[u]);
}

static void print_key(const struct hist_key *k)
{
	char flags[512];
	const char *err = key_errno(k);

	decode_flags(flags, sizeof(flags), k->syscall, k->flags);
	printf("\n%s %s%s%s", syscall_names[k->syscall], flags, err ? " " : "",
	       err ? err : "");
	if (env.group_comm)
		printf(" comm %.16s", (const char *)k->comm);
	if (env.group_ns && k->ns_type && k->ns_type < NST_COUNT)
		printf(" %s %llu", nstype_names[k->ns_type],
		       (unsigned long long)k->ns);
}

/* Powers of two in ns (the fine buckets folded), like bpftrace's hist(). */
static void print_hist(const struct hist_val *h)
{
	unsigned long long pow2[HIST_MAX_EXP + 2] = {}, max = 0, lo, hi;
	int first = -1, last = 0;
	char a[32], b[32];

	for (unsigned int i = 0; i < HIST_BUCKETS; i++) {
		if (!h->buckets[i])
			continue;
		bucket_range(i, &lo, &hi);
		int e = lo ? 63 - __builtin_clzll(lo) : 0;

		if (e > HIST_MAX_EXP + 1)
			e = HIST_MAX_EXP + 1;
		pow2[e] += h->buckets[i];
	}
	for (int e = 0; e <= HIST_MAX_EXP + 1; e++) {
		if (!pow2[e])
			continue;
		if (first < 0)
			first = e;
		last = e;
		if (pow2[e] > max)
			max = pow2[e];
	}
	print_key(&h->key);
	printf(": %llu calls, mean %.0f ns, p50 %.0f ns, p99 %.0f ns\n",
	       (unsigned long long)h->count, (double)h->sum_ns / h->count,
	       hist_quantile(h, 0.5), hist_quantile(h, 0.99));
	for (int e = first; first >= 0 && e <= last; e++) {
		human_ns(a, sizeof(a), e ? 1ULL << e : 0);
		human_ns(b, sizeof(b), 1ULL << (e + 1));
		printf("[%s, %s)%*s %8llu |", a, b,
		       (int)(14 - strlen(a) - strlen(b)), "", pow2[e]);
		print_stars(pow2[e], max, 40);
		puts("|");
	}
}

static void print_hist_json(const struct hist_val *h, long long now)
{
	const struct hist_key *k = &h->key;
	const char *err = key_errno(k);
	unsigned long long lo, hi;
	char flags[512];
	bool first = true;

	decode_flags(flags, sizeof(flags), k->syscall, k->flags);
	printf("{\"t_ns\":%lld,\"syscall\":\"%s\",\"flags\":\"%s\","
	       "\"flags_raw\":%llu,\"errno\":",
	       now, syscall_names[k->syscall], flags,
	       (unsigned long long)k->flags);
	err ? printf("\"%s\"", err) : fputs("null", stdout);
	fputs(",\"comm\":", stdout);
	if (env.group_comm)
		json_string((const char *)k->comm, sizeof(k->comm));
	else
		fputs("null", stdout);
	if (env.group_ns && k->ns_type && k->ns_type < NST_COUNT)
		printf(",\"ns_type\":\"%s\",\"ns\":%llu",
		       nstype_names[k->ns_type], (unsigned long long)k->ns);
	else
		fputs(",\"ns_type\":null,\"ns\":null", stdout);
	printf(",\"count\":%llu,\"sum_ns\":%llu,\"p50_ns\":%.1f,"
	       "\"p90_ns\":%.1f,\"p99_ns\":%.1f,\"buckets\":[",
	       (unsigned long long)h->count, (unsigned long long)h->sum_ns,
	       hist_quantile(h, 0.5), hist_quantile(h, 0.9),
	       hist_quantile(h, 0.99));
	for (unsigned int i = 0; i < HIST_BUCKETS; i++) {
		if (!h->buckets[i])
			continue;
		bucket_range(i, &lo, &hi);
		printf("%s[%llu,%llu,%llu]", first ? "" : ",", lo, hi,
		       (unsigned long long)h->buckets[i]);
		first = false;
	}
	puts("]}");
}

static void print_hists(struct nsapi_trace *skel)
{
	long long now = now_ns(CLOCK_MONOTONIC);

	if (read_hists(skel)) {
		fprintf(stderr, "nsapi trace: reading the histograms: %s\n",
			strerror(errno));
		return;
	}
	if (!nr_merged && !env.json)
		puts("no calls traced");
	for (unsigned int i = 0; i < nr_merged; i++)
		env.json ? print_hist_json(&merged[i], now) :
			   print_hist(&merged[i]);
	if (merged_lost)
		printf("\n%llu calls with more than %d distinct keys not "
		       "shown\n",
		       merged_lost, MERGED_MAX);
	fflush(stdout);
}

/* --- the loop ---------------------------------------------------------- */

static int handle_event(void *ctx, void *data, size_t size)
{
	const struct ns_event *e = data;
	char flags[512], target[64];

	(void)ctx;
	if (size < sizeof(*e) || e->syscall >= SC_COUNT)
		return 0;
	decode_flags(flags, sizeof(flags), e->syscall, e->flags);
	describe_target(target, sizeof(target), e);
	if (env.json)
		print_json(e, flags, target);
	else
		print_text(e, flags, target);
	return 0;
}

static void on_signal(int sig)
{
	(void)sig;
	exiting = 1;
}

static int setup_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, &sa, NULL) || sigaction(SIGTERM, &sa, NULL)) {
		fprintf(stderr, "nsapi trace: sigaction: %s\n",
			strerror(errno));
		return -1;
	}
	return 0;
}

static int poll_events(struct ring_buffer *rb, struct nsapi_trace *skel)
{
	long long deadline = 0, next = 0, now;
	int n;

	now = now_ns(CLOCK_MONOTONIC);
	if (env.duration_sec)
		deadline = now + env.duration_sec * 1000000000LL;
	if (env.interval_sec)
		next = now + env.interval_sec * 1000000000LL;
	while (!exiting) {
		n = ring_buffer__poll(rb, POLL_MS);
		if (n < 0 && n != -EINTR) {
			fprintf(stderr, "nsapi trace: ring_buffer__poll: %s\n",
				strerror(-n));
			return -1;
		}
		if (n > 0)
			fflush(stdout);
		now = now_ns(CLOCK_MONOTONIC);
		if (deadline && now >= deadline)
			break;
		if (next && now >= next) {
			print_hists(skel);
			next += env.interval_sec * 1000000000LL;
		}
	}
	/* Calls that returned before the signal are in the buffer: print. */
	n = ring_buffer__consume(rb);
	return n < 0 ? -1 : 0;
}

static int signal_ready(void)
{
	char c = 'R';

	if (env.ready_fd < 0)
		return 0;
	if (write(env.ready_fd, &c, 1) != 1) {
		fprintf(stderr, "nsapi trace: write(--ready-fd %d): %s\n",
			env.ready_fd, strerror(errno));
		return -1;
	}
	close(env.ready_fd);
	return 0;
}

/* --- open, configure, load, attach ------------------------------------- */

/* The programs read kernel structures through CO-RE: no BTF, no loading. */
static void require_kernel_btf(void)
{
	if (access("/sys/kernel/btf/vmlinux", R_OK))
		die(EXIT_UNAVAILABLE,
		    "no kernel BTF: /sys/kernel/btf/vmlinux: %s "
		    "(CONFIG_DEBUG_INFO_BTF=n?)",
		    strerror(errno));
}

/*
 * The tracer's own pid namespace (inode and device of its nsfs file).
 * Pids are reported as they are seen from there; the initial one has a
 * fixed inode (PROC_PID_INIT_INO), where the plain pids are right.
 */
static struct {
	unsigned long long ino, dev;
} own_pidns;

#define PROC_PID_INIT_INO 0xEFFFFFFCULL

static void find_own_pidns(void)
{
	struct stat st;

	if (stat("/proc/self/ns/pid", &st))
		die(1, "stat /proc/self/ns/pid: %s", strerror(errno));
	own_pidns.ino = st.st_ino;
	own_pidns.dev = st.st_dev;
}

/* Does the program in section @sec belong to @mode? */
static bool in_mode(const char *sec, enum attach_mode mode,
		    enum tp_family family)
{
	const char *prefix = "";

	if (mode == ATTACH_BTF)
		prefix = "tp_btf/";
	else if (mode == ATTACH_PERF)
		prefix = family == TP_SYSCALLS ? "tracepoint/syscalls/" :
						 "tracepoint/raw_syscalls/";
	return *prefix && !strncmp(sec, prefix, strlen(prefix));
}

/* Filters into the read-only data, @mode's programs on; how many. */
static int configure(struct nsapi_trace *skel, enum attach_mode mode,
		     enum tp_family family)
{
	struct bpf_program *prog;
	int n = 0;

	skel->rodata->targ_tgid = env.pid;
	skel->rodata->filter_comm = env.comm[0] != '\0';
	memcpy((char *)skel->rodata->targ_comm, env.comm, sizeof(env.comm));
	if (env.comm_prefix) {
		char mask[NSAPI_TRACE_COMM_LEN] = {};

		memset(mask, 0xff, strlen(env.comm));
		memcpy((void *)skel->rodata->comm_mask, mask, sizeof(mask));
	}
	skel->rodata->filter_netns = env.netns;
	skel->rodata->filter_pidns = env.pidns;
	skel->rodata->ns_pids = own_pidns.ino != PROC_PID_INIT_INO;
	skel->rodata->pidns_ino = own_pidns.ino;
	skel->rodata->nsfs_dev = own_pidns.dev;
	skel->rodata->aggregate = env.hist;
	skel->rodata->group_ns = env.group_ns;
	skel->rodata->group_comm = env.group_comm;
	skel->rodata->all_clones = env.all_clones;
	skel->rodata->resolve_targets = !env.no_target;
	if (env.slots)
		skel->rodata->slot_mask = env.slots - 1;
	skel->rodata->nr_clone = SYS_clone;
	skel->rodata->nr_clone3 = __NR_clone3;
	skel->rodata->nr_unshare = SYS_unshare;
	skel->rodata->nr_setns = SYS_setns;

	bpf_object__for_each_program(prog, skel->obj)
	{
		bool on =
			in_mode(bpf_program__section_name(prog), mode, family);

		bpf_program__set_autoload(prog, on);
		n += on;
	}
	return n;
}

static int attach_one(struct nsapi_trace *skel, struct bpf_program *prog,
		      char *why, size_t len)
{
	const char *sec = bpf_program__section_name(prog);
	struct bpf_link *link = strncmp(sec, "tracepoint/", 11) ?
					bpf_program__attach(prog) :
					attach_tracepoint(prog);

	if (!link) {
		snprintf(why, len, "attaching %s to %s: %s%s",
			 bpf_program__name(prog),
			 bpf_program__section_name(prog), strerror(errno),
			 env.verbose ? "" : " (-v shows libbpf's log)");
		return -1;
	}
	/* The skeleton's destroy frees what it finds here. */
	for (int i = 0; i < skel->skeleton->prog_cnt; i++)
		if (*skel->skeleton->progs[i].prog == prog)
			*skel->skeleton->progs[i].link = link;
	return 0;
}

/*
 * Exits first: an entry seen before its exit program is attached would
 * wait for the thread's next call (which on_exit then drops, counted).
 */
static int attach(struct nsapi_trace *skel, char *why, size_t len)
{
	struct bpf_program *prog;

	for (int pass = 0; pass < 2; pass++) {
		bpf_object__for_each_program(prog, skel->obj)
		{
			bool exit = strstr(bpf_program__section_name(prog),
					   "exit") != NULL;

			if (!bpf_program__autoload(prog) || exit != (pass == 0))
				continue;
			if (attach_one(skel, prog, why, len))
				return -1;
		}
	}
	return 0;
}

/* Open, load and attach in @mode; NULL, with the reason in @why, if not. */
static struct nsapi_trace *open_mode(enum attach_mode mode, char *why,
				     size_t len)
{
	enum tp_family family = TP_SYSCALLS;
	struct nsapi_trace *skel;
	int err;

	if (mode == ATTACH_PERF && find_tracepoints(&family, why, len))
		return NULL;
	skel = nsapi_trace__open();
	if (!skel) {
		snprintf(why, len, "opening the BPF object: %s",
			 strerror(errno));
		return NULL;
	}
	if (!configure(skel, mode, family)) {
		snprintf(why, len, "no %s programs built for this architecture",
			 attach_names[mode]);
		goto fail;
	}
	err = nsapi_trace__load(skel);
	if (err) {
		snprintf(why, len, "loading the BPF programs (%s): %s%s",
			 attach_names[mode], strerror(-err),
			 env.verbose ? "" : " (-v shows the verifier's log)");
		goto fail;
	}
	if (!attach(skel, why, len))
		return skel;
fail:
	nsapi_trace__destroy(skel);
	return NULL;
}

/*
 * The cheapest mode that works (or the one asked for); exits 4 with the
 * first failure's reason when none does.
 */
static struct nsapi_trace *open_any(enum attach_mode *used)
{
	enum attach_mode modes[2];
	char why[512], first[512] = "";
	struct nsapi_trace *skel;
	int n = 0;

	if (env.attach != ATTACH_AUTO) {
		modes[n++] = env.attach;
	} else {
		modes[n++] = ATTACH_BTF;
		modes[n++] = ATTACH_PERF;
	}
	for (int i = 0; i < n; i++) {
		skel = open_mode(modes[i], why, sizeof(why));
		if (skel) {
			*used = modes[i];
			return skel;
		}
		if (env.verbose)
			fprintf(stderr, "nsapi trace: %s: %s\n",
				attach_names[modes[i]], why);
		if (!first[0])
			snprintf(first, sizeof(first), "%s", why);
	}
	die(EXIT_UNAVAILABLE, "%s%s", first,
	    n > 1 ? "; the other attach modes failed too (-v: why)" : "");
}

/*
 * Runs the kernel skipped because the program was already running on that
 * CPU (recursion protection: on kernels whose syscall tracepoints are
 * preemptible, another task can be preempted inside it).  Each skipped
 * entry or exit costs one call: report them, never hide them.
 */
static unsigned long long missed_runs(struct nsapi_trace *skel)
{
	unsigned long long sum = 0;
	struct bpf_program *prog;

	bpf_object__for_each_program(prog, skel->obj)
	{
		struct bpf_prog_info info = {};
		__u32 len = sizeof(info);

		if (!bpf_program__autoload(prog))
			continue;
		if (!bpf_obj_get_info_by_fd(bpf_program__fd(prog), &info, &len))
			sum += info.recursion_misses;
	}
	return sum;
}

static int run(struct nsapi_trace *skel)
{
	unsigned long long missed;

	struct ring_buffer *rb;
	int err = -1;

	rb = ring_buffer__new(bpf_map__fd(skel->maps.events), handle_event,
			      NULL, NULL);
	if (!rb) {
		fprintf(stderr, "nsapi trace: ring_buffer__new: %s\n",
			strerror(errno));
		return -1;
	}
	if (setup_signals() || signal_ready())
		goto out;
	if (!env.json && !env.hist)
		print_header();
	else if (env.hist)
		fprintf(stderr, "Tracing; Ctrl-C to end.\n");
	fflush(stdout);
	err = poll_events(rb, skel);
	if (env.hist)
		print_hists(skel);
	if (skel->bss->hist_lost)
		fprintf(stderr,
			"nsapi trace: %llu calls not counted (more keys than "
			"the %d slots per CPU hold)\n",
			(unsigned long long)skel->bss->hist_lost, HIST_SLOTS);
	if (skel->bss->drops)
		fprintf(stderr,
			"nsapi trace: %llu calls lost (ring buffer or overflow "
			"map full)\n",
			(unsigned long long)skel->bss->drops);
	if (skel->bss->unmatched)
		fprintf(stderr,
			"nsapi trace: %llu calls left out: their exit was not "
			"seen (in progress when tracing started)\n",
			(unsigned long long)skel->bss->unmatched);
	if (env.slots)
		fprintf(stderr,
			"nsapi trace: %llu calls did not fit in %ld slots "
			"(the overflow map took them)\n",
			(unsigned long long)skel->bss->overflow_calls,
			env.slots);
	missed = missed_runs(skel);
	if (missed)
		fprintf(stderr,
			"nsapi trace: %llu program runs missed (recursion "
			"protection; their calls are not reported)\n",
			missed);
out:
	ring_buffer__free(rb);
	return err;
}

int main(int argc, char **argv)
{
	struct nsapi_trace *skel;
	enum attach_mode mode;
	int err;

	parse_args(argc, argv);
	libbpf_set_print(libbpf_print);
	require_privilege();
	require_bpf_syscall();
	require_kernel_btf();
	find_own_pidns();
	env.mono_to_real_ns = now_ns(CLOCK_REALTIME) - now_ns(CLOCK_MONOTONIC);

	skel = open_any(&mode);
	if (env.check_only)
		printf("nsapi trace: tracing works here (attach: %s)\n",
		       attach_names[mode]);
	else if (env.verbose)
		fprintf(stderr, "nsapi trace: attach: %s\n",
			attach_names[mode]);
	err = env.check_only ? 0 : (run(skel) ? 1 : 0);
	nsapi_trace__destroy(skel);
	return err;
}

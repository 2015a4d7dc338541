// SPDX-License-Identifier: GPL-2.0
/*
 * nsjoin: join the namespaces of a process, or of namespace files, and run a
 * program there.  setns(2) plus execve(2), written to be read.
 *
 *   nsjoin [-t PID [-T TYPE,...]] [-n FILE]... [-v] [--] PROGRAM [ARG]...
 *
 * The order of the steps is the lesson:
 *
 *  1. Open every namespace file before joining any.  Once we are in another
 *     mount namespace, /proc/PID may not name the same process any more, and
 *     once we are in another user namespace we may no longer be allowed to
 *     open it.
 *  2. Leave out each type whose namespace is already ours.  setns() into our
 *     own user namespace is EINVAL; into our own other namespaces it changes
 *     nothing but still asks for privilege.
 *  3. Join each type while we still hold our own privileges; a join refused
 *     with EPERM is tried again after joining the target's user namespace,
 *     which gives every capability over the namespaces it owns.  So an
 *     unprivileged caller joins the user namespace first, and root joins the
 *     others first.  mnt comes last in each round: it resets our root and
 *     working directory.
 *  4. setns() into a pid namespace moves only our future children, so after
 *     joining one we fork, and the child runs the program; we wait and pass
 *     its exit status on.  (A time namespace, by contrast, takes the caller
 *     itself.)
 *
 * Exit status: the program's own, 128+N if a signal N killed it; 2 for a
 * usage error; 125 when nsjoin itself fails (open, setns, fork); 126 when
 * the program cannot be run, 127 when it is not found.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ns_uapi.h"

#define EXIT_USAGE 2
#define EXIT_NSJOIN 125
#define EXIT_CANNOT_RUN 126
#define EXIT_NOT_FOUND 127

/* In join order: user is handled apart, mnt comes last. */
enum { T_CGROUP, T_IPC, T_NET, T_UTS, T_TIME, T_PID, T_MNT, T_USER, T_COUNT };

static const struct {
	const char *name;
	int flag;
	const char *flag_name;
} types[T_COUNT] = {
	[T_CGROUP] = { "cgroup", CLONE_NEWCGROUP, "CLONE_NEWCGROUP" },
	[T_IPC] = { "ipc", CLONE_NEWIPC, "CLONE_NEWIPC" },
	[T_NET] = { "net", CLONE_NEWNET, "CLONE_NEWNET" },
	[T_UTS] = { "uts", CLONE_NEWUTS, "CLONE_NEWUTS" },
	[T_TIME] = { "time", CLONE_NEWTIME, "CLONE_NEWTIME" },
	[T_PID] = { "pid", CLONE_NEWPID, "CLONE_NEWPID" },
	[T_MNT] = { "mnt", CLONE_NEWNS, "CLONE_NEWNS" },
	[T_USER] = { "user", CLONE_NEWUSER, "CLONE_NEWUSER" },
};

/* One namespace to join: the file it came from and an open fd. */
struct target {
	char path[PATH_MAX];
	int fd; /* -1: nothing to join for this type */
};

static bool verbose;

static void usage(FILE *out)
{
	fprintf(out,
		"usage: nsjoin [-t PID [-T TYPE,...]] [-n FILE]... [-v] [--] "
		"PROGRAM [ARG]...\n"
		"Join namespaces with setns(2), then run PROGRAM in them.\n"
		"\n"
		"  -t, --target PID    the namespaces of process PID (every "
		"type by default)\n"
		"  -T, --type LIST     with -t: only these types, comma-"
		"separated, from\n"
		"                      cgroup,ipc,mnt,net,pid,time,user,uts\n"
		"  -n, --ns FILE       the namespace FILE refers to "
		"(/proc/PID/ns/TYPE or a\n"
		"                      bind mount of one); overrides -t for "
		"its type\n"
		"  -v, --verbose       say each setns() on stderr\n"
		"  -h, --help          this text\n"
		"\n"
		"Types already shared with nsjoin are left out.  After joining "
		"a pid namespace\n"
		"nsjoin forks, so that PROGRAM is inside it, and waits for it.\n"
		"\n"
		"Exit status: PROGRAM's (128+N if killed by signal N); 2 usage "
		"error;\n"
		"125 nsjoin failed; 126 PROGRAM cannot run; 127 PROGRAM not "
		"found.\n");
}

static void __attribute__((format(printf, 2, 3), noreturn))
die(int status, const char *fmt, ...)
{
	va_list ap;

	fputs("nsjoin: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (status == EXIT_USAGE)
		fputs("Try 'nsjoin --help'.\n", stderr);
	exit(status);
}

static pid_t parse_pid(const char *arg)
{
	char *end;
	long val;

	errno = 0;
	val = strtol(arg, &end, 10);
	if (errno || end == arg || *end || val < 1 || val > INT_MAX)
		die(EXIT_USAGE, "-t '%s': not a process id (1 to %d)", arg,
		    INT_MAX);
	return val;
}

static int type_by_name(const char *name, size_t len)
{
	for (int i = 0; i < T_COUNT; i++)
		if (strlen(types[i].name) == len &&
		    !strncmp(types[i].name, name, len))
			return i;
	return -1;
}

static int type_by_flag(int flag)
{
	for (int i = 0; i < T_COUNT; i++)
		if (types[i].flag == flag)
			return i;
	return -1;
}

/* "net,uts" to a mask of (1 << T_xxx). */
static unsigned int parse_types(const char *list)
{
	unsigned int mask = 0;
	const char *p = list;

	for (;;) {
		size_t len = strcspn(p, ",");
		int t = type_by_name(p, len);

		if (t < 0)
			die(EXIT_USAGE, "-T '%s': unknown type '%.*s'", list,
			    (int)len, p);
		mask |= 1U << t;
		if (!p[len])
			return mask;
		p += len + 1;
	}
}

/* Whether @fd names the namespace we are in already. */
static bool is_ours(int fd, int type)
{
	struct stat theirs, ours;
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/ns/%s", types[type].name);
	return !fstat(fd, &theirs) && !stat(path, &ours) &&
	       theirs.st_dev == ours.st_dev && theirs.st_ino == ours.st_ino;
}

static void set_target(struct target *tg, int type, const char *path, int fd)
{
	if (tg[type].fd >= 0)
		close(tg[type].fd);
	snprintf(tg[type].path, sizeof(tg[type].path), "%s", path);
	tg[type].fd = fd;
}

/* -t PID: open /proc/PID/ns/TYPE for each type in @mask. */
static void add_process(struct target *tg, pid_t pid, unsigned int mask,
			bool explicit)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d", pid);
	if (access(path, F_OK))
		die(EXIT_NSJOIN, "-t %d: no such process (%s: %s)", pid, path,
		    strerror(errno));
	for (int t = 0; t < T_COUNT; t++) {
		if (!(mask & (1U << t)))
			continue;
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", pid,
			 types[t].name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0 && errno == ENOENT && !explicit)
			continue; /* a type this kernel does not have */
		if (fd < 0)
			die(EXIT_NSJOIN, "open(%s): %s", path, strerror(errno));
		set_target(tg, t, path, fd);
	}
}

/* -n FILE: the type comes from the kernel, ioctl(NS_GET_NSTYPE). */
static void add_file(struct target *tg, const char *path, unsigned int *seen)
{
	int fd, flag, t;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die(EXIT_NSJOIN, "open(%s): %s", path, strerror(errno));
	flag = ioctl(fd, NS_GET_NSTYPE);
	if (flag < 0)
		die(EXIT_NSJOIN,
		    "ioctl(%s, NS_GET_NSTYPE): %s (not a namespace file, or a "
		    "kernel older than 4.11)",
		    path, strerror(errno));
	t = type_by_flag(flag);
	if (t < 0)
		die(EXIT_NSJOIN, "%s: unknown namespace type %#x", path, flag);
	if (*seen & (1U << t))
		die(EXIT_USAGE, "-n %s: a second %s namespace file", path,
		    types[t].name);
	*seen |= 1U << t;
	set_target(tg, t, path, fd);
}

/* setns() one target; returns 0 or the errno. */
static int join(struct target *tg, int type)
{
	int err = 0;

	if (setns(tg[type].fd, types[type].flag))
		err = errno;
	if (verbose)
		fprintf(stderr, "nsjoin: setns(%s, %s): %s\n", tg[type].path,
			types[type].flag_name, err ? strerror(err) : "joined");
	if (!err) {
		close(tg[type].fd);
		tg[type].fd = -1;
	}
	return err;
}

static void __attribute__((noreturn))
join_failed(struct target *tg, int type, int err)
{
	die(EXIT_NSJOIN, "setns(%s, %s): %s", tg[type].path,
	    types[type].flag_name, strerror(err));
}

/*
 * Step 3: everything but user while we hold our own privilege, then user,
 * then what was refused with EPERM.  Returns whether a pid namespace was
 * joined.
 */
static bool join_all(struct target *tg)
{
	bool pid_joined = tg[T_PID].fd >= 0;
	bool have_user = tg[T_USER].fd >= 0;
	int err;

	for (int t = 0; t < T_USER; t++) {
		if (tg[t].fd < 0)
			continue;
		err = join(tg, t);
		if (err && !(err == EPERM && have_user))
			join_failed(tg, t, err);
	}
	if (have_user && (err = join(tg, T_USER)))
		join_failed(tg, T_USER, err);
	for (int t = 0; t < T_USER; t++)
		if (tg[t].fd >= 0 && (err = join(tg, t)))
			join_failed(tg, t, err);
	return pid_joined;
}

static void __attribute__((noreturn)) run(char **argv)
{
	execvp(argv[0], argv);
	fprintf(stderr, "nsjoin: execvp(%s): %s\n", argv[0], strerror(errno));
	_exit(errno == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_RUN);
}

/* Step 4: the program runs in a child, which is in the pid namespace. */
static int run_in_child(char **argv)
{
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		die(EXIT_NSJOIN, "fork() after joining the pid namespace: %s",
		    strerror(errno));
	if (pid == 0)
		run(argv);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			die(EXIT_NSJOIN, "waitpid(%d): %s", pid,
			    strerror(errno));
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "target", required_argument, NULL, 't' },
		{ "type", required_argument, NULL, 'T' },
		{ "ns", required_argument, NULL, 'n' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	unsigned int mask = 0, seen = 0;
	struct target tg[T_COUNT];
	const char *files[T_COUNT + 1];
	int nfiles = 0, opt;
	pid_t pid = 0;

	for (int t = 0; t < T_COUNT; t++)
		tg[t].fd = -1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+:t:T:n:vh", longopts, NULL)) !=
	       -1) {
		switch (opt) {
		case 't':
			if (pid)
				die(EXIT_USAGE, "-t given twice");
			pid = parse_pid(optarg);
			break;
		case 'T':
			mask |= parse_types(optarg);
			break;
		case 'n':
			if (nfiles == T_COUNT)
				die(EXIT_USAGE, "more -n files than types");
			files[nfiles++] = optarg;
			break;
		case 'v':
			verbose = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case ':':
			die(EXIT_USAGE, "option '%s' needs a value",
			    argv[optind - 1]);
		default:
			die(EXIT_USAGE, "unknown option '%s'",
			    argv[optind - 1]);
		}
	}
	if (optind == argc)
		die(EXIT_USAGE, "no PROGRAM to run");
	if (!pid && !nfiles)
		die(EXIT_USAGE, "nothing to join: give -t PID or -n FILE");
	if (mask && !pid)
		die(EXIT_USAGE, "-T needs -t PID");

	/* Step 1: open everything first. */
	if (pid)
		add_process(tg, pid, mask ?: ~0U, mask != 0);
	for (int i = 0; i < nfiles; i++)
		add_file(tg, files[i], &seen);

	/* Step 2: leave out what we share already. */
	for (int t = 0; t < T_COUNT; t++) {
		if (tg[t].fd < 0 || !is_ours(tg[t].fd, t))
			continue;
		if (verbose)
			fprintf(stderr, "nsjoin: %s: already ours, left out\n",
				tg[t].path);
		close(tg[t].fd);
		tg[t].fd = -1;
	}

	if (join_all(tg))
		return run_in_child(argv + optind);
	run(argv + optind);
}

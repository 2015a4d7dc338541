/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The environment rule: a FAIL must mean a kernel bug wherever the suite
 * runs.  A refusal (EPERM, ENOSPC, ENOSYS, EINVAL from setresuid()) is
 * blamed on the environment only when the environment explains it, and the
 * SKIP then names the explanation:
 *
 *   - a seccomp filter refuses the call (probed where /proc/self/status
 *     shows a filter: it answers before the kernel, so a call the kernel
 *     would reject with EINVAL or EBADF comes back with the filter's EPERM
 *     or ENOSYS instead);
 *   - CAP_SYS_ADMIN is missing in the caller's user namespace;
 *   - a max_TYPE_namespaces limit of this or an ancestor user namespace is
 *     exhausted (probed: creation in a child gives ENOSPC, or the limit
 *     here reads 0);
 *   - uid or gid 65534 is not mapped in this user namespace;
 *   - the caller is chrooted, where the kernel refuses user namespaces;
 *   - the kernel has no such namespace type (EINVAL; EPERM for an
 *     unprivileged CLONE_NEWUSER on Debian's kernels) or system call.
 *
 * Anything else stays a FAIL.  The environment is probed once per program
 * (tests/common.h calls ns_env() from a constructor, before the harness
 * forks the first test), with calls that change nothing and a child that
 * tries each namespace type once.  This header needs only libc and
 * ns_uapi.h, so that build/nsapi-env can print the same facts for the
 * runner.
 */
#ifndef NSAPI_NS_ENV_H
#define NSAPI_NS_ENV_H

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/capability.h>

#include "ns_uapi.h"

/* The namespace types, in the order of tests/common.h's ns_types[]. */
#define NS_ENV_TYPES 8
#define NS_ENV_USER 6 /* the index of "user" below */
static const struct ns_env_type {
	const char *name;
	int flag;
	const char *flag_name;
} ns_env_types[NS_ENV_TYPES] __attribute__((unused)) = {
	{ "cgroup", CLONE_NEWCGROUP, "CLONE_NEWCGROUP" },
	{ "ipc", CLONE_NEWIPC, "CLONE_NEWIPC" },
	{ "mnt", CLONE_NEWNS, "CLONE_NEWNS" },
	{ "net", CLONE_NEWNET, "CLONE_NEWNET" },
	{ "pid", CLONE_NEWPID, "CLONE_NEWPID" },
	{ "time", CLONE_NEWTIME, "CLONE_NEWTIME" },
	{ "user", CLONE_NEWUSER, "CLONE_NEWUSER" },
	{ "uts", CLONE_NEWUTS, "CLONE_NEWUTS" },
};

/* The calls whose refusal a seccomp filter can explain. */
enum ns_call {
	NS_CALL_UNSHARE, /* unshare(flag) */
	NS_CALL_CLONE, /* clone(flag) */
	NS_CALL_CLONE3, /* clone3() with flag */
	NS_CALL_SETNS, /* setns(fd, flag) */
	NS_CALL_IOCTL, /* ioctl(fd, NS_GET_*) */
	NS_CALL_COUNT,
	/* Not filter-probed: */
	NS_CALL_NOBODY = NS_CALL_COUNT, /* setresuid/setresgid to 65534 */
};

static const char *const ns_call_names[] = {
	[NS_CALL_UNSHARE] = "unshare", [NS_CALL_CLONE] = "clone",
	[NS_CALL_CLONE3] = "clone3",   [NS_CALL_SETNS] = "setns",
	[NS_CALL_IOCTL] = "ioctl",     [NS_CALL_NOBODY] = "setresuid",
};

struct ns_env {
	bool probed;
	/* /proc/self/status Seccomp: 0, 1 strict, 2 filter; -1 unreadable */
	int seccomp_mode;
	int seccomp_filters; /* Seccomp_filters: (5.9+), -1 when not shown */
	/* errno a filter gives instead of the kernel's answer, 0 if none */
	int filtered[NS_CALL_COUNT][NS_ENV_TYPES];
	bool cap_sys_admin; /* effective, in the caller's user namespace */
	bool initial_userns; /* uid_map is the identity "0 0 4294967295" */
	bool nobody_mapped; /* uid and gid 65534 both mapped */
	int chrooted; /* 1 yes, 0 no */
	bool type_present[NS_ENV_TYPES]; /* /proc/self/ns/NAME exists */
	long max_ns[NS_ENV_TYPES]; /* /proc/sys/user/max_*; -1 unknown */
	int create_errno[NS_ENV_TYPES]; /* unshare() in a probe child */
	char userns_policy[96]; /* a sysctl refusing unprivileged userns */
};

static inline bool ns_env_have_cap(int cap)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2] = {};

	if (syscall(SYS_capget, &hdr, data))
		return false;
	return data[cap / 32].effective & (1U << (cap % 32));
}

static inline long ns_env_read_long(const char *path)
{
	long v = -1;
	FILE *f = fopen(path, "re");

	if (!f)
		return -1;
	if (fscanf(f, "%ld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

static inline void ns_env_read_seccomp(struct ns_env *e)
{
	char line[128];
	FILE *f = fopen("/proc/self/status", "re");

	/* Readable without the line: a kernel without seccomp (mode 0). */
	e->seccomp_mode = f ? 0 : -1;
	e->seccomp_filters = -1;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		sscanf(line, "Seccomp: %d", &e->seccomp_mode);
		sscanf(line, "Seccomp_filters: %d", &e->seccomp_filters);
	}
	fclose(f);
}

/*
 * A kernel without user namespaces (CONFIG_USER_NS=n) has no uid_map or
 * gid_map: every process is in the initial one, where every id maps to
 * itself.  (Without /proc at all, /proc/self/ns is missing too.)
 */
static inline bool ns_env_no_userns_kernel(void)
{
	return access("/proc/self/uid_map", F_OK) && errno == ENOENT &&
	       access("/proc/self/ns", F_OK) == 0;
}

/* Whether every id of [id, id+1) is inside a range of the map file. */
static inline bool ns_env_id_mapped(const char *map_path, unsigned long id)
{
	unsigned long inner, outer, count;
	bool found = false;
	FILE *f = fopen(map_path, "re");

	if (!f)
		return ns_env_no_userns_kernel();
	while (fscanf(f, "%lu %lu %lu", &inner, &outer, &count) == 3)
		if (id >= inner && id - inner < count)
			found = true;
	fclose(f);
	return found;
}

static inline bool ns_env_identity_map(void)
{
	unsigned long inner, outer, count;
	char extra;
	FILE *f = fopen("/proc/self/uid_map", "re");
	int n;

	if (!f)
		return ns_env_no_userns_kernel();
	n = fscanf(f, "%lu %lu %lu %c", &inner, &outer, &count, &extra);
	fclose(f);
	return n == 3 && inner == 0 && outer == 0 && count == 4294967295UL;
}

/* Whether some line of /proc/self/mountinfo has mount point "/". */
static inline bool ns_env_root_is_mount(void)
{
	char line[4096], point[4096];
	bool found = false;
	FILE *f = fopen("/proc/self/mountinfo", "re");

	if (!f)
		return true;
	while (!found && fgets(line, sizeof(line), f))
		found = sscanf(line, "%*s %*s %*s %*s %4095s", point) == 1 &&
			!strcmp(point, "/");
	fclose(f);
	return found;
}

/*
 * Chrooted: our root is no mount point (mountinfo shows only what is
 * reachable from it, so "/" is missing), or, where PID 1 can be read, our
 * root is not PID 1's (systemd's test).  A chroot into a mount point that
 * PID 1 hides from us goes unseen.
 */
static inline int ns_env_chrooted(void)
{
	struct stat self, init;

	if (!ns_env_root_is_mount())
		return 1;
	if (stat("/", &self) || stat("/proc/1/root", &init))
		return 0;
	return !(self.st_dev == init.st_dev && self.st_ino == init.st_ino);
}

/*
 * Each probe is a call the kernel rejects before doing anything, with an
 * errno other than EPERM and ENOSYS: a filter in front of it shows as its
 * own errno.  CLONE_PARENT is no unshare() flag (EINVAL); CLONE_THREAD
 * without CLONE_SIGHAND is refused by clone() (EINVAL); fd -1 is EBADF for
 * setns() and ioctl(); clone3() with size 0 is EINVAL.
 */
static inline int ns_env_filter_errno(long ret, int kernel_errno)
{
	if (ret == 0 || errno == kernel_errno)
		return 0;
	return errno;
}

static inline void ns_env_probe_filters(struct ns_env *e)
{
	pid_t self = getpid();

	for (int i = 0; i < NS_ENV_TYPES; i++) {
		long f = ns_env_types[i].flag;
		long r;

		r = syscall(SYS_unshare, f | CLONE_PARENT);
		e->filtered[NS_CALL_UNSHARE][i] =
			ns_env_filter_errno(r, EINVAL);
		/* A fault injector's "returns 0" makes no child: no exit. */
		r = syscall(SYS_clone, f | CLONE_THREAD | SIGCHLD, NULL, NULL,
			    NULL, 0);
		if (r == 0 && getpid() != self)
			_exit(0);
		e->filtered[NS_CALL_CLONE][i] = ns_env_filter_errno(r, EINVAL);
		r = syscall(SYS_setns, -1, f);
		e->filtered[NS_CALL_SETNS][i] = ns_env_filter_errno(r, EBADF);
		r = syscall(SYS_ioctl, -1, NS_GET_NSTYPE);
		e->filtered[NS_CALL_IOCTL][i] = ns_env_filter_errno(r, EBADF);
		r = syscall(__NR_clone3, NULL, 0);
		e->filtered[NS_CALL_CLONE3][i] = ns_env_filter_errno(r, EINVAL);
	}
}

/*
 * In a child: gain CAP_SYS_ADMIN by a user namespace if the caller lacks
 * it, then create each other type once, reporting each errno (0: made).
 */
static inline void ns_env_probe_creation(struct ns_env *e)
{
	int fds[2], errs[NS_ENV_TYPES];
	pid_t pid;

	for (int i = 0; i < NS_ENV_TYPES; i++)
		e->create_errno[i] = -1;
	if (pipe2(fds, O_CLOEXEC))
		return;
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		bool admin = ns_env_have_cap(CAP_SYS_ADMIN);

		for (int i = 0; i < NS_ENV_TYPES; i++)
			errs[i] = 0;
		/* user first without privilege (it gives it), last with. */
		if (!admin)
			errs[NS_ENV_USER] =
				syscall(SYS_unshare, CLONE_NEWUSER) ? errno : 0;
		for (int i = 0; i < NS_ENV_TYPES; i++) {
			if (i == NS_ENV_USER)
				continue;
			if (!admin && errs[NS_ENV_USER])
				errs[i] = errs[NS_ENV_USER];
			else
				errs[i] = syscall(SYS_unshare,
						  ns_env_types[i].flag) ?
						  errno :
						  0;
		}
		if (admin)
			errs[NS_ENV_USER] =
				syscall(SYS_unshare, CLONE_NEWUSER) ? errno : 0;
		_exit(write(fds[1], errs, sizeof(errs)) == sizeof(errs) ? 0 :
									  1);
	}
	close(fds[1]);
	if (pid > 0 && read(fds[0], errs, sizeof(errs)) == sizeof(errs))
		memcpy(e->create_errno, errs, sizeof(errs));
	close(fds[0]);
	if (pid > 0)
		waitpid(pid, NULL, 0);
}

static inline void ns_env_read_userns_policy(struct ns_env *e)
{
	static const char *const knobs[] = {
		"/proc/sys/kernel/unprivileged_userns_clone",
		"/proc/sys/kernel/apparmor_restrict_unprivileged_userns",
	};
	static const long refuses[] = { 0, 1 };

	e->userns_policy[0] = '\0';
	for (size_t i = 0; i < sizeof(knobs) / sizeof(knobs[0]); i++)
		if (ns_env_read_long(knobs[i]) == refuses[i])
			snprintf(e->userns_policy, sizeof(e->userns_policy),
				 "%s=%ld", knobs[i] + strlen("/proc/sys/"),
				 refuses[i]);
}

static inline void ns_env_probe(struct ns_env *e)
{
	char path[96];

	memset(e, 0, sizeof(*e));
	ns_env_read_seccomp(e);
	/*
	 * Only a filter can answer for the kernel: with none installed an
	 * unusual errno is the kernel's own (Debian's kernels refuse an
	 * unprivileged CLONE_NEWUSER with EPERM before looking at the other
	 * flags when user namespaces are compiled out).
	 */
	if (e->seccomp_mode != 0)
		ns_env_probe_filters(e);
	e->cap_sys_admin = ns_env_have_cap(CAP_SYS_ADMIN);
	e->initial_userns = ns_env_identity_map();
	e->nobody_mapped = ns_env_id_mapped("/proc/self/uid_map", 65534) &&
			   ns_env_id_mapped("/proc/self/gid_map", 65534);
	e->chrooted = ns_env_chrooted();
	for (int i = 0; i < NS_ENV_TYPES; i++) {
		snprintf(path, sizeof(path), "/proc/self/ns/%s",
			 ns_env_types[i].name);
		e->type_present[i] = access(path, F_OK) == 0;
		snprintf(path, sizeof(path), "/proc/sys/user/max_%s_namespaces",
			 ns_env_types[i].name);
		e->max_ns[i] = ns_env_read_long(path);
	}
	ns_env_read_userns_policy(e);
	ns_env_probe_creation(e);
	e->probed = true;
}

/* The program's environment, probed on first use. */
static inline const struct ns_env *ns_env(void)
{
	static struct ns_env env;

	if (!env.probed)
		ns_env_probe(&env);
	return &env;
}

static inline int ns_env_type_index(int flag)
{
	for (int i = 0; i < NS_ENV_TYPES; i++)
		if (ns_env_types[i].flag == flag)
			return i;
	return -1;
}

static inline bool ns_env_is_creation(enum ns_call call)
{
	return call == NS_CALL_UNSHARE || call == NS_CALL_CLONE ||
	       call == NS_CALL_CLONE3;
}

static inline const char *ns_env_explains_filter(enum ns_call call, int i,
						 int err, char *buf, size_t len)
{
	const struct ns_env *e = ns_env();

	if (call >= NS_CALL_COUNT || i < 0 || !err ||
	    e->filtered[call][i] != err)
		return NULL;
	snprintf(buf, len,
		 "seccomp filter refuses %s(%s) with %s (a container's "
		 "default profile? run with seccomp=unconfined for full "
		 "coverage)",
		 ns_call_names[call], ns_env_types[i].flag_name,
		 strerrorname_np(err));
	return buf;
}

static inline const char *ns_env_explains_limit(int i, int err, char *buf,
						size_t len)
{
	const struct ns_env *e = ns_env();

	if (i < 0 || (err != ENOSPC && err != EUSERS))
		return NULL;
	if (e->max_ns[i] != 0 && e->create_errno[i] != err)
		return NULL;
	snprintf(buf, len,
		 "namespace limit exhausted: user.max_%s_namespaces of this "
		 "or an ancestor user namespace (%ld here; %s at start)",
		 ns_env_types[i].name, e->max_ns[i], strerrorname_np(err));
	return buf;
}

static inline const char *ns_env_explains_eperm(enum ns_call call, int i,
						char *buf, size_t len)
{
	const struct ns_env *e = ns_env();
	if (ns_env_is_creation(call) && i == NS_ENV_USER) {
		if (e->chrooted == 1)
			return "chrooted: the kernel refuses user namespaces "
			       "in a chroot (see R03)";
		if (ns_env_have_cap(CAP_SYS_ADMIN))
			return NULL;
		/* The probe, unprivileged too, made one: no policy refuses. */
		if (!e->cap_sys_admin && !e->create_errno[NS_ENV_USER] &&
		    !e->userns_policy[0])
			return NULL;
		snprintf(buf, len,
			 "no CAP_SYS_ADMIN, and the system refuses "
			 "unprivileged user namespaces (%s)",
			 e->userns_policy[0] ? e->userns_policy :
					       "an LSM or sysctl policy");
		return buf;
	}
	if ((ns_env_is_creation(call) || call == NS_CALL_SETNS) &&
	    !ns_env_have_cap(CAP_SYS_ADMIN))
		return "no CAP_SYS_ADMIN in the caller's user namespace";
	return NULL;
}

/*
 * Debian's kernels check their unprivileged_userns_clone setting first,
 * and without CONFIG_USER_NS it is fixed at 0: creating a user namespace
 * without CAP_SYS_ADMIN is EPERM there, not the mainline EINVAL.
 */
static inline bool ns_env_absent_userns_eperm(enum ns_call call, int i, int err)
{
	return ns_env_is_creation(call) && i == NS_ENV_USER && err == EPERM &&
	       !ns_env_have_cap(CAP_SYS_ADMIN);
}

static inline const char *ns_env_explains_one(enum ns_call call, int flag,
					      int err, char *buf, size_t len)
{
	const struct ns_env *e = ns_env();
	int i = ns_env_type_index(flag);
	const char *why;

	if (i >= 0 && !e->type_present[i] &&
	    (err == EINVAL || err == ENOENT ||
	     ns_env_absent_userns_eperm(call, i, err))) {
		snprintf(buf, len, "kernel lacks %s namespaces (%s: %s)",
			 ns_env_types[i].name, ns_env_types[i].flag_name,
			 strerrorname_np(err));
		return buf;
	}
	why = ns_env_explains_filter(call, i < 0 ? 0 : i, err, buf, len);
	if (why)
		return why;
	if (call == NS_CALL_CLONE3 && err == ENOSYS)
		return "kernel lacks clone3() (ENOSYS; Linux 5.3+)";
	if (call == NS_CALL_NOBODY && err == EINVAL && !e->nobody_mapped)
		return "uid or gid 65534 is not mapped in this user namespace";
	if (ns_env_is_creation(call)) {
		why = ns_env_explains_limit(i, err, buf, len);
		if (why)
			return why;
	}
	if (err == EPERM)
		return ns_env_explains_eperm(call, i, buf, len);
	return NULL;
}

/*
 * Why the environment explains that @call, for the namespace type of
 * CLONE_NEW* @flag (0: none), failed with @err; the text is in @buf (or a
 * constant).  NULL: nothing explains it, the caller FAILs.  A creation
 * with several CLONE_NEW* flags is explained when one of its types is.
 */
static inline const char *ns_env_explains(enum ns_call call, int flag, int err,
					  char *buf, size_t len)
{
	const char *why;

	if (!ns_env_is_creation(call) || ns_env_type_index(flag) >= 0)
		return ns_env_explains_one(call, flag, err, buf, len);
	for (int i = 0; i < NS_ENV_TYPES; i++) {
		if (!(flag & ns_env_types[i].flag))
			continue;
		/* With a new user namespace the others need no privilege. */
		if (err == EPERM && (flag & CLONE_NEWUSER) &&
		    ns_env_types[i].flag != CLONE_NEWUSER)
			why = ns_env_explains_filter(call, i, err, buf, len);
		else
			why = ns_env_explains_one(call, ns_env_types[i].flag,
						  err, buf, len);
		if (why)
			return why;
	}
	return ns_env_explains_one(call, 0, err, buf, len);
}

/* The environment in one line, for the runner's KTAP header. */
static inline void ns_env_describe(char *buf, size_t len)
{
	const struct ns_env *e = ns_env();
	size_t used;

	used = snprintf(buf, len,
			"seccomp=%s caps=%s userns=%s chroot=%s nobody=%s",
			e->seccomp_mode == 2 ? "filter" :
			e->seccomp_mode == 1 ? "strict" :
			e->seccomp_mode == 0 ? "none" :
					       "unknown",
			e->cap_sys_admin ? "CAP_SYS_ADMIN" : "none",
			e->initial_userns ? "initial" : "nested",
			e->chrooted == 1 ? "yes" : "no",
			e->nobody_mapped ? "mapped" : "unmapped");
	for (int c = 0; c < NS_CALL_COUNT && used < len; c++)
		for (int i = 0; i < NS_ENV_TYPES && used < len; i++)
			if (e->filtered[c][i])
				used += snprintf(
					buf + used, len - used,
					" filtered=%s(%s):%s", ns_call_names[c],
					ns_env_types[i].name,
					strerrorname_np(e->filtered[c][i]));
	for (int i = 0; i < NS_ENV_TYPES && used < len; i++) {
		if (!e->type_present[i])
			used += snprintf(buf + used, len - used, " absent=%s",
					 ns_env_types[i].name);
		else if (e->create_errno[i] > 0)
			used += snprintf(buf + used, len - used,
					 " refused=%s:%s", ns_env_types[i].name,
					 strerrorname_np(e->create_errno[i]));
	}
}

#endif /* NSAPI_NS_ENV_H */

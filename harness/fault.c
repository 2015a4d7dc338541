// SPDX-License-Identifier: GPL-2.0
/*
 * nsapi-fault: run a program with chosen system calls broken, to prove that
 * a test fails when the kernel misbehaves.
 *
 *   nsapi-fault SPEC... -- PROGRAM [ARGS]
 *
 * SPEC is SYSCALL=ERRNO (the call fails with that errno and does nothing),
 * SYSCALL=0 (the call returns 0 and does nothing), or SYSCALL&MASK=... to
 * break the call only when (arg0 & MASK) != 0, e.g. clone&0x7e020080=0 breaks
 * clone() with a CLONE_NEW* flag and leaves fork() alone.  The rules are a
 * seccomp filter installed before execve(), so they hold for the program
 * and every child it makes.
 */
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include "ns_uapi.h"

#define MAX_RULES 16
#define EXIT_USAGE 2

struct name_value {
	const char *name;
	int value;
};

static const struct name_value syscalls[] = {
	{ "bind", __NR_bind },
	{ "capset", __NR_capset },
	{ "chroot", __NR_chroot },
	{ "clone", __NR_clone },
	{ "clone3", __NR_clone3 },
	{ "clock_gettime", __NR_clock_gettime },
	{ "getsockopt", __NR_getsockopt },
	{ "getuid", __NR_getuid },
	{ "ioctl", __NR_ioctl },
	{ "listns", __NR_listns },
	{ "fstat", __NR_fstat },
	{ "kill", __NR_kill },
	{ "lstat", __NR_lstat },
	{ "mount", __NR_mount },
	{ "mq_open", __NR_mq_open },
	{ "name_to_handle_at", __NR_name_to_handle_at },
	{ "newfstatat", __NR_newfstatat },
	{ "open_by_handle_at", __NR_open_by_handle_at },
	{ "openat", __NR_openat },
	{ "pidfd_open", __NR_pidfd_open },
	{ "readlink", __NR_readlink },
	{ "readlinkat", __NR_readlinkat },
	{ "sethostname", __NR_sethostname },
	{ "setdomainname", __NR_setdomainname },
	{ "setgroups", __NR_setgroups },
	{ "setns", __NR_setns },
	{ "shmctl", __NR_shmctl },
	{ "shmget", __NR_shmget },
	{ "socket", __NR_socket },
	{ "stat", __NR_stat },
	{ "statx", __NR_statx },
	{ "unshare", __NR_unshare },
	{ "write", __NR_write },
};

static const struct name_value errnos[] = {
	{ "0", 0 },	      { "E2BIG", E2BIG },   { "EACCES", EACCES },
	{ "EAGAIN", EAGAIN }, { "EBADF", EBADF },   { "EBUSY", EBUSY },
	{ "EEXIST", EEXIST }, { "EFAULT", EFAULT }, { "EINVAL", EINVAL },
	{ "EIO", EIO },	      { "ENOENT", ENOENT }, { "ENOMEM", ENOMEM },
	{ "ENOSPC", ENOSPC }, { "ENOSYS", ENOSYS }, { "ENOTTY", ENOTTY },
	{ "EPERM", EPERM },   { "ESRCH", ESRCH },   { "EUSERS", EUSERS },
};

struct rule {
	int nr;
	uint32_t mask;
	int err;
};

static int lookup(const struct name_value *table, size_t n, const char *name,
		  size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(table[i].name) == len &&
		    !strncmp(table[i].name, name, len))
			return table[i].value;
	return -1;
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: nsapi-fault SPEC... -- PROGRAM [ARGS]\n"
		"  SPEC  SYSCALL[&MASK]=ERRNO|0\n"
		"        ERRNO: the call fails with it and does nothing;\n"
		"        0: the call returns 0 and does nothing;\n"
		"        &MASK: only when (first argument & MASK) != 0.\n"
		"  example: nsapi-fault setns=EPERM -- build/tests/s07_...\n"
		"           nsapi-fault 'clone&0x7e020080=0' -- prog\n");
}

static int parse_rule(const char *spec, struct rule *r)
{
	const char *eq = strchr(spec, '='), *amp = strchr(spec, '&');
	const char *name_end = amp && amp < eq ? amp : eq;
	char *end;

	if (!eq || name_end == spec) {
		fprintf(stderr,
			"nsapi-fault: bad rule '%s': want SYSCALL[&MASK]=ERRNO|0\n",
			spec);
		return -1;
	}
	r->nr = lookup(syscalls, sizeof(syscalls) / sizeof(syscalls[0]), spec,
		       name_end - spec);
	if (r->nr < 0) {
		fprintf(stderr,
			"nsapi-fault: unknown system call '%.*s' in '%s'\n",
			(int)(name_end - spec), spec, spec);
		return -1;
	}
	r->mask = 0;
	if (name_end == amp) {
		errno = 0;
		unsigned long m = strtoul(amp + 1, &end, 0);
		if (errno || end != eq || m == 0 || m > UINT32_MAX) {
			fprintf(stderr,
				"nsapi-fault: bad mask '%.*s' in '%s': want a non-zero 32-bit number\n",
				(int)(eq - amp - 1), amp + 1, spec);
			return -1;
		}
		r->mask = m;
	}
	r->err = lookup(errnos, sizeof(errnos) / sizeof(errnos[0]), eq + 1,
			strlen(eq + 1));
	if (r->err < 0) {
		fprintf(stderr,
			"nsapi-fault: unknown errno '%s' in '%s' (0, EPERM, EINVAL, ENOSYS, ...)\n",
			eq + 1, spec);
		return -1;
	}
	return 0;
}

#define STMT(code, k) ((struct sock_filter)BPF_STMT(code, k))
#define JUMP(code, k, t, f) ((struct sock_filter)BPF_JUMP(code, k, t, f))
#define LOAD_NR \
	STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr))
#define LOAD_ARG0 \
	STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0]))

/* Append one rule: 3 instructions, 5 with a mask. */
static size_t emit_rule(struct sock_filter *f, const struct rule *r)
{
	uint32_t ret = SECCOMP_RET_ERRNO | (r->err & SECCOMP_RET_DATA);
	size_t n = 0;

	f[n++] = LOAD_NR;
	if (!r->mask) {
		f[n++] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, r->nr, 0, 1);
		f[n++] = STMT(BPF_RET | BPF_K, ret);
		return n;
	}
	f[n++] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, r->nr, 0, 3);
	f[n++] = LOAD_ARG0;
	f[n++] = JUMP(BPF_JMP | BPF_JSET | BPF_K, r->mask, 0, 1);
	f[n++] = STMT(BPF_RET | BPF_K, ret);
	return n;
}

static int install(const struct rule *rules, int nrules)
{
	struct sock_filter f[4 + MAX_RULES * 5];
	struct sock_fprog prog = { .filter = f };
	size_t n = 0;

	f[n++] = STMT(BPF_LD | BPF_W | BPF_ABS,
		      offsetof(struct seccomp_data, arch));
	f[n++] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0);
	f[n++] = STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	for (int i = 0; i < nrules; i++)
		n += emit_rule(f + n, &rules[i]);
	f[n++] = STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	prog.len = n;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) {
		fprintf(stderr, "nsapi-fault: prctl(PR_SET_NO_NEW_PRIVS): %s\n",
			strerror(errno));
		return -1;
	}
	if (syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog)) {
		fprintf(stderr,
			"nsapi-fault: seccomp(SET_MODE_FILTER, %zu insns): %s\n",
			n, strerror(errno));
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct rule rules[MAX_RULES];
	int nrules = 0, i;

	if (argc > 1 &&
	    (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		usage(stdout);
		return 0;
	}
	for (i = 1; i < argc && strcmp(argv[i], "--"); i++) {
		if (nrules == MAX_RULES) {
			fprintf(stderr, "nsapi-fault: at most %d rules\n",
				MAX_RULES);
			return EXIT_USAGE;
		}
		if (parse_rule(argv[i], &rules[nrules++]))
			return EXIT_USAGE;
	}
	if (i >= argc - 1 || nrules == 0) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (install(rules, nrules))
		return 1;
	execvp(argv[i + 1], argv + i + 1);
	fprintf(stderr, "nsapi-fault: execvp(%s): %s\n", argv[i + 1],
		strerror(errno));
	return 127;
}

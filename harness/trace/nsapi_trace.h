/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The event that nsapi_trace.bpf.c sends through its ring buffer and
 * nsapi_trace.c prints: one per completed clone, clone3, unshare or setns.
 * Plain __u64/__s32 types so that both sides compile it without vmlinux.h.
 */
#ifndef NSAPI_TRACE_H
#define NSAPI_TRACE_H

#include <linux/types.h>

#define NSAPI_TRACE_COMM_LEN 16
#define NSAPI_TRACE_NSNAME_LEN 8

enum nsapi_trace_syscall {
	SC_CLONE,
	SC_CLONE3,
	SC_UNSHARE,
	SC_SETNS,
	SC_COUNT
};

/* What setns()'s fd referred to when the call entered the kernel. */
enum nsapi_trace_target {
	TARGET_UNKNOWN, /* not resolved (--no-target) */
	TARGET_NONE, /* the fd was not open */
	TARGET_NS, /* a namespace file: nsname:[inode] */
	TARGET_PIDFD, /* a pidfd (pidfs, 6.9+): target_pid */
	TARGET_OTHER, /* any other file (anon inodes: pidfd before 6.9) */
};

struct ns_event {
	__u64 ts_ns; /* bpf_ktime_get_ns() at syscall entry */
	__u64 dur_ns; /* entry to exit, in the kernel */
	__u64 flags; /* clone/clone3/unshare flags, setns nstype */
	__s64 ret; /* the raw return value: -errno on failure */
	__u64 target_ino; /* TARGET_NS: the namespace's inode */
	__u64 target_magic; /* the fd's file system magic */
	__u32 pid; /* tgid */
	__u32 tid;
	__s32 fd; /* setns only */
	__u32 syscall; /* enum nsapi_trace_syscall */
	__u32 target_kind; /* enum nsapi_trace_target */
	__s32 target_pid; /* TARGET_PIDFD */
	char comm[NSAPI_TRACE_COMM_LEN];
	char target_ns[NSAPI_TRACE_NSNAME_LEN]; /* TARGET_NS: "uts", ... */
};

#endif /* NSAPI_TRACE_H */

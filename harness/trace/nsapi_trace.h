/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What nsapi_trace.bpf.c and nsapi_trace.c share: the event sent through the
 * ring buffer (one per completed clone, clone3, unshare or setns) and, for
 * --hist, the in-kernel histograms.  Plain __u64/__s32 types so that both
 * sides compile it without vmlinux.h.
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

/* The namespace type a call concerns (ns_type), in the order printed. */
enum nsapi_trace_nstype {
	NST_NONE,
	NST_NET,
	NST_PID,
	NST_USER,
	NST_IPC,
	NST_UTS,
	NST_CGROUP,
	NST_MNT,
	NST_TIME,
	NST_COUNT
};

struct ns_event {
	__u64 ts_ns; /* bpf_ktime_get_ns() at syscall entry */
	__u64 dur_ns; /* entry to exit, in the kernel */
	__u64 flags; /* clone/clone3/unshare flags, setns nstype */
	__s64 ret; /* the raw return value: -errno on failure */
	__u64 target_ino; /* TARGET_NS: the namespace's inode */
	__u64 target_magic; /* the fd's file system magic */
	__u32 pid; /* tgid, in the tracer's pid namespace */
	__u32 tid;
	__s32 fd; /* setns only */
	__u32 syscall; /* enum nsapi_trace_syscall */
	__u32 target_kind; /* enum nsapi_trace_target */
	__s32 target_pid; /* TARGET_PIDFD */
	char comm[NSAPI_TRACE_COMM_LEN];
	char target_ns[NSAPI_TRACE_NSNAME_LEN]; /* TARGET_NS: "uts", ... */
	/* The caller's namespace of ns_type at entry, and after the call (the
	 * new one after a successful unshare/setns, the child's after clone;
	 * 0: not known). */
	__u64 ns_before;
	__u64 ns_after;
	__u32 ns_type; /* enum nsapi_trace_nstype */
	__u32 pad;
};

/*
 * --hist: log-linear buckets of the duration in ns, HIST_SUB per power of
 * two (a bucket is at most 1/HIST_SUB of its lower bound wide): values
 * below HIST_SUB have a bucket each, then bucket (e - HIST_SUB_BITS) *
 * HIST_SUB + m for v = m << (e - HIST_SUB_BITS) with HIST_SUB <= m <
 * 2 * HIST_SUB.  Durations of 2^41 ns (36 min) and more share the last.
 */
#define HIST_SUB_BITS 3
#define HIST_SUB (1 << HIST_SUB_BITS)
#define HIST_MAX_EXP 40
#define HIST_BUCKETS ((HIST_MAX_EXP - HIST_SUB_BITS + 2) * HIST_SUB)
/* Per-CPU slots of the direct-mapped table, and probes per key. */
#define HIST_SLOTS 256
#define HIST_PROBES 4

struct hist_key {
	__u64 flags; /* as in ns_event */
	__u64 ns; /* --group ns: ns_before, else 0 */
	__u64 comm[NSAPI_TRACE_COMM_LEN / 8]; /* --group comm, else 0 */
	__u32 syscall;
	__s32 err; /* errno, 0 on success */
	__u32 ns_type; /* --group ns, else 0 */
	__u32 used; /* 1 once the slot holds this key */
};

struct hist_val {
	struct hist_key key;
	__u64 count;
	__u64 sum_ns;
	__u64 buckets[HIST_BUCKETS];
};

#endif /* NSAPI_TRACE_H */

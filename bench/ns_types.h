/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The namespace types the benchmarks loop over, and raw syscall wrappers with
 * fallbacks for older headers (harness/ns_uapi.h).  Bench code cannot include
 * tests/common.h: it pulls in kselftest_harness.h.
 */
#ifndef NSAPI_BENCH_NS_TYPES_H
#define NSAPI_BENCH_NS_TYPES_H

#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ns_uapi.h"

struct ns_type {
	const char *name;
	int flag;
	/* The /proc/PID/ns entry naming what unshare(flag) creates. */
	const char *created_entry;
	/* unshare(flag) can be repeated in one process (checked on 6.18). */
	bool unshare_repeats;
};

/* Indexes into ns_types[], which is sorted by name. */
enum ns_index {
	NS_CGROUP,
	NS_IPC,
	NS_MNT,
	NS_NET,
	NS_PID,
	NS_TIME,
	NS_USER,
	NS_UTS,
};

/* The same by lowercase name, for the workload tables' macros. */
#define NS_cgroup_IDX NS_CGROUP
#define NS_ipc_IDX NS_IPC
#define NS_mnt_IDX NS_MNT
#define NS_net_IDX NS_NET
#define NS_pid_IDX NS_PID
#define NS_time_IDX NS_TIME
#define NS_user_IDX NS_USER
#define NS_uts_IDX NS_UTS

extern const struct ns_type ns_types[];
extern const unsigned int ns_types_count;

/* clone3() with the fields up to CLONE_ARGS_SIZE_VER0. */
static inline long sys_clone3(struct nsapi_clone_args *args)
{
	return syscall(__NR_clone3, args, CLONE_ARGS_SIZE_VER0);
}

/* clone() without a new stack: fork semantics, no glibc atfork handlers. */
static inline pid_t sys_clone_fork(unsigned long flags)
{
	return (pid_t)syscall(SYS_clone, flags, 0, 0, 0, 0);
}

static inline int sys_pidfd_open(pid_t pid, unsigned int flags)
{
	return (int)syscall(__NR_pidfd_open, pid, flags);
}

#endif

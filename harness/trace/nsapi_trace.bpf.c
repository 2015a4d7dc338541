// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel half of nsapi trace: clone, clone3, unshare and setns timed from
 * syscall entry to exit.  Entry stores the arguments per thread; exit sends
 * one struct ns_event through a ring buffer.
 *
 * No vmlinux.h: the tracepoint contexts below are the stable layout of
 * events/syscalls/sys_{enter,exit}_* and events/raw_syscalls/sys_{enter,exit}
 * (their "format" files), so the object builds without kernel BTF.  Only
 * setns's target (which namespace the fd names) reads kernel structures; it
 * uses CO-RE and lives in a program of its own that user space loads only
 * when the kernel has BTF.
 */
#include <stdbool.h>
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

#include "nsapi_trace.h"

#define CSIGNAL 0x000000ffULL
#define NS_FLAGS                                                     \
	(0x00020000ULL /* NEWNS */ | 0x02000000ULL /* NEWCGROUP */ | \
	 0x04000000ULL /* NEWUTS */ | 0x08000000ULL /* NEWIPC */ |   \
	 0x10000000ULL /* NEWUSER */ | 0x20000000ULL /* NEWPID */ |  \
	 0x40000000ULL /* NEWNET */ | 0x00000080ULL /* NEWTIME */)
#define NSFS_MAGIC 0x6e736673
#define PID_FS_MAGIC 0x50494446
#define RINGBUF_BYTES (4 << 20)
#define WAKEUP_BYTES (RINGBUF_BYTES / 8)

/* After the 8 bytes of common fields, both tracepoint families agree. */
struct sys_enter_ctx {
	__u64 common;
	long nr; /* int __syscall_nr in syscalls/, long id in raw_syscalls/ */
	unsigned long args[6];
};

struct sys_exit_ctx {
	__u64 common;
	long nr;
	long ret;
};

/* The kernel structures that setns's target needs, as CO-RE sees them. */
struct proc_ns_operations {
	const char *name;
} __attribute__((preserve_access_index));

struct ns_common {
	const struct proc_ns_operations *ops;
	unsigned int inum;
} __attribute__((preserve_access_index));

struct upid {
	int nr;
} __attribute__((preserve_access_index));

struct pid {
	struct upid numbers[1];
} __attribute__((preserve_access_index));

struct super_block {
	unsigned long s_magic;
} __attribute__((preserve_access_index));

struct inode {
	unsigned long i_ino;
	struct super_block *i_sb;
	void *i_private;
} __attribute__((preserve_access_index));

struct file {
	struct inode *f_inode;
	void *private_data;
} __attribute__((preserve_access_index));

struct fdtable {
	unsigned int max_fds;
	struct file **fd;
} __attribute__((preserve_access_index));

struct files_struct {
	struct fdtable *fdt;
} __attribute__((preserve_access_index));

struct task_struct {
	struct files_struct *files;
} __attribute__((preserve_access_index));

/* Filters, set by user space before load. */
const volatile __u32 targ_tgid = 0;
const volatile bool filter_comm = false;
const volatile char targ_comm[NSAPI_TRACE_COMM_LEN] = {};
const volatile bool all_clones = false;
/* The syscall numbers, for the raw_syscalls fallback (per architecture). */
const volatile long nr_clone = -1;
const volatile long nr_clone3 = -1;
const volatile long nr_unshare = -1;
const volatile long nr_setns = -1;

/* Events lost because the ring buffer was full. */
__u64 drops = 0;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct ns_event);
} start SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, RINGBUF_BYTES);
} events SEC(".maps");

/*
 * Waking the reader for every event costs more than the rest of the tracing
 * (an IPI and a context switch per call): wake it only once a batch waits.
 * The reader polls with a short timeout, so single events still show
 * promptly.
 */
static __always_inline __u64 wakeup_flag(void)
{
	if (bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= WAKEUP_BYTES)
		return BPF_RB_FORCE_WAKEUP;
	return BPF_RB_NO_WAKEUP;
}

static __always_inline bool comm_matches(const char *comm)
{
	if (!filter_comm)
		return true;
	for (int i = 0; i < NSAPI_TRACE_COMM_LEN; i++) {
		if (comm[i] != targ_comm[i])
			return false;
		if (!comm[i])
			break;
	}
	return true;
}

static __always_inline bool wanted(__u32 sc, __u64 flags)
{
	if (all_clones)
		return true;
	if (sc == SC_CLONE)
		return flags & NS_FLAGS & ~CSIGNAL;
	if (sc == SC_CLONE3)
		return flags & NS_FLAGS;
	return true;
}

static __always_inline void resolve_target(struct ns_event *e)
{
	struct task_struct *task = (void *)bpf_get_current_task();
	struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
	struct file **fds = BPF_CORE_READ(fdt, fd);
	struct file *file = NULL;
	struct ns_common *ns;
	struct pid *pid;

	if (e->fd < 0 || (unsigned int)e->fd >= BPF_CORE_READ(fdt, max_fds) ||
	    bpf_probe_read_kernel(&file, sizeof(file), fds + e->fd) || !file) {
		e->target_kind = TARGET_NONE;
		return;
	}
	e->target_magic = BPF_CORE_READ(file, f_inode, i_sb, s_magic);
	e->target_kind = TARGET_OTHER;
	if (e->target_magic == NSFS_MAGIC) {
		ns = BPF_CORE_READ(file, f_inode, i_private);
		e->target_kind = TARGET_NS;
		e->target_ino = BPF_CORE_READ(ns, inum);
		bpf_probe_read_kernel_str(e->target_ns, sizeof(e->target_ns),
					  BPF_CORE_READ(ns, ops, name));
	} else if (e->target_magic == PID_FS_MAGIC) {
		pid = BPF_CORE_READ(file, private_data);
		e->target_kind = TARGET_PIDFD;
		e->target_pid = BPF_CORE_READ(pid, numbers[0].nr);
	}
}

static __always_inline int on_enter(__u32 sc, __u64 flags, int fd, bool resolve)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id;
	struct ns_event e = {};

	if (targ_tgid && (id >> 32) != targ_tgid)
		return 0;
	if (!wanted(sc, flags))
		return 0;
	bpf_get_current_comm(e.comm, sizeof(e.comm));
	if (!comm_matches(e.comm))
		return 0;
	e.pid = id >> 32;
	e.tid = tid;
	e.syscall = sc;
	e.flags = flags;
	e.fd = fd;
	if (resolve)
		resolve_target(&e);
	e.ts_ns = bpf_ktime_get_ns();
	bpf_map_update_elem(&start, &tid, &e, BPF_ANY);
	return 0;
}

static __always_inline int on_exit(long ret)
{
	__u64 now = bpf_ktime_get_ns();
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct ns_event *e, *out;

	e = bpf_map_lookup_elem(&start, &tid);
	if (!e)
		return 0;
	out = bpf_ringbuf_reserve(&events, sizeof(*out), 0);
	if (!out) {
		__sync_fetch_and_add(&drops, 1);
		goto out;
	}
	__builtin_memcpy(out, e, sizeof(*out));
	out->ret = ret;
	out->dur_ns = now - e->ts_ns;
	bpf_ringbuf_submit(out, wakeup_flag());
out:
	bpf_map_delete_elem(&start, &tid);
	return 0;
}

static __always_inline __u64 clone3_flags(unsigned long uargs)
{
	__u64 flags = 0;

	/* struct clone_args starts with flags; a bad pointer reads 0. */
	bpf_probe_read_user(&flags, sizeof(flags), (void *)uargs);
	return flags;
}

SEC("tracepoint/syscalls/sys_enter_clone")
int clone_enter(struct sys_enter_ctx *ctx)
{
	return on_enter(SC_CLONE, ctx->args[0], -1, false);
}

SEC("tracepoint/syscalls/sys_enter_clone3")
int clone3_enter(struct sys_enter_ctx *ctx)
{
	return on_enter(SC_CLONE3, clone3_flags(ctx->args[0]), -1, false);
}

SEC("tracepoint/syscalls/sys_enter_unshare")
int unshare_enter(struct sys_enter_ctx *ctx)
{
	return on_enter(SC_UNSHARE, ctx->args[0], -1, false);
}

SEC("tracepoint/syscalls/sys_enter_setns")
int setns_enter(struct sys_enter_ctx *ctx)
{
	return on_enter(SC_SETNS, (__u32)ctx->args[1], ctx->args[0], false);
}

/* The same with setns's target resolved: needs kernel BTF (CO-RE). */
SEC("tracepoint/syscalls/sys_enter_setns")
int setns_enter_target(struct sys_enter_ctx *ctx)
{
	return on_enter(SC_SETNS, (__u32)ctx->args[1], ctx->args[0], true);
}

SEC("tracepoint/syscalls/sys_exit_clone")
int clone_exit(struct sys_exit_ctx *ctx)
{
	return on_exit(ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_clone3")
int clone3_exit(struct sys_exit_ctx *ctx)
{
	return on_exit(ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_unshare")
int unshare_exit(struct sys_exit_ctx *ctx)
{
	return on_exit(ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_setns")
int setns_exit(struct sys_exit_ctx *ctx)
{
	return on_exit(ctx->ret);
}

/* Fallback when the kernel lacks syscalls/ (CONFIG_FTRACE_SYSCALLS=n). */
SEC("tracepoint/raw_syscalls/sys_enter")
int raw_enter(struct sys_enter_ctx *ctx)
{
	long nr = ctx->nr;

	if (nr == nr_unshare)
		return on_enter(SC_UNSHARE, ctx->args[0], -1, false);
	if (nr == nr_setns)
		return on_enter(SC_SETNS, (__u32)ctx->args[1], ctx->args[0],
				false);
	if (nr == nr_clone)
		return on_enter(SC_CLONE, ctx->args[0], -1, false);
	if (nr == nr_clone3)
		return on_enter(SC_CLONE3, clone3_flags(ctx->args[0]), -1,
				false);
	return 0;
}

SEC("tracepoint/raw_syscalls/sys_exit")
int raw_exit(struct sys_exit_ctx *ctx)
{
	long nr = ctx->nr;

	if (nr != nr_unshare && nr != nr_setns && nr != nr_clone &&
	    nr != nr_clone3)
		return 0;
	return on_exit(ctx->ret);
}

char LICENSE[] SEC("license") = "GPL";

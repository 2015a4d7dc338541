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
/* Zero-padded, as bpf_get_current_comm() pads: compared as two words. */
const volatile char targ_comm[NSAPI_TRACE_COMM_LEN]
	__attribute__((aligned(8))) = {};
const volatile bool all_clones = false;
/* The syscall numbers, for the raw_syscalls fallback (per architecture). */
const volatile long nr_clone = -1;
const volatile long nr_clone3 = -1;
const volatile long nr_unshare = -1;
const volatile long nr_setns = -1;

/* Events lost because the ring buffer was full. */
__u64 drops = 0;

/*
 * What exit needs from entry, per thread: kept small, so that entry's update
 * and exit's lookup copy little.  The event itself is built at exit, in
 * place in the ring buffer.
 */
struct start {
	__u32 owner; /* slots: the tid using it, 0 when free */
	__u32 pad;
	__u64 ts_ns;
	__u64 flags;
	__u64 target_ino;
	__u64 target_magic;
	__s32 fd;
	__u32 syscall;
	__u32 target_kind;
	__s32 target_pid;
	char target_ns[NSAPI_TRACE_NSNAME_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct start);
} start SEC(".maps");

/*
 * A hash update and delete cost about 0.3 us per call on the development VM;
 * an array slot indexed by tid costs a few ns (the verifier inlines the
 * lookup).  Two threads whose tids share a slot while both are inside a
 * traced call are rare; the later one takes the hash map above instead.
 */
#define SLOTS 16384
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SLOTS);
	__type(key, __u32);
	__type(value, struct start);
} slots SEC(".maps");

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

static __always_inline bool comm_matches(void)
{
	const volatile __u64 *want = (const volatile __u64 *)targ_comm;
	__u64 comm[NSAPI_TRACE_COMM_LEN / 8];

	if (!filter_comm)
		return true;
	bpf_get_current_comm(comm, sizeof(comm));
	return comm[0] == want[0] && comm[1] == want[1];
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

/*
 * Each pointer read once (every read is a helper call, ~40 ns here):
 * task->files->fdt, then max_fds and fd, the file, its inode and its magic.
 */
static __always_inline void resolve_target(struct start *e)
{
	struct task_struct *task = (void *)bpf_get_current_task();
	struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
	struct file **fds = BPF_CORE_READ(fdt, fd);
	struct file *file = NULL;
	struct inode *inode;
	struct ns_common *ns;
	struct pid *pid;

	if (e->fd < 0 || (unsigned int)e->fd >= BPF_CORE_READ(fdt, max_fds) ||
	    bpf_probe_read_kernel(&file, sizeof(file), fds + e->fd) || !file) {
		e->target_kind = TARGET_NONE;
		return;
	}
	inode = BPF_CORE_READ(file, f_inode);
	e->target_magic = BPF_CORE_READ(inode, i_sb, s_magic);
	e->target_kind = TARGET_OTHER;
	if (e->target_magic == NSFS_MAGIC) {
		ns = BPF_CORE_READ(inode, i_private);
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
	struct start s = {};
	struct start *slot;
	__u32 slot_key, owner;

	if (targ_tgid && (id >> 32) != targ_tgid)
		return 0;
	if (!wanted(sc, flags))
		return 0;
	if (!comm_matches())
		return 0;
	s.syscall = sc;
	s.flags = flags;
	s.fd = fd;
	if (resolve)
		resolve_target(&s);
	s.ts_ns = bpf_ktime_get_ns();
	slot_key = tid & (SLOTS - 1);
	slot = bpf_map_lookup_elem(&slots, &slot_key);
	if (slot) {
		owner = __sync_val_compare_and_swap(&slot->owner, 0, tid);
		if (owner == 0 || owner == tid) {
			s.owner = tid;
			*slot = s;
			return 0;
		}
	}
	bpf_map_update_elem(&start, &tid, &s, BPF_ANY);
	return 0;
}

static __always_inline int on_exit(long ret)
{
	__u64 now = bpf_ktime_get_ns();
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id;
	struct ns_event *out;
	bool in_hash = false;
	struct start *s;
	__u32 slot_key;

	/* Calls of other processes never had an entry: skip the lookup. */
	if (targ_tgid && (id >> 32) != targ_tgid)
		return 0;
	slot_key = tid & (SLOTS - 1);
	s = bpf_map_lookup_elem(&slots, &slot_key);
	if (!s || s->owner != tid) {
		s = bpf_map_lookup_elem(&start, &tid);
		if (!s)
			return 0;
		in_hash = true;
	}
	out = bpf_ringbuf_reserve(&events, sizeof(*out), 0);
	if (!out) {
		__sync_fetch_and_add(&drops, 1);
		goto out;
	}
	out->ts_ns = s->ts_ns;
	out->dur_ns = now - s->ts_ns;
	out->flags = s->flags;
	out->ret = ret;
	out->target_ino = s->target_ino;
	out->target_magic = s->target_magic;
	out->pid = id >> 32;
	out->tid = tid;
	out->fd = s->fd;
	out->syscall = s->syscall;
	out->target_kind = s->target_kind;
	out->target_pid = s->target_pid;
	__builtin_memcpy(out->target_ns, s->target_ns, sizeof(out->target_ns));
	/* The same task as at entry: its comm, fetched into the event. */
	bpf_get_current_comm(out->comm, sizeof(out->comm));
	bpf_ringbuf_submit(out, wakeup_flag());
out:
	if (in_hash)
		bpf_map_delete_elem(&start, &tid);
	else /* after the reads above: frees the slot */
		__sync_lock_test_and_set(&s->owner, 0);
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

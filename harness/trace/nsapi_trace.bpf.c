// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel half of nsapi trace: clone, clone3, unshare and setns timed from
 * syscall entry to exit.  Entry keeps what exit needs in a per-thread slot;
 * exit builds one struct ns_event in place in a ring buffer.
 *
 * Two ways in, chosen by user space (nsapi_trace.c, --attach):
 *  - btf:  the syscall tracepoints sys_enter/sys_exit (raw_syscalls/) as
 *          BTF-typed raw tracepoints (tp_btf): the programs run for every
 *          system call and return at once for all but the four traced
 *          ones; arguments, fd table and comm by plain loads; x86_64 only.
 *          The default: the cheapest per traced call.
 *  - perf: the per-syscall events syscalls/sys_{enter,exit}_* (or
 *          raw_syscalls/ without CONFIG_FTRACE_SYSCALLS) through perf and
 *          tracefs: the programs run only for the four calls, cheaper for
 *          all the others, dearer for these (harness/trace/README.md).
 *
 * No vmlinux.h: the tracepoint contexts below are the stable layout of the
 * events' "format" files; the few kernel structures read are declared here
 * for CO-RE, so loading needs kernel BTF (CONFIG_DEBUG_INFO_BTF).
 */
#include <stdbool.h>
#include <stddef.h>
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
#define RINGBUF_BYTES (16 << 20)
/* A power of two; 16384 events of 104 bytes fill about 1.6 MiB. */
#define WAKEUP_EVENTS 16384
#define SLOTS 16384 /* a power of two */
/* thread_info.status: an ia32 call (int $0x80 or a 32-bit task). */
#define X86_TS_COMPAT 0x0002

/* perf mode: after the 8 bytes of common fields, both families agree. */
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

/* The kernel structures that CO-RE reads, as it sees them. */
struct pt_regs {
	unsigned long si;
	unsigned long di;
	unsigned long orig_ax;
} __attribute__((preserve_access_index));

struct thread_info {
	__u32 status;
} __attribute__((preserve_access_index));

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
	struct thread_info thread_info;
	struct files_struct *files;
	char comm[NSAPI_TRACE_COMM_LEN];
} __attribute__((preserve_access_index));

/* Filters, set by user space before load. */
const volatile __u32 targ_tgid = 0;
const volatile bool filter_comm = false;
/* Zero-padded and compared as two words. */
const volatile char targ_comm[NSAPI_TRACE_COMM_LEN]
	__attribute__((aligned(8))) = {};
const volatile bool all_clones = false;
const volatile bool resolve_targets = false; /* name setns's fd */
/* SLOTS - 1; smaller in tests (--slots), to send calls to the hash map. */
const volatile __u32 slot_mask = SLOTS - 1;
/* This architecture's syscall numbers. */
const volatile long nr_clone = -1;
const volatile long nr_clone3 = -1;
const volatile long nr_unshare = -1;
const volatile long nr_setns = -1;

/* Calls lost: the ring buffer (or the overflow map) was full. */
__u64 drops = 0;
/* Entries whose exit was not seen (see on_exit), dropped. */
__u64 unmatched = 0;
/* Events submitted, numbering them for the wake-up rule. */
__u64 produced = 0;
/* Live entries in the overflow hash map: exit skips its lookup at 0. */
__s64 overflow_live = 0;
/* Calls that went through the overflow map (reported with --slots). */
__u64 overflow_calls = 0;

/* What exit needs from entry, per thread. */
struct start {
	__u32 owner; /* slots: the tid using it, 0 when free */
	__u32 syscall;
	__u64 ts_ns;
	__u64 flags;
	__u64 target_ino;
	__u64 target_magic;
	__s32 fd;
	__u32 target_kind;
	__s32 target_pid;
	__s32 nr; /* the syscall number: exit must be the same call's */
	char target_ns[NSAPI_TRACE_NSNAME_LEN];
	__u64 comm[NSAPI_TRACE_COMM_LEN / 8];
};

/*
 * A slot per tid modulo SLOTS: its lookup is inlined and costs a few ns, a
 * hash update about 0.25 us on the development VM.  A thread whose slot
 * another thread holds (tids equal modulo SLOTS, both inside a traced call)
 * goes to the hash map instead.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SLOTS);
	__type(key, __u32);
	__type(value, struct start);
} slots SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct start);
} overflow SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, RINGBUF_BYTES);
} events SEC(".maps");

/* The syscall's decoded arguments, from whichever tracepoint. */
struct call {
	long nr;
	__u32 sc;
	int fd;
	__u64 flags;
};

/*
 * Waking the reader costs more than the rest of the tracing: an irq_work,
 * whose self-IPI is an APIC write that exits to the hypervisor in a VM,
 * then a context switch.  So the reader polls every 50 ms, and one event
 * in every WAKEUP_EVENTS (numbered across all CPUs, so none is skipped when
 * several produce at once) wakes it, so that a fast producer cannot fill
 * the buffer between two polls.  (Forcing a wake-up for every event once
 * the backlog passed a mark cost 0.3 us per call here.)
 */
static __always_inline __u64 wakeup_flag(void)
{
	if ((__sync_fetch_and_add(&produced, 1) & (WAKEUP_EVENTS - 1)) ==
	    WAKEUP_EVENTS - 1)
		return BPF_RB_FORCE_WAKEUP;
	return BPF_RB_NO_WAKEUP;
}

/*
 * The caller's comm, read once per call, at entry (exit copies it), and
 * compared with the filter as two words.  @direct (tp_btf): two plain
 * loads from current->comm, which the kernel keeps NUL-padded.  Else the
 * helper, into a zeroed buffer: Linux 6.1's bpf_get_current_comm() copies
 * with strscpy() and leaves the bytes after the NUL as they were.
 */
static __always_inline bool get_comm(__u64 comm[NSAPI_TRACE_COMM_LEN / 8],
				     bool direct)
{
	const volatile __u64 *want = (const volatile __u64 *)targ_comm;

	if (direct) {
		struct task_struct *task = bpf_get_current_task_btf();

		comm[0] = *(__u64 *)&task->comm[0];
		comm[1] = *(__u64 *)&task->comm[8];
	} else {
		comm[0] = comm[1] = 0;
		bpf_get_current_comm(comm, NSAPI_TRACE_COMM_LEN);
	}
	return !filter_comm || (comm[0] == want[0] && comm[1] == want[1]);
}

static __always_inline bool wanted(const struct call *c)
{
	if (all_clones)
		return true;
	if (c->sc == SC_CLONE)
		return c->flags & NS_FLAGS & ~CSIGNAL;
	if (c->sc == SC_CLONE3)
		return c->flags & NS_FLAGS;
	return true;
}

/*
 * The file behind setns()'s fd.  @direct (tp_btf): the task's fd table by
 * plain loads through BTF-typed pointers; else each pointer by a helper
 * call (about 40 ns each on the development VM).
 */
static __always_inline struct file *fd_file(int fd, bool direct)
{
	struct file **fds, *file = NULL;
	unsigned int max_fds;

	if (direct) {
		struct fdtable *fdt = bpf_get_current_task_btf()->files->fdt;

		max_fds = fdt->max_fds;
		fds = fdt->fd;
	} else {
		struct task_struct *task = (void *)bpf_get_current_task();
		struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);

		max_fds = BPF_CORE_READ(fdt, max_fds);
		fds = BPF_CORE_READ(fdt, fd);
	}
	if (fd < 0 || (unsigned int)fd >= max_fds)
		return NULL;
	/* A variable index needs a helper even with BTF. */
	bpf_probe_read_kernel(&file, sizeof(file),
			      (void *)((unsigned long)fds +
				       (unsigned long)fd * sizeof(file)));
	return file;
}

/* What the fd names: each kernel pointer read once. */
static __always_inline void resolve_target(struct start *s, bool direct)
{
	struct file *file = fd_file(s->fd, direct);
	struct inode *inode;
	struct ns_common *ns;
	struct pid *pid;

	if (!file) {
		s->target_kind = TARGET_NONE;
		return;
	}
	inode = BPF_CORE_READ(file, f_inode);
	s->target_magic = BPF_CORE_READ(inode, i_sb, s_magic);
	s->target_kind = TARGET_OTHER;
	if (s->target_magic == NSFS_MAGIC) {
		ns = BPF_CORE_READ(inode, i_private);
		s->target_kind = TARGET_NS;
		s->target_ino = BPF_CORE_READ(ns, inum);
		bpf_probe_read_kernel_str(s->target_ns, sizeof(s->target_ns),
					  BPF_CORE_READ(ns, ops, name));
	} else if (s->target_magic == PID_FS_MAGIC) {
		pid = BPF_CORE_READ(file, private_data);
		s->target_kind = TARGET_PIDFD;
		s->target_pid = BPF_CORE_READ(pid, numbers[0].nr);
	}
}

/* The thread's slot if it holds it (or could take it), else NULL. */
static __always_inline struct start *own_slot(__u32 tid, bool claim)
{
	__u32 key = tid & slot_mask;
	struct start *slot = bpf_map_lookup_elem(&slots, &key);
	__u32 owner;

	if (!slot)
		return NULL;
	if (!claim)
		return slot->owner == tid ? slot : NULL;
	owner = __sync_val_compare_and_swap(&slot->owner, 0, tid);
	return owner == 0 || owner == tid ? slot : NULL;
}

/* Everything exit needs, the timestamp last. */
static __always_inline void fill_start(struct start *s, const struct call *c,
				       const __u64 *comm, __u32 tid,
				       bool direct)
{
	s->comm[0] = comm[0];
	s->comm[1] = comm[1];
	s->syscall = c->sc;
	s->nr = c->nr;
	s->flags = c->flags;
	s->fd = c->fd;
	s->target_kind = TARGET_UNKNOWN;
	if (resolve_targets && c->sc == SC_SETNS)
		resolve_target(s, direct);
	s->owner = tid;
	s->ts_ns = bpf_ktime_get_ns();
}

/* The slot is filled in place: no copy through the stack. */
static __always_inline int on_enter(const struct call *c, bool direct)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id;
	__u64 comm[NSAPI_TRACE_COMM_LEN / 8];
	struct start *slot;

	if (targ_tgid && (id >> 32) != targ_tgid)
		return 0;
	if (!wanted(c) || !get_comm(comm, direct))
		return 0;
	slot = own_slot(tid, true);
	if (slot) {
		fill_start(slot, c, comm, tid, direct);
		return 0;
	} else {
		struct start s = {};

		fill_start(&s, c, comm, tid, direct);
		/* Counted once per key; a leftover entry is overwritten. */
		__sync_fetch_and_add(&overflow_calls, 1);
		if (!bpf_map_update_elem(&overflow, &tid, &s, BPF_NOEXIST))
			__sync_fetch_and_add(&overflow_live, 1);
		else if (bpf_map_update_elem(&overflow, &tid, &s, BPF_EXIST))
			__sync_fetch_and_add(&drops, 1);
	}
	return 0;
}

static __always_inline void fill_event(struct ns_event *out,
				       const struct start *s, __u64 id,
				       __u64 now, long ret)
{
	out->ts_ns = s->ts_ns;
	out->dur_ns = now - s->ts_ns;
	out->flags = s->flags;
	out->ret = ret;
	out->target_ino = s->target_ino;
	out->target_magic = s->target_magic;
	out->pid = id >> 32;
	out->tid = (__u32)id;
	out->fd = s->fd;
	out->syscall = s->syscall;
	out->target_kind = s->target_kind;
	out->target_pid = s->target_pid;
	__builtin_memcpy(out->target_ns, s->target_ns, sizeof(out->target_ns));
	__builtin_memcpy(out->comm, s->comm, sizeof(out->comm));
}

/*
 * A thread is in one system call at a time, so the exit that follows an
 * entry it recorded is normally that call's exit.  Exits without a recorded
 * entry (other calls, a clone child's first return, calls a seccomp filter
 * answered) return at once.  An entry whose exit was not seen (the exits
 * were attached a moment after the entries' first run, or the kernel
 * skipped a run) meets the thread's next, other call: @nr tells, and the
 * entry is dropped rather than reported with that call's result.
 */
static __always_inline int on_exit(long nr, long ret)
{
	__u64 now, id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id;
	struct ns_event *out;
	struct start *s;
	bool in_slot;

	if (targ_tgid && (id >> 32) != targ_tgid)
		return 0;
	s = own_slot(tid, false);
	in_slot = s != NULL;
	if (!s) {
		if (!overflow_live)
			return 0;
		s = bpf_map_lookup_elem(&overflow, &tid);
		if (!s)
			return 0;
	}
	if (s->nr != nr) {
		__sync_fetch_and_add(&unmatched, 1);
		goto free;
	}
	now = bpf_ktime_get_ns();
	out = bpf_ringbuf_reserve(&events, sizeof(*out), 0);
	if (out) {
		fill_event(out, s, id, now, ret);
		bpf_ringbuf_submit(out, wakeup_flag());
	} else {
		__sync_fetch_and_add(&drops, 1);
	}
free:
	if (in_slot)
		__sync_lock_test_and_set(&s->owner, 0); /* frees the slot */
	else if (!bpf_map_delete_elem(&overflow, &tid))
		__sync_fetch_and_add(&overflow_live, -1);
	return 0;
}

static __always_inline __u64 clone3_flags(unsigned long uargs)
{
	__u64 flags = 0;

	/* struct clone_args starts with flags; a bad pointer reads 0. */
	bpf_probe_read_user(&flags, sizeof(flags), (void *)uargs);
	return flags;
}

/* Decode a call from its number and first two arguments; false: not ours. */
static __always_inline bool decode(long nr, unsigned long a0, unsigned long a1,
				   struct call *c)
{
	c->nr = nr;
	c->fd = -1;
	c->flags = a0;
	if (nr == nr_unshare) {
		c->sc = SC_UNSHARE;
	} else if (nr == nr_setns) {
		c->sc = SC_SETNS;
		c->fd = (int)a0;
		c->flags = (__u32)a1;
	} else if (nr == nr_clone) {
		c->sc = SC_CLONE;
	} else if (nr == nr_clone3) {
		c->sc = SC_CLONE3;
		c->flags = clone3_flags(a0);
	} else {
		return false;
	}
	return true;
}

static __always_inline bool traced_nr(long nr)
{
	return nr == nr_unshare || nr == nr_setns || nr == nr_clone ||
	       nr == nr_clone3;
}

/* --- btf and raw: sys_enter(regs, id), sys_exit(regs, ret) -------------- */

#if defined(__TARGET_ARCH_x86)
SEC("tp_btf/sys_enter")
int btf_enter(__u64 *ctx)
{
	struct pt_regs *regs = (struct pt_regs *)ctx[0];
	long nr = (long)ctx[1];
	struct call c;

	/* ia32 numbers differ: 272 is fadvise64_64 there, not unshare. */
	if (!traced_nr(nr) ||
	    bpf_get_current_task_btf()->thread_info.status & X86_TS_COMPAT)
		return 0;
	decode(nr, regs->di, regs->si, &c);
	return on_enter(&c, true);
}

SEC("tp_btf/sys_exit")
int btf_exit(__u64 *ctx)
{
	struct pt_regs *regs = (struct pt_regs *)ctx[0];

	return on_exit(regs->orig_ax, (long)ctx[1]);
}

#endif

/* --- perf: the per-syscall events, then raw_syscalls/ ------------------- */

/*
 * A program may read only the event's own fields (perf refuses it with
 * EACCES otherwise): unshare's event has one argument, setns's two.
 */
static __always_inline int perf_enter(long nr, unsigned long a0,
				      unsigned long a1)
{
	struct call c;

	decode(nr, a0, a1, &c);
	return on_enter(&c, false);
}

SEC("tracepoint/syscalls/sys_enter_clone")
int clone_enter(struct sys_enter_ctx *ctx)
{
	return perf_enter(nr_clone, ctx->args[0], 0);
}

SEC("tracepoint/syscalls/sys_enter_clone3")
int clone3_enter(struct sys_enter_ctx *ctx)
{
	return perf_enter(nr_clone3, ctx->args[0], 0);
}

SEC("tracepoint/syscalls/sys_enter_unshare")
int unshare_enter(struct sys_enter_ctx *ctx)
{
	return perf_enter(nr_unshare, ctx->args[0], 0);
}

SEC("tracepoint/syscalls/sys_enter_setns")
int setns_enter(struct sys_enter_ctx *ctx)
{
	return perf_enter(nr_setns, ctx->args[0], ctx->args[1]);
}

SEC("tracepoint/syscalls/sys_exit_clone")
int clone_exit(struct sys_exit_ctx *ctx)
{
	return on_exit(nr_clone, ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_clone3")
int clone3_exit(struct sys_exit_ctx *ctx)
{
	return on_exit(nr_clone3, ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_unshare")
int unshare_exit(struct sys_exit_ctx *ctx)
{
	return on_exit(nr_unshare, ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_setns")
int setns_exit(struct sys_exit_ctx *ctx)
{
	return on_exit(nr_setns, ctx->ret);
}

/* Fallback when the kernel lacks syscalls/ (CONFIG_FTRACE_SYSCALLS=n). */
SEC("tracepoint/raw_syscalls/sys_enter")
int raw_syscalls_enter(struct sys_enter_ctx *ctx)
{
	if (!traced_nr(ctx->nr))
		return 0;
	return perf_enter(ctx->nr, ctx->args[0], ctx->args[1]);
}

SEC("tracepoint/raw_syscalls/sys_exit")
int raw_syscalls_exit(struct sys_exit_ctx *ctx)
{
	if (!traced_nr(ctx->nr))
		return 0;
	return on_exit(ctx->nr, ctx->ret);
}

char LICENSE[] SEC("license") = "GPL";

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

struct pid_namespace {
	struct ns_common ns;
} __attribute__((preserve_access_index));

struct upid {
	int nr;
	struct pid_namespace *ns;
} __attribute__((preserve_access_index));

struct pid {
	unsigned int level;
	struct upid numbers[1];
} __attribute__((preserve_access_index));

/* Each namespace structure starts its own way; CO-RE finds .ns. */
struct uts_namespace {
	struct ns_common ns;
} __attribute__((preserve_access_index));

struct ipc_namespace {
	struct ns_common ns;
} __attribute__((preserve_access_index));

struct mnt_namespace {
	struct ns_common ns;
} __attribute__((preserve_access_index));

struct net {
	struct ns_common ns;
} __attribute__((preserve_access_index));

struct time_namespace {
	struct ns_common ns;
} __attribute__((preserve_access_index));

struct cgroup_namespace {
	struct ns_common ns;
} __attribute__((preserve_access_index));

struct user_namespace {
	struct ns_common ns;
} __attribute__((preserve_access_index));

struct nsproxy {
	struct uts_namespace *uts_ns;
	struct ipc_namespace *ipc_ns;
	struct mnt_namespace *mnt_ns;
	struct pid_namespace *pid_ns_for_children;
	struct net *net_ns;
	struct time_namespace *time_ns_for_children;
	struct cgroup_namespace *cgroup_ns;
} __attribute__((preserve_access_index));

struct cred {
	struct user_namespace *user_ns;
} __attribute__((preserve_access_index));

struct list_head {
	struct list_head *next, *prev;
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
	struct nsproxy *nsproxy;
	const struct cred *cred;
	struct pid *thread_pid;
	struct task_struct *group_leader;
	struct list_head children;
	struct list_head sibling;
	char comm[NSAPI_TRACE_COMM_LEN];
} __attribute__((preserve_access_index));

/* Filters, set by user space before load. */
const volatile __u32 targ_tgid = 0; /* in the tracer's pid namespace */
const volatile bool filter_comm = false;
/* Zero-padded and compared as two words, under comm_mask (a prefix). */
const volatile char targ_comm[NSAPI_TRACE_COMM_LEN]
	__attribute__((aligned(8))) = {};
const volatile __u64 comm_mask[NSAPI_TRACE_COMM_LEN / 8] = { ~0ULL, ~0ULL };
const volatile bool all_clones = false;
const volatile bool resolve_targets = false; /* name setns's fd */
/* Namespace filters (inodes; 0: none). */
const volatile __u64 filter_netns = 0;
const volatile __u64 filter_pidns = 0;
/*
 * The tracer's pid namespace, when it is not the initial one (ns_pids):
 * pids are reported and filtered as the tracer sees them, and tasks it
 * cannot see are left out.  nsfs_dev: st_dev of the namespace files.
 */
const volatile bool ns_pids = false;
const volatile __u64 pidns_ino = 0;
const volatile __u64 nsfs_dev = 0;
/* --hist: aggregate in the kernel, no event per call; key parts. */
const volatile bool aggregate = false;
const volatile bool group_ns = false;
const volatile bool group_comm = false;
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
/* --hist: calls whose key found no free slot in the table. */
__u64 hist_lost = 0;

/* What exit needs from entry, per thread. */
struct start {
	__u32 owner; /* slots: the tid using it, 0 when free */
	__u32 syscall;
	__u64 ts_ns;
	__u64 flags;
	__u64 target_ino;
	__u64 target_magic;
	__u64 ns_before;
	__s32 fd;
	__u32 target_kind;
	__s32 target_pid;
	__s32 nr; /* the syscall number: exit must be the same call's */
	__u32 pid; /* as the tracer sees them */
	__u32 tid;
	__u32 ns_type;
	__u32 pad;
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

/*
 * --hist: a direct-mapped table per CPU, HIST_SLOTS slots, a key tried in
 * HIST_PROBES consecutive slots from its hash: an array lookup (inlined)
 * instead of a hash map's (hashing the key, a helper call).  User space
 * merges the CPUs' slots by key.
 */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, HIST_SLOTS);
	__type(key, __u32);
	__type(value, struct hist_val);
} hist SEC(".maps");

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
	return !filter_comm || ((comm[0] & comm_mask[0]) == want[0] &&
				(comm[1] & comm_mask[1]) == want[1]);
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

/* --- namespaces and pids --------------------------------------------- */

/* The first namespace type in @flags, in the order printed. */
static __always_inline __u32 flags_nstype(__u64 flags)
{
	if (flags & 0x40000000ULL)
		return NST_NET;
	if (flags & 0x20000000ULL)
		return NST_PID;
	if (flags & 0x10000000ULL)
		return NST_USER;
	if (flags & 0x08000000ULL)
		return NST_IPC;
	if (flags & 0x04000000ULL)
		return NST_UTS;
	if (flags & 0x02000000ULL)
		return NST_CGROUP;
	if (flags & 0x00020000ULL)
		return NST_MNT;
	if (flags & 0x00000080ULL)
		return NST_TIME;
	return NST_NONE;
}

/* setns(fd, 0): the type of the namespace file, by its name. */
static __always_inline __u32 name_nstype(const char *name)
{
	switch (name[0]) {
	case 'n':
		return NST_NET;
	case 'p':
		return NST_PID;
	case 'u':
		return name[1] == 's' ? NST_USER : NST_UTS;
	case 'i':
		return NST_IPC;
	case 'c':
		return NST_CGROUP;
	case 'm':
		return NST_MNT;
	case 't':
		return NST_TIME;
	}
	return NST_NONE;
}

/* The type a call concerns: its first CLONE_NEW* flag (setns: nstype). */
static __always_inline __u32 call_nstype(const struct start *s)
{
	if (s->syscall == SC_CLONE)
		return flags_nstype(s->flags & ~CSIGNAL);
	if (s->syscall == SC_SETNS && !s->flags && s->target_kind == TARGET_NS)
		return name_nstype(s->target_ns);
	return flags_nstype(s->flags);
}

/*
 * @task's namespace of @type: pid and time are the ones its children get
 * (/proc/PID/ns/pid_for_children), which unshare and setns change.
 * @direct (tp_btf): plain loads through BTF pointers; else helpers.
 */
static __always_inline __u64 ns_inum(struct task_struct *task, __u32 type,
				     bool direct)
{
	if (direct) {
		struct nsproxy *p = task->nsproxy;

		switch (type) {
		case NST_NET:
			return p->net_ns->ns.inum;
		case NST_PID:
			return p->pid_ns_for_children->ns.inum;
		case NST_USER:
			return task->cred->user_ns->ns.inum;
		case NST_IPC:
			return p->ipc_ns->ns.inum;
		case NST_UTS:
			return p->uts_ns->ns.inum;
		case NST_CGROUP:
			return p->cgroup_ns->ns.inum;
		case NST_MNT:
			return p->mnt_ns->ns.inum;
		case NST_TIME:
			if (bpf_core_field_exists(p->time_ns_for_children))
				return p->time_ns_for_children->ns.inum;
		}
		return 0;
	}
	switch (type) {
	case NST_NET:
		return BPF_CORE_READ(task, nsproxy, net_ns, ns.inum);
	case NST_PID:
		return BPF_CORE_READ(task, nsproxy, pid_ns_for_children,
				     ns.inum);
	case NST_USER:
		return BPF_CORE_READ(task, cred, user_ns, ns.inum);
	case NST_IPC:
		return BPF_CORE_READ(task, nsproxy, ipc_ns, ns.inum);
	case NST_UTS:
		return BPF_CORE_READ(task, nsproxy, uts_ns, ns.inum);
	case NST_CGROUP:
		return BPF_CORE_READ(task, nsproxy, cgroup_ns, ns.inum);
	case NST_MNT:
		return BPF_CORE_READ(task, nsproxy, mnt_ns, ns.inum);
	case NST_TIME:
		if (bpf_core_field_exists(task->nsproxy->time_ns_for_children))
			return BPF_CORE_READ(task, nsproxy,
					     time_ns_for_children, ns.inum);
	}
	return 0;
}

static __always_inline struct task_struct *current_task(bool direct)
{
	return direct ? bpf_get_current_task_btf() :
			(struct task_struct *)bpf_get_current_task();
}

/* pid->numbers[@level], read by helper (a variable index). */
static __always_inline int read_upid(struct pid *pid, __u32 level,
				     struct upid *u)
{
	unsigned long at = (unsigned long)pid +
			   bpf_core_field_offset(struct pid, numbers) +
			   level * bpf_core_type_size(struct upid);

	return bpf_probe_read_kernel(u, sizeof(*u), (void *)at);
}

/* Pid namespaces searched for a task's number (the kernel allows 32). */
#define PIDNS_SEARCH 8

/* The number of @pid in the pid namespace @ino; 0: it has none there. */
static __always_inline __u32 pid_nr_in(struct pid *pid, __u64 ino)
{
	struct upid u;
	__u32 level;

	if (!pid)
		return 0;
	level = BPF_CORE_READ(pid, level);
	for (__u32 i = 0; i < PIDNS_SEARCH; i++) {
		if (i > level || read_upid(pid, i, &u))
			return 0;
		if (BPF_CORE_READ(u.ns, ns.inum) == ino)
			return u.nr;
	}
	return 0;
}

/*
 * The current task's tgid and tid as the tracer sees them; false if it
 * cannot see the task (a task outside the tracer's pid namespace).
 * bpf_get_ns_current_pid_tgid() (5.7) answers for a task of that very
 * namespace; a task of a namespace nested in it is looked up by hand.
 */
static __always_inline bool visible_ids(__u64 id, __u32 *tgid, __u32 *tid)
{
	struct bpf_pidns_info info;
	struct task_struct *task;

	*tgid = id >> 32;
	*tid = (__u32)id;
	if (!ns_pids)
		return true;
	if (!bpf_get_ns_current_pid_tgid(nsfs_dev, pidns_ino, &info,
					 sizeof(info))) {
		*tgid = info.tgid;
		*tid = info.pid;
		return true;
	}
	task = (struct task_struct *)bpf_get_current_task();
	*tid = pid_nr_in(BPF_CORE_READ(task, thread_pid), pidns_ino);
	*tgid = pid_nr_in(BPF_CORE_READ(task, group_leader, thread_pid),
			  pidns_ino);
	return *tid && *tgid;
}

/* --pidns / --container: is the caller's own pid namespace @ino? */
static __always_inline bool in_pidns(__u64 ino)
{
	struct bpf_pidns_info info;
	struct task_struct *task;
	struct upid u;
	struct pid *pid;

	if (!bpf_get_ns_current_pid_tgid(nsfs_dev, ino, &info, sizeof(info)))
		return true;
	task = (struct task_struct *)bpf_get_current_task();
	pid = BPF_CORE_READ(task, thread_pid);
	return pid && !read_upid(pid, BPF_CORE_READ(pid, level), &u) &&
	       BPF_CORE_READ(u.ns, ns.inum) == ino;
}

/*
 * The child a successful clone just made (@ret: its pid as the caller
 * sees it): the caller's newest child, if its pid says so.  NULL for
 * CLONE_THREAD or CLONE_PARENT children (not on the caller's list).
 */
static __always_inline struct task_struct *new_child(__u64 flags, long ret)
{
	struct task_struct *task = (void *)bpf_get_current_task(), *child;
	unsigned long head, last;
	struct pid *pid;
	struct upid u;
	__u32 level;

	if (flags & (0x00010000ULL /* THREAD */ | 0x00008000ULL /* PARENT */))
		return NULL;
	head = (unsigned long)task +
	       bpf_core_field_offset(struct task_struct, children);
	last = (unsigned long)BPF_CORE_READ(task, children.prev);
	if (!last || last == head)
		return NULL;
	child = (void *)(last -
			 bpf_core_field_offset(struct task_struct, sibling));
	/* The child's pid in the caller's own pid namespace must be @ret. */
	pid = BPF_CORE_READ(task, thread_pid);
	if (!pid)
		return NULL;
	level = BPF_CORE_READ(pid, level);
	if (read_upid(pid, level, &u))
		return NULL;
	if (pid_nr_in(BPF_CORE_READ(child, thread_pid),
		      BPF_CORE_READ(u.ns, ns.inum)) != (__u32)ret)
		return NULL;
	return child;
}

/*
 * The caller's namespace of the call's type after it: the child's after a
 * successful clone, the caller's own (new or unchanged) otherwise.
 */
static __always_inline __u64 ns_after(const struct start *s, long ret,
				      bool direct)
{
	struct task_struct *child;

	if ((s->syscall == SC_CLONE || s->syscall == SC_CLONE3) && ret > 0) {
		__u64 flags = s->flags;

		if (s->syscall == SC_CLONE)
			flags &= ~CSIGNAL;
		child = new_child(flags, ret);
		return child ? ns_inum(child, s->ns_type, false) : 0;
	}
	return ns_inum(current_task(direct), s->ns_type, direct);
}

/* --- setns's target ---------------------------------------------------- */

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

/* --- entry ------------------------------------------------------------- */

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
				       const __u32 *ids, bool direct)
{
	s->comm[0] = comm[0];
	s->comm[1] = comm[1];
	s->syscall = c->sc;
	s->nr = c->nr;
	s->flags = c->flags;
	s->fd = c->fd;
	s->pid = ids[0];
	s->tid = ids[1];
	s->target_kind = TARGET_UNKNOWN;
	/* --hist needs the target only for the type of a setns(fd, 0). */
	if (resolve_targets && c->sc == SC_SETNS &&
	    (!aggregate || (group_ns && !c->flags)))
		resolve_target(s, direct);
	s->ns_type = NST_NONE;
	s->ns_before = 0;
	if (!aggregate || group_ns) {
		s->ns_type = call_nstype(s);
		s->ns_before =
			ns_inum(current_task(direct), s->ns_type, direct);
	}
	s->owner = tid;
	s->ts_ns = bpf_ktime_get_ns();
}

/* The filters that need more than the pid and comm. */
static __always_inline bool ns_filters_pass(bool direct)
{
	if (filter_netns &&
	    ns_inum(current_task(direct), NST_NET, direct) != filter_netns)
		return false;
	return !filter_pidns || in_pidns(filter_pidns);
}

/* The slot is filled in place: no copy through the stack. */
static __always_inline int on_enter(const struct call *c, bool direct)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id, ids[2];
	__u64 comm[NSAPI_TRACE_COMM_LEN / 8];
	struct start *slot;

	if (!ns_pids && targ_tgid && (id >> 32) != targ_tgid)
		return 0;
	if (!wanted(c) || !get_comm(comm, direct))
		return 0;
	if (!visible_ids(id, &ids[0], &ids[1]))
		return 0;
	if (targ_tgid && ids[0] != targ_tgid)
		return 0;
	if (!ns_filters_pass(direct))
		return 0;
	slot = own_slot(tid, true);
	if (slot) {
		fill_start(slot, c, comm, tid, ids, direct);
		return 0;
	} else {
		struct start s = {};

		fill_start(&s, c, comm, tid, ids, direct);
		/* Counted once per key; a leftover entry is overwritten. */
		__sync_fetch_and_add(&overflow_calls, 1);
		if (!bpf_map_update_elem(&overflow, &tid, &s, BPF_NOEXIST))
			__sync_fetch_and_add(&overflow_live, 1);
		else if (bpf_map_update_elem(&overflow, &tid, &s, BPF_EXIST))
			__sync_fetch_and_add(&drops, 1);
	}
	return 0;
}

/* --- exit: an event, or a histogram update ------------------------------ */

static __always_inline void fill_event(struct ns_event *out,
				       const struct start *s, __u64 now,
				       long ret, bool direct)
{
	out->ts_ns = s->ts_ns;
	out->dur_ns = now - s->ts_ns;
	out->flags = s->flags;
	out->ret = ret;
	out->target_ino = s->target_ino;
	out->target_magic = s->target_magic;
	out->pid = s->pid;
	out->tid = s->tid;
	out->fd = s->fd;
	out->syscall = s->syscall;
	out->target_kind = s->target_kind;
	out->target_pid = s->target_pid;
	out->ns_type = s->ns_type;
	out->ns_before = s->ns_before;
	out->ns_after = s->ns_type ? ns_after(s, ret, direct) : 0;
	out->pad = 0;
	__builtin_memcpy(out->target_ns, s->target_ns, sizeof(out->target_ns));
	__builtin_memcpy(out->comm, s->comm, sizeof(out->comm));
}

/* Index of the highest set bit of @v (> 0), without a loop. */
static __always_inline __u32 msb64(__u64 v)
{
	__u32 r = 0;

	if (v >> 32) {
		v >>= 32;
		r += 32;
	}
	if (v >> 16) {
		v >>= 16;
		r += 16;
	}
	if (v >> 8) {
		v >>= 8;
		r += 8;
	}
	if (v >> 4) {
		v >>= 4;
		r += 4;
	}
	if (v >> 2) {
		v >>= 2;
		r += 2;
	}
	return r + (__u32)(v >> 1);
}

/* The log-linear bucket of @v ns (nsapi_trace.h). */
static __always_inline __u32 hist_bucket(__u64 v)
{
	__u32 e, b;

	if (v < HIST_SUB)
		return v;
	e = msb64(v);
	if (e > HIST_MAX_EXP)
		return HIST_BUCKETS - 1;
	b = (e - HIST_SUB_BITS) * HIST_SUB + (__u32)(v >> (e - HIST_SUB_BITS));
	return b < HIST_BUCKETS ? b : HIST_BUCKETS - 1;
}

static __always_inline bool key_eq(const struct hist_key *a,
				   const struct hist_key *b)
{
	const __u64 *x = (const __u64 *)a, *y = (const __u64 *)b;

	for (int i = 0; i < (int)(sizeof(*a) / 8); i++)
		if (x[i] != y[i])
			return false;
	return true;
}

/*
 * Count @dur in the call's histogram.  A slot is claimed (used 0 -> 2),
 * written, then published (used = 1), all atomically: another program on
 * this CPU (syscall tracepoints may be preemptible) sees a claimed slot
 * as another key's and probes on; user space merges duplicates.
 */
static __always_inline void hist_add(const struct start *s, long ret, __u64 dur)
{
	struct hist_key k = {
		.flags = s->flags,
		.syscall = s->syscall,
		.err = ret < 0 && ret >= -4095 ? -ret : 0,
		.used = 1,
	};
	__u32 first, slot, b = hist_bucket(dur);
	struct hist_val *v;

	if (group_ns) {
		k.ns = s->ns_before;
		k.ns_type = s->ns_type;
	}
	if (group_comm) {
		k.comm[0] = s->comm[0];
		k.comm[1] = s->comm[1];
	}
	first = ((k.flags ^ k.ns * 31 ^ k.comm[0] ^ k.comm[1] << 1 ^
		  (__u64)k.syscall << 40 ^ (__u64)k.err << 48) *
		 0x9e3779b97f4a7c15ULL) >>
		56;
	for (int i = 0; i < HIST_PROBES; i++) {
		slot = (first + i) & (HIST_SLOTS - 1);
		v = bpf_map_lookup_elem(&hist, &slot);
		if (!v)
			return;
		if (!v->key.used &&
		    !__sync_val_compare_and_swap(&v->key.used, 0, 2)) {
			k.used = 2;
			v->key = k;
			__sync_lock_test_and_set(&v->key.used, 1);
			k.used = 1;
		}
		if (!key_eq(&v->key, &k))
			continue;
		__sync_fetch_and_add(&v->count, 1);
		__sync_fetch_and_add(&v->sum_ns, dur);
		__sync_fetch_and_add(&v->buckets[b], 1);
		return;
	}
	__sync_fetch_and_add(&hist_lost, 1);
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
static __always_inline int on_exit(long nr, long ret, bool direct)
{
	__u64 now, id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id;
	struct ns_event *out;
	struct start *s;
	bool in_slot;

	if (!ns_pids && targ_tgid && (id >> 32) != targ_tgid)
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
	if (aggregate) {
		hist_add(s, ret, now - s->ts_ns);
		goto free;
	}
	out = bpf_ringbuf_reserve(&events, sizeof(*out), 0);
	if (out) {
		fill_event(out, s, now, ret, direct);
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

	return on_exit(regs->orig_ax, (long)ctx[1], true);
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
	return on_exit(nr_clone, ctx->ret, false);
}

SEC("tracepoint/syscalls/sys_exit_clone3")
int clone3_exit(struct sys_exit_ctx *ctx)
{
	return on_exit(nr_clone3, ctx->ret, false);
}

SEC("tracepoint/syscalls/sys_exit_unshare")
int unshare_exit(struct sys_exit_ctx *ctx)
{
	return on_exit(nr_unshare, ctx->ret, false);
}

SEC("tracepoint/syscalls/sys_exit_setns")
int setns_exit(struct sys_exit_ctx *ctx)
{
	return on_exit(nr_setns, ctx->ret, false);
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
	return on_exit(ctx->nr, ctx->ret, false);
}

char LICENSE[] SEC("license") = "GPL";

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The namespace API's constants that older kernel and libc headers lack:
 * with these the tests, the benchmarks and the tools build on any of them,
 * and probe at run time whether the running kernel has the feature.
 */
#ifndef NSAPI_NS_UAPI_H
#define NSAPI_NS_UAPI_H

#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>

#ifndef CLONE_NEWCGROUP
#define CLONE_NEWCGROUP 0x02000000
#endif
#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x00001000
#endif
#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

#ifndef __NR_clone3
#define __NR_clone3 435
#endif
#ifndef __NR_pidfd_open
#define __NR_pidfd_open 434
#endif

/* The clone3() argument, as of Linux 5.7 (CLONE_ARGS_SIZE_VER2). */
struct nsapi_clone_args {
	uint64_t flags;
	uint64_t pidfd;
	uint64_t child_tid;
	uint64_t parent_tid;
	uint64_t exit_signal;
	uint64_t stack;
	uint64_t stack_size;
	uint64_t tls;
	uint64_t set_tid;
	uint64_t set_tid_size;
	uint64_t cgroup;
};
#define CLONE_ARGS_SIZE_VER0 64
#define CLONE_ARGS_SIZE_VER1 80
#define CLONE_ARGS_SIZE_VER2 88

/* ioctl_ns(2) requests on an nsfs file. */
#define NSIO 0xb7
#ifndef NS_GET_USERNS
#define NS_GET_USERNS _IO(NSIO, 0x1)
#endif
#ifndef NS_GET_PARENT
#define NS_GET_PARENT _IO(NSIO, 0x2)
#endif
#ifndef NS_GET_NSTYPE
#define NS_GET_NSTYPE _IO(NSIO, 0x3)
#endif
#ifndef NS_GET_OWNER_UID
#define NS_GET_OWNER_UID _IO(NSIO, 0x4)
#endif
#ifndef NS_GET_MNTNS_ID
#define NS_GET_MNTNS_ID _IOR(NSIO, 0x5, uint64_t)
#endif

#ifndef NS_GET_ID
#define NS_GET_ID _IOR(NSIO, 13, uint64_t)
#endif

/* Mount namespace iteration (Linux 6.12): struct mnt_ns_info, VER0. */
struct nsapi_mnt_ns_info {
	uint32_t size;
	uint32_t nr_mounts;
	uint64_t mnt_ns_id;
};
#define NSAPI_MNT_NS_INFO_SIZE_VER0 16
#ifndef NS_MNT_GET_INFO
#define NS_MNT_GET_INFO _IOR(NSIO, 10, struct nsapi_mnt_ns_info)
#endif
#ifndef NS_MNT_GET_NEXT
#define NS_MNT_GET_NEXT _IOR(NSIO, 11, struct nsapi_mnt_ns_info)
#endif
#ifndef NS_MNT_GET_PREV
#define NS_MNT_GET_PREV _IOR(NSIO, 12, struct nsapi_mnt_ns_info)
#endif

/* A pidfd's namespaces (Linux 6.11): ioctl(pidfd, PIDFD_GET_*) is an fd. */
#define NSAPI_PIDFS_IOCTL_MAGIC 0xFF
#ifndef PIDFD_GET_CGROUP_NAMESPACE
#define PIDFD_GET_CGROUP_NAMESPACE _IO(NSAPI_PIDFS_IOCTL_MAGIC, 1)
#define PIDFD_GET_IPC_NAMESPACE _IO(NSAPI_PIDFS_IOCTL_MAGIC, 2)
#define PIDFD_GET_MNT_NAMESPACE _IO(NSAPI_PIDFS_IOCTL_MAGIC, 3)
#define PIDFD_GET_NET_NAMESPACE _IO(NSAPI_PIDFS_IOCTL_MAGIC, 4)
#define PIDFD_GET_PID_NAMESPACE _IO(NSAPI_PIDFS_IOCTL_MAGIC, 5)
#define PIDFD_GET_PID_FOR_CHILDREN_NAMESPACE _IO(NSAPI_PIDFS_IOCTL_MAGIC, 6)
#define PIDFD_GET_TIME_NAMESPACE _IO(NSAPI_PIDFS_IOCTL_MAGIC, 7)
#define PIDFD_GET_TIME_FOR_CHILDREN_NAMESPACE _IO(NSAPI_PIDFS_IOCTL_MAGIC, 8)
#define PIDFD_GET_USER_NAMESPACE _IO(NSAPI_PIDFS_IOCTL_MAGIC, 9)
#define PIDFD_GET_UTS_NAMESPACE _IO(NSAPI_PIDFS_IOCTL_MAGIC, 10)
#endif

/* statmount() and listmount() (Linux 6.8; mnt_ns_id since 6.11). */
#ifndef __NR_statmount
#define __NR_statmount 457
#endif
#ifndef __NR_listmount
#define __NR_listmount 458
#endif
struct nsapi_mnt_id_req {
	uint32_t size;
	uint32_t spare;
	uint64_t mnt_id;
	uint64_t param;
	uint64_t mnt_ns_id;
};
#define NSAPI_MNT_ID_REQ_SIZE_VER1 32
#define NSAPI_LSMT_ROOT 0xffffffffffffffffULL
#define NSAPI_STATMOUNT_MNT_BASIC 0x00000002U
#define NSAPI_STATMOUNT_MNT_NS_ID 0x00000040U
/* The start of struct statmount: enough for mask, mnt_id and mnt_ns_id. */
struct nsapi_statmount {
	uint32_t size;
	uint32_t mnt_opts;
	uint64_t mask;
	uint32_t sb_dev_major;
	uint32_t sb_dev_minor;
	uint64_t sb_magic;
	uint32_t sb_flags;
	uint32_t fs_type;
	uint64_t mnt_id;
	uint64_t mnt_parent_id;
	uint32_t mnt_id_old;
	uint32_t mnt_parent_id_old;
	uint64_t mnt_attr;
	uint64_t mnt_propagation;
	uint64_t mnt_peer_group;
	uint64_t mnt_master;
	uint64_t propagate_from;
	uint32_t mnt_root;
	uint32_t mnt_point;
	uint64_t mnt_ns_id;
	uint64_t spare2[49];
	char str[256];
};

/* nsfs file handles (Linux 6.18): open_by_handle_at(FD_NSFS_ROOT, ...). */
#ifndef FD_NSFS_ROOT
#define FD_NSFS_ROOT -10003
#endif
#ifndef FILEID_NSFS
#define FILEID_NSFS 0xf1
#endif

/* listns() (Linux 6.19) and its request, uapi struct ns_id_req (VER0). */
#ifndef __NR_listns
#define __NR_listns 470
#endif
struct nsapi_ns_id_req {
	uint32_t size;
	uint32_t spare;
	uint64_t ns_id; /* resume after this id; 0 for the start */
	uint32_t ns_type; /* CLONE_NEW* mask; 0 for every type */
	uint32_t spare2;
	uint64_t user_ns_id; /* only namespaces owned by it; 0 for any */
};
#ifndef LISTNS_CURRENT_USER
#define LISTNS_CURRENT_USER 0xffffffffffffffffULL
#endif

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

#endif /* NSAPI_NS_UAPI_H */

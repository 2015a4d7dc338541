// SPDX-License-Identifier: GPL-2.0
/*
 * U13 (selftests): the initial namespaces have fixed inode numbers,
 * 0xEFFFFFF8 to 0xEFFFFFFF.
 *
 * Rule: the namespaces of the kernel's first task have fixed nsfs inode
 * numbers, one per type: ipc FF, uts FE, user FD, pid FC, cgroup FB, time
 * FA, net F9, mnt F8 (include/uapi/linux/nsfs.h, enum init_ns_ino); every
 * other namespace gets a dynamic number, from 0xF0000000 up.  They are found
 * here through kthreadd (PID 2), a kernel thread always in them.
 *
 * Man: namespaces(7), "The /proc/[pid]/ns/ directory"; the numbers are only
 * in the kernel source.
 *
 * Man-page errata: namespaces(7) is silent that the initial namespaces'
 * inode numbers are fixed.
 *
 * The article: its listing shows such numbers (ipc 4026531839 = 0xEFFFFFFF,
 * uts 4026531838) without saying they are fixed.
 *
 * Since: ipc, uts, user and pid 3.8; cgroup 4.6; time 5.6; net and mnt
 * 6.17.
 *
 * Exceptions: on kernels before 6.17 net and mnt SKIP (their number is
 * dynamic); PID 1 may be outside the initial namespaces or unreadable (root
 * here lacks CAP_SYS_RESOURCE, so /proc/1/ns gives EACCES).
 */
#include "common.h"

#define NS_INO_DYNAMIC_FIRST 0xF0000000UL
#define NS_INO_FIXED_FIRST 0xEFFFFFF8UL
#define PF_KTHREAD 0x00200000UL

struct init_ino {
	unsigned long ino;
	bool fixed_before_6_17; /* else: dynamic before 6.17, then SKIP */
};

static const struct init_ino init_inos[NS_COUNT] = {
	[NS_ipc] = { 0xEFFFFFFFUL, true },
	[NS_uts] = { 0xEFFFFFFEUL, true },
	[NS_user] = { 0xEFFFFFFDUL, true },
	[NS_pid] = { 0xEFFFFFFCUL, true },
	[NS_cgroup] = { 0xEFFFFFFBUL, true },
	[NS_time] = { 0xEFFFFFFAUL, true },
	[NS_net] = { 0xEFFFFFF9UL, false },
	[NS_mnt] = { 0xEFFFFFF8UL, false },
};

static bool in_fixed_range(unsigned long ino)
{
	return ino >= NS_INO_FIXED_FIRST && ino < NS_INO_DYNAMIC_FIRST;
}

/* Whether PID 2 is kthreadd, a kernel thread: 0, or -errno. */
static int pid2_is_kernel_thread(void)
{
	char stat[512], *p;
	unsigned long flags;
	ssize_t n;
	int fd;

	fd = open("/proc/2/stat", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, stat, sizeof(stat) - 1);
	close(fd);
	if (n <= 0)
		return -EIO;
	stat[n] = '\0';
	/* "2 (kthreadd) S ppid pgrp session tty tpgid flags ..." */
	p = strrchr(stat, ')');
	if (!p || sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %lu", &flags) != 1)
		return -EIO;
	return (flags & PF_KTHREAD) ? 0 : -ESRCH;
}

NS_TYPE_FIXTURE(init_ino);

/* kthreadd's namespace of each type has that type's fixed number. */
TEST_F(init_ino, initial_namespace_has_its_fixed_inode)
{
	const struct ns_type *t = variant->ns;
	const struct init_ino *want = &init_inos[t - ns_types];
	char path[64];
	struct stat st;
	unsigned long link_ino;
	int ret;

	REQUIRE_NS_TYPE(t);
	ret = pid2_is_kernel_thread();
	if (ret)
		SKIP(return,
			   "PID 2 is not kthreadd (%s): not in the initial pid "
			   "namespace, the initial namespaces are out of reach",
			   strerror(-ret));
	snprintf(path, sizeof(path), "/proc/2/ns/%s", t->name);
	memset(&st, 0, sizeof(st));
	ret = stat(path, &st) ? errno : 0;
	if (ret == EACCES)
		SKIP(return,
			   "%s: stat(%s): EACCES: reading kthreadd's "
			   "namespaces needs CAP_SYS_PTRACE",
			   t->name, path);
	ASSERT_EQ(0, ret)
	TH_LOG("%s: stat(%s): %s", t->name, path, strerror(ret));
	link_ino = ns_link_inode(path, NULL, 0);
	EXPECT_EQ(st.st_ino, link_ino)
	TH_LOG("%s: %s: stat() says inode %#lx, the link says %#lx", t->name,
	       path, (unsigned long)st.st_ino, link_ino);
	if (st.st_ino >= NS_INO_DYNAMIC_FIRST && !want->fixed_before_6_17)
		SKIP(return,
			   "%s: the initial namespace has dynamic inode %#lx: "
			   "fixed inodes for net and mnt came in 6.17",
			   t->name, (unsigned long)st.st_ino);
	EXPECT_EQ(want->ino, st.st_ino)
	TH_LOG("%s: the initial namespace has inode %#lx, expected %#lx",
	       t->name, (unsigned long)st.st_ino, want->ino);
}

/* The inode of the caller's own namespace of type @t, 0 on error. */
static uint64_t own_ino_of_type(const struct ns_type *t)
{
	struct stat st;

	return ns_stat(0, t->name, &st) ? 0 : st.st_ino;
}

/* Inode of a new namespace of type @t, read by a clone3() child. */
static unsigned long ino_of_new_namespace(const struct ns_type *t)
{
	return probe_in_new_ns(t->flag, own_ino_of_type, t);
}

/* Any other namespace gets a dynamic number, never a reserved one. */
TEST_F(init_ino, new_namespace_gets_dynamic_inode)
{
	const struct ns_type *t = variant->ns;
	unsigned long ino;

	REQUIRE_NS_TYPE(t);
	REQUIRE_NS_ADMIN();
	ino = ino_of_new_namespace(t);
	if (!ino)
		SKIP_IF_ENV_EXPLAINS(return, NS_CALL_CLONE3, t->flag, errno);
	ASSERT_NE(0, ino)
	TH_LOG("%s: clone3(%s) child could not stat its namespace: %s", t->name,
	       t->flag_name, strerror(errno));
	EXPECT_FALSE(in_fixed_range(ino))
	TH_LOG("%s: a new namespace got the reserved inode %#lx", t->name, ino);
	EXPECT_LE(NS_INO_DYNAMIC_FIRST, ino)
	TH_LOG("%s: a new namespace got inode %#lx, below the dynamic range",
	       t->name, ino);
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
#include "ns_types.h"

/*
 * Sorted by name.  pid and user cannot be unshared twice by one process:
 * a second unshare(CLONE_NEWPID) fails with EINVAL (even after a child was
 * created; setns() back to the active pid namespace re-allows it), and a
 * second unshare(CLONE_NEWUSER) fails with EPERM unless uid_map and gid_map
 * were written in between (then it nests 33 deep before ENOSPC).
 */
const struct ns_type ns_types[] = {
	{ "cgroup", CLONE_NEWCGROUP, "cgroup", true },
	{ "ipc", CLONE_NEWIPC, "ipc", true },
	{ "mnt", CLONE_NEWNS, "mnt", true },
	{ "net", CLONE_NEWNET, "net", true },
	{ "pid", CLONE_NEWPID, "pid_for_children", false },
	{ "time", CLONE_NEWTIME, "time_for_children", true },
	{ "user", CLONE_NEWUSER, "user", false },
	{ "uts", CLONE_NEWUTS, "uts", true },
};

const unsigned int ns_types_count = ARRAY_SIZE(ns_types);

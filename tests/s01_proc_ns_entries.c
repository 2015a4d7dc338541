// SPDX-License-Identifier: GPL-2.0
/*
 * S01 (article claim): /proc/PID/ns holds one link per namespace type.
 *
 * Rule: each entry of /proc/PID/ns is a symbolic link whose target reads
 * "type:[inode]", one per namespace type the kernel has; pid and time have
 * a second entry, pid_for_children and time_for_children, naming the
 * namespace the process's next children will be in.
 *
 * Man: namespaces(7), "The /proc/[pid]/ns/ directory".
 *
 * Man-page errata: none.
 *
 * The article: the files became symbolic links in Linux 3.9, and its
 * listing shows six entries.  Wrong on both: they are symbolic links since
 * 3.8 (hard links before), and a current kernel has eight types plus the two
 * *_for_children entries, which are where unshare() and setns() really act
 * for pid and time (see S07, S11).
 *
 * Since: 3.8 (symbolic links); cgroup 4.6; pid_for_children 4.12; time and
 * time_for_children 5.6.
 *
 * Exceptions: a type the kernel was built without has no entry (the test
 * SKIPs it and names it).
 */
#include <dirent.h>

#include "common.h"

NS_TYPE_FIXTURE(proc_ns);

static void check_entry(struct __test_metadata *_metadata, const char *dir,
			const char *entry, const char *type)
{
	char path[PATH_MAX], target_type[32];
	struct stat lst, st;
	unsigned long ino;

	snprintf(path, sizeof(path), "%s/%s", dir, entry);
	ASSERT_EQ(0, lstat(path, &lst))
	TH_LOG("lstat(%s): %s", path, strerror(errno));
	EXPECT_TRUE(S_ISLNK(lst.st_mode))
	TH_LOG("%s is not a symbolic link (mode %o)", path, lst.st_mode);

	ino = ns_link_inode(path, target_type, sizeof(target_type));
	ASSERT_NE(0, ino)
	TH_LOG("readlink(%s) is not of the form %s:[inode]", path, type);
	EXPECT_STREQ(type, target_type);

	ASSERT_EQ(0, stat(path, &st))
	TH_LOG("stat(%s): %s", path, strerror(errno));
	EXPECT_EQ(ino, st.st_ino)
	TH_LOG("%s: link says inode %lu, stat() says %lu", path, ino,
	       (unsigned long)st.st_ino);
	ns_observe("%s -> %s:[%lu], stat(): st_dev %lu, st_ino %lu", path,
		   target_type, ino, (unsigned long)st.st_dev,
		   (unsigned long)st.st_ino);
}

/* The caller's own entry exists, is a link, and reads "type:[inode]". */
TEST_F(proc_ns, entry_is_link_to_type_and_inode)
{
	REQUIRE_NS_TYPE(variant->ns);
	check_entry(_metadata, "/proc/self/ns", variant->ns->name,
		    variant->ns->name);
}

/* pid and time also have the *_for_children entry, of the same type. */
TEST(children_entries_are_links_of_their_type)
{
	const struct ns_type *t;

	for_each_ns(t) {
		if (!strcmp(t->children_name, t->name) || !ns_type_exists(t))
			continue;
		check_entry(_metadata, "/proc/self/ns", t->children_name,
			    t->name);
	}
}

/* The same entries are there for a thread: /proc/PID/task/TID/ns. */
TEST_F(proc_ns, task_entry_is_link_to_type_and_inode)
{
	char dir[64];

	REQUIRE_NS_TYPE(variant->ns);
	snprintf(dir, sizeof(dir), "/proc/self/task/%d/ns", gettid());
	check_entry(_metadata, dir, variant->ns->name, variant->ns->name);
}

/* Every entry in the directory is a known type: nothing unexplained. */
TEST(every_entry_is_a_known_type)
{
	static const char *const children[] = { "pid_for_children",
						"time_for_children" };
	const struct ns_type *t;
	struct dirent *d;
	unsigned int n = 0;
	DIR *dir;

	dir = opendir("/proc/self/ns");
	ASSERT_NE(NULL, dir)
	TH_LOG("opendir(/proc/self/ns): %s", strerror(errno));
	while ((d = readdir(dir))) {
		bool known = false;

		if (d->d_name[0] == '.')
			continue;
		for_each_ns(t)
			known |= !strcmp(d->d_name, t->name);
		for (size_t i = 0; i < ARRAY_SIZE(children); i++)
			known |= !strcmp(d->d_name, children[i]);
		EXPECT_TRUE(known)
		TH_LOG("unknown entry /proc/self/ns/%s", d->d_name);
		n++;
	}
	closedir(dir);
	EXPECT_LE(1, n);
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * R01 (regression): /proc/PID/ns/time_for_children is a link to a time
 * namespace, "time:[inode]".
 *
 * Rule: time_for_children reads "time:[inode]", just as pid_for_children
 * reads "pid:[inode]": the link target names the namespace type, not the
 * entry.  After unshare(CLONE_NEWTIME) it names the new time namespace while
 * "time" still names the old one.  Fixed by commit
 * b801f1e22c23c259d6a2c955efddd20370de19a6 ("time/namespace: Fix
 * time_for_children symlink"): before it the link read
 * "time_for_children:[inode]", a type that does not exist, so tools that
 * parse "type:[inode]" (lsns, S01's check) mis-typed the namespace.
 *
 * Man: namespaces(7), "/proc/[pid]/ns/time_for_children".
 *
 * Man-page errata: none.
 *
 * The article: silent (time namespaces came in 5.6).
 *
 * Since: 5.6; fixed in 5.7-rc1 and 5.6 stable.
 *
 * Exceptions: none.
 */
#include "common.h"

#define FIX "b801f1e22c23 (\"time/namespace: Fix time_for_children symlink\")"

static const struct children_link {
	const char *entry;
	const char *type;
} links[] = {
	{ "time_for_children", "time" },
	{ "pid_for_children", "pid" },
};

/* The link at @path reads "@type:[ino]" with ino equal to stat()'s. */
static void check_link(struct __test_metadata *_metadata, const char *path,
		       const char *type, unsigned long *ino)
{
	char target_type[64];
	struct stat st;

	*ino = ns_link_inode(path, target_type, sizeof(target_type));
	ASSERT_NE(0, *ino)
	TH_LOG("readlink(%s): %s, or not of the form type:[inode]", path,
	       strerror(errno));
	EXPECT_STREQ(type, target_type)
	TH_LOG("%s reads %s:[%lu], expected %s:[...]; regression: fixed by "
	       "commit " FIX,
	       path, target_type, *ino, type);
	ASSERT_EQ(0, stat(path, &st));
	EXPECT_EQ(*ino, st.st_ino);
}

TEST(children_links_name_their_namespace_type)
{
	char path[PATH_MAX];
	unsigned long ino;

	REQUIRE_NS_TYPE(&ns_types[NS_time]);
	for (size_t i = 0; i < ARRAY_SIZE(links); i++) {
		ns_path(path, sizeof(path), 0, links[i].entry);
		check_link(_metadata, path, links[i].type, &ino);
		snprintf(path, sizeof(path), "/proc/self/task/%d/ns/%s",
			 gettid(), links[i].entry);
		check_link(_metadata, path, links[i].type, &ino);
	}
}

/* After unshare(CLONE_NEWTIME) the link names the new time namespace. */
TEST(time_for_children_names_new_time_ns_after_unshare)
{
	unsigned long own, children;
	char path[PATH_MAX];

	REQUIRE_NS_TYPE(&ns_types[NS_time]);
	REQUIRE_NS_ADMIN();
	REQUIRE_UNSHARE(CLONE_NEWTIME);
	ns_path(path, sizeof(path), 0, "time");
	check_link(_metadata, path, "time", &own);
	ns_path(path, sizeof(path), 0, "time_for_children");
	check_link(_metadata, path, "time", &children);
	EXPECT_NE(own, children)
	TH_LOG("after unshare(CLONE_NEWTIME) time and time_for_children are "
	       "both time:[%lu]",
	       own);
}

TEST_HARNESS_MAIN

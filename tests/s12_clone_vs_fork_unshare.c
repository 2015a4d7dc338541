// SPDX-License-Identifier: GPL-2.0
/*
 * S12 (article claim): clone(CLONE_NEW*) and fork() then unshare() differ
 * for pid and time.
 *
 * Rule: for cgroup, ipc, mnt, net, user and uts both children end in the
 * same state: a new namespace of that type, every other type shared with
 * the parent.  For pid and time they differ: the clone child is inside the
 * new namespace (and PID 1 of the new pid namespace), while the fork+unshare
 * child stays in its parent's pid or time namespace and only its later
 * children enter the new one (pid_for_children, time_for_children).  For
 * pid, a process's PID cannot change under it; for time, unshare() leaves
 * the caller out so that the clock offsets can be written before any
 * process enters (time_namespaces(7)).
 *
 * Man: unshare(2), pid_namespaces(7), time_namespaces(7); clone(2) for the
 * clone() flags.
 *
 * Man-page errata: clone(2) does not document CLONE_NEWTIME (the clone child
 * here is made with clone3(), which takes it); time_namespaces(7) says
 * unshare() is the only way to create a time namespace, while clone3() takes
 * CLONE_NEWTIME too (kernel commit a402f1e9a4ee, 2020).
 *
 * The article: clone() is equivalent to fork() followed by unshare() in the
 * child.  False for pid and time, true for the six other types.
 *
 * Since: pid 2.6.24 (clone) and 3.8 (unshare); time 5.6 (unshare) and
 * clone3() after a402f1e9a4ee.
 *
 * Exceptions: pid and time.
 */
#include "common.h"

/* What a child saw of itself, sent to the parent in one write. */
struct child_state {
	int err; /* errno of the child's clone3() or unshare() step */
	pid_t pid; /* getpid() inside the child */
	struct ns_snapshot ns;
};

enum how { BY_CLONE, BY_FORK_UNSHARE };

static const char *const how_name[] = {
	[BY_CLONE] = "clone3(flag)",
	[BY_FORK_UNSHARE] = "fork()+unshare(flag)",
};

/* Whether unshare() moves the caller itself (false: only its children). */
static bool unshare_moves_caller(const struct ns_type *t)
{
	return t->flag != CLONE_NEWPID && t->flag != CLONE_NEWTIME;
}

/*
 * Report what the child sees, then stay alive until @release_fd closes: an
 * nsfs inode number names a namespace only while it lives (a freed number
 * is reused), so both children are compared while both still exist.
 */
static void __attribute__((noreturn))
report_self(int fd, int release_fd, int err)
{
	struct child_state st = { .err = err, .pid = getpid() };

	if (!err && ns_snapshot_take(&st.ns))
		st.err = errno;
	if (write(fd, &st, sizeof(st)) != sizeof(st))
		_exit(1);
	sync_wait(release_fd);
	_exit(0);
}

/*
 * Make a child @how with @flag, collect what it saw into @st; it lives
 * until the write end of @release closes.  Returns its pid or -errno.
 */
static pid_t child_state_get(enum how how, int flag, const int release[2],
			     struct child_state *st)
{
	int fds[2];
	ssize_t n;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC))
		return -errno;
	fflush(stdout);
	fflush(stderr);
	pid = how == BY_CLONE ? clone3_child(flag) : fork_child();
	if (pid == 0) {
		close(fds[0]);
		close(release[1]);
		if (how == BY_FORK_UNSHARE && sys_unshare(flag))
			report_self(fds[1], release[0], errno);
		report_self(fds[1], release[0], 0);
	}
	if (pid < 0)
		pid = -errno;
	close(fds[1]);
	n = pid > 0 ? read(fds[0], st, sizeof(*st)) : 0;
	close(fds[0]);
	if (pid > 0 && n != sizeof(*st))
		st->err = EPROTO;
	return pid;
}

FIXTURE(clone_vs_unshare)
{
	struct ns_snapshot parent;
	struct child_state child[2];
	pid_t pid[2];
	int release[2];
};

FIXTURE_VARIANT(clone_vs_unshare)
{
	const struct ns_type *ns;
};

NS_VARIANTS(clone_vs_unshare);

FIXTURE_SETUP(clone_vs_unshare)
{
	const struct ns_type *t = variant->ns;
	int err;

	self->pid[BY_CLONE] = self->pid[BY_FORK_UNSHARE] = -1;
	REQUIRE_NS_TYPE(t);
	REQUIRE_NS_ADMIN();
	ASSERT_EQ(0, ns_snapshot_take(&self->parent));
	ASSERT_EQ(0, pipe2(self->release, O_CLOEXEC));
	for (int how = BY_CLONE; how <= BY_FORK_UNSHARE; how++) {
		self->pid[how] = child_state_get(how, t->flag, self->release,
						 &self->child[how]);
		err = self->pid[how] < 0 ? -self->pid[how] :
					   self->child[how].err;
		SKIP_IF_ENV_EXPLAINS(return,
					   how == BY_CLONE ? NS_CALL_CLONE3 :
							     NS_CALL_UNSHARE,
					   t->flag, err);
		ASSERT_EQ(0, err)
		TH_LOG("child by %s with %s: %s", how_name[how], t->flag_name,
		       strerror(err));
	}
}

/* What the two children saw, as one observation line. */
static void observe_children(const struct child_state *child,
			     const struct ns_type *t)
{
	const struct child_state *c = &child[BY_CLONE];
	const struct child_state *f = &child[BY_FORK_UNSHARE];
	size_t i = t - ns_types;
	char next[96] = "";

	/* pid_for_children reads as 0 while it cannot be followed (ENOENT). */
	if (strcmp(t->children_name, t->name))
		snprintf(next, sizeof(next), ", its %s %s", t->children_name,
			 f->ns.children[i].st_ino ? "new" :
						    "ENOENT until a child");
	ns_observe("clone3(%s) child: pid %d in %s:[%lu]; fork+unshare child: "
		   "pid %d in %s:[%lu]%s",
		   t->flag_name, c->pid, t->name,
		   (unsigned long)c->ns.own[i].st_ino, f->pid, t->name,
		   (unsigned long)f->ns.own[i].st_ino, next);
}

FIXTURE_TEARDOWN(clone_vs_unshare)
{
	close(self->release[1]);
	for (int how = BY_CLONE; how <= BY_FORK_UNSHARE; how++)
		if (self->pid[how] > 0)
			EXPECT_EQ(0, wait_child(self->pid[how]));
}

/* Every type but @t is exactly the parent's, in both entries. */
static void expect_others_shared(struct __test_metadata *_metadata,
				 const struct ns_snapshot *parent,
				 const struct child_state *c,
				 const struct ns_type *t, enum how how)
{
	const struct ns_type *o;

	for_each_ns(o) {
		size_t j = o - ns_types;

		if (o == t || !parent->present[j])
			continue;
		EXPECT_TRUE(
			same_inode(&parent->own[j], &c->ns.own[j]) &&
			same_inode(&parent->children[j], &c->ns.children[j]))
		TH_LOG("child by %s with %s does not share the %s namespace",
		       how_name[how], t->flag_name, o->name);
	}
}

TEST_F(clone_vs_unshare, clone_child_is_in_new_namespace_others_shared)
{
	const struct ns_type *t = variant->ns;
	const struct child_state *c = &self->child[BY_CLONE];
	size_t i = t - ns_types;

	EXPECT_FALSE(same_inode(&self->parent.own[i], &c->ns.own[i]))
	TH_LOG("clone3(%s) child is still in the parent's %s namespace",
	       t->flag_name, t->name);
	EXPECT_TRUE(same_inode(&c->ns.own[i], &c->ns.children[i]))
	TH_LOG("the clone3(%s) child's %s and %s differ", t->flag_name, t->name,
	       t->children_name);
	expect_others_shared(_metadata, &self->parent, c, t, BY_CLONE);
	if (t->flag == CLONE_NEWPID)
		EXPECT_EQ(1, c->pid)
	TH_LOG("the clone3(CLONE_NEWPID) child is pid %d, not 1", c->pid);
}

TEST_F(clone_vs_unshare, fork_unshare_child_differs_only_for_pid_and_time)
{
	const struct ns_type *t = variant->ns;
	const struct child_state *c = &self->child[BY_FORK_UNSHARE];
	size_t i = t - ns_types;

	observe_children(self->child, t);
	/* Its children's namespace is new in every case... */
	EXPECT_FALSE(same_inode(&self->parent.children[i], &c->ns.children[i]))
	TH_LOG("after unshare(%s) /proc/self/ns/%s is still the parent's",
	       t->flag_name, t->children_name);
	/* ...its own only where unshare() moves the caller. */
	EXPECT_EQ(unshare_moves_caller(t),
		  !same_inode(&self->parent.own[i], &c->ns.own[i]))
	TH_LOG("after unshare(%s) the child's own %s namespace %s",
	       t->flag_name, t->name,
	       unshare_moves_caller(t) ? "did not change" : "changed");
	expect_others_shared(_metadata, &self->parent, c, t, BY_FORK_UNSHARE);
	EXPECT_NE(1, c->pid)
	TH_LOG("the fork+unshare(%s) child is pid 1", t->flag_name);
}

/* The two children got two different new namespaces, never a shared one. */
TEST_F(clone_vs_unshare, children_get_distinct_new_namespaces)
{
	size_t i = variant->ns - ns_types;

	EXPECT_FALSE(same_inode(&self->child[BY_CLONE].ns.children[i],
				&self->child[BY_FORK_UNSHARE].ns.children[i]))
	TH_LOG("both children's %s name one namespace",
	       variant->ns->children_name);
}

TEST_HARNESS_MAIN

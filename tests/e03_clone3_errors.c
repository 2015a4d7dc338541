// SPDX-License-Identifier: GPL-2.0
/*
 * E03 (error table): clone3() checks its argument before it creates
 * anything.
 *
 * Rule: a size below CLONE_ARGS_SIZE_VER0 (64) gives EINVAL, a size above
 * one page E2BIG, a larger size whose extra bytes are not all zero E2BIG;
 * unknown flags, CSIGNAL bits or CLONE_DETACHED in flags, and an exit_signal
 * above 64 give EINVAL.  A refused call creates no child and changes none of
 * the caller's namespaces.  The struct is extensible: a newer, bigger one is
 * accepted exactly when every byte the kernel does not know is zero.
 *
 * Man: clone(2), clone3() and ERRORS.
 *
 * Man-page errata: none.
 *
 * The article: silent (clone3() came in 5.3).
 *
 * Since: 5.3.
 *
 * Exceptions: none.
 */
#include <sys/mman.h>

#include "common.h"

#ifndef CLONE_DETACHED
#define CLONE_DETACHED 0x00400000
#endif

enum size_kind {
	SIZE_EXACT, /* @size bytes, as given */
	SIZE_PAGE_PLUS, /* the page size plus @size bytes */
};

static const struct clone3_case {
	const char *what;
	enum size_kind kind;
	size_t size;
	uint64_t flags;
	uint64_t exit_signal;
	bool dirty_tail; /* a non-zero byte past the known struct */
	int err; /* 0: accepted */
} cases[] = {
	{ "size 0", SIZE_EXACT, 0, 0, SIGCHLD, false, EINVAL },
	{ "size 1", SIZE_EXACT, 1, 0, SIGCHLD, false, EINVAL },
	{ "size VER0 - 8", SIZE_EXACT, CLONE_ARGS_SIZE_VER0 - 8, 0, SIGCHLD,
	  false, EINVAL },
	{ "size VER0 - 1", SIZE_EXACT, CLONE_ARGS_SIZE_VER0 - 1, 0, SIGCHLD,
	  false, EINVAL },
	{ "size page + 1", SIZE_PAGE_PLUS, 1, 0, SIGCHLD, false, E2BIG },
	{ "size page + 8", SIZE_PAGE_PLUS, 8, 0, SIGCHLD, false, E2BIG },
	{ "size VER2 + 8, non-zero tail", SIZE_EXACT, CLONE_ARGS_SIZE_VER2 + 8,
	  0, SIGCHLD, true, E2BIG },
	{ "size one page, non-zero last byte", SIZE_PAGE_PLUS, 0, 0, SIGCHLD,
	  true, E2BIG },
	{ "flags bit 63", SIZE_EXACT, CLONE_ARGS_SIZE_VER2, 1ULL << 63, SIGCHLD,
	  false, EINVAL },
	{ "flags bit 40", SIZE_EXACT, CLONE_ARGS_SIZE_VER2, 1ULL << 40, SIGCHLD,
	  false, EINVAL },
	{ "flags CLONE_DETACHED", SIZE_EXACT, CLONE_ARGS_SIZE_VER2,
	  CLONE_DETACHED, SIGCHLD, false, EINVAL },
	{ "flags SIGCHLD (exit signal in CSIGNAL)", SIZE_EXACT,
	  CLONE_ARGS_SIZE_VER2, SIGCHLD, 0, false, EINVAL },
	{ "exit_signal 65", SIZE_EXACT, CLONE_ARGS_SIZE_VER2, 0, 65, false,
	  EINVAL },
	{ "exit_signal 0x100 | SIGCHLD", SIZE_EXACT, CLONE_ARGS_SIZE_VER2, 0,
	  0x100 | SIGCHLD, false, EINVAL },
	{ "exit_signal 1 << 32 | SIGCHLD", SIZE_EXACT, CLONE_ARGS_SIZE_VER2, 0,
	  (1ULL << 32) | SIGCHLD, false, EINVAL },
	{ "exit_signal ~0", SIZE_EXACT, CLONE_ARGS_SIZE_VER2, 0, ~0ULL, false,
	  EINVAL },
	/* The control: a bigger struct with a zero tail is accepted. */
	{ "size VER2 + 8, zero tail", SIZE_EXACT, CLONE_ARGS_SIZE_VER2 + 8, 0,
	  SIGCHLD, false, 0 },
};

FIXTURE(clone3_err)
{
	void *buf;
	size_t page_size;
	pid_t self_pid;
};

FIXTURE_SETUP(clone3_err)
{
	self->page_size = sysconf(_SC_PAGESIZE);
	self->self_pid = getpid();
	self->buf = mmap(NULL, 2 * self->page_size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->buf);
	errno = 0;
	if (sys_clone3(NULL, 0) == -1 && errno == ENOSYS)
		SKIP(return, "kernel lacks clone3() (ENOSYS; Linux 5.3+)");
	if (getpid() != self->self_pid)
		_exit(0);
}

FIXTURE_TEARDOWN(clone3_err)
{
	if (self->buf != MAP_FAILED)
		munmap(self->buf, 2 * self->page_size);
}

/*
 * Lay out the case in the buffer and call clone3().  A child that a
 * wrongly accepted call created leaves at once; the caller reaps it.
 */
static long try_case(FIXTURE_DATA(clone3_err) * self,
		     const struct clone3_case *c, size_t *size)
{
	struct nsapi_clone_args *args = self->buf;
	long ret;

	*size = c->size + (c->kind == SIZE_PAGE_PLUS ? self->page_size : 0);
	memset(self->buf, 0, 2 * self->page_size);
	args->flags = c->flags;
	args->exit_signal = c->exit_signal;
	if (c->dirty_tail)
		((char *)self->buf)[*size - 1] = 1;
	fflush(NULL);
	ret = sys_clone3(args, *size);
	if (ret == 0 && getpid() != self->self_pid)
		_exit(0);
	return ret;
}

static void check_refused(struct __test_metadata *_metadata,
			  const struct clone3_case *c, size_t size, long ret,
			  int saved)
{
	EXPECT_EQ(-1, ret)
	TH_LOG("clone3(%s: size %zu, flags %#llx, exit_signal %#llx) "
	       "returned %ld, expected -1 %s",
	       c->what, size, (unsigned long long)c->flags,
	       (unsigned long long)c->exit_signal, ret,
	       strerrorname_np(c->err));
	EXPECT_EQ(c->err, saved)
	TH_LOG("clone3(%s: size %zu): errno %s, expected %s", c->what, size,
	       strerrorname_np(saved), strerrorname_np(c->err));
	if (ret > 0)
		wait_child(ret);
	EXPECT_EQ(-1, waitpid(-1, NULL, WNOHANG | __WALL))
	TH_LOG("refused clone3(%s) left a child behind", c->what);
}

static void check_accepted(struct __test_metadata *_metadata,
			   const struct clone3_case *c, size_t size, long ret,
			   int saved)
{
	ASSERT_LT(0, ret)
	TH_LOG("clone3(%s: size %zu) returned %ld (%s), expected a child",
	       c->what, size, ret, strerrorname_np(saved));
	EXPECT_EQ(0, wait_child(ret));
}

TEST_F(clone3_err, bad_argument_is_refused_and_creates_nothing)
{
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct clone3_case *c = &cases[i];
		struct ns_snapshot before, after;
		const struct ns_type *changed;
		size_t size;
		long ret;
		int saved;

		ASSERT_EQ(0, ns_snapshot_take(&before));
		errno = 0;
		ret = try_case(self, c, &size);
		saved = errno;
		if (c->err)
			check_refused(_metadata, c, size, ret, saved);
		else
			check_accepted(_metadata, c, size, ret, saved);
		ASSERT_EQ(0, ns_snapshot_take(&after));
		changed = ns_snapshot_diff(&before, &after);
		EXPECT_EQ(NULL, changed)
		TH_LOG("clone3(%s) changed the caller's %s namespace", c->what,
		       changed ? changed->name : "?");
	}
}

TEST_HARNESS_MAIN

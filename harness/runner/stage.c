// SPDX-License-Identifier: GPL-2.0
/*
 * --user: the user the runner drops to must reach the test programs, and
 * the programs they run by path (S10 runs nsjoin and re-runs itself through
 * /proc/self/exe, T01 runs ../nsapi-trace).  A checkout in a 0700 home
 * (/root/project) is out of its reach.  Then the runner copies the selected
 * programs and those tools, as root, into a fresh directory it owns (0755,
 * files 0755: the user can run them, not change them) with the build's
 * layout, runs them from there, and removes it at exit.  Results are still
 * written where the caller asked.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runner.h"

static char *stage_root;

/* Can @uid/@gid run @path by its path?  Asked in a child that drops. */
static bool user_reaches(const char *path, uid_t uid, gid_t gid)
{
	int status;
	pid_t pid = fork();

	if (pid == 0)
		_exit(setgroups(0, NULL) || setgid(gid) || setuid(uid) ||
		      access(path, X_OK));
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return false;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static int copy_file(const char *from, const char *to)
{
	int in = open(from, O_RDONLY | O_CLOEXEC), out, ret = 0;
	struct stat st;

	if (in < 0)
		return errno == ENOENT ? 0 : -errno; /* an absent tool */
	out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		   0755);
	if (out < 0 || fstat(in, &st)) {
		ret = -errno;
		goto out;
	}
	for (off_t done = 0; done < st.st_size;) {
		ssize_t n = sendfile(out, in, &done, st.st_size - done);

		if (n <= 0) {
			ret = n ? -errno : -EIO;
			break;
		}
	}
out:
	if (out >= 0)
		close(out);
	close(in);
	return ret;
}

static int remove_one(const char *path, const struct stat *st, int type,
		      struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return type == FTW_DP ? rmdir(path) : unlink(path);
}

static void remove_stage(void)
{
	if (stage_root &&
	    nftw(stage_root, remove_one, 16, FTW_DEPTH | FTW_PHYS))
		fprintf(stderr, "nsapi-test: could not remove %s\n",
			stage_root);
}

static const char *const tools[] = { "nsjoin", "nsapi-trace", "nsapi-env" };

static int stage_files(const struct options *o, struct suite *s)
{
	char *tests = xasprintf("%s/tests", stage_root), *from, *to;
	int ret = mkdir(tests, 0755) ? -errno : 0;

	for (size_t i = 0; !ret && i < sizeof(tools) / sizeof(*tools); i++) {
		from = xasprintf("%s/../%s", o->tests_dir, tools[i]);
		to = xasprintf("%s/%s", stage_root, tools[i]);
		ret = copy_file(from, to);
		free(from);
		free(to);
	}
	for (size_t i = 0; !ret && i < s->nprogs; i++) {
		to = xasprintf("%s/%s", tests, s->progs[i].name);
		ret = copy_file(s->progs[i].path, to);
		free(s->progs[i].path);
		s->progs[i].path = to;
	}
	free(tests);
	return ret;
}

/*
 * Stage the programs when the --user cannot reach them; @env_dir gets the
 * directory where nsapi-env is to be looked for (NULL: beside the runner).
 */
int stage_programs(const struct options *o, struct suite *s, char **env_dir)
{
	char tmpl[] = "/tmp/nsapi-stage.XXXXXX";
	int ret;

	*env_dir = NULL;
	if (!o->drop || !s->nprogs ||
	    user_reaches(s->progs[0].path, o->run_uid, o->run_gid))
		return 0;
	if (!mkdtemp(tmpl) || chmod(tmpl, 0755)) {
		fprintf(stderr, "nsapi-test: staging directory %s: %s\n", tmpl,
			strerror(errno));
		return -errno;
	}
	stage_root = xstrdup(tmpl);
	atexit(remove_stage);
	ret = stage_files(o, s);
	if (ret) {
		fprintf(stderr, "nsapi-test: copying the programs to %s: %s\n",
			stage_root, strerror(-ret));
		return ret;
	}
	fprintf(stderr,
		"# %s cannot reach %s: running copies from %s (removed at "
		"exit)\n",
		o->user, o->tests_dir, stage_root);
	*env_dir = xstrdup(stage_root);
	return 0;
}

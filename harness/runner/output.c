// SPDX-License-Identifier: GPL-2.0
/*
 * Result files are written whole or not at all: into a temporary file beside
 * the target, flushed and synced, then renamed over it.  Only regular files
 * are ever replaced: a path that names a directory, a device, a FIFO, a
 * socket or a symlink is refused before any test runs (check_output_path)
 * and again just before the rename.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runner.h"

int ensure_dir(const char *path)
{
	char buf[PATH_MAX];
	size_t len = strlen(path);

	if (len == 0 || len >= sizeof(buf))
		return -ENAMETOOLONG;
	memcpy(buf, path, len + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, 0755) && errno != EEXIST)
		return -errno;
	return access(buf, W_OK | X_OK) ? -errno : 0;
}

static const char *file_kind(mode_t m)
{
	if (S_ISDIR(m))
		return "a directory";
	if (S_ISLNK(m))
		return "a symlink";
	if (S_ISFIFO(m))
		return "a FIFO";
	if (S_ISSOCK(m))
		return "a socket";
	if (S_ISCHR(m) || S_ISBLK(m))
		return "a device";
	return "not a regular file";
}

/* NULL when @path is absent or a regular file, else what it is. */
static const char *not_regular(const char *path)
{
	struct stat st;

	if (lstat(path, &st))
		return NULL;
	return S_ISREG(st.st_mode) ? NULL : file_kind(st.st_mode);
}

/*
 * May @path receive a result file?  Non-empty, absent or a regular file
 * (never followed through a symlink), in a writable directory.  @key gets
 * the path with its directory resolved, to tell two outputs that are one.
 */
int check_output_path(const char *what, const char *path, char **key)
{
	char *copy, *base, *dir, real[PATH_MAX];
	const char *kind;

	*key = NULL;
	if (!*path) {
		fprintf(stderr, "nsapi-test: %s: empty path\n", what);
		return -EINVAL;
	}
	kind = not_regular(path);
	if (kind) {
		fprintf(stderr,
			"nsapi-test: %s %s is %s; refusing to replace it (give "
			"a regular file's path)\n",
			what, path, kind);
		return -EINVAL;
	}
	copy = xstrdup(path);
	dir = dirname(copy);
	if (!realpath(dir, real) || access(real, W_OK | X_OK)) {
		fprintf(stderr, "nsapi-test: cannot write %s %s: %s\n", what,
			path, strerror(errno));
		free(copy);
		return -EACCES;
	}
	free(copy);
	copy = xstrdup(path);
	base = basename(copy);
	*key = xasprintf("%s/%s", real, base);
	free(copy);
	return 0;
}

static FILE *open_temp(const char *tmp)
{
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		      0644);
	FILE *out;

	if (fd < 0)
		return NULL;
	out = fdopen(fd, "w");
	if (!out)
		close(fd);
	return out;
}

int write_atomic(const char *path, writer_fn fn, const void *arg)
{
	char *tmp = xasprintf("%s.tmp.%d", path, getpid());
	FILE *out = open_temp(tmp);
	const char *kind;
	int ret;

	if (!out) {
		ret = -errno;
		fprintf(stderr, "nsapi-test: creating %s: %s\n", tmp,
			strerror(errno));
		free(tmp);
		return ret;
	}
	ret = fn(out, arg);
	if (fflush(out) || fsync(fileno(out)))
		ret = -errno;
	if (fclose(out) && !ret)
		ret = -errno;
	kind = not_regular(path);
	if (!ret && kind) {
		fprintf(stderr, "nsapi-test: %s became %s; not replaced\n",
			path, kind);
		ret = -EEXIST;
	}
	if (!ret && rename(tmp, path))
		ret = -errno;
	if (ret) {
		fprintf(stderr, "nsapi-test: writing %s: %s\n", path,
			strerror(-ret));
		unlink(tmp);
	}
	free(tmp);
	return ret;
}

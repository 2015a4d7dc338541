// SPDX-License-Identifier: GPL-2.0
/*
 * Result files are written whole or not at all: into a temporary file beside
 * the target, flushed and synced, then renamed over it.
 */
#include <errno.h>
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

int write_atomic(const char *path, writer_fn fn, const void *arg)
{
	char *tmp = xasprintf("%s.tmp.%d", path, getpid());
	FILE *out = fopen(tmp, "w");
	int ret;

	if (!out) {
		ret = -errno;
		fprintf(stderr, "nsapi-test: fopen(%s): %s\n", tmp,
			strerror(errno));
		free(tmp);
		return ret;
	}
	ret = fn(out, arg);
	if (fflush(out) || fsync(fileno(out)))
		ret = -errno;
	if (fclose(out) && !ret)
		ret = -errno;
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

// SPDX-License-Identifier: GPL-2.0
/* setns() checks nstype: 0 or the fd's own type, anything else EINVAL (S08). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>

static int try(int fd, int nstype, const char *name)
{
	int ret = setns(fd, nstype);

	printf("setns(uts fd, %-12s) = %d%s%s\n", name, ret, ret ? ", " : "",
	       ret ? strerror(errno) : "");
	return ret ? errno : 0;
}

int main(void)
{
	/* Rejoining our own uts namespace changes nothing, so it is safe. */
	int fd = open("/proc/self/ns/uts", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return perror("open /proc/self/ns/uts"), 1;
	if (try(fd, CLONE_NEWNET, "CLONE_NEWNET") != EINVAL)
		return 1;
	if (try(fd, CLONE_NEWNET | CLONE_NEWUTS, "NEWNET|NEWUTS") != EINVAL)
		return 1;
	/* 0 and CLONE_NEWUTS pass the type check; EPERM needs privilege. */
	int zero = try(fd, 0, "0"), own = try(fd, CLONE_NEWUTS, "CLONE_NEWUTS");

	if (zero != own || (zero && zero != EPERM))
		return 1;
	printf("=> nstype is the fd's type or 0, not a mask\n");
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/* An open /proc/PID/ns fd keeps a namespace alive after its last member (S06). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	int up[2], go[2], fd, status;
	struct stat kept, now;
	char c = 0;
	pid_t pid;

	char path[64];

	if (pipe(up) || pipe(go))
		return perror("pipe"), 1;
	pid = fork();
	if (pid == 0) { /* makes a namespace, says so, waits to be opened */
		if (unshare(CLONE_NEWUTS) &&
		    unshare(CLONE_NEWUSER | CLONE_NEWUTS))
			return perror("unshare"), 1;
		close(go[1]);
		if (write(up[1], &c, 1) != 1 || read(go[0], &c, 1) < 0)
			return 1;
		return 0;
	}
	if (read(up[0], &c, 1) != 1)
		return 1;
	snprintf(path, sizeof(path), "/proc/%d/ns/uts", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &kept))
		return perror(path), 1;
	printf("opened %s: uts:[%lu]\n", path, (unsigned long)kept.st_ino);
	close(go[1]);
	waitpid(pid, &status, 0);
	printf("child %d exited; the namespace has no member now\n", pid);
	fstat(fd, &now);
	printf("the fd still names uts:[%lu]\n", (unsigned long)now.st_ino);
	if (status || now.st_ino != kept.st_ino || now.st_dev != kept.st_dev)
		return 1;
	printf("=> the fd keeps the namespace alive; setns(fd) would join it\n");
	return 0;
}

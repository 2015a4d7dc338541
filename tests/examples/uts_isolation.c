// SPDX-License-Identifier: GPL-2.0
/* A new UTS namespace: a hostname set inside is not seen outside (S05). */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	struct utsname before, after;
	int status;
	pid_t pid;

	uname(&before);
	pid = fork();
	if (pid == 0) {
		/* A user namespace first lets anyone do this (S04). */
		if (unshare(CLONE_NEWUTS) &&
		    unshare(CLONE_NEWUSER | CLONE_NEWUTS))
			return perror("unshare"), 1;
		if (sethostname("inside", 6))
			return perror("sethostname"), 1;
		uname(&after);
		printf("child, new UTS namespace: hostname %s\n",
		       after.nodename);
		return 0;
	}
	waitpid(pid, &status, 0);
	uname(&after);
	printf("parent: hostname %s (was %s)\n", after.nodename,
	       before.nodename);
	if (status || strcmp(before.nodename, after.nodename))
		return 1;
	printf("=> the change stayed inside the child's namespace\n");
	return 0;
}

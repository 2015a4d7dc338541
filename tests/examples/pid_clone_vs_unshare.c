// SPDX-License-Identifier: GPL-2.0
/* clone(CLONE_NEWPID) puts the child in; fork()+unshare() does not (S12). */
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static char stack[64 * 1024] __attribute__((aligned(16)));

static int clone_child(void *arg)
{
	(void)arg;
	printf("clone(CLONE_NEWPID) child: getpid() = %d\n", getpid());
	return getpid() != 1;
}

int main(void)
{
	int flags = CLONE_NEWPID, status, bad = 0;
	pid_t pid;

	if (geteuid()) /* unprivileged: a user namespace gives the right */
		flags |= CLONE_NEWUSER;
	fflush(stdout);
	pid = clone(clone_child, stack + sizeof(stack), flags | SIGCHLD, NULL);
	if (pid < 0)
		return perror("clone"), 1;
	bad |= waitpid(pid, &status, 0) != pid || status;
	pid = fork();
	if (pid == 0) {
		pid_t me = getpid();

		if (unshare(flags))
			return perror("unshare"), 1;
		printf("fork()+unshare(CLONE_NEWPID) child: getpid() = %d, "
		       "was %d: it stays outside, its next child is pid 1\n",
		       getpid(), me);
		return getpid() != me;
	}
	bad |= waitpid(pid, &status, 0) != pid || status;
	if (bad)
		return 1;
	printf("=> clone() is not the same as fork() then unshare() for pid\n");
	return 0;
}

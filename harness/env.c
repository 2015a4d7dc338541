// SPDX-License-Identifier: GPL-2.0
/*
 * nsapi-env: print, in one line, the environment facts that the tests'
 * refusal rule (tests/ns_env.h) uses to tell a SKIP from a FAIL: seccomp,
 * capabilities, user namespace, chroot, uid 65534, the calls a filter
 * refuses, and the namespace types that are absent or cannot be created.
 * The runner prints it at the top of its KTAP output.
 *
 *   nsapi-env          the line
 *   nsapi-env --help   this text
 */
#include <stdio.h>
#include <string.h>

#include "ns_env.h"

int main(int argc, char **argv)
{
	char line[2048];

	if (argc > 1) {
		if (argc == 2 && !strcmp(argv[1], "--help")) {
			puts("usage: nsapi-env\n"
			     "print the environment the tests' refusal rule "
			     "sees, in one line");
			return 0;
		}
		fprintf(stderr, "nsapi-env: takes no arguments ('%s')\n",
			argv[1]);
		return 2;
	}
	ns_env_describe(line, sizeof(line));
	puts(line);
	return 0;
}

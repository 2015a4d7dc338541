// SPDX-License-Identifier: GPL-2.0
/*
 * nsapi: the command dispatcher.  "nsapi CMD ARGS" runs nsapi-CMD from the
 * directory this program lives in, the way git runs its subcommands, so
 * that each command is a program of its own that can be built, tested and
 * left out (the tracer is optional) on its own.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define EXIT_USAGE 2

struct command {
	const char *name;
	const char *summary;
};

static const struct command commands[] = {
	{ "test", "run the test suite, print KTAP, write suite.json/.ktap" },
	{ "explain", "one behavior: its rule, man pages, errata, a run" },
	{ "bench", "run the microbenchmarks, write bench.json/.tsv" },
	{ "compare", "compare benchmark results: ratios, CIs, p-values" },
	{ "plot", "plot benchmark results with gnuplot (PNG and SVG)" },
	{ "power",
	  "what a comparison detects: injected delays, interleaved A/B" },
	{ "trace", "trace the namespace syscalls with eBPF (optional)" },
	{ "matrix", "boot other kernels under qemu and run it all there" },
};

static void usage(FILE *out)
{
	fprintf(out, "usage: nsapi COMMAND [ARGS]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-8s %s\n", commands[i].name,
			commands[i].summary);
	fprintf(out, "\n'nsapi COMMAND --help' explains each command.\n"
		     "Exit status: 0 success, 1 failure found, 2 usage error,\n"
		     "4 skipped (the feature or privilege is missing).\n");
}

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

/* The directory of this executable, from /proc/self/exe. */
static int self_dir(char *buf, size_t len)
{
	ssize_t n = readlink("/proc/self/exe", buf, len - 1);
	char *slash;

	if (n < 0)
		return -errno;
	buf[n] = '\0';
	slash = strrchr(buf, '/');
	if (!slash)
		return -ENOENT;
	*slash = '\0';
	return 0;
}

int main(int argc, char **argv)
{
	char dir[PATH_MAX], path[PATH_MAX + 32];
	const struct command *cmd;
	int ret;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	cmd = find_command(argv[1]);
	if (!cmd) {
		fprintf(stderr, "nsapi: unknown command '%s'\n", argv[1]);
		usage(stderr);
		return EXIT_USAGE;
	}
	ret = self_dir(dir, sizeof(dir));
	if (ret) {
		fprintf(stderr, "nsapi: readlink(/proc/self/exe): %s\n",
			strerror(-ret));
		return 1;
	}
	snprintf(path, sizeof(path), "%s/nsapi-%s", dir, cmd->name);
	argv[1] = path;
	execv(path, argv + 1);
	if (errno == ENOENT && !strcmp(cmd->name, "trace")) {
		fprintf(stderr,
			"nsapi: the tracer is not built (%s missing): "
			"it needs clang, bpftool and libbpf-dev; run "
			"'make deps && make'\n",
			path);
		return 4;
	}
	fprintf(stderr, "nsapi: cannot run %s: %s (run 'make')\n", path,
		strerror(errno));
	return 1;
}

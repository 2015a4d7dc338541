// SPDX-License-Identifier: GPL-2.0
/*
 * nsapi-test: run the suite's test programs, print one KTAP v1 document,
 * write suite.ktap and suite.json under RESULTS/<kernel release>/.
 * Exit status: 0 nothing failed, 1 something failed, 2 usage error.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "runner.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: nsapi test [OPTIONS] [PATTERN...]\n"
		"\n"
		"Run the namespace test programs (all, or those whose name or\n"
		"behavior id matches a PATTERN: 's08', 'S08', 'u1*',\n"
		"'s08_setns_nstype'), print KTAP v1 on stdout and write\n"
		"RESULTS/<kernel release>/suite.ktap and suite.json.\n"
		"\n"
		"Case filters, passed to every program (kselftest harness\n"
		"semantics, exact names, may be repeated):\n"
		"  -t NAME / -T NAME   include / exclude test NAME\n"
		"  -v TYPE / -V TYPE   include / exclude variant, i.e. a namespace\n"
		"                      type: cgroup ipc mnt net pid time user uts\n"
		"  -f NAME / -F NAME   include / exclude fixture NAME\n"
		"  -r F.V.T            run one case by its full name\n"
		"\n"
		"Options:\n"
		"  -l, --list          one row per case: ID, case, claim\n"
		"      --timeout SEC   per-program timeout (1-3600, default 30)\n"
		"      --user NAME     run the tests as user NAME (needs root);\n"
		"                      results go to suite-NAME.json/.ktap\n"
		"      --label LABEL   how the kernel ran: native, kvm, tcg, icount\n"
		"      --tests-dir DIR the test programs (default: tests/ beside\n"
		"                      this program)\n"
		"      --results DIR   results root (default $NSAPI_RESULTS or\n"
		"                      ./results)\n"
		"      --no-results    write no result files\n"
		"      --junit FILE    also write JUnit XML to FILE\n"
		"      --json FILE     also write the suite.json document to FILE\n"
		"  -h, --help          this text\n"
		"\n"
		"Exit status: 0 nothing failed, 1 something failed, 2 usage "
		"error.\n");
}

static int parse_uint(const char *s, unsigned int min, unsigned int max,
		      unsigned int *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static bool valid_label(const char *s)
{
	if (!*s || strlen(s) > 32)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      *s == '-' || *s == '_'))
			return false;
	return true;
}

static char *default_tests_dir(void)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;

	char *dir;

	if (n < 0)
		return xstrdup("build/tests");
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (slash)
		*slash = '\0';
	/* build/tests beside build/nsapi-test, or one level up (build/san). */
	dir = xasprintf("%s/tests", exe);
	if (access(dir, F_OK)) {
		free(dir);
		dir = xasprintf("%s/../tests", exe);
	}
	return dir;
}

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "nsapi-test: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, " (see 'nsapi test --help')\n");
	return -EINVAL;
}

static void add_ksft_arg(struct options *o, int opt, const char *arg)
{
	o->ksft_args =
		xrealloc(o->ksft_args, (o->nksft_args + 3) * sizeof(char *));
	o->ksft_args[o->nksft_args++] = xasprintf("-%c", opt);
	o->ksft_args[o->nksft_args++] = xstrdup(arg);
	o->ksft_args[o->nksft_args] = NULL;
}

enum {
	OPT_TIMEOUT = 256,
	OPT_USER,
	OPT_LABEL,
	OPT_TESTS_DIR,
	OPT_RESULTS,
	OPT_NO_RESULTS,
	OPT_JUNIT,
	OPT_JSON
};

static const struct option long_opts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "list", no_argument, NULL, 'l' },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "user", required_argument, NULL, OPT_USER },
	{ "label", required_argument, NULL, OPT_LABEL },
	{ "tests-dir", required_argument, NULL, OPT_TESTS_DIR },
	{ "results", required_argument, NULL, OPT_RESULTS },
	{ "no-results", no_argument, NULL, OPT_NO_RESULTS },
	{ "junit", required_argument, NULL, OPT_JUNIT },
	{ "json", required_argument, NULL, OPT_JSON },
	{ 0 }
};

static int parse_option(struct options *o, int opt, const char *arg)
{
	switch (opt) {
	case 't':
	case 'T':
	case 'v':
	case 'V':
	case 'f':
	case 'F':
	case 'r':
		if (!*arg)
			return usage_error("-%s needs a name",
					   "t/-T/-v/-V/-f/-F/-r");
		add_ksft_arg(o, opt, arg);
		return 0;
	case 'l':
		o->list = true;
		return 0;
	case OPT_TIMEOUT:
		if (parse_uint(arg, 1, 3600, &o->timeout_sec))
			return usage_error(
				"--timeout '%s': want seconds, 1 to 3600", arg);
		return 0;
	case OPT_USER:
		o->user = arg;
		return 0;
	case OPT_LABEL:
		if (!valid_label(arg))
			return usage_error(
				"--label '%s': want a short word like native, kvm or tcg",
				arg);
		o->label = arg;
		return 0;
	case OPT_TESTS_DIR:
		o->tests_dir = arg;
		return 0;
	case OPT_RESULTS:
		if (!*arg)
			return usage_error("%s: empty path", "--results");
		o->results_root = arg;
		return 0;
	case OPT_NO_RESULTS:
		o->no_results = true;
		return 0;
	case OPT_JUNIT:
		if (!*arg)
			return usage_error("%s: empty path", "--junit");
		o->junit_path = arg;
		return 0;
	case OPT_JSON:
		if (!*arg)
			return usage_error("%s: empty path", "--json");
		o->json_path = arg;
		return 0;
	default:
		return -EINVAL;
	}
}

/*
 * The user's entry from /etc/passwd, read directly (fgetpwent) rather than
 * through NSS, which a static runner in a qemu guest does not have.
 */
static struct passwd *find_user(const char *name)
{
	FILE *f = fopen("/etc/passwd", "re");
	struct passwd *pw = NULL;

	if (!f)
		return NULL;
	while ((pw = fgetpwent(f)))
		if (!strcmp(pw->pw_name, name))
			break;
	fclose(f);
	return pw;
}

static int resolve_user(struct options *o)
{
	struct passwd *pw;

	o->run_uid = getuid();
	o->run_gid = getgid();
	if (!o->user) {
		o->user = o->run_uid ? "self" : "root";
		return 0;
	}
	pw = find_user(o->user);
	if (!pw)
		return usage_error("--user '%s': no such user in /etc/passwd",
				   o->user);
	if (geteuid() != 0)
		return usage_error(
			"--user %s: only root can run the tests as another user",
			o->user);
	o->run_uid = pw->pw_uid;
	o->run_gid = pw->pw_gid;
	o->drop = true;
	return 0;
}

static int parse_args(int argc, char **argv, struct options *o)
{
	int opt;

	o->timeout_sec = 30;
	o->label = "native";
	o->results_root = getenv("NSAPI_RESULTS");
	if (!o->results_root || !*o->results_root)
		o->results_root = "results";
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":hlt:T:v:V:f:F:r:", long_opts,
				  NULL)) != -1) {
		if (opt == 'h') {
			usage(stdout);
			exit(0);
		}
		if (opt == '?' || opt == ':') {
			fprintf(stderr,
				"nsapi-test: %s '%s' (see 'nsapi test --help')\n",
				opt == ':' ? "missing value for" :
					     "unknown option",
				argv[optind - 1]);
			return -EINVAL;
		}
		if (parse_option(o, opt, optarg))
			return -EINVAL;
	}
	for (int i = optind; i < argc; i++)
		if (!argv[i][0] || argv[i][0] == '-' || strchr(argv[i], '/'))
			return usage_error(
				"bad pattern '%s': want a program name, glob or behavior id",
				argv[i]);
	o->patterns = argv + optind;
	o->npatterns = argc - optind;
	if (!o->tests_dir)
		o->tests_dir = default_tests_dir();
	return resolve_user(o);
}

/* Static: the results stay reachable until exit, which frees them. */
static struct options o;
static struct suite s;

int main(int argc, char **argv)
{
	int ret;

	if (parse_args(argc, argv, &o))
		return EXIT_USAGE;
	ret = discover_programs(&o, &s);
	if (ret)
		return EXIT_USAGE;
	if (o.list)
		return list_suite(&o, &s);
	return run_suite(&o, &s);
}

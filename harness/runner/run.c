// SPDX-License-Identifier: GPL-2.0
/*
 * Run the selected programs one after another, print each one's KTAP
 * subtest as soon as it ends, then the totals, then write the result files.
 * Result paths are checked before the first test runs, so that a run never
 * ends in an unwritable directory with its results lost.
 */
#include <errno.h>
#include <libgen.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "runner.h"

struct result_paths {
	char *ktap, *json;
};

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	interrupted = sig;
}

/* Refuse two outputs that are one file (after resolving directories). */
static int distinct_outputs(char **keys, const char **paths, int n)
{
	for (int i = 0; i < n; i++)
		for (int j = i + 1; j < n; j++)
			if (keys[i] && keys[j] && !strcmp(keys[i], keys[j])) {
				fprintf(stderr,
					"nsapi-test: %s and %s are the same "
					"file; give each output its own path\n",
					paths[i], paths[j]);
				return -EINVAL;
			}
	return 0;
}

static int check_outputs(const struct options *o, const struct result_paths *r)
{
	const char *what[] = { "result file", "result file", "--junit",
			       "--json" };
	const char *paths[] = { r->ktap, r->json, o->junit_path, o->json_path };
	char *keys[4] = { 0 };
	int ret = 0;

	for (int i = 0; i < 4 && !ret; i++)
		if (paths[i])
			ret = check_output_path(what[i], paths[i], &keys[i]);
	if (!ret)
		ret = distinct_outputs(keys, paths, 4);
	for (int i = 0; i < 4; i++)
		free(keys[i]);
	return ret;
}

static int results_dir(const struct options *o, struct result_paths *r)
{
	struct utsname u;
	char *dir;
	int ret;

	uname(&u);
	dir = xasprintf("%s/%s", o->results_root, u.release);
	ret = ensure_dir(dir);
	if (ret) {
		fprintf(stderr,
			"nsapi-test: results directory %s: %s (use --results "
			"DIR or --no-results)\n",
			dir, strerror(-ret));
		free(dir);
		return ret;
	}
	if (o->drop) {
		r->ktap = xasprintf("%s/suite-%s.ktap", dir, o->user);
		r->json = xasprintf("%s/suite-%s.json", dir, o->user);
	} else {
		r->ktap = xasprintf("%s/suite.ktap", dir);
		r->json = xasprintf("%s/suite.json", dir);
	}
	free(dir);
	return 0;
}

static int prepare_results(const struct options *o, struct result_paths *r)
{
	if (!o->no_results && !*o->results_root) {
		fprintf(stderr, "nsapi-test: --results: empty path\n");
		return -EINVAL;
	}
	if (!o->no_results && results_dir(o, r))
		return -EINVAL;
	return check_outputs(o, r);
}

static void progress(const struct suite *s, size_t i, const char *what)
{
	if (!isatty(STDERR_FILENO))
		return;
	if (!what)
		fprintf(stderr, "\r\033[K");
	else
		fprintf(stderr, "\r\033[K[%zu/%zu] %s", i + 1, s->nprogs, what);
	fflush(stderr);
}

static void run_one(const struct options *o, struct program *p)
{
	struct run_limits lim = {
		.timeout_sec = o->timeout_sec,
		.uid = o->run_uid,
		.gid = o->run_gid,
		.drop = o->drop,
	};
	char **argv = xrealloc(NULL, (o->nksft_args + 2) * sizeof(char *));
	bool timed_out;
	int code = 127, left = 0;
	double t0 = now_sec();

	argv[0] = p->path;
	for (int i = 0; i < o->nksft_args; i++)
		argv[i + 1] = o->ksft_args[i];
	argv[o->nksft_args + 1] = NULL;
	tap_begin(p);
	if (access(p->path, X_OK)) {
		p->duration_sec = 0;
		p->status = ST_ERROR;
		p->reason =
			xasprintf("missing: %s: %s", p->path, strerror(errno));
		free(argv);
		return;
	}
	if (run_program(p->path, argv, &lim, tap_line, p, &code, &timed_out,
			&left))
		code = 127;
	p->duration_sec = now_sec() - t0;
	tap_finish(p, code, timed_out, o->timeout_sec, left);
	if (interrupted) {
		free(p->reason);
		p->status = ST_ERROR;
		p->reason = xasprintf("interrupted by signal %d", interrupted);
	}
	free(argv);
}

static void count_totals(struct suite *s)
{
	memset(s->totals, 0, sizeof(s->totals));
	for (size_t i = 0; i < s->nprogs; i++) {
		const struct program *p = &s->progs[i];

		for (size_t j = 0; j < p->ncases; j++)
			s->totals[p->cases[j].status]++;
		/* A program-level verdict no case carries counts once. */
		if (p->status == ST_ERROR || p->status == ST_TIMEOUT ||
		    (p->status == ST_SKIP && p->ncases == 0) ||
		    (p->status == ST_FAIL && !p->ncases))
			s->totals[p->status]++;
	}
}

static int write_ktap_doc(FILE *out, const void *arg)
{
	const struct suite *s = arg;

	ktap_header(out, s);
	for (size_t i = 0; i < s->nprogs; i++)
		ktap_program(out, &s->progs[i], i + 1);
	ktap_totals(out, s);
	return ferror(out) ? -EIO : 0;
}

struct json_arg {
	const struct suite *s;
	const struct options *o;
};

static int write_json_doc(FILE *out, const void *arg)
{
	const struct json_arg *a = arg;

	return write_suite_json(out, a->s, a->o);
}

static int write_junit_doc(FILE *out, const void *arg)
{
	return write_junit(out, arg);
}

static int write_results(const struct options *o, const struct suite *s,
			 const struct result_paths *r)
{
	struct json_arg ja = { s, o };
	int ret = 0;

	if (r->ktap) {
		ret |= write_atomic(r->ktap, write_ktap_doc, s);
		ret |= write_atomic(r->json, write_json_doc, &ja);
	}
	if (o->junit_path)
		ret |= write_atomic(o->junit_path, write_junit_doc, s);
	if (o->json_path)
		ret |= write_atomic(o->json_path, write_json_doc, &ja);
	return ret;
}

/* Static: reachable until exit, like the suite itself. */
static struct result_paths paths;

int run_suite(const struct options *o, struct suite *s)
{
	struct sigaction sa = { .sa_handler = on_signal };
	double t0 = now_sec();
	bool failed = false;
	time_t now = time(NULL);
	char *env_dir;

	if (prepare_results(o, &paths) || check_filters(o, s))
		return EXIT_USAGE;
	if (stage_programs(o, s, &env_dir))
		return 1;
	s->env_line = env_probe(o, env_dir);
	free(env_dir);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	strftime(s->started, sizeof(s->started), "%Y-%m-%dT%H:%M:%SZ",
		 gmtime(&now));
	ktap_header(stdout, s);
	for (size_t i = 0; i < s->nprogs && !interrupted; i++) {
		progress(s, i, s->progs[i].name);
		run_one(o, &s->progs[i]);
		progress(s, i, NULL);
		ktap_program(stdout, &s->progs[i], i + 1);
		fflush(stdout);
	}
	s->duration_sec = now_sec() - t0;
	count_totals(s);
	group_skips(s);
	ktap_totals(stdout, s);
	fflush(stdout);
	for (size_t i = 0; i < s->nprogs; i++)
		failed |= status_failed(s->progs[i].status);
	if (write_results(o, s, &paths))
		return 1;
	if (paths.json)
		fprintf(stderr, "# results: %s, %s\n", paths.ktap, paths.json);
	return failed || interrupted ? 1 : 0;
}

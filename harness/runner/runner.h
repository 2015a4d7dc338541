/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nsapi-test: the suite runner.  Runs each test program under a timeout,
 * nests its kselftest TAP output into one KTAP v1 document, and keeps every
 * case's result for suite.json, suite.ktap and JUnit XML.
 */
#ifndef NSAPI_RUNNER_H
#define NSAPI_RUNNER_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#define EXIT_USAGE 2
#define KSFT_PASS 0
#define KSFT_FAIL 1
#define KSFT_SKIP 4

enum status {
	ST_PASS,
	ST_FAIL,
	ST_SKIP,
	ST_XFAIL,
	ST_XPASS,
	ST_ERROR,
	ST_TIMEOUT,
	ST_COUNT
};

struct test_case {
	char *name; /* fixture[.variant].test, as the harness prints it */
	char *fixture, *variant, *test;
	enum status status;
	char *reason;
	char *diag; /* the diagnostic lines printed while it ran */
	double duration_sec;
};

struct program {
	char *name; /* s08_setns_nstype */
	char id[8]; /* S08 */
	char *path;
	enum status status;
	char *reason;
	int exit_code; /* or -signal */
	double duration_sec;
	struct test_case *cases;
	size_t ncases, cap;
	char *output; /* everything it printed, for suite.ktap */
	size_t output_len;
};

struct options {
	const char *tests_dir;
	const char *results_root;
	const char *user;
	const char *label;
	const char *junit_path;
	const char *json_path;
	unsigned int timeout_sec;
	uid_t run_uid; /* who runs the tests */
	gid_t run_gid;
	bool drop; /* --user: the runner drops to run_uid for each program */
	bool list;
	bool no_results;
	char **patterns;
	int npatterns;
	char **ksft_args; /* -t/-T/-v/-V filters passed to every program */
	int nksft_args;
};

struct skip_group {
	const char *cause;
	unsigned int cases;
};

struct suite {
	struct program *progs;
	size_t nprogs;
	unsigned int totals[ST_COUNT];
	double duration_sec;
	char started[32];
	char *env_line; /* nsapi-env's line: what the refusal rule sees */
	struct skip_group *skips; /* why cases were skipped, most first */
	size_t nskips;
};

/* run.c */
int run_suite(const struct options *o, struct suite *s);
int list_suite(const struct options *o, const struct suite *s);

/* filter.c */
int check_filters(const struct options *o, const struct suite *s);

/* skips.c */
void group_skips(struct suite *s);

/* stage.c */
int stage_programs(const struct options *o, struct suite *s, char **env_dir);

/* status.c */
const char *status_name(enum status s);
bool status_failed(enum status s);

/* discover.c */
int discover_programs(const struct options *o, struct suite *s);
void program_id(const char *name, char id[8]);

/* spawn.c */
struct run_limits {
	unsigned int timeout_sec;
	uid_t uid;
	gid_t gid;
	bool drop;
};
typedef void (*line_fn)(void *ctx, const char *line, double t_sec);
int run_program(const char *path, char *const argv[],
		const struct run_limits *lim, line_fn on_line, void *ctx,
		int *exit_code, bool *timed_out, int *left_behind);
double now_sec(void);

/* tap.c */
void tap_begin(struct program *p);
void tap_line(void *ctx, const char *line, double t_sec);
void tap_finish(struct program *p, int exit_code, bool timed_out,
		unsigned int timeout_sec, int left_behind);

/* ktap.c */
void ktap_header(FILE *out, const struct suite *s);
void ktap_program(FILE *out, const struct program *p, size_t index);
void ktap_totals(FILE *out, const struct suite *s);

/* json.c */
int write_suite_json(FILE *out, const struct suite *s, const struct options *o);

/* junit.c */
int write_junit(FILE *out, const struct suite *s);

/* env.c */
struct environment {
	char release[128], version[256], machine[80];
	bool ns_present[8];
	uid_t uid;
	bool cap_sys_admin;
	const char *ksft_source;
};
void env_collect(struct environment *e, uid_t uid, bool dropped);
struct json_object;
void env_add_json(struct json_object *root, const struct environment *e);
extern const char *const ns_names[8];
char *env_probe(const struct options *o, const char *dir);
void env_probe_json(struct json_object *root, const char *line);

/* output.c: write a file whole or not at all (temp file, then rename). */
typedef int (*writer_fn)(FILE *out, const void *arg);
int write_atomic(const char *path, writer_fn fn, const void *arg);
int check_output_path(const char *what, const char *path, char **key);
int ensure_dir(const char *path);

/* util.c */
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
void *xrealloc(void *p, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void append(char **buf, size_t *len, const char *s, size_t n);

#endif /* NSAPI_RUNNER_H */

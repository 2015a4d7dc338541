// SPDX-License-Identifier: GPL-2.0
/*
 * What the results depend on: the kernel, which namespace types it has, who
 * ran the suite with which capabilities, and where the kselftest headers
 * the tests were built with came from.
 */
#include <limits.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <json-c/json.h>

#include "runner.h"

#ifndef KSFT_SOURCE
#define KSFT_SOURCE "unknown"
#endif

const char *const ns_names[8] = { "cgroup", "ipc",  "mnt",  "net",
				  "pid",    "time", "user", "uts" };

/* CAP_SYS_ADMIN (bit 21) in the effective set of a process. */
static bool cap_sys_admin_of(const char *status_path)
{
	char line[256];
	FILE *f = fopen(status_path, "re");
	bool has = false;

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "CapEff:", 7))
			has = (strtoull(line + 7, NULL, 16) >> 21) & 1;
	fclose(f);
	return has;
}

/* @uid runs the tests; @dropped: the runner drops to it (no capabilities). */
void env_collect(struct environment *e, uid_t uid, bool dropped)
{
	struct utsname u;
	char path[64];

	memset(e, 0, sizeof(*e));
	if (!uname(&u)) {
		snprintf(e->release, sizeof(e->release), "%s", u.release);
		snprintf(e->version, sizeof(e->version), "%s", u.version);
		snprintf(e->machine, sizeof(e->machine), "%s", u.machine);
	}
	for (int i = 0; i < 8; i++) {
		snprintf(path, sizeof(path), "/proc/self/ns/%s", ns_names[i]);
		e->ns_present[i] = access(path, F_OK) == 0;
	}
	e->uid = uid;
	e->cap_sys_admin = !dropped && cap_sys_admin_of("/proc/self/status");
	e->ksft_source = KSFT_SOURCE;
}

/* The kernel, its namespace types and the headers' source, into @root. */
void env_add_json(struct json_object *root, const struct environment *e)
{
	struct json_object *kernel = json_object_new_object();
	struct json_object *ns = json_object_new_object();

	json_object_object_add(kernel, "release",
			       json_object_new_string(e->release));
	json_object_object_add(kernel, "version",
			       json_object_new_string(e->version));
	json_object_object_add(kernel, "machine",
			       json_object_new_string(e->machine));
	json_object_object_add(root, "kernel", kernel);
	for (int i = 0; i < 8; i++)
		json_object_object_add(
			ns, ns_names[i],
			json_object_new_boolean(e->ns_present[i]));
	json_object_object_add(root, "namespaces", ns);
	json_object_object_add(root, "ksft_headers",
			       json_object_new_string(e->ksft_source));
}

struct first_line {
	char *line;
};

static void keep_first(void *ctx, const char *line, double t_sec)
{
	struct first_line *f = ctx;

	(void)t_sec;
	if (!f->line)
		f->line = xstrdup(line);
}

/* Where nsapi-env is: @dir, else beside this runner or one level up. */
static char *find_env_program(const char *dir)
{
	char exe[PATH_MAX], *slash, *path;
	ssize_t n;

	if (dir)
		return xasprintf("%s/nsapi-env", dir);
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n < 0)
		return NULL;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (slash)
		*slash = '\0';
	path = xasprintf("%s/nsapi-env", exe);
	if (access(path, X_OK)) {
		free(path);
		path = xasprintf("%s/../nsapi-env", exe);
	}
	return path;
}

/*
 * The environment as the tests see it (nsapi-env's one line, run as the
 * user the tests run as), or a line that says why it is unknown.
 */
char *env_probe(const struct options *o, const char *dir)
{
	struct run_limits lim = { .timeout_sec = 10,
				  .uid = o->run_uid,
				  .gid = o->run_gid,
				  .drop = o->drop };
	struct first_line f = { 0 };
	char *path = find_env_program(dir);
	char *argv[] = { path, NULL };
	bool timed_out;
	int code = 127, left;

	if (path && !access(path, X_OK))
		run_program(path, argv, &lim, keep_first, &f, &code, &timed_out,
			    &left);
	free(path);
	if (code || !f.line || !strchr(f.line, '=')) {
		free(f.line);
		return xstrdup("unknown (nsapi-env missing or failed)");
	}
	return f.line;
}

/* "k=v k=v" as an object, and the line itself as "line". */
void env_probe_json(struct json_object *root, const char *line)
{
	struct json_object *o = json_object_new_object();
	char *copy = xstrdup(line), *save = NULL;

	json_object_object_add(o, "line", json_object_new_string(line));
	for (char *tok = strtok_r(copy, " ", &save); tok;
	     tok = strtok_r(NULL, " ", &save)) {
		char *eq = strchr(tok, '=');

		if (!eq || eq == tok || !strcmp(tok, "line"))
			continue;
		*eq = '\0';
		json_object_object_add(o, tok, json_object_new_string(eq + 1));
	}
	free(copy);
	json_object_object_add(root, "environment", o);
}

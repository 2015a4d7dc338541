// SPDX-License-Identifier: GPL-2.0
/*
 * What the results depend on: the kernel, which namespace types it has, who
 * ran the suite with which capabilities, and where the kselftest headers
 * the tests were built with came from.
 */
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

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

void env_write_json(FILE *out, const struct environment *e)
{
	fputs("  \"kernel\": {\"release\": ", out);
	json_string(out, e->release);
	fputs(", \"version\": ", out);
	json_string(out, e->version);
	fputs(", \"machine\": ", out);
	json_string(out, e->machine);
	fputs("},\n  \"namespaces\": {", out);
	for (int i = 0; i < 8; i++)
		fprintf(out, "%s\"%s\": %s", i ? ", " : "", ns_names[i],
			e->ns_present[i] ? "true" : "false");
	fputs("},\n  \"ksft_headers\": ", out);
	json_string(out, e->ksft_source);
	fputs(",\n", out);
}

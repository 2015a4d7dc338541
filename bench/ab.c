// SPDX-License-Identifier: GPL-2.0
/*
 * nsapi bench --ab: two conditions in one invocation, alternated per
 * repetition and benchmark.  Repetition r of benchmark X runs under A and
 * under B back to back (in the order AB or BA, alternating), each in its
 * own fresh worker, so that the machine's drift between invocations and
 * within one hits both arms alike and repetition r of A pairs with
 * repetition r of B.  The two arms are written as two result sets whose
 * contexts share an "ab" id; nsapi compare then uses paired statistics.
 *
 * A condition is an injected delay (--inject SYSCALL:NS: A gets 0 ns, B
 * NS, both the same BPF program) or a sysctl value (--sysctl NAME=VALUE: A
 * the current value, B VALUE; restored afterwards).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "inject.h"

#define SYSCTL_ROOT "/proc/sys/"

static char sysctl_path[256];
static char sysctl_saved[128];
static bool sysctl_changed;

void ab_parse_sysctl(const char *arg, char *name, size_t nlen, char *value,
		     size_t vlen)
{
	const char *eq = strchr(arg, '=');
	size_t n = eq ? (size_t)(eq - arg) : 0;

	if (!eq || !n || n >= nlen || strlen(eq + 1) >= vlen || !eq[1] ||
	    strspn(arg, "abcdefghijklmnopqrstuvwxyz0123456789_-./") != n ||
	    strstr(arg, "..") || arg[0] == '.' || arg[0] == '/' ||
	    strpbrk(eq + 1, "\n")) {
		fprintf(stderr,
			"nsapi-bench: --sysctl '%s': expected NAME=VALUE, "
			"e.g. kernel.randomize_va_space=0 (see --help)\n",
			arg);
		exit(2);
	}
	memcpy(name, arg, n);
	name[n] = '\0';
	snprintf(value, vlen, "%s", eq + 1);
}

/* The file behind NAME, a regular file under /proc/sys, opened. */
static int sysctl_open(const char *name, int flags)
{
	struct stat st;
	size_t i;
	int fd;

	snprintf(sysctl_path, sizeof(sysctl_path), SYSCTL_ROOT "%s", name);
	for (i = strlen(SYSCTL_ROOT); sysctl_path[i]; i++)
		if (sysctl_path[i] == '.')
			sysctl_path[i] = '/';
	fd = open(sysctl_path, flags | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		errno = EINVAL;
		return -1;
	}
	return fd;
}

static int sysctl_write(const char *name, const char *value)
{
	int fd = sysctl_open(name, O_WRONLY), ok;

	if (fd < 0) {
		fprintf(stderr, "nsapi-bench: --sysctl: open(%s): %s\n",
			sysctl_path, strerror(errno));
		return -1;
	}
	ok = write(fd, value, strlen(value)) == (ssize_t)strlen(value);
	if (!ok)
		fprintf(stderr,
			"nsapi-bench: --sysctl: write(%s, \"%s\"): %s\n",
			sysctl_path, value, strerror(errno));
	close(fd);
	sysctl_changed = true;
	return ok ? 0 : -1;
}

static void sysctl_restore(void)
{
	if (sysctl_changed && sysctl_saved[0])
		sysctl_write(sysctl_path + strlen(SYSCTL_ROOT), sysctl_saved);
}

static int sysctl_read(const char *name, char *buf, size_t len)
{
	int fd = sysctl_open(name, O_RDONLY);
	ssize_t n;

	if (fd < 0) {
		fprintf(stderr, "nsapi-bench: --sysctl: open(%s): %s\n",
			sysctl_path, strerror(errno));
		return -1;
	}
	n = read(fd, buf, len - 1);
	close(fd);
	if (n <= 0) {
		fprintf(stderr, "nsapi-bench: --sysctl: read(%s): %s\n",
			sysctl_path, n ? strerror(errno) : "empty");
		return -1;
	}
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

static int set_arm(const struct ab_cfg *cfg, struct ab_arm *a)
{
	if (cfg->inj)
		return inject_set(cfg->inj, a->inject_ns, &a->loops,
				  &a->calibrated_ns);
	return sysctl_write(cfg->sysctl, a->sysctl_value);
}

static int setup_arms(const struct ab_cfg *cfg, struct ab_arm arm[2], size_t n)
{
	for (int k = 0; k < 2; k++) {
		arm[k].label = k ? "b" : "a";
		arm[k].run.res = calloc(n, sizeof(*arm[k].run.res));
		arm[k].calls = calloc(n, sizeof(*arm[k].calls));
		arm[k].run.n = n;
		if (!arm[k].run.res || !arm[k].calls)
			return -1;
	}
	if (cfg->inj) {
		arm[1].inject_ns = cfg->inject_ns;
		for (int k = 0; k < 2; k++)
			snprintf(arm[k].condition, sizeof(arm[k].condition),
				 "inject %s:%g", cfg->inj->syscall,
				 arm[k].inject_ns);
		return 0;
	}
	if (sysctl_read(cfg->sysctl, sysctl_saved, sizeof(sysctl_saved)))
		return -1;
	atexit(sysctl_restore);
	snprintf(arm[0].sysctl_value, sizeof(arm[0].sysctl_value), "%s",
		 sysctl_saved);
	snprintf(arm[1].sysctl_value, sizeof(arm[1].sysctl_value), "%s",
		 cfg->sysctl_b);
	for (int k = 0; k < 2; k++)
		snprintf(arm[k].condition, sizeof(arm[k].condition),
			 "sysctl %s=%s", cfg->sysctl, arm[k].sysctl_value);
	return 0;
}

/* One repetition of one benchmark under arm @a, its syscalls counted. */
static int run_arm_rep(const struct ab_cfg *cfg, struct ab_arm *a,
		       const struct bench *b, size_t i,
		       const struct bench_opts *o, unsigned int rep)
{
	uint64_t c0 = 0, w0 = 0, c1 = 0, w1 = 0;

	if (cfg->inj && inject_stats(cfg->inj, &c0, &w0))
		return -1;
	if (bench_run_rep(b, o, rep, &a->run.res[i])) {
		fprintf(stderr, "nsapi-bench: %s: cannot start a worker: %s\n",
			b->name, strerror(errno));
		return -1;
	}
	if (cfg->inj && inject_stats(cfg->inj, &c1, &w1))
		return -1;
	a->calls[i] += c1 - c0;
	a->calls_total += c1 - c0;
	a->work_ns_total += w1 - w0;
	return 0;
}

int ab_run(const struct bench **sel, size_t n, const struct bench_opts *o,
	   const struct ab_cfg *cfg, struct ab_arm arm[2],
	   struct json_object *context)
{
	int current = -1, failed = 0;
	unsigned int rep;
	size_t i, j;

	if (setup_arms(cfg, arm, n))
		return -1;
	for (rep = 0; rep < o->repetitions; rep++) {
		for (j = 0; j < n; j++) {
			int first = (int)((rep + j) & 1);

			i = (j + rep * n / o->repetitions) % n;
			if (isatty(STDERR_FILENO))
				fprintf(stderr,
					"\r\033[K[pair %u/%u %3zu/%zu] %s",
					rep + 1, o->repetitions, j + 1, n,
					sel[i]->name);
			for (int s = 0; s < 2; s++) {
				int k = s ^ first;

				if (k != current && set_arm(cfg, &arm[k]))
					return -1;
				current = k;
				if (run_arm_rep(cfg, &arm[k], sel[i], i, o,
						rep))
					return -1;
			}
		}
	}
	if (isatty(STDERR_FILENO))
		fprintf(stderr, "\r\033[K");
	if (cfg->inj &&
	    inject_set(cfg->inj, 0, &arm[0].loops, &arm[0].calibrated_ns))
		return -1;
	sysctl_restore();
	sysctl_changed = false;
	for (int k = 0; k < 2; k++) {
		json_object_deep_copy(context, &arm[k].run.context, NULL);
		for (i = 0; i < n; i++) {
			bench_describe(&arm[k].run.res[i]);
			failed |= arm[k].run.res[i].status == BENCH_FAILED;
		}
		report_derive(&arm[k].run);
	}
	return failed;
}

void ab_describe(const struct ab_cfg *cfg, struct ab_arm arm[2], int k,
		 const struct bench **sel, size_t n, const char *id)
{
	struct json_object *ab = json_object_new_object(), *calls;
	struct json_object *ctx = arm[k].run.context;

	json_object_object_add(ab, "id", json_object_new_string(id));
	json_object_object_add(ab, "arm", json_object_new_string(arm[k].label));
	json_object_object_add(ab, "condition",
			       json_object_new_string(arm[k].condition));
	json_object_object_add(ab, "other_condition",
			       json_object_new_string(arm[!k].condition));
	json_object_object_add(ctx, "ab", ab);
	if (!cfg->inj)
		return;
	inject_describe(cfg->inj, ctx, arm[k].inject_ns, k ? arm[k].loops : 0,
			k ? arm[k].calibrated_ns : 0, arm[k].calls_total,
			arm[k].work_ns_total);
	calls = json_object_new_object();
	for (size_t i = 0; i < n; i++)
		json_object_object_add(
			calls, sel[i]->name,
			json_object_new_int64((int64_t)arm[k].calls[i]));
	json_object_object_add(ab, "inject_calls", calls);
}

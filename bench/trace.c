// SPDX-License-Identifier: GPL-2.0
/*
 * Runs build/nsapi-trace beside the benchmark (same directory as our own
 * executable), waits until it reports being attached, and afterwards assigns
 * its events to benchmarks by the CLOCK_MONOTONIC window of each worker.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <json-c/json.h>

#include "trace.h"

#define TRACE_ATTACH_TIMEOUT_MS 20000
/*
 * The summary overhead comes from benchmarks whose timed call is mostly a
 * traced syscall and short enough that 0.5 us is not lost in their noise.
 */
#define OVERHEAD_MIN_EVENTS_PER_CALL 0.5
#define OVERHEAD_MAX_P50_NS 20000.0

struct event {
	uint64_t ts_ns;
	double dur_ns;
};

static int tracer_path(char *buf, size_t len)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *slash;

	if (n < 0)
		return -1;
	self[n] = '\0';
	slash = strrchr(self, '/');
	if (slash)
		*slash = '\0';
	snprintf(buf, len, "%s/nsapi-trace", self);
	return access(buf, X_OK);
}

static void first_line(int fd, char *why, size_t len)
{
	ssize_t n = pread(fd, why, len - 1, 0);

	why[n > 0 ? n : 0] = '\0';
	why[strcspn(why, "\n")] = '\0';
}

static void exec_tracer(const char *path, const char *comm, int ready_w,
			int out_fd, int err_fd)
{
	char fdarg[16];

	snprintf(fdarg, sizeof(fdarg), "%d", ready_w);
	dup2(out_fd, STDOUT_FILENO);
	dup2(err_fd, STDERR_FILENO);
	fcntl(ready_w, F_SETFD, 0);
	/* The benchmarks need times, not what setns()'s fds name. */
	execl(path, "nsapi-trace", "--json", "--no-target", "-c", comm,
	      "--ready-fd", fdarg, (char *)NULL);
	dprintf(STDERR_FILENO, "execl(%s): %s\n", path, strerror(errno));
	_exit(127);
}

/* Wait for the ready byte; EOF or exit first means the tracer gave up. */
static int await_ready(struct tracer *t, int ready_r, char *why, size_t len)
{
	struct pollfd p = { .fd = ready_r, .events = POLLIN };
	char c;
	int st;

	if (poll(&p, 1, TRACE_ATTACH_TIMEOUT_MS) == 1 &&
	    read(ready_r, &c, 1) == 1)
		return 0;
	kill(t->pid, SIGTERM);
	waitpid(t->pid, &st, 0);
	first_line(t->err_fd, why, len);
	if (!why[0])
		snprintf(why, len,
			 "nsapi-trace exited (status %d) before "
			 "attaching",
			 WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	return -1;
}

int trace_start(struct tracer *t, const char *comm, char *why, size_t len)
{
	char path[PATH_MAX + 16];
	int ready[2], ret;

	if (tracer_path(path, sizeof(path))) {
		snprintf(why, len, "%s not found", path);
		return -1;
	}
	t->out_fd = memfd_create("nsapi-trace-out", MFD_CLOEXEC);
	t->err_fd = memfd_create("nsapi-trace-err", MFD_CLOEXEC);
	if (t->out_fd < 0 || t->err_fd < 0 || pipe2(ready, O_CLOEXEC)) {
		snprintf(why, len, "memfd_create/pipe2: %s", strerror(errno));
		return -1;
	}
	fflush(NULL);
	t->pid = fork();
	if (t->pid < 0) {
		snprintf(why, len, "fork: %s", strerror(errno));
		return -1;
	}
	if (t->pid == 0)
		exec_tracer(path, comm, ready[1], t->out_fd, t->err_fd);
	close(ready[1]);
	ret = await_ready(t, ready[0], why, len);
	close(ready[0]);
	return ret;
}

static size_t parse_events(int fd, struct event **out)
{
	FILE *f = fdopen(dup(fd), "r");
	size_t n = 0, cap = 0;
	char *line = NULL;
	size_t llen = 0;

	*out = NULL;
	if (!f)
		return 0;
	rewind(f);
	while (getline(&line, &llen, f) > 0) {
		struct json_object *o = json_tokener_parse(line), *ts, *dur;

		if (o && json_object_object_get_ex(o, "ts_ns", &ts) &&
		    json_object_object_get_ex(o, "dur_ns", &dur)) {
			if (n == cap) {
				cap = cap ? cap * 2 : 4096;
				*out = realloc(*out, cap * sizeof(**out));
			}
			if (*out)
				(*out)[n++] = (struct event){
					(uint64_t)json_object_get_int64(ts),
					json_object_get_double(dur)
				};
		}
		json_object_put(o);
	}
	free(line);
	fclose(f);
	return *out ? n : 0;
}

static bool in_windows(const struct bench_result *r, uint64_t ts_ns)
{
	unsigned int k;

	for (k = 0; k < r->reps; k++)
		if (ts_ns >= r->start_ns[k] && ts_ns <= r->end_ns[k])
			return true;
	return false;
}

static double calls_of(const struct bench_result *r)
{
	double calls = 0;
	unsigned int k;

	for (k = 0; k < r->reps; k++)
		calls += (double)r->rep_len[k] * (double)r->rep_batch[k];
	return calls;
}

/* Events inside the traced pass's window of r, reported on b. */
static void assign(struct bench_result *b, const struct bench_result *r,
		   const struct event *ev, size_t n)
{
	double *d = malloc((n + 1) * sizeof(double)), *sorted;
	size_t i, k = 0;

	for (i = 0; d && i < n; i++)
		if (in_windows(r, ev[i].ts_ns))
			d[k++] = ev[i].dur_ns;
	b->traced = true;
	b->trace_events = k;
	b->traced_p50_ns = r->st.p50;
	b->trace_p50_ns = b->trace_p90_ns = b->trace_p99_ns = NAN;
	if (k && !stats_sort_copy(d, k, &sorted)) {
		b->trace_p50_ns = stats_quantile_sorted(sorted, k, 0.5);
		b->trace_p90_ns = stats_quantile_sorted(sorted, k, 0.9);
		b->trace_p99_ns = stats_quantile_sorted(sorted, k, 0.99);
		free(sorted);
	}
	free(d);
}

/*
 * Single-process benchmarks only: a conc/ sample is the wall time of
 * several processes' calls at once, not of one call.
 */
static bool shows_overhead(const struct bench_result *b)
{
	return b->traced_calls_per_call >= OVERHEAD_MIN_EVENTS_PER_CALL &&
	       b->st.p50 <= OVERHEAD_MAX_P50_NS &&
	       strncmp(b->b->name, "conc/", 5) != 0;
}

static void summarize_overhead(struct bench_run *base, double *over, size_t m)
{
	base->trace_overhead_n = m;
	base->trace_overhead_ns = base->trace_overhead_min_ns =
		base->trace_overhead_max_ns = NAN;
	if (!m)
		return;
	base->trace_overhead_ns = stats_median(over, m);
	base->trace_overhead_min_ns = base->trace_overhead_max_ns = over[0];
	for (size_t i = 1; i < m; i++) {
		base->trace_overhead_min_ns =
			fmin(base->trace_overhead_min_ns, over[i]);
		base->trace_overhead_max_ns =
			fmax(base->trace_overhead_max_ns, over[i]);
	}
}

int trace_finish(struct tracer *t, const struct bench_run *traced,
		 struct bench_run *base)
{
	double over[512];
	struct event *ev;
	size_t n, i, m = 0;

	kill(t->pid, SIGINT);
	waitpid(t->pid, NULL, 0);
	n = parse_events(t->out_fd, &ev);
	for (i = 0; i < traced->n && i < base->n; i++) {
		const struct bench_result *r = &traced->res[i];
		struct bench_result *b = &base->res[i];
		double calls;

		if (r->status != BENCH_OK || b->status != BENCH_OK)
			continue;
		assign(b, r, ev, n);
		calls = calls_of(r);
		b->trace_overhead_ns = NAN;
		b->traced_calls_per_call = calls ? b->trace_events / calls : 0;
		if (!b->trace_events || !calls)
			continue;
		b->trace_overhead_ns =
			(r->st.p50 - b->st.p50) / b->traced_calls_per_call;
		if (shows_overhead(b) && m < ARRAY_SIZE(over))
			over[m++] = b->trace_overhead_ns;
	}
	base->traced = true;
	summarize_overhead(base, over, m);
	free(ev);
	close(t->out_fd);
	close(t->err_fd);
	return 0;
}

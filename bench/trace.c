// SPDX-License-Identifier: GPL-2.0
/*
 * Runs build/nsapi-trace beside the benchmark (same directory as our own
 * executable), waits until it reports being attached, and afterwards reads
 * its histograms, kept in the kernel (--hist): no event per call reaches
 * user space.  Each benchmark's worker makes its timed calls under a comm
 * of its own (bench_timed_comm), the histograms' key (--group comm), so
 * its setup calls and the other benchmarks' stay out.
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

#define MAX_BUCKETS 512

/* One benchmark's histogram: every syscall and flag set merged. */
struct hist {
	char comm[16];
	size_t n; /* buckets used */
	double lo[MAX_BUCKETS], hi[MAX_BUCKETS], count[MAX_BUCKETS];
	double total;
};

/*
 * The path of program @name beside this executable (build/nsapi-trace,
 * build/nsapi-inject); returns access(X_OK) of it, or -1.
 */
int bench_sibling_path(const char *name, char *buf, size_t len)
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
	snprintf(buf, len, "%s/%s", self, name);
	return access(buf, X_OK);
}

static int tracer_path(char *buf, size_t len)
{
	return bench_sibling_path("nsapi-trace", buf, len);
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
	execl(path, "nsapi-trace", "--hist", "--json", "--group", "comm",
	      "--no-target", "-c", comm, "--ready-fd", fdarg, (char *)NULL);
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

/* Adds one [lo, hi, count] bucket to h, merging equal ranges. */
static void hist_add(struct hist *h, double lo, double hi, double count)
{
	size_t i;

	for (i = 0; i < h->n; i++)
		if (h->lo[i] == lo)
			break;
	if (i == h->n) {
		if (h->n == MAX_BUCKETS)
			return;
		h->n++;
		h->lo[i] = lo;
		h->hi[i] = hi;
		h->count[i] = 0;
	}
	h->count[i] += count;
	h->total += count;
}

/* The tracer's lines ({"comm":...,"buckets":[[lo,hi,n],...]}) for comm. */
static void read_hist(int fd, const char *comm, struct hist *h)
{
	FILE *f = fdopen(dup(fd), "r");
	char *line = NULL;
	size_t llen = 0;

	memset(h, 0, sizeof(*h));
	if (!f)
		return;
	rewind(f);
	while (getline(&line, &llen, f) > 0) {
		struct json_object *o = json_tokener_parse(line), *c, *b;
		size_t i, n;

		if (o && json_object_object_get_ex(o, "comm", &c) &&
		    json_object_is_type(c, json_type_string) &&
		    !strcmp(json_object_get_string(c), comm) &&
		    json_object_object_get_ex(o, "buckets", &b)) {
			n = json_object_array_length(b);
			for (i = 0; i < n; i++) {
				struct json_object *e =
					json_object_array_get_idx(b, i);

				if (json_object_array_length(e) == 3)
					hist_add(
						h,
						json_object_get_double(
							json_object_array_get_idx(
								e, 0)),
						json_object_get_double(
							json_object_array_get_idx(
								e, 1)),
						json_object_get_double(
							json_object_array_get_idx(
								e, 2)));
			}
		}
		json_object_put(o);
	}
	free(line);
	fclose(f);
}

static int cmp_lo(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The q quantile, linear inside its bucket; NAN when empty. */
static double hist_quantile(const struct hist *h, double q)
{
	double order[MAX_BUCKETS][3], want = q * h->total, seen = 0;
	size_t i;

	for (i = 0; i < h->n; i++) {
		order[i][0] = h->lo[i];
		order[i][1] = h->hi[i];
		order[i][2] = h->count[i];
	}
	qsort(order, h->n, sizeof(order[0]), cmp_lo);
	for (i = 0; i < h->n; i++) {
		if (seen + order[i][2] >= want && order[i][2] > 0)
			return order[i][0] + (order[i][1] - order[i][0]) *
						     (want - seen) /
						     order[i][2];
		seen += order[i][2];
	}
	return NAN;
}

static double calls_of(const struct bench_result *r)
{
	double calls = 0;
	unsigned int k;

	for (k = 0; k < r->reps; k++)
		calls += (double)r->rep_len[k] * (double)r->rep_batch[k];
	return calls;
}

/* The traced pass's histogram of r's timed calls, reported on b. */
static void assign(struct bench_result *b, const struct bench_result *r,
		   int out_fd)
{
	static struct hist h;
	char comm[16];

	bench_timed_comm(r->b, comm);
	read_hist(out_fd, comm, &h);
	b->traced = true;
	b->trace_events = (size_t)h.total;
	b->traced_p50_ns = r->st.p50;
	b->trace_p50_ns = hist_quantile(&h, 0.5);
	b->trace_p90_ns = hist_quantile(&h, 0.9);
	b->trace_p99_ns = hist_quantile(&h, 0.99);
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
	size_t i, m = 0;

	kill(t->pid, SIGINT);
	waitpid(t->pid, NULL, 0);
	for (i = 0; i < traced->n && i < base->n; i++) {
		const struct bench_result *r = &traced->res[i];
		struct bench_result *b = &base->res[i];
		double calls;

		if (r->status != BENCH_OK || b->status != BENCH_OK)
			continue;
		assign(b, r, t->out_fd);
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
	close(t->out_fd);
	close(t->err_fd);
	return 0;
}

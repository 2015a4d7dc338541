// SPDX-License-Identifier: GPL-2.0
/*
 * What a result depends on besides the code: kernel release and config,
 * CPU, mitigations, boot command line, clocksource, governor, hypervisor.
 * A missing file is recorded as "unknown", never an error.
 */
#include <dirent.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#include "env.h"

/* First line of a file, without its newline; "unknown" if unreadable. */
static void read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");

	snprintf(buf, len, "unknown");
	if (!f)
		return;
	if (fgets(buf, (int)len, f))
		buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
}

/* FNV-1a of the file's bytes: an identity for the kernel config. */
static int hash_file(const char *path, uint64_t *h)
{
	FILE *f = fopen(path, "re");
	int c;

	if (!f)
		return -1;
	*h = 0xcbf29ce484222325ull;
	while ((c = getc(f)) != EOF)
		*h = (*h ^ (uint8_t)c) * 0x100000001b3ull;
	fclose(f);
	return 0;
}

static void add_str(struct json_object *o, const char *key, const char *val)
{
	json_object_object_add(o, key, json_object_new_string(val));
}

static void add_config_hash(struct json_object *ctx, const char *release)
{
	char path[128], buf[192];
	uint64_t h;

	snprintf(path, sizeof(path), "/boot/config-%s", release);
	if (hash_file(path, &h) && hash_file("/proc/config.gz", &h)) {
		add_str(ctx, "kernel_config_hash", "unknown");
		return;
	}
	snprintf(buf, sizeof(buf), "fnv1a64:%016llx (%s)",
		 (unsigned long long)h,
		 access(path, R_OK) ? "/proc/config.gz" : path);
	add_str(ctx, "kernel_config_hash", buf);
}

static void cpu_model(char *buf, size_t len)
{
	FILE *f = fopen("/proc/cpuinfo", "re");
	char line[256];

	snprintf(buf, len, "unknown");
	while (f && fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');

		if (!strncmp(line, "model name", 10) && colon) {
			line[strcspn(line, "\n")] = '\0';
			snprintf(buf, len, "%s", colon + 2);
			break;
		}
	}
	if (f)
		fclose(f);
}

static struct json_object *mitigations(void)
{
	const char *dir = "/sys/devices/system/cpu/vulnerabilities";
	struct json_object *o = json_object_new_object();
	DIR *d = opendir(dir);
	struct dirent *e;

	while (d && (e = readdir(d))) {
		char path[512], val[256];

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		read_line(path, val, sizeof(val));
		add_str(o, e->d_name, val);
	}
	if (d)
		closedir(d);
	return o;
}

static void virtualization(char *buf, size_t len)
{
	snprintf(buf, len, "none detected");
#if defined(__x86_64__) || defined(__i386__)
	unsigned int a, b, c, d;
	char vendor[13] = "";

	__cpuid(1, a, b, c, d);
	if (c & (1u << 31)) {
		__cpuid(0x40000000, a, b, c, d);
		memcpy(vendor, &b, 4);
		memcpy(vendor + 4, &c, 4);
		memcpy(vendor + 8, &d, 4);
		snprintf(buf, len, "hypervisor %s", vendor);
	}
#endif
	if (!access("/.dockerenv", F_OK) || !access("/run/.containerenv", F_OK))
		snprintf(buf + strlen(buf), len - strlen(buf), ", container");
}

static void add_gbench_fields(struct json_object *ctx, const char *argv0)
{
	char date[64], host[256] = "unknown";
	time_t now = time(NULL);
	struct tm tm;
	double load[3] = { 0, 0, 0 };
	struct json_object *la = json_object_new_array();
	int i;

	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S%z",
		 localtime_r(&now, &tm));
	gethostname(host, sizeof(host) - 1);
	add_str(ctx, "date", date);
	add_str(ctx, "host_name", host);
	add_str(ctx, "executable", argv0);
	json_object_object_add(
		ctx, "num_cpus",
		json_object_new_int((int)sysconf(_SC_NPROCESSORS_ONLN)));
	json_object_object_add(ctx, "mhz_per_cpu", json_object_new_int(0));
	getloadavg(load, 3);
	for (i = 0; i < 3; i++)
		json_object_array_add(la, json_object_new_double(load[i]));
	json_object_object_add(ctx, "load_avg", la);
	json_object_object_add(ctx, "caches", json_object_new_array());
	add_str(ctx, "library_build_type", "release");
	add_str(ctx, "library_version", "nsapi-bench 1");
}

/*
 * The boot parameters that change performance, and only those: the whole
 * command line may hold anything (root device, tokens, init arguments), and
 * results are shared.  A word is kept when it is one of perf_params[] or
 * starts with one that ends in '='.
 */
static const char *const perf_params[] = {
	"mitigations=",
	"pti=",
	"nopti",
	"kpti=",
	"nosmt",
	"smt=",
	"isolcpus=",
	"nohz_full=",
	"nohz=",
	"rcu_nocbs=",
	"irqaffinity=",
	"idle=",
	"preempt=",
	"clocksource=",
	"tsc=",
	"intel_pstate=",
	"amd_pstate=",
	"cpufreq.default_governor=",
	"processor.max_cstate=",
	"intel_idle.max_cstate=",
	"skew_tick=",
	"threadirqs",
	"spectre_v2=",
	"spectre_v2_user=",
	"spectre_bhi=",
	"nospectre_v1",
	"nospectre_v2",
	"spec_store_bypass_disable=",
	"ssbd=",
	"l1tf=",
	"mds=",
	"tsx=",
	"tsx_async_abort=",
	"retbleed=",
	"srbds=",
	"mmio_stale_data=",
	"gather_data_sampling=",
	"spec_rstack_overflow=",
	"reg_file_data_sampling=",
	"transparent_hugepage=",
	"init_on_alloc=",
	"init_on_free=",
	"page_alloc.shuffle=",
	"audit=",
	"psi=",
	"nokaslr",
	"lsm=",
	"security=",
	"selinux=",
	"apparmor=",
	"numa_balancing=",
};

static bool perf_param(const char *word, size_t n)
{
	for (size_t i = 0; i < sizeof(perf_params) / sizeof(*perf_params);
	     i++) {
		size_t k = strlen(perf_params[i]);
		bool prefix = perf_params[i][k - 1] == '=';

		if (prefix ? n > k && !strncmp(word, perf_params[i], k) :
			     n == k && !strncmp(word, perf_params[i], k))
			return true;
	}
	return false;
}

static void boot_params(char *out, size_t len)
{
	char line[4096];
	size_t used = 0;

	read_line("/proc/cmdline", line, sizeof(line));
	out[0] = '\0';
	for (char *w = line; *w;) {
		size_t n = strcspn(w, " \t");

		if (!strncmp(w, "--", 2) && n == 2)
			break; /* what follows goes to init */
		if (n && perf_param(w, n) && used + n + 2 < len)
			used += snprintf(out + used, len - used, "%s%.*s",
					 used ? " " : "", (int)n, w);
		w += n;
		w += strspn(w, " \t");
	}
}

struct json_object *env_collect(const char *argv0)
{
	struct json_object *ctx = json_object_new_object();
	struct utsname u;
	char buf[4096];

	if (!ctx)
		return NULL;
	add_gbench_fields(ctx, argv0);
	uname(&u);
	add_str(ctx, "kernel_release", u.release);
	add_str(ctx, "kernel_version", u.version);
	add_str(ctx, "machine", u.machine);
	add_config_hash(ctx, u.release);
	cpu_model(buf, sizeof(buf));
	add_str(ctx, "cpu_model", buf);
	json_object_object_add(ctx, "mitigations", mitigations());
	boot_params(buf, sizeof(buf));
	add_str(ctx, "boot_params", buf);
	read_line("/sys/devices/system/clocksource/clocksource0/"
		  "current_clocksource",
		  buf, sizeof(buf));
	add_str(ctx, "clocksource", buf);
	read_line("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor", buf,
		  sizeof(buf));
	add_str(ctx, "governor", buf);
	json_object_object_add(
		ctx, "cpu_scaling_enabled",
		json_object_new_boolean(strcmp(buf, "unknown") &&
					strcmp(buf, "performance")));
	virtualization(buf, sizeof(buf));
	add_str(ctx, "virtualization", buf);
	return ctx;
}

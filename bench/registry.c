// SPDX-License-Identifier: GPL-2.0
/* The one registry: every benchmark, in the order a run takes them. */
#include <string.h>

#include "bench.h"
#include "workloads.h"

/* Floors first: the rest is reported as multiples of floor/getppid. */
const struct bench_group bench_registry[] = {
	{ bench_floor, &bench_floor_count },
	{ bench_ns, &bench_ns_count },
	{ bench_nsfs, &bench_nsfs_count },
	{ bench_scale, &bench_scale_count },
};

const size_t bench_registry_count = ARRAY_SIZE(bench_registry);

static const char *kind_name(enum bench_kind k)
{
	return k == BENCH_BATCH ? "batch" : k == BENCH_CALL ? "call" : "custom";
}

void bench_list(FILE *out, bool verbose)
{
	size_t g, i;

	for (g = 0; g < bench_registry_count; g++) {
		for (i = 0; i < *bench_registry[g].count; i++) {
			const struct bench *b = &bench_registry[g].benches[i];

			if (!verbose) {
				fprintf(out, "%s\n", b->name);
				continue;
			}
			fprintf(out, "%-26s %-6s %s\n", b->name,
				kind_name(b->kind), b->iteration);
		}
	}
}

const struct bench *bench_find(const char *name)
{
	size_t g, i;

	for (g = 0; g < bench_registry_count; g++)
		for (i = 0; i < *bench_registry[g].count; i++)
			if (!strcmp(bench_registry[g].benches[i].name, name))
				return &bench_registry[g].benches[i];
	return NULL;
}

/* SPDX-License-Identifier: GPL-2.0 */
/* The environment recorded with every run (Google Benchmark's "context"). */
#ifndef NSAPI_BENCH_ENV_H
#define NSAPI_BENCH_ENV_H

#include <json-c/json.h>

/* A new "context" object; NULL only when out of memory. */
struct json_object *env_collect(const char *argv0);

#endif

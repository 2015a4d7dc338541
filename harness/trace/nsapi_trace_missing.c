// SPDX-License-Identifier: GPL-2.0
/*
 * What $(BUILD)/nsapi-trace is when the build machine lacked the tools for
 * the real tracer: it names them and exits with the skip status, 4.
 */
#include <stdio.h>

#ifndef TRACE_MISSING
#define TRACE_MISSING "clang, bpftool or libbpf"
#endif

int main(void)
{
	fprintf(stderr,
		"nsapi trace: not built: missing %s at build time (install "
		"them, e.g. make deps, then make)\n",
		TRACE_MISSING);
	return 4;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * A benchmark whose setup or timed call the environment refuses is skipped
 * with the reason, not failed, so that the rest of the bench runs: the
 * tests' rule (tests/ns_env.h) says when a refusal is the environment's (a
 * seccomp filter, no CAP_SYS_ADMIN, a namespace limit, a chroot refusing
 * user namespaces), and a chroot whose / is not a mount point cannot make /
 * private for the mount benchmarks.  Anything else stays a failure.
 */
#include "../tests/ns_env.h"

#include "bench.h"

static const char *why_refused(const struct bench_ctx *ctx, int err, char *buf,
			       size_t len)
{
	static const enum ns_call calls[] = { NS_CALL_UNSHARE, NS_CALL_CLONE,
					      NS_CALL_SETNS };
	int flag = ctx->t ? ctx->t->flag : CLONE_NEWNS;
	const char *why;

	for (size_t i = 0; i < sizeof(calls) / sizeof(*calls); i++) {
		why = ns_env_explains(calls[i], flag, err, buf, len);
		if (why)
			return why;
	}
	if (flag != CLONE_NEWUSER) {
		why = ns_env_explains(NS_CALL_UNSHARE, CLONE_NEWUSER, err, buf,
				      len);
		if (why)
			return why;
	}
	if (err == EINVAL && ns_env()->chrooted == 1)
		return "chrooted: / is not a mount point, so it cannot be made "
		       "private";
	return NULL;
}

/* 1 (skip, reason in ctx) when the environment explains @err, else 0. */
int bench_env_refused(struct bench_ctx *ctx, int err)
{
	char buf[256], line[512];
	const char *why = err > 0 ? why_refused(ctx, err, buf, sizeof(buf)) :
				    NULL;
	size_t n;

	if (!why)
		return 0;
	snprintf(line, sizeof(line), "%s%s%s", why,
		 ctx->skip_reason[0] ? ": " : "", ctx->skip_reason);
	n = strnlen(line, sizeof(ctx->skip_reason) - 1);
	memcpy(ctx->skip_reason, line, n);
	ctx->skip_reason[n] = '\0';
	return 1;
}

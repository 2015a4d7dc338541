// SPDX-License-Identifier: GPL-2.0
/* The result of a case or a program, and what counts as failed. */
#include "runner.h"

static const char *const names[ST_COUNT] = {
	[ST_PASS] = "pass",	  [ST_FAIL] = "fail",	[ST_SKIP] = "skip",
	[ST_XFAIL] = "xfail",	  [ST_XPASS] = "xpass", [ST_ERROR] = "error",
	[ST_TIMEOUT] = "timeout",
};

const char *status_name(enum status s)
{
	return s < ST_COUNT ? names[s] : "unknown";
}

/* An expected failure is a pass; an unexpected pass is a failure. */
bool status_failed(enum status s)
{
	return s == ST_FAIL || s == ST_XPASS || s == ST_ERROR ||
	       s == ST_TIMEOUT;
}

// SPDX-License-Identifier: GPL-2.0
/* suite.json: the environment, the totals, every program and every case. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "runner.h"

void json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p;
	     p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", out);
			break;
		case '\\':
			fputs("\\\\", out);
			break;
		case '\n':
			fputs("\\n", out);
			break;
		case '\t':
			fputs("\\t", out);
			break;
		default:
			if (*p < 0x20)
				fprintf(out, "\\u%04x", *p);
			else
				fputc(*p, out);
		}
	}
	fputc('"', out);
}

static void write_case(FILE *out, const struct program *p,
		       const struct test_case *c)
{
	fputs("    {\"id\": ", out);
	json_string(out, p->id);
	fputs(", \"program\": ", out);
	json_string(out, p->name);
	fputs(", \"case\": ", out);
	json_string(out, c->name);
	fputs(", \"fixture\": ", out);
	json_string(out, c->fixture);
	fputs(", \"variant\": ", out);
	json_string(out, c->variant);
	fputs(", \"test\": ", out);
	json_string(out, c->test);
	fprintf(out,
		", \"status\": \"%s\", \"reason\": ", status_name(c->status));
	json_string(out, c->reason);
	fprintf(out, ", \"duration_sec\": %.6f}", c->duration_sec);
}

static void write_program(FILE *out, const struct program *p)
{
	fputs("    {\"program\": ", out);
	json_string(out, p->name);
	fputs(", \"id\": ", out);
	json_string(out, p->id);
	fprintf(out,
		", \"status\": \"%s\", \"reason\": ", status_name(p->status));
	json_string(out, p->reason);
	fprintf(out, ", \"duration_sec\": %.3f, \"exit_code\": %d}",
		p->duration_sec, p->exit_code);
}

static void write_totals(FILE *out, const struct suite *s)
{
	fputs("  \"totals\": {", out);
	for (int i = 0; i < ST_COUNT; i++)
		fprintf(out, "%s\"%s\": %u", i ? ", " : "", status_name(i),
			s->totals[i]);
	fputs("},\n", out);
}

int write_suite_json(FILE *out, const struct suite *s, const struct options *o)
{
	struct environment env;
	const char *sep = "";

	env_collect(&env, o->run_uid, o->drop);
	fputs("{\n  \"schema\": \"nsapi-suite/1\",\n", out);
	env_write_json(out, &env);
	fputs("  \"run\": {\"label\": ", out);
	json_string(out, o->label);
	fputs(", \"user\": ", out);
	json_string(out, o->user);
	fprintf(out,
		", \"uid\": %d, \"cap_sys_admin\": %s, \"started\": \"%s\", "
		"\"duration_sec\": %.3f, \"timeout_sec\": %u},\n",
		(int)env.uid, env.cap_sys_admin ? "true" : "false", s->started,
		s->duration_sec, o->timeout_sec);
	write_totals(out, s);
	fputs("  \"programs\": [\n", out);
	for (size_t i = 0; i < s->nprogs; i++) {
		fputs(i ? ",\n" : "", out);
		write_program(out, &s->progs[i]);
	}
	fputs("\n  ],\n  \"cases\": [\n", out);
	for (size_t i = 0; i < s->nprogs; i++)
		for (size_t j = 0; j < s->progs[i].ncases; j++) {
			fputs(sep, out);
			write_case(out, &s->progs[i], &s->progs[i].cases[j]);
			sep = ",\n";
		}
	fputs("\n  ]\n}\n", out);
	return ferror(out) ? -EIO : 0;
}

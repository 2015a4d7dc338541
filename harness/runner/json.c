// SPDX-License-Identifier: GPL-2.0
/*
 * suite.json: the environment, the totals, every program and every case,
 * built and serialized with json-c.
 */
#include <errno.h>
#include <stdio.h>

#include <json-c/json.h>

#include "runner.h"

static void add(struct json_object *o, const char *key, struct json_object *v)
{
	json_object_object_add(o, key, v);
}

static struct json_object *str(const char *s)
{
	return json_object_new_string(s ? s : "");
}

/* A double printed with @fmt, as the earlier hand-written files had it. */
static struct json_object *fixed(double v, const char *fmt)
{
	char buf[64];

	snprintf(buf, sizeof(buf), fmt, v);
	return json_object_new_double_s(v, buf);
}

static struct json_object *case_json(const struct program *p,
				     const struct test_case *c)
{
	struct json_object *o = json_object_new_object();

	add(o, "id", str(p->id));
	add(o, "program", str(p->name));
	add(o, "case", str(c->name));
	add(o, "fixture", str(c->fixture));
	add(o, "variant", str(c->variant));
	add(o, "test", str(c->test));
	add(o, "status", str(status_name(c->status)));
	add(o, "reason", str(c->reason));
	add(o, "duration_sec", fixed(c->duration_sec, "%.6f"));
	return o;
}

static struct json_object *program_json(const struct program *p)
{
	struct json_object *o = json_object_new_object();

	add(o, "program", str(p->name));
	add(o, "id", str(p->id));
	add(o, "status", str(status_name(p->status)));
	add(o, "reason", str(p->reason));
	add(o, "duration_sec", fixed(p->duration_sec, "%.3f"));
	add(o, "exit_code", json_object_new_int(p->exit_code));
	return o;
}

static struct json_object *run_json(const struct suite *s,
				    const struct options *o,
				    const struct environment *env)
{
	struct json_object *r = json_object_new_object();

	add(r, "label", str(o->label));
	add(r, "user", str(o->user));
	add(r, "uid", json_object_new_int((int)env->uid));
	add(r, "cap_sys_admin", json_object_new_boolean(env->cap_sys_admin));
	add(r, "started", str(s->started));
	add(r, "duration_sec", fixed(s->duration_sec, "%.3f"));
	add(r, "timeout_sec", json_object_new_int64(o->timeout_sec));
	return r;
}

static struct json_object *skips_json(const struct suite *s)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; i < s->nskips; i++) {
		struct json_object *g = json_object_new_object();

		add(g, "cause", str(s->skips[i].cause));
		add(g, "cases", json_object_new_int64(s->skips[i].cases));
		json_object_array_add(a, g);
	}
	return a;
}

static struct json_object *suite_json(const struct suite *s,
				      const struct options *o)
{
	struct json_object *root = json_object_new_object();
	struct json_object *totals = json_object_new_object();
	struct json_object *progs = json_object_new_array();
	struct json_object *cases = json_object_new_array();
	struct environment env;

	env_collect(&env, o->run_uid, o->drop);
	add(root, "schema", str("nsapi-suite/1"));
	env_add_json(root, &env);
	if (s->env_line)
		env_probe_json(root, s->env_line);
	add(root, "run", run_json(s, o, &env));
	for (int i = 0; i < ST_COUNT; i++)
		add(totals, status_name(i),
		    json_object_new_int64(s->totals[i]));
	add(root, "totals", totals);
	add(root, "skipped_by_cause", skips_json(s));
	for (size_t i = 0; i < s->nprogs; i++) {
		json_object_array_add(progs, program_json(&s->progs[i]));
		for (size_t j = 0; j < s->progs[i].ncases; j++)
			json_object_array_add(cases,
					      case_json(&s->progs[i],
							&s->progs[i].cases[j]));
	}
	add(root, "programs", progs);
	add(root, "cases", cases);
	return root;
}

int write_suite_json(FILE *out, const struct suite *s, const struct options *o)
{
	struct json_object *root = suite_json(s, o);

	fputs(json_object_to_json_string_ext(
		      root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
				    JSON_C_TO_STRING_NOSLASHESCAPE),
	      out);
	fputc('\n', out);
	json_object_put(root);
	return ferror(out) ? -EIO : 0;
}

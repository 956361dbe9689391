/* general.c: what the general-ability types share: data paths, JSONL files, the order questions are asked in, storing a text sample. */
#include <cJSON.h>
#include <sys/stat.h>
#include "eval/tasks/general.h"
#include "eval/store.h"
#include "lib/rng.h"
#include "lib/strbuf.h"

int general_data_path(const struct task_parse *tp, const char *key, int required, char **out)
{
	const cJSON *v = task_key(tp, key);
	struct stat st;

	*out = NULL;
	if (!v) {
		if (required)
			return task_error(tp, NULL, "the task has no '%s' (its questions: a file, relative to the suite)", key);
		return 0;
	}
	if (!cJSON_IsString(v) || !*v->valuestring)
		return task_error(tp, key, "'%s' must name a file or folder", key);
	*out = task_path(tp, v->valuestring);
	if (!task_stored(tp) && stat(*out, &st) < 0) {
		task_error(tp, key, "cannot read '%s': %s", *out, strerror(errno));
		free(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

int general_read_file(struct strbuf *sb, const char *path)
{
	const char *nul;
	long line;

	if (strbuf_read_file(sb, path, (size_t)1 << 30) < 0)
		return error("cannot read '%s': %s", path, strerror(errno));
	/* a NUL would end a question where it is stored and sent, silently: refuse it, as the datasets do */
	nul = memchr(sb->buf, '\0', sb->len);
	if (!nul)
		return 0;
	line = text_line(sb->buf, nul);
	strbuf_release(sb);
	return error_at(path, line, "NUL byte in a text file (is it binary or UTF-16?)");
}

/* Whether [p, e) holds the escape \u0000 (its backslash not itself escaped): cJSON would end the string at the NUL. */
static int escapes_nul(const char *p, const char *e)
{
	const char *q;
	size_t slashes = 0;

	for (q = p; q + 6 <= e; q++) {
		if (*q != '\\') {
			slashes = 0;
			continue;
		}
		slashes++;
		if (slashes % 2 && !memcmp(q + 1, "u0000", 5))
			return 1;
	}
	return 0;
}

int general_read_jsonl(const char *path, int (*fn)(const cJSON *obj, long line, void *data), void *data)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p, *end;
	long line = 0, rows = 0;
	int ret = -1;

	if (general_read_file(&sb, path) < 0)
		return -1;
	p = sb.buf;
	end = sb.buf + sb.len;
	if (end - p >= 3 && !memcmp(p, "\xef\xbb\xbf", 3))
		p += 3;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *e = nl ? nl : end, *q;
		cJSON *obj;
		int rc;

		line++;
		for (q = p; q < e && isspace((unsigned char)*q); q++)
			;
		if (q == e) {
			p = e + 1;
			continue;
		}
		if (escapes_nul(p, e)) {
			error_at(path, line, "\\u0000 (a NUL) in a string: it would cut the text there");
			goto out;
		}
		obj = cJSON_ParseWithLengthOpts(p, (size_t)(e - p), &q, 0);
		/* one object a line: cJSON stops after the first value, so text after it is checked here */
		while (obj && q < e && isspace((unsigned char)*q))
			q++;
		if (!cJSON_IsObject(obj) || q < e) {
			cJSON_Delete(obj);
			error_at(path, line, "not a JSON object");
			goto out;
		}
		rc = fn(obj, line, data);
		cJSON_Delete(obj);
		if (rc < 0)
			goto out;
		rows++;
		p = e + 1;
	}
	if (!rows) {
		error("%s: no questions in the file", path);
		goto out;
	}
	ret = 0;
out:
	strbuf_release(&sb);
	return ret;
}

size_t *general_order(const struct run_plan *plan, const char *task, const size_t *group, size_t n,
		      size_t *n_out)
{
	size_t *out = xmalloc((n ? n : 1) * sizeof(*out)), i, k = 0, g, n_groups = 0;

	for (i = 0; i < n; i++)
		if (group && group[i] + 1 > n_groups)
			n_groups = group[i] + 1;
	if (!group)
		n_groups = 1;
	if (plan->limit < 0) {
		for (i = 0; i < n; i++)
			out[k++] = i;
	} else {
		/* per group: a seeded shuffle, the first N; groups in the order of the file */
		uint32_t *members = xmalloc((n ? n : 1) * sizeof(*members));
		for (g = 0; g < n_groups; g++) {
			struct rng r;
			size_t m = 0, j;
			for (i = 0; i < n; i++)
				if (!group || group[i] == g)
					members[m++] = (uint32_t)i;
			rng_seed(&r, rng_mix(rng_mix(plan->seed, str_hash(task, strlen(task))), g));
			rng_shuffle_u32(&r, members, m);
			for (j = 0; j < m && (long)j < plan->limit; j++)
				out[k++] = members[j];
		}
		free(members);
	}
	if (plan->shard_n > 1) {
		size_t kept = 0;
		for (i = 0; i < k; i++)
			if ((long)(i % (size_t)plan->shard_n) == plan->shard_i)
				out[kept++] = out[i];
		k = kept;
	}
	*n_out = k;
	return out;
}

void general_metric(struct general_sample *s, const char *name, double value)
{
	if (s->n == s->alloc) {
		s->alloc = s->alloc ? s->alloc * 2 : 8;
		s->names = xrealloc(s->names, s->alloc * sizeof(*s->names));
		s->values = xrealloc(s->values, s->alloc * sizeof(*s->values));
	}
	s->names[s->n] = name;
	s->values[s->n++] = value;
}

void general_from_answer(struct general_sample *s, const struct llm_answer *a, int from_cache, char **err_owned)
{
	*err_owned = NULL;
	s->response = a->content;
	s->latency_ms = a->latency_ms;
	s->tokens_in = from_cache ? 0 : a->tokens_in;
	s->tokens_out = from_cache ? 0 : a->tokens_out;
	s->status = a->status == LLM_OK && a->content ? "ok" : "error";
	if (a->status == LLM_REFUSED)
		s->error = *err_owned = xstrfmt("refused by the content filter%s%s", a->error ? ": " : "",
						a->error ? a->error : "");
	else if (a->status != LLM_OK)
		s->error = a->error ? a->error : "the model could not answer";
	else if (!a->content)
		s->error = "the answer has no content";
}

int general_store(struct task_ctx *c, struct general_sample *s)
{
	struct sample_record rec = { 0 };
	int ok = s->status && !strcmp(s->status, "ok"), ret;

	rec.task = c->t->name;
	rec.sample_id = s->sample_id;
	rec.user = NULL;
	rec.target = s->target;
	rec.request = s->request;
	rec.response = s->response;
	rec.ranking = ok ? s->ranking : NULL;
	rec.transcript = s->transcript;
	rec.status = ok ? "ok" : "error";
	rec.error = ok ? NULL : s->error ? s->error : "the model could not answer";
	rec.latency_ms = s->latency_ms;
	rec.tokens_in = s->tokens_in;
	rec.tokens_out = s->tokens_out;
	if (!ok) {
		/* an error is counted, never scored as an answer */
		s->n = 0;
		c->errors++;
	}
	general_metric(s, "error_rate", !ok);
	rec.metric_names = s->names;
	rec.metric_values = s->values;
	rec.n_metrics = s->n;
	ret = store_put_sample(c->store, c->run_id, &rec) < 0 ? -1 : 0;
	if (!ret)
		progress_step(c->prog);
	free(s->names);
	free(s->values);
	s->names = NULL;
	s->values = NULL;
	s->n = s->alloc = 0;
	return ret;
}

void general_messages_json(struct strbuf *out, const struct llm_message *m, size_t n)
{
	size_t i;

	strbuf_addstr(out, "{\"messages\":[");
	for (i = 0; i < n; i++) {
		strbuf_addstr(out, i ? ",{\"role\":" : "{\"role\":");
		strbuf_add_json(out, m[i].role);
		strbuf_addstr(out, ",\"content\":");
		strbuf_add_json(out, m[i].content);
		strbuf_addch(out, '}');
	}
	strbuf_addstr(out, "]}");
}

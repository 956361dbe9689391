/* instruction.c: the `instruction_following` task: IFEval's prompts (input_data.jsonl as published), each response checked strictly and loosely against its verifiable instructions. */
#include <cJSON.h>
#include "eval/tasks/general.h"
#include "eval/ifeval/ifeval.h"
#include "eval/store.h"

static const char *const keys[] = { "data", NULL };

struct if_prompt {
	char *key;               /* the sample id: IFEval's "key" */
	char *prompt;
	struct ifeval_instr *in;
	size_t n_in;
};

struct if_data {
	char *path;
	struct if_prompt *p;
	size_t n, alloc;
};

/* A key as a sample id: IFEval writes numbers; strings are taken as they are. */
static char *key_text(const cJSON *v)
{
	if (cJSON_IsNumber(v) && v->valuedouble == floor(v->valuedouble) && fabs(v->valuedouble) < 1e15)
		return xstrfmt("%.0f", v->valuedouble);
	if (cJSON_IsString(v) && *v->valuestring)
		return xstrdup(v->valuestring);
	return NULL;
}

static void prompt_release(struct if_prompt *p)
{
	size_t i;

	free(p->key);
	free(p->prompt);
	for (i = 0; i < p->n_in; i++)
		ifeval_instr_release(&p->in[i]);
	free(p->in);
}

static int read_line(const cJSON *obj, long line, void *data)
{
	struct if_data *d = data;
	const cJSON *prompt = cJSON_GetObjectItemCaseSensitive(obj, "prompt");
	const cJSON *ids = cJSON_GetObjectItemCaseSensitive(obj, "instruction_id_list");
	const cJSON *kwargs = cJSON_GetObjectItemCaseSensitive(obj, "kwargs"), *id;
	struct if_prompt p = { 0 };
	size_t i = 0, n, j;

	if (!cJSON_IsString(prompt) || !*prompt->valuestring)
		return error_at(d->path, line, "no \"prompt\" (a non-empty string)");
	if (!cJSON_IsArray(ids) || !(n = (size_t)cJSON_GetArraySize(ids)))
		return error_at(d->path, line, "no \"instruction_id_list\" (a non-empty array of instruction ids)");
	if (kwargs && !cJSON_IsNull(kwargs) && (!cJSON_IsArray(kwargs) || (size_t)cJSON_GetArraySize(kwargs) != n))
		return error_at(d->path, line, "\"kwargs\" must be an array with one object per instruction id (%zu)", n);
	p.key = key_text(cJSON_GetObjectItemCaseSensitive(obj, "key"));
	if (!p.key)
		p.key = xstrfmt("%ld", line);
	for (j = 0; j < d->n; j++)
		if (!strcmp(d->p[j].key, p.key)) {
			error_at(d->path, line, "key %s is given twice", p.key);
			free(p.key);
			return -1;
		}
	p.prompt = xstrdup(prompt->valuestring);
	p.in = xcalloc(n, sizeof(*p.in));
	cJSON_ArrayForEach(id, ids) {
		char *err = NULL;
		const cJSON *kw = kwargs && cJSON_IsArray(kwargs) ? cJSON_GetArrayItem(kwargs, (int)i) : NULL;
		if (!cJSON_IsString(id)) {
			prompt_release(&p);
			return error_at(d->path, line, "instruction ids must be strings");
		}
		if (ifeval_instr_parse(&p.in[i], id->valuestring, kw, &err) < 0) {
			error_at(d->path, line, "%s", err);
			free(err);
			prompt_release(&p);
			return -1;
		}
		p.n_in = ++i;
	}
	ALLOC_GROW(d->p, d->n + 1, d->alloc);
	d->p[d->n++] = p;
	return 0;
}

static void release(struct task_spec *t)
{
	struct if_data *d = t->priv;
	size_t i;

	if (!d)
		return;
	for (i = 0; i < d->n; i++)
		prompt_release(&d->p[i]);
	free(d->p);
	free(d->path);
	free(d);
	t->priv = NULL;
}

static int parse(struct task_spec *t, const struct task_parse *tp)
{
	struct if_data *d = xcalloc(1, sizeof(*d));

	t->priv = d;
	if (general_data_path(tp, "data", 1, &d->path) < 0)
		return -1;
	/* a stored suite (finishing a run) reads no file: the store has what finish() needs */
	if (task_stored(tp))
		return 0;
	return general_read_jsonl(d->path, read_line, d);
}

static char **metric_names(const struct task_spec *t, int with_categories, size_t *n)
{
	static const char *const names[] = {
		"prompt_strict_acc", "instruction_strict_acc", "prompt_loose_acc", "instruction_loose_acc",
	};
	char **out = xmalloc(ARRAY_SIZE(names) * sizeof(*out));
	size_t i;

	(void)t;
	(void)with_categories;
	for (i = 0; i < ARRAY_SIZE(names); i++)
		out[i] = xstrdup(names[i]);
	*n = ARRAY_SIZE(names);
	return out;
}

struct if_run {
	struct ifeval_checker *checker;
	size_t *order, n;
	char *names[2][IF__COUNT];   /* instruction_{strict,loose}_acc/<id> */
	struct llm_message msg;
	struct strbuf req;
};

static size_t samples(const struct task_spec *t, const struct run_plan *plan)
{
	const struct if_data *d = t->priv;
	size_t n = 0;

	free(general_order(plan, t->name, NULL, d->n, &n));
	return n;
}

static int start(struct task_ctx *c)
{
	const struct if_data *d = c->t->priv;
	struct if_run *r = xcalloc(1, sizeof(*r));
	size_t i;

	r->checker = ifeval_checker_new();
	r->order = general_order(c->plan, c->t->name, NULL, d->n, &r->n);
	for (i = 0; i < IF__COUNT; i++) {
		r->names[0][i] = xstrfmt("instruction_strict_acc/%s", ifeval_name((enum ifeval_id)i));
		r->names[1][i] = xstrfmt("instruction_loose_acc/%s", ifeval_name((enum ifeval_id)i));
	}
	strbuf_init(&r->req, 0);
	c->priv = r;
	return EXIT_OK;
}

static void stop(struct task_ctx *c)
{
	struct if_run *r = c->priv;
	size_t i;

	if (!r)
		return;
	ifeval_checker_free(r->checker);
	free(r->order);
	for (i = 0; i < IF__COUNT; i++) {
		free(r->names[0][i]);
		free(r->names[1][i]);
	}
	strbuf_release(&r->req);
	free(r);
	c->priv = NULL;
}

static size_t work_count(struct task_ctx *c, unsigned phase)
{
	const struct if_run *r = c->priv;
	return phase == 1 ? r->n : 0;
}

/*
 * Per sample: prompt_*_acc (1 when every instruction is followed),
 * instruction_*_acc (the share of its instructions followed; the run's
 * figure is the share over all instructions, set by finish()),
 * instructions (how many it has), and per instruction id its share
 * followed, as instruction_{strict,loose}_acc/<id>.
 */
static int score(struct task_ctx *c, const struct if_prompt *p, struct general_sample *s)
{
	struct if_run *r = c->priv;
	unsigned char *strict = xcalloc(p->n_in + 1, 2), *loose = strict + p->n_in + 1;
	size_t i, j, k, ns = 0, nl = 0;
	int ret;

	ifeval_evaluate(r->checker, p->in, p->n_in, s->response, s->response ? strlen(s->response) : 0, strict, loose);
	for (i = 0; i < p->n_in; i++) {
		ns += strict[i];
		nl += loose[i];
	}
	general_metric(s, "prompt_strict_acc", ns == p->n_in);
	general_metric(s, "instruction_strict_acc", (double)ns / (double)p->n_in);
	general_metric(s, "prompt_loose_acc", nl == p->n_in);
	general_metric(s, "instruction_loose_acc", (double)nl / (double)p->n_in);
	general_metric(s, "instructions", (double)p->n_in);
	for (i = 0; i < p->n_in; i++) {
		size_t seen = 0, fs = 0, fl = 0;
		for (j = 0; j < i; j++)
			seen |= p->in[j].id == p->in[i].id;
		if (seen)
			continue;
		for (k = 0, j = i; j < p->n_in; j++)
			if (p->in[j].id == p->in[i].id) {
				k++;
				fs += strict[j];
				fl += loose[j];
			}
		general_metric(s, r->names[0][p->in[i].id], (double)fs / (double)k);
		general_metric(s, r->names[1][p->in[i].id], (double)fl / (double)k);
	}
	ret = general_store(c, s);
	free(strict);
	return ret;
}

static int step(struct task_ctx *c, struct work *w, const struct llm_answer *a, int from_cache,
		struct llm_request *req)
{
	const struct if_data *d = c->t->priv;
	struct if_run *r = c->priv;
	const struct if_prompt *p = &d->p[r->order[w->index]];
	struct general_sample s = { 0 };
	char *err = NULL;
	int ret;

	if (!a) {
		if (already_done(c->plan, c->t->name, p->key)) {
			progress_step(c->prog);
			return STEP_DONE;
		}
		r->msg.role = "user";
		r->msg.content = p->prompt;
		strbuf_reset(&r->req);
		general_messages_json(&r->req, &r->msg, 1);
		free(w->request);
		w->request = xstrdup(r->req.buf);
		w->role = ROLE_SUBJECT;
		req->kind = LLM_CHAT;
		req->messages = &r->msg;
		req->n_messages = 1;
		return STEP_SEND;
	}
	s.sample_id = p->key;
	s.request = w->request;
	general_from_answer(&s, a, from_cache, &err);
	if (!strcmp(s.status, "ok"))
		ret = score(c, p, &s);
	else
		ret = general_store(c, &s);
	free(err);
	return ret < 0 ? -1 : STEP_DONE;
}

/*
 * IFEval's instruction-level accuracy is the share of all instructions
 * followed, over every prompt (lm-evaluation-harness agg_inst_level_acc):
 * a prompt with three instructions weighs three times one with one. The
 * run's instruction_*_acc are set to that (without an interval); the
 * per-sample values stay each prompt's share, for paired comparisons.
 */
static int finish(struct store *s, int64_t run, const struct task_spec *t, const struct catalogue *cat,
		  struct run_values *rv)
{
	struct run_sample_metrics m;
	double followed[2] = { 0, 0 }, total = 0;
	size_t i, task = SIZE_MAX, mi_n = SIZE_MAX, mi[2] = { SIZE_MAX, SIZE_MAX };
	int ret = -1;

	(void)cat;
	if (store_get_sample_metrics(s, run, &m) < 0)
		goto out;
	for (i = 0; i < m.n_tasks; i++)
		if (!strcmp(m.tasks[i], t->name))
			task = i;
	for (i = 0; i < m.n_metrics; i++) {
		if (!strcmp(m.metrics[i], "instructions"))
			mi_n = i;
		else if (!strcmp(m.metrics[i], "instruction_strict_acc"))
			mi[0] = i;
		else if (!strcmp(m.metrics[i], "instruction_loose_acc"))
			mi[1] = i;
	}
	if (task == SIZE_MAX || mi_n == SIZE_MAX) {
		ret = 0;
		goto out;
	}
	/* rows are sorted by task, metric, sample id: the three metrics' rows walk side by side */
	{
		size_t lo[3], hi[3], at[3], want[3] = { mi_n, mi[0], mi[1] }, k;
		for (k = 0; k < 3; k++) {
			for (lo[k] = 0; lo[k] < m.n && (m.rows[lo[k]].task != task || m.rows[lo[k]].metric != want[k]); lo[k]++)
				;
			for (hi[k] = lo[k]; hi[k] < m.n && m.rows[hi[k]].task == task && m.rows[hi[k]].metric == want[k]; hi[k]++)
				;
			at[k] = lo[k];
		}
		for (; at[0] < hi[0]; at[0]++) {
			const struct sample_metric *row = &m.rows[at[0]];
			if (isnan(row->value))
				continue;
			total += row->value;
			for (k = 1; k < 3; k++) {
				while (at[k] < hi[k] && strcmp(m.rows[at[k]].sample_id, row->sample_id) < 0)
					at[k]++;
				if (at[k] < hi[k] && !strcmp(m.rows[at[k]].sample_id, row->sample_id))
					followed[k - 1] += m.rows[at[k]].value * row->value;
			}
		}
	}
	if (total > 0) {
		run_values_add(rv, t->name, xstrdup("instruction_strict_acc"), followed[0] / total, (size_t)total);
		run_values_add(rv, t->name, xstrdup("instruction_loose_acc"), followed[1] / total, (size_t)total);
	}
	ret = 0;
out:
	run_sample_metrics_release(&m);
	return ret;
}

const struct task_type task_instruction_following = {
	.name = "instruction_following",
	.summary = "IFEval: prompts with verifiable instructions, checked strictly and loosely "
		   "(prompt_strict_acc, instruction_strict_acc, prompt_loose_acc, instruction_loose_acc)",
	.flags = TASK_TEXT | TASK_OWN_DATA,
	.keys = keys,
	.parse = parse,
	.release = release,
	.metric_names = metric_names,
	.start = start,
	.samples = samples,
	.work_count = work_count,
	.step = step,
	.stop = stop,
	.finish = finish,
};

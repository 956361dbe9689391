/* cmd_judge.c: `receval judge`: two runs' answers judged pairwise in both orders, or a judge calibrated against human labels. */
#include <signal.h>
#include <cJSON.h>
#include "eval/cli/cmd.h"
#include "lib/opt.h"
#include "lib/rng.h"
#include "lib/strmap.h"
#include "eval/judge.h"
#include "eval/calibrate.h"
#include "eval/codec.h"
#include "eval/runarg.h"
#include "eval/run.h"
#include "eval/store_judge.h"
#include "eval/suite.h"
#include "metrics/stats.h"
#include "adapters/prices.h"

static const char usage_judge[] =
	"receval judge RUN_A RUN_B --judge SPEC [--task NAME]... [--format table|json] [--db FILE]\n"
	"   or: receval judge --calibrate LABELS.jsonl --judge SPEC [--format table|json] [--db FILE]\n"
	"\n"
	"Pairwise: every sample both runs answered in each text task (explanation, ...), judged\n"
	"with B's answer against A's in both orders (MT-Bench's prompt; an order-dependent verdict\n"
	"is a tie). Stored with both prompts and raw verdicts; see 'receval list', 'receval report',\n"
	"and gate rules such as 'explanation.win_rate_adjusted>=0.45'.\n"
	"Calibrate: the judge against human labels, lines {\"question\", \"answer_a\", \"answer_b\",\n"
	"\"winner\": \"a\"|\"b\"|\"tie\"} or MT-Bench's human judgments.\n"
	"Exit 0: done; 2: a bad flag; 3: a run, task or labels file is missing or malformed;\n"
	"4: the judge could not answer some samples (run the same command again: answers are cached);\n"
	"5: the database cannot be used";

static void on_sigint(int sig)
{
	(void)sig;
	__atomic_store_n(&run_interrupted, 1, __ATOMIC_RELAXED);
}

#define FIGURE_SEED 0x6a75646765ull  /* "judge" */

/* One task's items (a slice of all items) and what they add up to. */
struct task_slice {
	char *task;
	size_t first, n;
};

struct judging_ctx {
	struct store *store;
	int64_t id;
	double committed;      /* when the open transaction began (ms) */
};

/* Judged samples are committed in groups, at least every JUDGE_COMMIT_MS: a crash loses no more. */
#define JUDGE_COMMIT_MS 50

static void add_verdict_json(struct strbuf *sb, const struct judge_item *it, int order)
{
	int v = order ? it->j.first_yx : it->j.first_xy;

	if (v >= 0) {
		strbuf_addf(sb, "{\"verdict\":\"%c\"}", "ABC"[v]);
	} else if (it->why[order]) {
		strbuf_addstr(sb, "{\"failure\":");
		strbuf_add_json(sb, it->why[order]);
		strbuf_addch(sb, '}');
	}
}

/* Store a judged item as it completes. */
static int store_item(struct judge_item *it, void *data)
{
	struct judging_ctx *jc = data;
	struct judgment_sample js = { 0 };
	struct transcript_row e[2];
	struct strbuf tr = STRBUF_INIT, v[2] = { STRBUF_INIT, STRBUF_INIT };
	char ab[2] = { 0 }, ba[2] = { 0 };
	int o = it->error ? -1 : pair_outcome(&it->j), i, n = 0, ret;

	memset(e, 0, sizeof(e));
	for (i = 0; i < 2; i++) {
		if (!it->request[i])
			continue;
		add_verdict_json(&v[i], it, i);
		e[n].role = "judge";
		e[n].turn = it->turns;
		e[n].score = NAN;
		e[n].request = it->request[i];
		e[n].response = it->raw[i];
		e[n].status = it->raw[i] || it->why[i] ? "ok" : "error";
		e[n].error = it->raw[i] || it->why[i] ? NULL : it->error;
		e[n].verdict = v[i].len ? v[i].buf : NULL;
		e[n].latency_ms = it->latency_ms[i];
		e[n].cached = it->cached[i];
		n++;
	}
	/* the request's tokens are the item's: kept on the first entry */
	if (n) {
		e[0].tokens_in = it->tokens_in;
		e[0].tokens_out = it->tokens_out;
	}
	codec_put_transcript(&tr, e, (size_t)n);
	if (it->j.first_xy >= 0)
		ab[0] = "ABC"[it->j.first_xy];
	if (it->j.first_yx >= 0)
		ba[0] = "ABC"[it->j.first_yx];
	js.task = it->task;
	js.sample_id = it->id;
	js.question = it->question[it->turns - 1];
	js.answer_a = it->x[it->turns - 1];
	js.answer_b = it->y[it->turns - 1];
	js.verdict_ab = ab[0] ? ab : NULL;
	js.verdict_ba = ba[0] ? ba : NULL;
	js.outcome = o == PAIR_X ? "a" : o == PAIR_Y ? "b" : o == PAIR_TIE ? "tie" : NULL;
	js.status = it->error ? "error" : "ok";
	js.error = it->error;
	js.transcript = tr.buf;
	ret = store_judgment_put_sample(jc->store, jc->id, &js);
	if (!ret && now_ms() - jc->committed >= JUDGE_COMMIT_MS) {
		ret = store_judge_commit(jc->store) < 0 || store_judge_begin(jc->store) < 0 ? -1 : 0;
		jc->committed = now_ms();
	}
	strbuf_release(&tr);
	strbuf_release(&v[0]);
	strbuf_release(&v[1]);
	return ret < 0 ? -1 : 0;
}

/* One row of figures, stored and shown. */
struct figure {
	const char *name;
	double value, lo, hi;
	size_t n;
};

#define MAX_FIGURES 20

static void fig(struct figure *f, size_t *n, const char *name, double value, size_t count)
{
	f[*n].name = name;
	f[*n].value = value;
	f[*n].lo = f[*n].hi = NAN;
	f[*n].n = count;
	(*n)++;
}

/* A task's pairwise figures from items[0..n) (the judge's errors left out). */
static size_t pair_task_figures(struct figure *f, const struct judge_item *items, size_t n, const char *task,
				const struct price *price)
{
	struct pair_judgment *j = xcalloc(n + 1, sizeof(*j));
	double *score = xcalloc(n + 1, sizeof(*score)), lo, hi;
	struct pair_figures pf;
	long long tin = 0, tout = 0;
	size_t i, m = 0, k = 0, errors = 0, s = 0;

	for (i = 0; i < n; i++) {
		int o;
		tin += items[i].tokens_in;
		tout += items[i].tokens_out;
		if (items[i].error) {
			errors++;
			continue;
		}
		j[m++] = items[i].j;
		o = pair_outcome(&items[i].j);
		if (o >= 0)
			score[s++] = o == PAIR_Y ? 1 : o == PAIR_TIE ? 0.5 : 0;
	}
	pair_figures(&pf, j, m);
	stats_bootstrap_ci(&lo, &hi, score, s, 1000, 0.95, rng_mix(FIGURE_SEED, str_hash(task, strlen(task))));
	fig(f, &k, "samples", (double)n, n);
	fig(f, &k, "judged", (double)pf.judged, m);
	fig(f, &k, "win_rate", pf.win_rate, pf.judged);
	fig(f, &k, "loss_rate", pf.loss_rate, pf.judged);
	fig(f, &k, "tie_rate", pf.tie_rate, pf.judged);
	fig(f, &k, "win_rate_adjusted", pf.win_rate_adjusted, pf.judged);
	f[k - 1].lo = lo;
	f[k - 1].hi = hi;
	fig(f, &k, "p", pf.p, pf.wins + pf.losses);
	fig(f, &k, "consistency_rate", pf.consistency_rate, pf.judged);
	fig(f, &k, "first_position_rate", pf.first_position_rate, pf.judged);
	fig(f, &k, "longer_preferred_rate", pf.longer_preferred_rate, pf.judged);
	fig(f, &k, "judge_failure_rate", pf.judge_failure_rate, m);
	fig(f, &k, "judge_errors", (double)errors, n);
	fig(f, &k, "judge_tokens_in", (double)tin, n);
	fig(f, &k, "judge_tokens_out", (double)tout, n);
	fig(f, &k, "judge_cost_usd", (tin * price->in + tout * price->out) / 1e6, n);
	free(j);
	free(score);
	return k;
}

static size_t calibration_figures(struct figure *f, const struct calibration *c)
{
	size_t k = 0;

	fig(f, &k, "labels", (double)c->labels, c->labels);
	fig(f, &k, "items", (double)c->items, c->items);
	fig(f, &k, "judged", (double)c->judged, c->items);
	fig(f, &k, "agreement", c->agreement, c->labels);
	fig(f, &k, "agreement_no_ties", c->agreement_no_ties, c->labels);
	fig(f, &k, "kappa", c->kappa, c->labels);
	fig(f, &k, "consistency_rate", c->consistency_rate, c->judged);
	fig(f, &k, "first_position_rate", c->first_position_rate, c->judged);
	fig(f, &k, "longer_preferred_rate", c->longer_preferred_rate, c->judged);
	fig(f, &k, "human_longer_preferred_rate", c->human_longer_preferred_rate, c->labels);
	fig(f, &k, "human_agreement", c->human_agreement, c->human_pairs);
	fig(f, &k, "human_agreement_no_ties", c->human_agreement_no_ties, c->human_pairs);
	fig(f, &k, "human_pairs", (double)c->human_pairs, c->human_pairs);
	fig(f, &k, "judge_failure_rate", c->judge_failure_rate, c->items);
	return k;
}

static void print_number(FILE *out, double v)
{
	if (isnan(v))
		fputs("null", out);
	else if (v == floor(v) && fabs(v) < 1e15)
		fprintf(out, "%.0f", v);
	else
		fprintf(out, "%.6g", v);
}

static void print_table_rows(const char *task, const struct figure *f, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		printf("%-14s %-28s ", task, f[i].name);
		if (isnan(f[i].value))
			printf("%10s", "n/a");  /* nothing to count or test; null in JSON */
		else if (f[i].value == floor(f[i].value) && strcmp(f[i].name, "p"))
			printf("%10.0f", f[i].value);
		else
			printf("%10.4f", f[i].value);
		if (!isnan(f[i].lo))
			printf("  [%.4f, %.4f]", f[i].lo, f[i].hi);
		putchar('\n');
	}
}

static void print_json_task(const char *task, const struct figure *f, size_t n, int first)
{
	size_t i;
	struct strbuf name = STRBUF_INIT;

	strbuf_add_json(&name, task);
	printf("%s%s: {", first ? "" : ", ", name.buf);
	for (i = 0; i < n; i++) {
		printf("%s\"%s\": ", i ? ", " : "", f[i].name);
		print_number(stdout, f[i].value);
		if (!isnan(f[i].lo)) {
			printf(", \"%s_ci\": [", f[i].name);
			print_number(stdout, f[i].lo);
			printf(", ");
			print_number(stdout, f[i].hi);
			printf("]");
		}
	}
	printf("}");
	strbuf_release(&name);
}

static int store_figures(struct store *s, int64_t id, const char *task, const struct figure *f, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (store_judgment_put_metric(s, id, task, f[i].name, f[i].value, f[i].lo, f[i].hi, f[i].n) < 0)
			return -1;
	return 0;
}

/* The question a stored request asked: its last user message (the whole request when unreadable). */
static char *question_of(const char *request)
{
	cJSON *r = request ? cJSON_Parse(request) : NULL, *m;
	const char *q = NULL;
	char *out;

	cJSON_ArrayForEach(m, cJSON_GetObjectItemCaseSensitive(r, "messages")) {
		const cJSON *role = cJSON_GetObjectItemCaseSensitive(m, "role");
		const cJSON *content = cJSON_GetObjectItemCaseSensitive(m, "content");
		if (cJSON_IsString(role) && !strcmp(role->valuestring, "user") && cJSON_IsString(content))
			q = content->valuestring;
	}
	out = xstrdup(q ? q : request ? request : "");
	cJSON_Delete(r);
	return out;
}

/* The stored suite of a run, for its task types. */
static int run_suite(struct suite *out, const struct run_info *ri)
{
	cJSON *c = ri->config ? cJSON_Parse(ri->config) : NULL, *v = cJSON_GetObjectItemCaseSensitive(c, "suite");
	char *text = cJSON_IsObject(v) ? cJSON_PrintUnformatted(v) : NULL;
	int ret;

	memset(out, 0, sizeof(*out));
	ret = text ? suite_parse_stored(out, text, strlen(text)) : error("run %lld has no stored suite", (long long)ri->id);
	if (text)
		cJSON_free(text);
	cJSON_Delete(c);
	return ret;
}

static const struct task_spec *find_task(const struct suite *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->n_tasks; i++)
		if (!strcmp(s->tasks[i].name, name))
			return &s->tasks[i];
	return NULL;
}

static int wanted(const struct opt_list *tasks, const char *name)
{
	size_t i;

	if (!tasks->n)
		return 1;
	for (i = 0; i < tasks->n; i++)
		if (!strcmp(tasks->v[i], name))
			return 1;
	return 0;
}

/* Everything the pairwise judging owns. */
struct pairwise {
	struct judge_item *items;
	size_t n, alloc;
	struct task_slice *tasks;
	size_t n_tasks;
	char **strings;
	size_t n_strings, alloc_strings;
};

static const char *own(struct pairwise *p, char *s)
{
	ALLOC_GROW(p->strings, p->n_strings + 1, p->alloc_strings);
	p->strings[p->n_strings++] = s;
	return s;
}

static void pairwise_release(struct pairwise *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		judge_item_release(&p->items[i]);
	free(p->items);
	for (i = 0; i < p->n_tasks; i++)
		free(p->tasks[i].task);
	free(p->tasks);
	for (i = 0; i < p->n_strings; i++)
		free(p->strings[i]);
	free(p->strings);
}

/* The items of the text tasks both runs have, their shared successful samples. Returns an exit code. */
static int collect_pairs(struct pairwise *p, struct store *s, const struct run_info *a, const struct run_info *b,
			 const struct opt_list *only)
{
	struct suite sa, sb;
	size_t t, i, j;
	int ret = EXIT_INPUT;

	if (run_suite(&sa, a) < 0)
		return EXIT_INPUT;
	if (run_suite(&sb, b) < 0) {
		suite_release(&sa);
		return EXIT_INPUT;
	}
	for (i = 0; i < only->n; i++) {
		const struct task_spec *ta = find_task(&sa, only->v[i]), *tb = find_task(&sb, only->v[i]);
		if (!ta || !tb || !(ta->type->flags & TASK_PROSE)) {
			error("--task '%s': %s", only->v[i], !ta || !tb ? "not a task of both runs" :
			      "not a text task (explanation, ...): nothing for a judge to compare");
			goto out;
		}
	}
	for (t = 0; t < sa.n_tasks; t++) {
		const struct task_spec *ta = &sa.tasks[t], *tb = find_task(&sb, ta->name);
		struct answer_row *ra = NULL, *rb = NULL;
		size_t na = 0, nb = 0, first = p->n;
		if (!(ta->type->flags & TASK_PROSE) || !tb || !(tb->type->flags & TASK_PROSE) || !wanted(only, ta->name))
			continue;
		if (store_get_answers(s, a->id, ta->name, &ra, &na) < 0 || store_get_answers(s, b->id, ta->name, &rb, &nb) < 0) {
			answer_rows_free(ra, na);
			ret = EXIT_STORE;
			goto out;
		}
		/* both are sorted by sample_id: a merge */
		for (i = 0, j = 0; i < na && j < nb;) {
			int c = strcmp(ra[i].sample_id, rb[j].sample_id);
			struct judge_item *it;
			if (c) {
				c < 0 ? i++ : j++;
				continue;
			}
			ALLOC_GROW(p->items, p->n + 1, p->alloc);
			it = &p->items[p->n++];
			memset(it, 0, sizeof(*it));
			it->task = own(p, xstrdup(ta->name));
			it->id = own(p, xstrdup(ra[i].sample_id));
			it->question[0] = own(p, question_of(ra[i].request));
			it->x[0] = own(p, xstrdup(ra[i].response));
			it->y[0] = own(p, xstrdup(rb[j].response));
			it->turns = 1;
			i++;
			j++;
		}
		answer_rows_free(ra, na);
		answer_rows_free(rb, nb);
		if (p->n > first) {
			p->tasks = xrealloc(p->tasks, (p->n_tasks + 1) * sizeof(*p->tasks));
			p->tasks[p->n_tasks].task = xstrdup(ta->name);
			p->tasks[p->n_tasks].first = first;
			p->tasks[p->n_tasks++].n = p->n - first;
		}
	}
	if (!p->n) {
		error("runs %lld and %lld share no answered sample of a text task (explanation, ...)%s",
		      (long long)a->id, (long long)b->id, only->n ? " among --task" : "");
		goto out;
	}
	ret = EXIT_OK;
out:
	suite_release(&sa);
	suite_release(&sb);
	return ret;
}

struct judge_flags {
	const char *judge, *format, *db, *calibrate;
	struct opt_list tasks;
	long concurrency;
	double rpm, tpm, timeout;
	int quiet, no_cache;
};

static int judge_config(struct strbuf *sb, const struct judge_flags *f)
{
	size_t i;

	strbuf_addstr(sb, "{\"judge\":");
	strbuf_add_json(sb, f->judge);
	strbuf_addstr(sb, ",\"tasks\":[");
	for (i = 0; i < f->tasks.n; i++) {
		if (i)
			strbuf_addch(sb, ',');
		strbuf_add_json(sb, f->tasks.v[i]);
	}
	strbuf_addf(sb, "],\"version\":\"%s\"}", receval_version);
	return 0;
}

/* The judging itself, for both modes: ask, then the status and exit code. */
static int ask(struct store *s, int64_t id, struct judge_item *items, size_t n, const struct judge_flags *f,
	       size_t *errors)
{
	struct judge_opts o;
	struct judging_ctx jc = { s, id, 0 };
	size_t i;
	int ret;

	memset(&o, 0, sizeof(o));
	o.judge = f->judge;
	o.what = f->calibrate ? "calibration" : "pairwise";
	o.limits = (struct adapter_limits)ADAPTER_LIMITS_INIT;
	o.limits.concurrency = (unsigned)f->concurrency;
	o.limits.rpm = f->rpm;
	o.limits.tpm = f->tpm;
	o.limits.timeout_s = f->timeout;
	o.quiet = f->quiet;
	o.no_cache = f->no_cache;
	signal(SIGINT, on_sigint);
	jc.committed = now_ms();
	if (store_judge_begin(s) < 0)
		return EXIT_STORE;
	ret = judge_items(s, items, n, &o, store_item, &jc);
	if (store_judge_commit(s) < 0 && ret == EXIT_OK)
		ret = EXIT_STORE;
	signal(SIGINT, SIG_DFL);
	*errors = 0;
	for (i = 0; i < n; i++)
		*errors += items[i].error != NULL || (items[i].j.first_xy < 0 && !items[i].why[0] && !items[i].raw[0]);
	if (store_judgment_finish(s, id, ret == EXIT_OK ? "done" : ret == 130 ? "interrupted" : "failed", n,
				  *errors) < 0 && ret == EXIT_OK)
		ret = EXIT_STORE;
	return ret;
}

static int pairwise_main(const struct judge_flags *f, char **argv)
{
	struct store s;
	struct run_info a, b;
	struct pairwise p;
	struct price price;
	struct model_spec spec = { 0 };
	struct strbuf config = STRBUF_INIT;
	int64_t ida, idb, id = 0;
	size_t t, errors = 0;
	int ret;

	memset(&p, 0, sizeof(p));
	if (runarg_parse_id(&ida, argv[0]) < 0 || runarg_parse_id(&idb, argv[1]) < 0)
		return EXIT_USAGE;
	if (store_open_existing(&s, default_db_path(f->db)) < 0)
		return EXIT_STORE;
	if ((ret = runarg_get(&a, &s, ida)) <= 0) {
		store_close(&s);
		return ret < 0 ? EXIT_STORE : EXIT_INPUT;
	}
	if ((ret = runarg_get(&b, &s, idb)) <= 0) {
		run_info_release(&a);
		store_close(&s);
		return ret < 0 ? EXIT_STORE : EXIT_INPUT;
	}
	ret = collect_pairs(&p, &s, &a, &b, &f->tasks);
	if (ret != EXIT_OK)
		goto out;
	price.in = price.out = NAN;
	if (model_spec_parse(&spec, f->judge) == 0 && price_for(&price, &spec, price_endpoint(&spec)) < 0)
		price.in = price.out = NAN;
	model_spec_release(&spec);
	judge_config(&config, f);
	if (store_judgments_init(&s) < 0 ||
	    store_judgment_create(&s, &id, "pairwise", ida, idb, f->judge, NULL, config.buf) < 0) {
		ret = EXIT_STORE;
		goto out;
	}
	if (!f->quiet)
		fprintf(stderr, "judgment %lld: run %lld against run %lld, %zu samples in both orders\n",
			(long long)id, (long long)idb, (long long)ida, p.n);
	ret = ask(&s, id, p.items, p.n, f, &errors);
	if (ret != EXIT_OK && ret != EXIT_MODEL && ret != 130)
		goto out;
	if (!strcmp(f->format, "json")) {
		printf("{\"judgment\": %lld, \"a\": %lld, \"b\": %lld, \"judge\": ", (long long)id, (long long)ida,
		       (long long)idb);
		{
			struct strbuf j = STRBUF_INIT;
			strbuf_add_json(&j, f->judge);
			printf("%s, \"tasks\": {", j.buf);
			strbuf_release(&j);
		}
	} else {
		printf("judgment %lld: run %lld (%s) against run %lld (%s), judge %s\n\n", (long long)id,
		       (long long)idb, b.model, (long long)ida, a.model, f->judge);
		printf("%-14s %-28s %10s  %s\n", "task", "metric", "value", "95% CI");
	}
	for (t = 0; t < p.n_tasks; t++) {
		struct figure fg[MAX_FIGURES];
		size_t n = pair_task_figures(fg, p.items + p.tasks[t].first, p.tasks[t].n, p.tasks[t].task, &price);
		if (store_figures(&s, id, p.tasks[t].task, fg, n) < 0) {
			ret = EXIT_STORE;
			break;
		}
		if (!strcmp(f->format, "json"))
			print_json_task(p.tasks[t].task, fg, n, t == 0);
		else
			print_table_rows(p.tasks[t].task, fg, n);
	}
	if (!strcmp(f->format, "json"))
		printf("}}\n");
	if (errors && ret == EXIT_OK) {
		error("the judge could not answer %zu of %zu samples: run the same command again to ask only "
		      "those (the others are cached)", errors, p.n);
		ret = EXIT_MODEL;
	}
out:
	strbuf_release(&config);
	pairwise_release(&p);
	run_info_release(&a);
	run_info_release(&b);
	store_close(&s);
	return ret;
}

static int calibrate_main(const struct judge_flags *f)
{
	struct labels l;
	struct calibration cal;
	struct figure fg[MAX_FIGURES];
	struct strbuf config = STRBUF_INIT;
	struct store s;
	int64_t id = 0;
	size_t n, errors = 0;
	int ret;

	memset(&l, 0, sizeof(l));
	if (labels_load(&l, f->calibrate) < 0) {
		labels_release(&l);
		return EXIT_INPUT;
	}
	if (store_open(&s, default_db_path(f->db)) < 0) {
		labels_release(&l);
		return EXIT_STORE;
	}
	judge_config(&config, f);
	if (store_judgments_init(&s) < 0 ||
	    store_judgment_create(&s, &id, "calibration", 0, 0, f->judge, f->calibrate, config.buf) < 0) {
		ret = EXIT_STORE;
		goto out;
	}
	ret = ask(&s, id, l.items, l.n_items, f, &errors);
	if (ret != EXIT_OK && ret != EXIT_MODEL && ret != 130)
		goto out;
	calibrate(&cal, &l);
	n = calibration_figures(fg, &cal);
	if (store_figures(&s, id, "calibration", fg, n) < 0) {
		ret = EXIT_STORE;
		goto out;
	}
	if (!strcmp(f->format, "json")) {
		struct strbuf j = STRBUF_INIT, p = STRBUF_INIT;
		strbuf_add_json(&j, f->judge);
		strbuf_add_json(&p, f->calibrate);
		printf("{\"judgment\": %lld, \"judge\": %s, \"labels\": %s, \"tasks\": {", (long long)id, j.buf, p.buf);
		print_json_task("calibration", fg, n, 1);
		printf("}}\n");
		strbuf_release(&j);
		strbuf_release(&p);
	} else {
		printf("judgment %lld: judge %s against the human labels of %s\n\n", (long long)id, f->judge,
		       f->calibrate);
		printf("%-14s %-28s %10s\n", "task", "metric", "value");
		print_table_rows("calibration", fg, n);
	}
	if (errors && ret == EXIT_OK) {
		error("the judge could not answer %zu of %zu pairs: run the same command again to ask only "
		      "those (the others are cached)", errors, l.n_items);
		ret = EXIT_MODEL;
	}
out:
	strbuf_release(&config);
	labels_release(&l);
	store_close(&s);
	return ret;
}

/* --judge names a language model (a message when not). */
static int judge_spec_ok(const char *judge)
{
	struct model_spec spec = { 0 };
	const struct adapter *ad = NULL;
	int ok = model_spec_parse(&spec, judge) == 0;

	if (ok && !(ad = adapter_find(spec.provider)))
		error("--judge: unknown model provider '%s' in '%s' (known: %s)", spec.provider, judge,
		      adapter_providers());
	else if (ok && !ad->submit)
		error("--judge: '%s' must be a language model (openai:, azure: or exec:), not a built-in one", judge);
	model_spec_release(&spec);
	return ok && ad && ad->submit;
}

int cmd_judge(int argc, char **argv)
{
	struct judge_flags f;
	int npos = 0, ret;

	memset(&f, 0, sizeof(f));
	f.format = "table";
	f.concurrency = 8;
	f.timeout = 60;
	{
		struct option opts[] = {
			{ OPT_STRING, 0, "judge", &f.judge, "SPEC", "the judge model (a language model; temperature 0 unless set)" },
			{ OPT_STRING, 0, "calibrate", &f.calibrate, "LABELS.jsonl", "measure the judge against human labels" },
			{ OPT_LIST, 0, "task", &f.tasks, "NAME", "judge only this task (repeatable); default: every text task" },
			{ OPT_STRING, 0, "format", &f.format, "FMT", "table (default) or json" },
			{ OPT_STRING, 0, "db", &f.db, "FILE", "database (default $RECEVAL_DB or receval.db)" },
			{ OPT_LONG, 0, "concurrency", &f.concurrency, "N", "judge requests in flight (default 8)" },
			{ OPT_DOUBLE, 0, "rpm", &f.rpm, "N", "at most N requests per minute" },
			{ OPT_DOUBLE, 0, "tpm", &f.tpm, "N", "at most N tokens per minute" },
			{ OPT_DOUBLE, 0, "timeout", &f.timeout, "S", "seconds one request attempt may take (default 60)" },
			{ OPT_BOOL, 0, "no-cache", &f.no_cache, NULL, "ask the judge even what the cache holds" },
			{ OPT_BOOL, 'q', "quiet", &f.quiet, NULL, "no progress on stderr" },
			{ OPT_END },
		};
		switch (parse_options(argc, argv, opts, usage_judge, &npos)) {
		case OPT_HELP_SHOWN:
			free(f.tasks.v);
			return EXIT_OK;
		case 0:
			break;
		default:
			free(f.tasks.v);
			return EXIT_USAGE;
		}
	}
	ret = EXIT_USAGE;
	if (!f.judge)
		error("judge needs --judge SPEC (a language model, e.g. openai:gpt-4o)");
	else if (!judge_spec_ok(f.judge))
		;
	else if (strcmp(f.format, "table") && strcmp(f.format, "json"))
		error("--format must be table or json, not '%s'", f.format);
	else if (f.concurrency < 1 || f.concurrency > 4096 || f.rpm < 0 || f.tpm < 0 || !(f.timeout > 0))
		error("--concurrency must be 1..4096, --timeout above 0, --rpm and --tpm >= 0");
	else if (f.calibrate && (npos || f.tasks.n))
		error("--calibrate takes no runs and no --task");
	else if (!f.calibrate && npos != 2)
		error("judge takes two runs, RUN_A RUN_B (B is judged against A), not %d (see --help)", npos);
	else
		ret = f.calibrate ? calibrate_main(&f) : pairwise_main(&f, argv);
	free(f.tasks.v);
	return ret;
}

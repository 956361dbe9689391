/* api.c: receval serve's JSON API: runs, a run (show --format json), its samples (show --samples, paged), compare, judgments, and the queue. */
#include <cJSON.h>
#include "serve/serve.h"
#include "serve/find.h"
#include "serve/queue.h"
#include "serve/api_runs.h"
#include "reports/run.h"
#include "reports/samples.h"
#include "reports/compare.h"
#include "eval/compare.h"
#include "eval/store_judge.h"
#include "eval/label.h"

#define DEFAULT_PAGE 100
#define MAX_PAGE 1000

static cJSON *num_or_null(double v)
{
	return isnan(v) || isinf(v) ? cJSON_CreateNull() : cJSON_CreateNumber(v);
}

static void reply_cjson(struct request *r, cJSON *root)
{
	char *s = cJSON_Print(root);

	strbuf_add_utf8(&r->out, s, strlen(s));   /* cJSON copies bytes that are not UTF-8 as they are */
	strbuf_addch(&r->out, '\n');
	cJSON_free(s);
	cJSON_Delete(root);
	r->type = "application/json";
}

/* Whether run passes the list's filters: receval list's (suite, status exactly; model, label as parts), and since/until against started_at's date. */
int serve_run_matches(struct request *r, const struct run_info *run)
{
	const char *suite = req_arg(r, "suite"), *model = req_arg(r, "model"), *status = req_arg(r, "status");
	const char *label = req_arg(r, "label");
	const char *since = req_arg(r, "since"), *until = req_arg(r, "until");
	const char *at = run->started_at ? run->started_at : "";

	if (suite && *suite && strcmp(suite, run->suite))
		return 0;
	if (model && *model && !strstr(run->model, model))
		return 0;
	if (label && *label) {
		char *name = run_label(run);
		int yes = strstr(name, label) != NULL;
		free(name);
		if (!yes)
			return 0;
	}
	if (status && *status && strcmp(status, run->status))
		return 0;
	if (since && *since && strncmp(at, since, strlen(since)) < 0)
		return 0;
	if (until && *until && strncmp(at, until, strlen(until)) > 0)
		return 0;
	return 1;
}

static int list_runs(struct request *r)
{
	struct store *s = serve_store_get(r);
	struct run_info *runs = NULL;
	cJSON *root, *arr;
	size_t n = 0, i;

	if (!s)
		return 0;
	if (store_list_runs(s, &runs, &n) < 0) {
		serve_store_put(r->srv, s);
		return reply_store_error(r);
	}
	serve_store_put(r->srv, s);
	root = cJSON_CreateObject();
	arr = cJSON_AddArrayToObject(root, "runs");
	for (i = 0; i < n; i++) {
		const struct run_info *ri = &runs[i];
		if (serve_run_matches(r, ri)) {
			cJSON *o = cJSON_CreateObject();
			cJSON_AddNumberToObject(o, "id", (double)ri->id);
			cJSON_AddStringToObject(o, "suite", ri->suite);
			cJSON_AddStringToObject(o, "model", ri->model);
			{
				char *label = run_label(ri);
				cJSON_AddStringToObject(o, "label", label);
				free(label);
			}
			cJSON_AddStringToObject(o, "status", ri->status);
			cJSON_AddStringToObject(o, "started_at", ri->started_at);
			if (ri->finished_at)
				cJSON_AddStringToObject(o, "finished_at", ri->finished_at);
			else
				cJSON_AddNullToObject(o, "finished_at");
			cJSON_AddNumberToObject(o, "samples", (double)ri->samples);
			cJSON_AddNumberToObject(o, "errors", (double)ri->errors);
			cJSON_AddNumberToObject(o, "seed", (double)ri->seed);
			cJSON_AddStringToObject(o, "version", ri->version);
			if (ri->run_key)
				cJSON_AddStringToObject(o, "run_key", ri->run_key);
			cJSON_AddItemToArray(arr, o);
		}
		run_info_release(&runs[i]);
	}
	free(runs);
	reply_cjson(r, root);
	return 0;
}

/* Load run id (0: the latest) into *run: 1, or 0 after answering 404/503. */
int serve_load_run(struct request *r, struct store *s, int64_t id, struct run_info *run)
{
	int rc;

	memset(run, 0, sizeof(*run));
	if (!id && (id = store_latest_run(s)) <= 0) {
		if (id < 0)
			return reply_store_error(r), 0;
		return reply_error(r, 404, EXIT_INPUT, "%s holds no runs yet", r->srv->cfg->db_path), 0;
	}
	rc = store_get_run(s, id, run);
	if (rc < 0)
		return reply_store_error(r), 0;
	if (!rc)
		return reply_error(r, 404, EXIT_INPUT, "no run %lld (see /api/runs)", (long long)id), 0;
	return 1;
}

static int show_run(struct request *r, int64_t id)
{
	struct store *s = serve_store_get(r);
	struct run_info run;
	struct metric_row *rows = NULL;
	size_t n = 0;

	if (!s)
		return 0;
	if (serve_load_run(r, s, id, &run)) {
		if (store_get_run_metrics(s, run.id, &rows, &n) < 0 || run_add_json(&r->out, s, &run, rows, n) < 0)
			reply_store_error(r);
		else
			r->type = "application/json";
		metric_rows_free(rows, n);
		run_info_release(&run);
	}
	serve_store_put(r->srv, s);
	return 0;
}

struct lines {
	struct strbuf *out;
	const struct titles *titles;
};

static int add_line(const struct sample_view *v, void *data)
{
	struct lines *l = data;

	samples_add_jsonl(l->out, v, l->titles);
	return 0;
}

static int run_samples(struct request *r, int64_t id)
{
	struct sample_find f;
	struct lines lines;
	const struct titles *titles = NULL;
	struct store *s;
	struct run_info run;
	long offset, limit;
	const char *q = req_arg(r, "q");

	if (req_long(r, "offset", 0, 0, LONG_MAX / 2, &offset) < 0 ||
	    req_long(r, "limit", DEFAULT_PAGE, 1, MAX_PAGE, &limit) < 0)
		return 0;
	if (!(s = serve_store_get(r)))
		return 0;
	if (!serve_load_run(r, s, id, &run))
		goto out;
	/* the catalogue's titles: in the lines as show prints them, and for the search */
	if (!(titles = serve_titles(r->srv, s, &run))) {
		reply_store_error(r);
		goto out_run;
	}
	memset(&f, 0, sizeof(f));
	f.task = req_arg(r, "task");
	if (f.task && !*f.task)
		f.task = NULL;   /* task= is every task, as on the run's page: it matched none, 200 and no line */
	f.q = q;
	f.titles = titles;
	f.offset = (size_t)offset;
	f.limit = (size_t)limit;
	lines.out = &r->out;
	lines.titles = titles;
	f.fn = add_line;
	f.data = &lines;
	if (sample_find(&f, s, run.id) < 0) {
		reply_store_error(r);
	} else if (f.task && !f.task_seen) {
		reply_error(r, 404, EXIT_INPUT, "run %lld has no task '%s'", (long long)run.id, f.task);
	} else {
		/* the JSON lines of `show --samples`, the page's place in the headers */
		r->type = "application/x-ndjson";
		r->total = (long long)f.total;
		if ((size_t)offset + (size_t)limit < f.total) {
			struct strbuf link = STRBUF_INIT;
			strbuf_addf(&link, "</api/runs/%lld/samples?offset=%ld&limit=%ld", (long long)run.id,
				    offset + limit, limit);
			if (f.task) {
				char *t = xstrdup(f.task);
				strbuf_addstr(&link, "&task=");
				/* task names are [A-Za-z0-9_-]: nothing to escape */
				strbuf_addstr(&link, t);
				free(t);
			}
			strbuf_addstr(&link, ">; rel=\"next\"");
			r->link = strbuf_detach(&link, NULL);
		}
	}
out_run:
	run_info_release(&run);
out:
	serve_store_put(r->srv, s);
	return 0;
}

/* Load one run's sample metrics for compare: 1, or 0 after answering. */
static int compare_side(struct request *r, struct store *s, const char *arg, struct run_info *run,
			struct run_sample_metrics *m)
{
	int64_t id;

	memset(m, 0, sizeof(*m));
	memset(run, 0, sizeof(*run));
	if (!arg || serve_parse_id(arg, &id) < 0)
		return reply_error(r, 400, EXIT_USAGE, "compare needs runs a and b (whole numbers): /api/compare?a=3&b=7"), 0;
	if (!serve_load_run(r, s, id, run))
		return 0;
	if (store_get_sample_metrics(s, id, m) < 0)
		return reply_store_error(r), 0;
	return 1;
}

static int compare(struct request *r)
{
	struct compare_options co = { COMPARE_T, 0.05, 10000, 1000, NULL, 0 };
	const char *test = req_arg(r, "test"), *alpha = req_arg(r, "alpha");
	struct run_info a, b;
	struct run_sample_metrics ma, mb;
	struct comparison c;
	struct store *s;

	if (test && compare_test_parse(&co.test, test) < 0)
		return reply_error(r, 400, EXIT_USAGE, "unknown test '%s' (t, wilcoxon, permutation)", test);
	if (alpha && (parse_double(alpha, &co.alpha) < 0 || !(co.alpha > 0 && co.alpha < 1)))
		return reply_error(r, 400, EXIT_USAGE, "alpha must be between 0 and 1 (exclusive), not '%s'", alpha);
	if (!(s = serve_store_get(r)))
		return 0;
	memset(&b, 0, sizeof(b));
	memset(&mb, 0, sizeof(mb));
	if (compare_side(r, s, req_arg(r, "a"), &a, &ma) && compare_side(r, s, req_arg(r, "b"), &b, &mb)) {
		compare_runs(&c, &a, &ma, &b, &mb, &co);
		if (!c.samples)
			reply_error(r, 422, EXIT_INPUT, "runs %lld and %lld have no sample in common (a different suite,"
				    " seed or shard?)", (long long)a.id, (long long)b.id);
		else {
			compare_add_json(&r->out, &c);
			r->type = "application/json";
		}
		comparison_release(&c);
	}
	run_sample_metrics_release(&ma);
	run_sample_metrics_release(&mb);
	run_info_release(&a);
	run_info_release(&b);
	serve_store_put(r->srv, s);
	return 0;
}

static void judgment_object(cJSON *o, const struct judgment_info *j)
{
	cJSON_AddNumberToObject(o, "judgment", (double)j->id);
	cJSON_AddStringToObject(o, "kind", j->kind);
	if (j->run_a) {
		cJSON_AddNumberToObject(o, "a", (double)j->run_a);
		cJSON_AddNumberToObject(o, "b", (double)j->run_b);
	}
	cJSON_AddStringToObject(o, "judge", j->judge);
	cJSON_AddStringToObject(o, "status", j->status);
	cJSON_AddNumberToObject(o, "samples", (double)j->samples);
	cJSON_AddNumberToObject(o, "errors", (double)j->errors);
	cJSON_AddStringToObject(o, "started_at", j->started_at ? j->started_at : "");
}

static int judgments(struct request *r, int64_t id)
{
	struct store *s = serve_store_get(r);
	struct judgment_info *list = NULL, one;
	struct metric_row *rows = NULL;
	size_t n = 0, i;
	cJSON *root;
	int rc;

	if (!s)
		return 0;
	if (!id) {
		cJSON *arr;
		if (store_list_judgments(s, &list, &n) < 0) {
			serve_store_put(r->srv, s);
			return reply_store_error(r);
		}
		root = cJSON_CreateObject();
		arr = cJSON_AddArrayToObject(root, "judgments");
		for (i = 0; i < n; i++) {
			cJSON *o = cJSON_CreateObject();
			judgment_object(o, &list[i]);
			cJSON_AddItemToArray(arr, o);
			judgment_info_release(&list[i]);
		}
		free(list);
		serve_store_put(r->srv, s);
		reply_cjson(r, root);
		return 0;
	}
	memset(&one, 0, sizeof(one));
	rc = store_get_judgment(s, id, &one);
	if (rc <= 0 || store_judgment_metrics(s, id, &rows, &n) < 0) {
		serve_store_put(r->srv, s);
		if (!rc)
			return reply_error(r, 404, EXIT_INPUT, "no judgment %lld (see /api/judgments)", (long long)id);
		judgment_info_release(&one);
		return reply_store_error(r);
	}
	serve_store_put(r->srv, s);
	/* `judge --format json`'s shape: {"judgment", "a", "b", "judge", "tasks": {task: {metric: value, metric_ci: [lo, hi]}}} */
	root = cJSON_CreateObject();
	judgment_object(root, &one);
	{
		cJSON *tasks = cJSON_AddObjectToObject(root, "tasks");
		for (i = 0; i < n; i++) {
			cJSON *t = cJSON_GetObjectItemCaseSensitive(tasks, rows[i].task);
			if (!t)
				t = cJSON_AddObjectToObject(tasks, rows[i].task);
			cJSON_AddItemToObject(t, rows[i].metric, num_or_null(rows[i].value));
			if (!isnan(rows[i].ci_low)) {
				char *name = xstrfmt("%s_ci", rows[i].metric);
				cJSON *ci = cJSON_AddArrayToObject(t, name);
				cJSON_AddItemToArray(ci, num_or_null(rows[i].ci_low));
				cJSON_AddItemToArray(ci, num_or_null(rows[i].ci_high));
				free(name);
			}
		}
	}
	metric_rows_free(rows, n);
	judgment_info_release(&one);
	reply_cjson(r, root);
	return 0;
}

static int method_not_allowed(struct request *r, const char *allowed)
{
	return reply_error(r, 405, EXIT_USAGE, "%s %s: use %s", r->method, r->path, allowed);
}

int api_route(struct request *r)
{
	int get = !strcmp(r->method, "GET") || !strcmp(r->method, "HEAD");
	int post = !strcmp(r->method, "POST"), del = !strcmp(r->method, "DELETE");
	const char *rest = NULL;
	int64_t id = 0;

	if (strncmp(r->path, "/api/", 5))
		return 1;
	if (!strcmp(r->path, "/api/runs"))
		return get ? list_runs(r) : post ? api_submit_run(r) : method_not_allowed(r, "GET or POST");
	if (!strcmp(r->path, "/api/runs/latest"))
		return get ? show_run(r, 0) : method_not_allowed(r, "GET");
	if (!serve_path_id(r->path, "/api/runs/", &id, &rest)) {
		if (!*rest)
			return get ? show_run(r, id) : del ? api_cancel_run(r, id) : method_not_allowed(r, "GET or DELETE");
		if (!strcmp(rest, "/samples"))
			return get ? run_samples(r, id) : method_not_allowed(r, "GET");
		if (!strcmp(rest, "/events"))
			return get ? sse_start(r, id, 0) : method_not_allowed(r, "GET");
		if (!strcmp(rest, "/resume"))
			return post ? api_resume_run(r, id) : method_not_allowed(r, "POST");
	}
	if (!strcmp(r->path, "/api/compare"))
		return get ? compare(r) : method_not_allowed(r, "GET");
	if (!strcmp(r->path, "/api/judgments"))
		return get ? judgments(r, 0) : method_not_allowed(r, "GET");
	if (!serve_path_id(r->path, "/api/judgments/", &id, &rest) && !*rest)
		return get ? judgments(r, id) : method_not_allowed(r, "GET");
	if (!strcmp(r->path, "/api/jobs"))
		return get ? api_list_jobs(r) : method_not_allowed(r, "GET");
	if (!serve_path_id(r->path, "/api/jobs/", &id, &rest)) {
		if (!*rest)
			return get ? api_show_job(r, id) : del ? api_cancel_job(r, id) : method_not_allowed(r, "GET or DELETE");
		if (!strcmp(rest, "/events"))
			return get ? sse_start(r, 0, id) : method_not_allowed(r, "GET");
	}
	if (!strncmp(r->path, "/api/runs/", 10) || !strncmp(r->path, "/api/judgments/", 15) ||
	    !strncmp(r->path, "/api/jobs/", 10))
		return reply_error(r, 404, EXIT_USAGE, "'%s' is not a run, judgment or job id (a whole number)",
				   strrchr(r->path, '/') + 1);
	return reply_error(r, 404, EXIT_USAGE, "no such API: %s %s", r->method, r->path);
}

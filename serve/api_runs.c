/* api_runs.c: runs started over HTTP: the suite checked against the suites folder, model specs against what a request may name, the job queued; resume and cancel. */
#include <cJSON.h>
#include <fcntl.h>
#include <sys/stat.h>
#include "serve/api_runs.h"
#include "serve/queue.h"
#include "eval/suite.h"
#include "adapters/adapter.h"

/*
 * path made absolute and normalised (".", ".." and repeated slashes
 * resolved by their text), then resolved through symlinks for the part
 * that exists. A new string.
 */
static char *absolute(const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	char cwd[4096], *norm, *real, *p;
	size_t len;

	if (path[0] != '/' && getcwd(cwd, sizeof(cwd)))
		strbuf_addf(&sb, "%s/", cwd);
	strbuf_addstr(&sb, path);
	/* lexical: every ".." drops the component before it */
	norm = xmalloc(sb.len + 2);
	len = 0;
	for (p = sb.buf; *p;) {
		size_t n;
		while (*p == '/')
			p++;
		n = strcspn(p, "/");
		if (!n)
			break;
		if (n == 1 && p[0] == '.') {
			/* nothing */
		} else if (n == 2 && p[0] == '.' && p[1] == '.') {
			while (len && norm[len - 1] != '/')
				len--;
			if (len)
				len--;
		} else {
			norm[len++] = '/';
			memcpy(norm + len, p, n);
			len += n;
		}
		p += n;
	}
	if (!len)
		norm[len++] = '/';
	norm[len] = '\0';
	strbuf_release(&sb);
	/* symlinks: the deepest part that exists, resolved */
	real = realpath(norm, NULL);
	if (real) {
		free(norm);
		return real;
	}
	for (p = norm + len; p > norm; p--)
		if (*p == '/') {
			char *base, *out;
			*p = '\0';
			base = realpath(*norm ? norm : "/", NULL);
			*p = '/';
			if (base) {
				out = xstrfmt("%s%s", strcmp(base, "/") ? base : "", p);
				free(base);
				free(norm);
				return out;
			}
		}
	return norm;
}

/* Whether path lies under root (both absolute, root resolved). */
static int under(const char *root, const char *path)
{
	char *abs = absolute(path);
	size_t n = strlen(root);
	int ok = !strncmp(abs, root, n) && (abs[n] == '/' || abs[n] == '\0' || !strcmp(root, "/"));

	free(abs);
	return ok;
}

/* A spec a request may name: a known provider, not exec (a command line), no secret among its keys. */
static int check_model(struct request *r, const char *text)
{
	struct model_spec spec;
	size_t i;
	int bad = 0;

	memset(&spec, 0, sizeof(spec));
	if (model_spec_parse(&spec, text) < 0) {
		reply_error(r, 400, EXIT_USAGE, "%s", r->err);
		return -1;
	}
	if (!adapter_find(spec.provider))
		bad = reply_error(r, 400, EXIT_USAGE, "unknown model provider '%s' in '%s' (known: %s)", spec.provider,
				  text, adapter_providers()) + 1;
	else if (!strcmp(spec.provider, "exec"))
		bad = reply_error(r, 403, EXIT_USAGE, "'%s': exec models run a command line; start them with"
				  " 'receval run' on the server, not over HTTP", text) + 1;
	for (i = 0; i < spec.n_params && !bad; i++) {
		const char *k = spec.params[i].key;
		if (strcasestr(k, "key") || strcasestr(k, "token") || strcasestr(k, "secret") || strcasestr(k, "password"))
			bad = reply_error(r, 400, EXIT_USAGE, "'%s': keys come only from the server's environment, not"
					  " from a request ('%s')", text, k) + 1;
	}
	model_spec_release(&spec);
	return bad ? -1 : 0;
}

/* Write a suite posted as JSON into the suites folder (so that its relative paths resolve there): its path, or NULL. */
static char *write_temp_suite(struct request *r, const char *json)
{
	char *path = xstrfmt("%s/.receval-serve-XXXXXX.json", r->srv->suites_root);
	int fd = mkstemps(path, 5);
	size_t len = strlen(json);

	if (fd < 0 || write(fd, json, len) != (ssize_t)len || close(fd) < 0) {
		reply_error(r, 503, EXIT_OUTPUT, "cannot write the posted suite into %s: %s", r->srv->suites_root,
			    strerror(errno));
		if (fd >= 0)
			unlink(path);
		free(path);
		return NULL;
	}
	return path;
}

int serve_queue_run(struct request *r, const char *suite, const char *suite_json, const char *const *models,
		    size_t n_models, const char *judge, long limit, long seed, int64_t *job)
{
	struct suite_paths paths = { 0 };
	struct suite st;
	struct job_row j;
	cJSON *arr = NULL, *opts = NULL;
	char *path = NULL, *text;
	size_t i;
	int rc = -1, ret = 0;

	memset(&st, 0, sizeof(st));
	memset(&j, 0, sizeof(j));
	if (suite_json) {
		/* checked as if it lay in the suites folder, where it will */
		path = xstrfmt("%s/posted-suite.json", r->srv->suites_root);
	} else {
		if (!suite || !*suite)
			return reply_error(r, 400, EXIT_USAGE, "give a suite: a path under %s, or the suite's JSON",
					   r->srv->cfg->suites), 400;
		path = suite[0] == '/' ? xstrdup(suite) : xstrfmt("%s/%s", r->srv->suites_root, suite);
		if (!under(r->srv->suites_root, path)) {
			reply_error(r, 403, EXIT_USAGE, "suite '%s' is outside the suites folder %s", suite, r->srv->cfg->suites);
			free(path);
			return 403;
		}
	}
	suite_record_paths(&paths);
	rc = suite_json ? suite_parse(&st, path, suite_json, strlen(suite_json)) : suite_load(&st, path);
	suite_record_paths(NULL);
	for (i = 0; i < paths.n; i++)
		if (!under(r->srv->suites_root, paths.v[i])) {
			char *abs = absolute(paths.v[i]);
			reply_error(r, 403, EXIT_USAGE, "the suite names '%s'%s%s%s, outside the suites folder %s (%s)",
				    paths.v[i], strcmp(abs, paths.v[i]) ? " (" : "", strcmp(abs, paths.v[i]) ? abs : "",
				    strcmp(abs, paths.v[i]) ? ")" : "", r->srv->cfg->suites, r->srv->suites_root);
			free(abs);
			ret = 403;
			goto out;
		}
	if (rc < 0) {
		reply_error(r, 422, EXIT_INPUT, "%s", r->err);
		ret = 422;
		goto out;
	}
	if (!n_models) {
		models = (const char *const *)st.models;
		n_models = st.n_models;
	}
	if (!n_models) {
		reply_error(r, 400, EXIT_USAGE, "%s names no models: give \"models\": [\"builtin:itemknn\", ...]", st.name);
		ret = 400;
		goto out;
	}
	arr = cJSON_CreateArray();
	for (i = 0; i < n_models; i++) {
		if (check_model(r, models[i]) < 0) {
			ret = r->status;
			goto out;
		}
		cJSON_AddItemToArray(arr, cJSON_CreateString(models[i]));
	}
	if (judge && check_model(r, judge) < 0) {
		ret = r->status;
		goto out;
	}
	opts = cJSON_CreateObject();
	if (judge)
		cJSON_AddStringToObject(opts, "judge", judge);
	if (limit > 0)
		cJSON_AddNumberToObject(opts, "limit", (double)limit);
	if (seed >= 0)
		cJSON_AddNumberToObject(opts, "seed", (double)seed);
	j.kind = xstrdup("run");
	if (suite_json) {
		if (!(j.suite = write_temp_suite(r, suite_json))) {
			ret = 503;
			goto out;
		}
		j.temp_suite = 1;
	} else {
		j.suite = absolute(path);
	}
	text = cJSON_PrintUnformatted(arr);
	j.models = xstrdup(text);
	cJSON_free(text);
	text = cJSON_PrintUnformatted(opts);
	j.options = xstrdup(text);
	cJSON_free(text);
	if (queue_submit(r->srv->queue, &j, job) < 0) {
		if (j.temp_suite)
			unlink(j.suite);
		reply_store_error(r);
		ret = 503;
	}
out:
	cJSON_Delete(arr);
	cJSON_Delete(opts);
	job_row_release(&j);
	suite_paths_release(&paths);
	if (rc == 0)
		suite_release(&st);
	free(path);
	return ret;
}

void serve_job_json(struct strbuf *out, const struct job_row *j)
{
	cJSON *o = cJSON_CreateObject(), *v;
	char *text;

	cJSON_AddNumberToObject(o, "job", (double)j->id);
	cJSON_AddStringToObject(o, "kind", j->kind);
	cJSON_AddStringToObject(o, "status", j->status);
	if (j->suite && !j->temp_suite)
		cJSON_AddStringToObject(o, "suite", j->suite);
	else
		cJSON_AddNullToObject(o, "suite");
	v = j->models ? cJSON_Parse(j->models) : NULL;
	cJSON_AddItemToObject(o, "models", v ? v : cJSON_CreateArray());
	v = j->options ? cJSON_Parse(j->options) : NULL;
	cJSON_AddItemToObject(o, "options", v ? v : cJSON_CreateObject());
	if (j->resume_run)
		cJSON_AddNumberToObject(o, "resume_run", (double)j->resume_run);
	v = j->runs ? cJSON_Parse(j->runs) : NULL;
	cJSON_AddItemToObject(o, "runs", v ? v : cJSON_CreateArray());
	cJSON_AddStringToObject(o, "created_at", j->created_at ? j->created_at : "");
	if (j->started_at)
		cJSON_AddStringToObject(o, "started_at", j->started_at);
	else
		cJSON_AddNullToObject(o, "started_at");
	if (j->finished_at)
		cJSON_AddStringToObject(o, "finished_at", j->finished_at);
	else
		cJSON_AddNullToObject(o, "finished_at");
	if (j->exit_code >= 0)
		cJSON_AddNumberToObject(o, "exit_code", j->exit_code);
	else
		cJSON_AddNullToObject(o, "exit_code");
	if (j->error)
		cJSON_AddStringToObject(o, "error", j->error);
	else
		cJSON_AddNullToObject(o, "error");
	text = cJSON_PrintUnformatted(o);
	strbuf_addstr(out, text);
	cJSON_free(text);
	cJSON_Delete(o);
}

/* Answer 202 with job id as it stands. */
static int reply_job(struct request *r, int64_t id, unsigned status)
{
	struct store *s = serve_store_get(r);
	struct job_row j;
	int rc;

	if (!s)
		return 0;
	rc = store_get_job(s, id, &j);
	serve_store_put(r->srv, s);
	if (rc < 0)
		return reply_store_error(r);
	if (!rc)
		return reply_error(r, 404, EXIT_INPUT, "no job %lld (see /api/jobs)", (long long)id);
	strbuf_reset(&r->out);
	serve_job_json(&r->out, &j);
	strbuf_addch(&r->out, '\n');
	job_row_release(&j);
	r->status = status;
	r->type = "application/json";
	return 0;
}

static const char *const submit_keys[] = { "suite", "models", "judge", "limit", "seed" };

int api_submit_run(struct request *r)
{
	const char *type = req_header(r, "Content-Type");
	cJSON *body, *v, *suite, *models;
	const char **specs = NULL;
	char *suite_json = NULL;
	size_t n = 0, k;
	long limit = -1, seed = -1;
	int64_t job = 0;
	int ret;

	if (!type || strncasecmp(type, "application/json", 16))
		return reply_error(r, 415, EXIT_USAGE, "POST /api/runs takes a JSON body (Content-Type: application/json)");
	body = cJSON_ParseWithLength(r->body.buf, r->body.len);
	if (!cJSON_IsObject(body)) {
		cJSON_Delete(body);
		return reply_error(r, 400, EXIT_USAGE, "the body is not a JSON object");
	}
	cJSON_ArrayForEach(v, body) {
		for (k = 0; k < ARRAY_SIZE(submit_keys) && strcmp(v->string, submit_keys[k]); k++)
			;
		if (k == ARRAY_SIZE(submit_keys)) {
			ret = reply_error(r, 400, EXIT_USAGE, "unknown key '%s' (suite, models, judge, limit, seed)", v->string);
			goto out;
		}
	}
	suite = cJSON_GetObjectItemCaseSensitive(body, "suite");
	models = cJSON_GetObjectItemCaseSensitive(body, "models");
	if (!cJSON_IsString(suite) && !cJSON_IsObject(suite)) {
		ret = reply_error(r, 400, EXIT_USAGE, "\"suite\" must be a path under the suites folder or a suite object");
		goto out;
	}
	if (models && !cJSON_IsArray(models)) {
		ret = reply_error(r, 400, EXIT_USAGE, "\"models\" must be an array of model specs");
		goto out;
	}
	specs = xcalloc((size_t)cJSON_GetArraySize(models) + 1, sizeof(*specs));
	cJSON_ArrayForEach(v, models) {
		if (!cJSON_IsString(v)) {
			ret = reply_error(r, 400, EXIT_USAGE, "\"models\" must be an array of model specs (strings)");
			goto out;
		}
		specs[n++] = v->valuestring;
	}
	v = cJSON_GetObjectItemCaseSensitive(body, "judge");
	if (v && !cJSON_IsString(v)) {
		ret = reply_error(r, 400, EXIT_USAGE, "\"judge\" must be a model spec");
		goto out;
	}
	{
		cJSON *l = cJSON_GetObjectItemCaseSensitive(body, "limit"), *sd = cJSON_GetObjectItemCaseSensitive(body, "seed");
		if (l && (!cJSON_IsNumber(l) || l->valuedouble < 1 || l->valuedouble > 1e9 || l->valuedouble != floor(l->valuedouble))) {
			ret = reply_error(r, 400, EXIT_USAGE, "\"limit\" must be a whole number from 1");
			goto out;
		}
		if (sd && (!cJSON_IsNumber(sd) || sd->valuedouble < 0 || sd->valuedouble > 9e15 || sd->valuedouble != floor(sd->valuedouble))) {
			ret = reply_error(r, 400, EXIT_USAGE, "\"seed\" must be a whole number from 0");
			goto out;
		}
		limit = l ? (long)l->valuedouble : -1;
		seed = sd ? (long)sd->valuedouble : -1;
	}
	if (cJSON_IsObject(suite))
		suite_json = cJSON_Print(suite);
	if (serve_queue_run(r, cJSON_IsString(suite) ? suite->valuestring : NULL, suite_json, specs, n,
			    cJSON_IsString(v) ? v->valuestring : NULL, limit, seed, &job) == 0)
		reply_job(r, job, 202);
	ret = 0;
out:
	if (suite_json)
		cJSON_free(suite_json);
	free(specs);
	cJSON_Delete(body);
	return ret;
}

int api_resume_run(struct request *r, int64_t id)
{
	struct store *s = serve_store_get(r);
	struct run_info run;
	struct job_row j;
	int64_t job;

	if (!s)
		return 0;
	if (!serve_load_run(r, s, id, &run)) {
		serve_store_put(r->srv, s);
		return 0;
	}
	serve_store_put(r->srv, s);
	if (!strcmp(run.status, "done") || queue_job_of_run(r->srv->queue, id)) {
		reply_error(r, 409, EXIT_USAGE, "run %lld is '%s'%s: nothing to resume", (long long)id, run.status,
			    strcmp(run.status, "done") ? " in this server's queue" : "");
		run_info_release(&run);
		return 0;
	}
	run_info_release(&run);
	memset(&j, 0, sizeof(j));
	j.kind = xstrdup("resume");
	j.resume_run = id;
	if (queue_submit(r->srv->queue, &j, &job) < 0)
		reply_store_error(r);
	else
		reply_job(r, job, 202);
	job_row_release(&j);
	return 0;
}

int api_cancel_job(struct request *r, int64_t id)
{
	int rc = queue_cancel_job(r->srv->queue, id);

	if (rc < 0)
		return reply_store_error(r);
	if (!rc)
		return reply_error(r, 404, EXIT_INPUT, "no job %lld (see /api/jobs)", (long long)id);
	if (rc == 2)
		return reply_error(r, 409, EXIT_USAGE, "job %lld has ended: nothing to cancel", (long long)id);
	return reply_job(r, id, 202);
}

int api_cancel_run(struct request *r, int64_t id)
{
	struct store *s = serve_store_get(r);
	struct run_info run;
	int64_t job;

	if (!s)
		return 0;
	if (!serve_load_run(r, s, id, &run)) {
		serve_store_put(r->srv, s);
		return 0;
	}
	serve_store_put(r->srv, s);
	job = queue_job_of_run(r->srv->queue, id);
	if (!job)
		reply_error(r, 409, EXIT_USAGE, "run %lld is '%s' and not in this server's queue: nothing to cancel",
			    (long long)id, run.status);
	else
		api_cancel_job(r, job);
	run_info_release(&run);
	return 0;
}

int api_list_jobs(struct request *r)
{
	struct store *s = serve_store_get(r);
	struct job_row *rows = NULL;
	size_t n = 0, i;
	const char *status = req_arg(r, "status");

	if (!s)
		return 0;
	if (store_list_jobs(s, status && *status ? status : NULL, &rows, &n) < 0) {
		serve_store_put(r->srv, s);
		return reply_store_error(r);
	}
	serve_store_put(r->srv, s);
	strbuf_addstr(&r->out, "{\"jobs\":[");
	for (i = 0; i < n; i++) {
		if (i)
			strbuf_addch(&r->out, ',');
		serve_job_json(&r->out, &rows[i]);
		job_row_release(&rows[i]);
	}
	strbuf_addstr(&r->out, "]}\n");
	free(rows);
	r->type = "application/json";
	return 0;
}

int api_show_job(struct request *r, int64_t id)
{
	return reply_job(r, id, 200);
}

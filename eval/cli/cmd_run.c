/* cmd_run.c: `receval run`: evaluate models on a suite and store every sample. */
#include <signal.h>
#include "eval/cli/cmd.h"
#include "eval/runarg.h"
#include "lib/opt.h"
#include "lib/phase.h"
#include "eval/run.h"
#include "eval/shard.h"
#include "eval/store_scale.h"
#include "lib/strbuf.h"
#include "metrics/registry.h"
#include "reports/table.h"
#include "eval/roles.h"
#include <cJSON.h>

static const char usage_run[] =
	"receval run SUITE.json [--model SPEC]... [--judge SPEC] [--simulator SPEC] [--db FILE] [--limit N] [--seed N]\n"
	"                   [--shard I/N | --shard auto [--shards N]] [--run-key TEXT] [--concurrency N] [--rpm N] [--tpm N]\n"
	"                   [--timeout S] [--sample-deadline S] [--attempts N] [--threads N] [--no-cache] [--quiet]\n"
	"   or: receval run --resume RUN_ID [--db FILE] [--retry-errors]";

static void on_sigint(int sig)
{
	int saved = errno;

	(void)sig;
	/* an atomic store: threads evaluating built-in models read it too (run_par.c) */
	__atomic_store_n(&run_interrupted, 1, __ATOMIC_RELAXED);
	errno = saved;
}

/* Whether the registry puts metric's family in the run summary (METRIC_SUMMARY), with its position-bias figures. */
static int in_summary(const char *metric)
{
	struct metric_lookup l;

	return !metric_lookup(&l, metric) && (l.info->flags & METRIC_SUMMARY);
}

/*
 * The run summary shows the families the registry marks for it: with one
 * target per sample, hit equals recall, map equals mrr and precision is
 * recall / k, and the beyond-accuracy figures but coverage wait for
 * `show`. Moves the other rows past the returned count, where they are
 * still freed.
 */
static size_t keep_summary(struct metric_row *rows, size_t n)
{
	size_t i, kept = 0;

	for (i = 0; i < n; i++)
		if (in_summary(rows[i].metric)) {
			struct metric_row t = rows[kept];
			rows[kept++] = rows[i];
			rows[i] = t;
		}
	return kept;
}

/*
 * "ndcg, recall, mrr and coverage": the families of the summary's rows (the
 * registry's summary families the runs have), in the registry's order, each once.
 */
static void summary_families(struct strbuf *sb, struct metric_row **rows, const size_t *n_rows, size_t n_runs)
{
	const char *names[32];
	size_t n = 0, i, r, k;

	for (i = 0; i < metric_registry_count() && n < ARRAY_SIZE(names); i++) {
		const struct metric_info *m = metric_registry_at(i);
		int present = 0;
		if (!(m->flags & METRIC_SUMMARY))
			continue;
		for (r = 0; r < n_runs && !present; r++)
			for (k = 0; k < n_rows[r] && !present; k++) {
				struct metric_lookup l;
				present = metric_lookup(&l, rows[r][k].metric) == 0 && l.info == m;
			}
		for (k = 0; k < n && strcmp(names[k], m->name); k++)
			;
		if (present && k == n)
			names[n++] = m->name;
	}
	for (i = 0; i < n; i++)
		strbuf_addf(sb, "%s%s", i == 0 ? "" : i + 1 == n ? " and " : ", ", names[i]);
}

static int print_results(struct store *store, const int64_t *ids, size_t n)
{
	struct run_info *runs = xcalloc(n, sizeof(*runs));
	struct metric_row **rows = xcalloc(n, sizeof(*rows));
	size_t *n_rows = xcalloc(n, sizeof(*n_rows)), *all_rows = xcalloc(n, sizeof(*all_rows)), i;
	int ret = 0;

	for (i = 0; i < n && !ret; i++)
		if (store_get_run(store, ids[i], &runs[i]) != 1 ||
		    store_get_run_metrics(store, ids[i], &rows[i], &n_rows[i]) < 0)
			ret = -1;
	for (i = 0; i < n && !ret; i++) {
		all_rows[i] = n_rows[i];
		n_rows[i] = keep_summary(rows[i], n_rows[i]);
	}
	if (!ret) {
		struct strbuf families = STRBUF_INIT;

		summary_families(&families, rows, n_rows, n);
		table_runs(stdout, runs, rows, n_rows, n);
		printf("\n%s; every metric: receval show RUN_ID%s%s\n",
		       families.len ? strbuf_addstr(&families, " shown"), families.buf : "nothing was measured",
		       store->path && strcmp(store->path, "receval.db") ? " --db " : "",
		       store->path && strcmp(store->path, "receval.db") ? store->path : "");
		strbuf_release(&families);
	}
	for (i = 0; i < n; i++) {
		run_info_release(&runs[i]);
		metric_rows_free(rows[i], all_rows[i]);
	}
	free(runs);
	free(rows);
	free(n_rows);
	free(all_rows);
	return ret;
}

/*
 * --resume: the suite, model and options stored with the run. Returns an
 * exit code; on success suite is loaded and *model allocated.
 */
static int load_resume(struct store *store, long id, struct suite *suite, char **model, long *seed,
		       long *limit, long *shard_i, long *shard_n, char **roles)
{
	struct run_info run;
	cJSON *c = NULL, *v;
	char *suite_json = NULL;
	const char *bad;
	int rc = store_get_run(store, id, &run), ret = EXIT_INPUT, r;

	if (rc <= 0) {
		if (!rc)
			error("%s: no run %ld to resume (see 'receval list')", store->path, id);
		return rc ? EXIT_STORE : EXIT_INPUT;
	}
	c = run.config ? cJSON_Parse(run.config) : NULL;
	v = cJSON_GetObjectItemCaseSensitive(c, "suite");
	if (!c || !cJSON_IsObject(v) || !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(c, "suite_path")) ||
	    !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(c, "model"))) {
		error("%s: run %ld has no usable configuration to resume from", store->path, id);
		goto out;
	}
	suite_json = cJSON_PrintUnformatted(v);
	if (suite_parse(suite, cJSON_GetObjectItemCaseSensitive(c, "suite_path")->valuestring, suite_json,
			strlen(suite_json)) < 0)
		goto out;
	*model = xstrdup(cJSON_GetObjectItemCaseSensitive(c, "model")->valuestring);
	for (r = ROLE_SUBJECT + 1; r < ROLE__COUNT; r++) {
		/* the run's --judge and --simulator, as they were given */
		v = cJSON_GetObjectItemCaseSensitive(c, task_role_name((enum task_role)r));
		if (cJSON_IsString(v)) {
			roles[r] = xstrdup(v->valuestring);
			suite_set_role(suite, (enum task_role)r, roles[r]);
		}
	}
	if (store_config_counts(c, (long)suite->seed, seed, limit, &bad) < 0) {
		error("%s: run %ld has a malformed configuration (%s)", store->path, id, bad);
		goto bad_config;
	}
	v = cJSON_GetObjectItemCaseSensitive(c, "shard");
	if (cJSON_IsString(v) && shard_parse(v->valuestring, shard_i, shard_n) < 0) {
		error("%s: run %ld has a bad shard '%s'", store->path, id, v->valuestring);
		goto bad_config;
	}
	ret = EXIT_OK;
	goto out;
bad_config:
	suite_release(suite);
	free(*model);
	*model = NULL;
out:
	if (suite_json)
		cJSON_free(suite_json);
	cJSON_Delete(c);
	run_info_release(&run);
	return ret;
}

/*
 * Whether --resume of run has anything to do: a run that is done with no
 * failed sample is finished: said, and nothing is evaluated. CMD_GO, or
 * the exit code.
 */
static int resume_needed(struct store *store, int64_t run)
{
	struct run_info info;
	int rc = store_get_run(store, run, &info), ret = CMD_GO;

	if (rc <= 0) {
		if (!rc)
			error("%s: no run %lld to resume (see 'receval list')", store->path, (long long)run);
		return rc ? EXIT_STORE : EXIT_INPUT;
	}
	/* a done run with failed samples goes on: its task may ask them again (a judge), or --retry-errors does */
	if (info.status && !strcmp(info.status, "done") && !info.errors) {
		fprintf(stderr, "receval: run %lld of %s is finished (done, %lld samples, none failed): nothing to do\n",
			(long long)run, store->path, (long long)info.samples);
		ret = EXIT_OK;
	}
	run_info_release(&info);
	return ret;
}

/*
 * --tasks A,B: keep only those tasks of suite, in the suite's order. The
 * suite is parsed again from its own JSON with the other tasks left out,
 * so the run stores (and --resume and finishing read) the suite it ran.
 * EXIT_OK; EXIT_USAGE for a name the suite does not have (its names are
 * listed); EXIT_INPUT when the suite cannot be read again. On failure the
 * suite is released.
 */
static int select_tasks(struct suite *suite, const char *list)
{
	cJSON *root = cJSON_Parse(suite->json), *tasks = cJSON_GetObjectItemCaseSensitive(root, "tasks"), *keep;
	struct strbuf names = STRBUF_INIT;
	char *want = xstrdup(list), *tok, *save = NULL, *text, *path;
	size_t i;
	int ret = EXIT_OK;

	keep = cJSON_CreateArray();
	for (i = 0; i < suite->n_tasks; i++)
		strbuf_addf(&names, "%s%s", i ? ", " : "", suite->tasks[i].name);
	/* every name given must be a task of the suite */
	for (tok = strtok_r(want, ",", &save); tok && ret == EXIT_OK; tok = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < suite->n_tasks && strcmp(suite->tasks[i].name, tok); i++)
			;
		if (i == suite->n_tasks) {
			error("--tasks: %s has no task '%s' (its tasks: %s)", suite->path, tok, names.buf);
			ret = EXIT_USAGE;
		}
	}
	free(want);
	for (i = 0; i < suite->n_tasks && ret == EXIT_OK; i++) {
		size_t len = strlen(suite->tasks[i].name);
		const char *p = list;
		/* the name as a whole item of the comma-separated list */
		while ((p = strstr(p, suite->tasks[i].name)) && !((p == list || p[-1] == ',') && (!p[len] || p[len] == ',')))
			p += len;
		if (p)
			cJSON_AddItemToArray(keep, cJSON_Duplicate(cJSON_GetArrayItem(tasks, (int)i), 1));
	}
	strbuf_release(&names);
	if (ret != EXIT_OK || !root) {
		cJSON_Delete(keep);
		cJSON_Delete(root);
		suite_release(suite);
		return ret != EXIT_OK ? ret : EXIT_INPUT;
	}
	cJSON_ReplaceItemInObjectCaseSensitive(root, "tasks", keep);
	text = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	path = xstrdup(suite->path);
	suite_release(suite);
	memset(suite, 0, sizeof(*suite));
	if (suite_parse(suite, path, text, strlen(text)) < 0)
		ret = EXIT_INPUT;
	cJSON_free(text);
	free(path);
	return ret;
}

/* What became of one model of a `receval run`. */
struct run_outcome {
	int64_t id;     /* its run, or 0 when none was made */
	int rc;         /* run_model()'s exit code */
	char *why;      /* why it stopped early, or NULL */
};

/* " --db FILE" when the database is not the default one, so a printed command works as it is. */
static const char *db_flag(const struct store *store, struct strbuf *sb)
{
	strbuf_reset(sb);
	if (store->path && strcmp(store->path, "receval.db"))
		strbuf_addf(sb, " --db %s", store->path);
	return sb->buf;
}

/*
 * After a run that did not wholly succeed: per model, on stderr, what
 * happened and the command that finishes its run.
 */
static void print_outcomes(struct store *store, const struct model_spec *specs, const struct run_outcome *o,
			   size_t n_ran, size_t n, int64_t resumed)
{
	struct strbuf db = STRBUF_INIT;
	size_t i;

	/* one model that could not even be set up has said why already */
	if (n == 1 && !o[0].id)
		return;
	db_flag(store, &db);
	fprintf(stderr, "\n");
	for (i = 0; i < n; i++) {
		struct run_info info;
		const char *status = "not evaluated";
		int64_t errors = 0, samples = 0;

		memset(&info, 0, sizeof(info));
		if (o[i].id && store_get_run(store, o[i].id, &info) == 1) {
			status = info.status;
			errors = info.errors;
			samples = info.samples;
		}
		fprintf(stderr, "receval: %s: ", specs[i].text);
		if (i >= n_ran)
			fprintf(stderr, "not evaluated (the run stopped before it)\n");
		else if (!o[i].id)
			fprintf(stderr, "no run: the model could not be set up (see above)\n");
		else if (o[i].rc == EXIT_OK)
			fprintf(stderr, "run %lld %s\n", (long long)o[i].id, status);
		else {
			fprintf(stderr, "run %lld %s", (long long)o[i].id, status);
			if (errors)
				fprintf(stderr, ", %lld of %lld samples failed", (long long)errors, (long long)samples);
			if (o[i].why)
				fprintf(stderr, ": %s", o[i].why);
			fprintf(stderr, "; finish it with: receval run --resume %lld%s%s\n", (long long)o[i].id,
				errors ? " --retry-errors" : "", db.buf);
		}
		run_info_release(&info);
	}
	(void)resumed;
	strbuf_release(&db);
}

/* --judge, --simulator: a language model's spec, given to every task that takes the role. */
static int check_role(struct suite *suite, enum task_role role, const char *text)
{
	struct model_spec spec = { 0 };
	const struct adapter *ad;
	const char *name = task_role_name(role);
	int ok = model_spec_parse(&spec, text) == 0;

	ad = ok ? adapter_find(spec.provider) : NULL;
	if (ok && !ad)
		error("--%s: unknown model provider '%s' in '%s' (known: %s)", name, spec.provider, text,
		      adapter_providers());
	else if (ok && !ad->submit)
		error("--%s: '%s' must be a language model (openai:, azure: or exec:), not a built-in one", name, text);
	model_spec_release(&spec);
	if (!ok || !ad || !ad->submit)
		return -1;
	if (!suite_set_role(suite, role, text))
		warning("--%s: no task of %s takes a %s (%s does)", name, suite->path, name,
			role == ROLE_JUDGE ? "explanation" : "conversation");
	return 0;
}

int cmd_run(int argc, char **argv)
{
	struct opt_list models = { 0 };
	const char *db = NULL, *shard = NULL, *run_key = NULL, *scheduler = NULL, *judge = NULL, *resume_s = NULL;
	const char *tasks_arg = NULL;
	const char *simulator = NULL;
	char *group = NULL, *resume_role[ROLE__COUNT] = { NULL };
	long shards = 0;
	long limit = LONG_MIN, seed = LONG_MIN;   /* LONG_MIN: not given (--limit -1 is a usage error, not "no limit") */
	int quiet = 0, npos = 0, ret = EXIT_OK, from_flag;
	long concurrency = 8, resume = 0, attempts = 6, threads = 0;
	double rpm = 0, tpm = 0, timeout = 60, deadline = 600, max_cost = 0;
	int no_cache = 0, retry_errors = 0, store_ready = 0, dry_run = 0, has_ds = 1;
	struct strmap done = STRMAP_INIT;
	char **done_keys = NULL, *resume_model = NULL;
	size_t n_done_keys = 0;
	struct option opts[] = {
		{ OPT_LIST, 'm', "model", &models, "SPEC", "model to evaluate (repeatable); default: the suite's models" },
		{ OPT_STRING, 0, "judge", &judge, "SPEC", "the judge of every task that takes one (explanation, chatbot), instead of the suite's" },
		{ OPT_STRING, 0, "simulator", &simulator, "SPEC", "the simulated user of every task that takes one (conversation), instead of the suite's" },
		{ OPT_STRING, 0, "db", &db, "FILE", "database (default $RECEVAL_DB or receval.db)" },
		{ OPT_LONG, 0, "limit", &limit, "N", "evaluate only the first N sampled users (questions: N per subject)" },
		{ OPT_LONG, 0, "seed", &seed, "N", "override the suite's sampling seed" },
		{ OPT_STRING, 0, "shard", &shard, "I/N", "evaluate shard I (0-based) of N of the sampled users; auto: from Kubernetes or Slurm" },
		{ OPT_LONG, 0, "shards", &shards, "N", "with --shard auto on Kubernetes: the count (default $RECEVAL_SHARDS)" },
		{ OPT_STRING, 0, "run-key", &run_key, "TEXT", "name the sharded run all shards belong to (default $RECEVAL_RUN_KEY)" },
		{ OPT_LONG, 0, "concurrency", &concurrency, "N", "language-model requests in flight (default 8)" },
		{ OPT_DOUBLE, 0, "rpm", &rpm, "N", "at most N requests per minute" },
		{ OPT_DOUBLE, 0, "tpm", &tpm, "N", "at most N tokens per minute" },
		{ OPT_DOUBLE, 0, "timeout", &timeout, "S", "seconds one request attempt may take (default 60)" },
		{ OPT_LONG, 0, "threads", &threads, "N", "threads evaluating built-in models (default: one per core)" },
		{ OPT_DOUBLE, 0, "sample-deadline", &deadline, "S",
		  "seconds a request may take in all, retries and waits included; then it is an error (default 600)" },
		{ OPT_LONG, 0, "attempts", &attempts, "N", "tries per request, the first included (default 6)" },
		{ OPT_BOOL, 0, "dry-run", &dry_run, NULL,
		  "send nothing: show each task's first request, count the requests, estimate tokens and cost" },
		{ OPT_DOUBLE, 0, "max-cost", &max_cost, "USD",
		  "stop before a language model's answers cost more than USD (resumable; needs a known price)" },
		{ OPT_STRING, 0, "tasks", &tasks_arg, "NAME,...", "run only these tasks of the suite (their names; see the suite)" },
		{ OPT_BOOL, 0, "no-cache", &no_cache, NULL, "ask the model even what the cache holds" },
		{ OPT_STRING, 0, "resume", &resume_s, "RUN_ID",
		  "finish a run (an id, 'latest' or 'latest~N'): its suite, model and options come from the database" },
		{ OPT_BOOL, 0, "retry-errors", &retry_errors, NULL, "with --resume: ask the samples that failed again" },
		{ OPT_BOOL, 'q', "quiet", &quiet, NULL, "no progress on stderr" },
		{ OPT_END },
	};
	struct suite suite;
	struct dataset ds;
	struct split sp;
	struct store store;
	struct run_plan plan;
	struct model_spec *specs = NULL;
	const char *const *spec_text;
	uint32_t *users = NULL;
	int64_t *ids = NULL;
	size_t n_specs, n_users = 0, i, n_ids = 0, n_ran = 0;
	struct run_outcome *outcomes = NULL;
	long shard_i = 0, shard_n = 1;

	switch (parse_options(argc, argv, opts, usage_run, &npos)) {
	case OPT_HELP_SHOWN:
		free(models.v);
		return EXIT_OK;
	case 0:
		break;
	default:
		free(models.v);
		return EXIT_USAGE;
	}
	if (resume_s) {
		int64_t rid;
		if (runarg_parse(&rid, resume_s) < 0) {
			free(models.v);
			return EXIT_USAGE;
		}
		/* resolved once the database is open; until then, any value but 0 says "resuming" */
		resume = rid > 0 ? (long)rid : rid - 1;
	}
	if (resume ? npos != 0 : npos != 1) {
		if (resume)
			error("--resume takes the suite from the run: give no suite file");
		else
			error(npos ? "run takes one suite, not %d (see --help)" : "run needs a suite file (see --help)", npos);
		free(models.v);
		return EXIT_USAGE;
	}
	if ((resume && (models.n || shard || limit != LONG_MIN || seed != LONG_MIN || judge || simulator)) ||
	    (retry_errors && !resume)) {
		error(retry_errors && !resume ?
		      "--retry-errors goes with --resume" :
		      "--resume takes the model, judge, simulator, seed, limit and shard from the run: give none of them");
		free(models.v);
		return EXIT_USAGE;
	}
	if (concurrency < 1 || concurrency > 4096 || attempts < 1 || attempts > 100 || rpm < 0 || tpm < 0 ||
	    !(timeout > 0) || !(deadline > 0)) {
		error("--concurrency must be 1..4096, --attempts 1..100, --timeout and --sample-deadline above 0, "
		      "--rpm and --tpm >= 0");
		free(models.v);
		return EXIT_USAGE;
	}
	if (dry_run && resume) {
		error("--dry-run goes with a suite, not with --resume");
		free(models.v);
		return EXIT_USAGE;
	}
	if (max_cost < 0) {
		error("--max-cost must be a number of US dollars >= 0, not %g", max_cost);
		free(models.v);
		return EXIT_USAGE;
	}
	if (threads < 0 || threads > 1024) {
		error("--threads must be 0 (one per core) or 1..1024, not %ld", threads);
		free(models.v);
		return EXIT_USAGE;
	}
	if (!threads) {
		long cores = sysconf(_SC_NPROCESSORS_ONLN);
		threads = cores < 1 ? 1 : cores > 64 ? 64 : cores;
	}
	if (limit != LONG_MIN && limit < 1) {
		error("--limit must be a positive whole number, not %ld", limit);
		free(models.v);
		return EXIT_USAGE;
	}
	if (limit == LONG_MIN)
		limit = -1;   /* the plan's and the stored configuration's "no limit" */
	if (seed != LONG_MIN && seed < 0) {
		error("--seed must be a whole number >= 0, not %ld", seed);
		free(models.v);
		return EXIT_USAGE;
	}
	if ((shards && (!shard || strcmp(shard, "auto"))) || shards < 0 || (resume && run_key)) {
		error(shards < 0 ? "--shards must be a positive whole number" : resume ?
		      "--resume keeps the run's key: give no --run-key" : "--shards goes with --shard auto");
		free(models.v);
		return EXIT_USAGE;
	}
	if (shard && !strcmp(shard, "auto")) {
		if (shard_auto(&shard_i, &shard_n, &scheduler, &group, shards) < 0) {
			free(models.v);
			return EXIT_USAGE;
		}
	} else if (shard && shard_parse(shard, &shard_i, &shard_n) < 0) {
		error("--shard must be I/N with 0 <= I < N, or auto, not '%s'", shard);
		free(models.v);
		return EXIT_USAGE;
	}
	if (!run_key && !resume && getenv("RECEVAL_RUN_KEY") && *getenv("RECEVAL_RUN_KEY"))
		run_key = getenv("RECEVAL_RUN_KEY");
	if (run_key && !*run_key) {
		error("--run-key must not be empty");
		free(group);
		free(models.v);
		return EXIT_USAGE;
	}

	if (resume) {
		if (store_open_existing(&store, default_db_path(db)) < 0) {
			free(models.v);
			return EXIT_STORE;
		}
		store_ready = 1;
		if (resume < 0) {
			struct run_info info;
			int64_t rid = resume + 1;
			if ((ret = cmd_get_run(&info, &store, &rid)) != EXIT_OK) {
				store_close(&store);
				free(models.v);
				return ret;
			}
			run_info_release(&info);
			resume = (long)rid;
		}
		if ((ret = resume_needed(&store, resume)) != CMD_GO) {
			store_close(&store);
			free(models.v);
			return ret;
		}
		ret = load_resume(&store, resume, &suite, &resume_model, &seed, &limit, &shard_i, &shard_n,
				  resume_role);
		if (ret != EXIT_OK) {
			store_close(&store);
			free(models.v);
			return ret;
		}
		ALLOC_GROW(models.v, 1, models.alloc);
		models.v[models.n++] = resume_model;
		if (store_done_samples(&store, resume, retry_errors, &done, &done_keys, &n_done_keys) < 0) {
			ret = EXIT_STORE;
			goto out_suite;
		}
	} else if (suite_load(&suite, argv[0]) < 0) {
		free(group);
		free(models.v);
		return EXIT_INPUT;
	} else if (tasks_arg && (ret = select_tasks(&suite, tasks_arg)) != EXIT_OK) {
		free(group);
		free(models.v);
		return ret;
	} else if ((judge && check_role(&suite, ROLE_JUDGE, judge) < 0) ||
		   (simulator && check_role(&suite, ROLE_SIMULATOR, simulator) < 0)) {
		ret = EXIT_USAGE;
		goto out_suite;
	}
	from_flag = models.n > 0;
	n_specs = from_flag ? models.n : suite.n_models;
	spec_text = from_flag ? models.v : (const char *const *)suite.models;
	if (!n_specs) {
		error("%s names no models: give one with --model (e.g. --model builtin:itemknn)", suite.path);
		ret = EXIT_USAGE;
		goto out_suite;
	}
	specs = xcalloc(n_specs, sizeof(*specs));
	for (i = 0; i < n_specs; i++) {
		if (model_spec_parse(&specs[i], spec_text[i]) < 0 || !adapter_find(specs[i].provider) ||
		    /* a built-in model's name and keys are known before the dataset loads */
		    (!strcmp(specs[i].provider, "builtin") && builtin_check_spec(&specs[i]) < 0)) {
			if (specs[i].provider && !adapter_find(specs[i].provider))
				error("unknown model provider '%s' in '%s' (known: %s)", specs[i].provider,
				      spec_text[i], adapter_providers());
			ret = from_flag ? EXIT_USAGE : EXIT_INPUT;
			goto out_specs;
		}
	}

	memset(&ds, 0, sizeof(ds));
	memset(&sp, 0, sizeof(sp));
	phase_begin();
	if (!suite.dataset.format) {
		/* every task reads its own questions: no dataset, split or users */
		has_ds = 0;
		goto plan;
	}
	if (dataset_load(&ds, &suite.dataset) < 0) {
		ret = EXIT_INPUT;
		goto out_specs;
	}
	phase_end("load");
	for (i = 0; i < suite.n_tasks; i++)
		if (suite.tasks[i].negatives == NEG_DATASET && (suite.tasks[i].type->flags & TASK_CANDIDATES) &&
		    !ds.negatives) {
			error("%s: task '%s' asks for the dataset's negatives, but %s has none "
			      "(only reclm datasets with negative_samples.txt do)", suite.path,
			      suite.tasks[i].name, ds.path);
			ret = EXIT_INPUT;
			goto out_ds;
		}
	if (split_leave_last_out(&sp, &ds, &suite.split) < 0) {
		ret = EXIT_INPUT;
		goto out_ds;
	}
	/* from here on the split holds all a run needs of the interactions (n_inter stays for the record) */
	free(ds.inter);
	ds.inter = NULL;

plan:
	memset(&plan, 0, sizeof(plan));
	plan.suite = &suite;
	plan.ds = has_ds ? &ds : NULL;
	plan.sp = has_ds ? &sp : NULL;
	plan.seed = seed != LONG_MIN ? (uint64_t)seed : suite.seed;
	plan.limit = limit;
	plan.shard_i = shard_i;
	plan.shard_n = shard_n;
	plan.run_group = run_key ? run_key : group;
	plan.quiet = quiet;
	plan.no_cache = no_cache;
	plan.limits.concurrency = (unsigned)concurrency;
	plan.limits.rpm = rpm;
	plan.limits.tpm = tpm;
	plan.limits.timeout_s = timeout;
	plan.limits.deadline_s = deadline;
	plan.limits.attempts = (unsigned)attempts;
	plan.max_cost = max_cost;
	plan.dry = dry_run;
	if (dry_run)
		plan.quiet = 1;
	plan.limits.body_cap = (size_t)8 << 20;
	plan.resume_run = resume;
	plan.threads = (unsigned)threads;
	plan.done = resume ? &done : NULL;
	plan.judge = resume ? resume_role[ROLE_JUDGE] : judge;
	plan.simulator = resume ? resume_role[ROLE_SIMULATOR] : simulator;
	if (has_ds)
		split_sample_users(&users, &n_users, &sp, suite.users, plan.seed);
	plan.sampled = n_users;
	if (limit > 0 && (size_t)limit < n_users)
		n_users = (size_t)limit;
	if (shard_n > 1) {
		size_t kept = 0;
		for (i = 0; i < n_users; i++)
			if ((long)(i % (size_t)shard_n) == shard_i)
				users[kept++] = users[i];
		n_users = kept;
	}
	if (has_ds)
		split_order_users(users, n_users, &ds);
	plan.users = users;
	plan.n_users = n_users;
	phase_end("split");
	if (has_ds && !n_users) {
		error("no user to evaluate (shard %ld/%ld of %zu)", shard_i, shard_n, plan.sampled);
		ret = EXIT_USAGE;
		goto out_split;
	}
	if (!quiet && scheduler)
		fprintf(stderr, "%s: shard %ld/%ld from %s\n", suite.name, shard_i, shard_n, scheduler);
	if (!quiet && !has_ds)
		fprintf(stderr, "%s: %zu task(s) reading their own questions\n", suite.name, suite.n_tasks);
	else if (!quiet)
		fprintf(stderr, "%s: %zu users, %zu items, %zu interactions; %zu users evaluated "
			"(%zu skipped with too few interactions)\n", suite.name, ds.n_users, ds.n_items,
			ds.n_inter, n_users, sp.skipped);

	/* a dry run writes nothing: its runs live in memory and go with the process */
	if (!store_ready && store_open(&store, dry_run ? ":memory:" : default_db_path(db)) < 0) {
		ret = EXIT_STORE;
		goto out_split;
	}
	store_ready = 1;
	signal(SIGINT, on_sigint);
	ids = xcalloc(n_specs, sizeof(*ids));
	outcomes = xcalloc(n_specs, sizeof(*outcomes));
	for (i = 0; i < n_specs; i++) {
		int64_t id = 0;
		int rc;

		plan.model_text = specs[i].text;
		plan.why = &outcomes[i].why;
		rc = run_model(&plan, &store, &specs[i], from_flag, &id);
		outcomes[i].id = id;
		outcomes[i].rc = rc;
		if (id && !dry_run) {
			ids[n_ids++] = id;
			printf("run %lld\n", (long long)id);
			fflush(stdout);
		}
		if (rc != EXIT_OK && ret == EXIT_OK)
			ret = rc;
		/* one model's failure is its own: the next models are still evaluated, but not after Ctrl-C or a broken store */
		if (rc == 130 || rc == EXIT_STORE) {
			ret = rc;
			break;
		}
	}
	n_ran = i < n_specs ? i + 1 : n_specs;
	signal(SIGINT, SIG_DFL);
	if (n_ids) {
		putchar('\n');
		if (print_results(&store, ids, n_ids) < 0 && ret == EXIT_OK)
			ret = EXIT_STORE;
	}
	if (ret != EXIT_OK && !dry_run)
		print_outcomes(&store, specs, outcomes, n_ran, n_specs, resume);
out_split:
	free(users);
	free(ids);
	for (i = 0; outcomes && i < n_specs; i++)
		free(outcomes[i].why);
	free(outcomes);
	if (has_ds)
		split_release(&sp);
out_ds:
	if (has_ds)
		dataset_release(&ds);
out_specs:
	for (i = 0; i < n_specs; i++)
		model_spec_release(&specs[i]);
	free(specs);
out_suite:
	suite_release(&suite);
	if (store_ready)
		store_close(&store);
	strmap_release(&done);
	for (i = 0; i < n_done_keys; i++)
		free(done_keys[i]);
	free(done_keys);
	free(resume_model);
	for (i = 0; i < ROLE__COUNT; i++)
		free(resume_role[i]);
	free(group);
	free(models.v);
	return ret;
}

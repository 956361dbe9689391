/* cmd_export.c: `receval export RUN_ID`: a run's samples as JSON lines, or as a TREC run file with its qrels. */
#include "eval/cli/cmd.h"
#include "eval/runarg.h"
#include "eval/codec.h"
#include "lib/strbuf.h"
#include "lib/strmap.h"
#include "reports/samples.h"

static const char usage_export[] =
	"receval export RUN_ID [--format jsonl|trec] [--task NAME] [--qrels FILE] [-o FILE] [--db FILE]\n"
	"\n"
	"jsonl: one line per sample, as 'receval show RUN_ID --samples --format jsonl'.\n"
	"trec:  a TREC run file, 'qid Q0 docno rank score runid' with qid TASK/SAMPLE_ID,\n"
	"       rank 1..n and score n - rank + 1, runid receval-RUN_ID; --qrels FILE also\n"
	"       writes the judgements ('qid 0 target 1'), for trec_eval, ranx or pytrec_eval;\n"
	"       --task NAME writes one task's samples only (a file of several tasks averages\n"
	"       over all of them: its runid then names each line's task, receval-RUN_ID-TASK)\n"
	"Exit 3: no such run, or an id a TREC file cannot hold (whitespace); 5: the\n"
	"database cannot be read; 6: an output file cannot be written";

/* Why the walk stopped: a positive value, so that it is not taken for a store failure (-1). */
enum { STOP_BAD_ID = 1, STOP_WRITE = 2 };

struct trec_export {
	int64_t run;
	FILE *out, *qrels;
	const char *runid;
	const char *task;            /* --task, or NULL for every task */
	size_t n_tasks;              /* tasks of the run (every task written when task is NULL) */
	size_t matched;              /* samples of --task seen */
	struct strbuf line;
	struct strmap seen;
	size_t queries, lines, judged, unscored, duplicates;
};

/* Whether s can be one column of a TREC line: not empty, no whitespace. */
static int trec_token(const char *s)
{
	if (!s || !*s)
		return 0;
	for (; *s; s++)
		if (isspace((unsigned char)*s))
			return 0;
	return 1;
}

static int bad_id(const struct trec_export *x, const struct sample_view *v, const char *what, const char *id)
{
	error("run %lld, task '%s', sample '%s': %s '%s' %s, which a TREC file cannot hold", (long long)x->run,
	      v->task, v->sample_id, what, id ? id : "", id && *id ? "contains whitespace" : "is empty");
	return STOP_BAD_ID;
}

static int put(FILE *f, const struct strbuf *sb)
{
	return fwrite(sb->buf, 1, sb->len, f) == sb->len ? 0 : STOP_WRITE;
}

static int trec_sample(const struct sample_view *v, void *data)
{
	struct trec_export *x = data;
	struct id_list ranking;
	size_t n = 0, rank = 0, i;
	int ret = 0;

	if (x->task && strcmp(v->task, x->task))
		return 0;
	x->matched++;
	/* an unscored sample (status "error") is in none of the run's means: leave it out of both files */
	if (!v->n_metrics) {
		x->unscored++;
		return 0;
	}
	if (!trec_token(v->task))
		return bad_id(x, v, "task name", v->task);
	if (!trec_token(v->sample_id))
		return bad_id(x, v, "sample id", v->sample_id);
	if (x->qrels && v->target) {
		if (!trec_token(v->target))
			return bad_id(x, v, "target item id", v->target);
		strbuf_reset(&x->line);
		strbuf_addf(&x->line, "%s/%s 0 %s 1\n", v->task, v->sample_id, v->target);
		if (put(x->qrels, &x->line))
			return STOP_WRITE;
		x->judged++;
	}

	/* no stored ranking is an empty one; one that is not a list of item ids is a damaged store */
	if (codec_get_ids(&ranking, v->ranking) < 0 && v->ranking && *v->ranking) {
		error("run %lld, task '%s', sample '%s': the ranking holds something other than an item id",
		      (long long)x->run, v->task, v->sample_id);
		return STOP_BAD_ID;
	}
	strmap_release(&x->seen);
	/* first pass: check every id, and count the distinct ones (trec_eval refuses a repeated docno) */
	for (i = 0; i < ranking.n; i++) {
		const char *id = ranking.ids[i];

		if (!trec_token(id)) {
			ret = bad_id(x, v, "item id", id);
			goto out;
		}
		if (strmap_put(&x->seen, id, strlen(id), 0, NULL))
			n++;
		else
			x->duplicates++;
	}
	strmap_release(&x->seen);
	for (i = 0; i < ranking.n; i++) {
		const char *id = ranking.ids[i];

		if (!strmap_put(&x->seen, id, strlen(id), 0, NULL))
			continue;
		rank++;
		/* distinct descending scores: trec_eval's score order is the stored order */
		strbuf_reset(&x->line);
		strbuf_addf(&x->line, "%s/%s Q0 %s %zu %zu %s", v->task, v->sample_id, id, rank, n - rank + 1,
			    x->runid);
		/* several tasks in one file: each line says its task in the runid too */
		if (!x->task && x->n_tasks > 1)
			strbuf_addf(&x->line, "-%s", v->task);
		strbuf_addch(&x->line, '\n');
		if (put(x->out, &x->line)) {
			ret = STOP_WRITE;
			goto out;
		}
		x->lines++;
	}
	x->queries++;
out:
	strmap_release(&x->seen);
	id_list_release(&ranking);
	return ret;
}

/*
 * How many tasks run has; with task, 1 when it is one of them. (size_t)-1
 * after printing why: an unknown task (naming the run's tasks), or a store
 * failure.
 */
static size_t count_tasks(struct store *s, int64_t run, const char *task)
{
	struct run_sample_metrics m;
	struct strbuf names = STRBUF_INIT;
	size_t i, n;

	if (store_get_sample_metrics(s, run, &m) < 0) {
		run_sample_metrics_release(&m);
		return (size_t)-1;
	}
	n = m.n_tasks;
	for (i = 0; task && i < m.n_tasks; i++) {
		if (!strcmp(m.tasks[i], task))
			break;
		strbuf_addf(&names, "%s%s", i ? ", " : "", m.tasks[i]);
	}
	if (task && i == m.n_tasks) {
		error("run %lld has no task '%s' (its tasks: %s)", (long long)run, task, names.len ? names.buf : "none");
		n = (size_t)-1;
	} else if (task) {
		n = 1;
	}
	strbuf_release(&names);
	run_sample_metrics_release(&m);
	return n;
}

/* Open path for writing ("-" or NULL: stdout). NULL after printing why. */
static FILE *open_out(const char *path)
{
	FILE *f;

	if (!path || !strcmp(path, "-"))
		return stdout;
	f = fopen(path, "w");
	if (!f)
		error("cannot write '%s': %s", path, strerror(errno));
	return f;
}

/* Close f (not stdout); -1 after printing why when its data did not all reach the file. */
static int close_out(FILE *f, const char *path)
{
	int bad;

	if (!f)
		return 0;
	bad = ferror(f);
	if (f == stdout)
		bad = fflush(f) || bad;
	else
		bad = fclose(f) || bad;
	if (bad)
		return error("cannot write '%s': %s", path && strcmp(path, "-") ? path : "standard output",
			     strerror(errno));
	return 0;
}

int cmd_export(int argc, char **argv)
{
	const char *db = NULL, *format = "jsonl", *output = NULL, *qrels = NULL, *task = NULL;
	int npos = 0, rc, ret;
	struct option opts[] = {
		{ OPT_STRING, 'f', "format", &format, "FMT", "jsonl (default: one line per sample) or trec" },
		{ OPT_STRING, 0, "qrels", &qrels, "FILE", "with --format trec: also write the qrels to FILE" },
		{ OPT_STRING, 't', "task", &task, "NAME", "with --format trec: only this task's samples" },
		{ OPT_STRING, 'o', "output", &output, "FILE", "write to FILE instead of standard output" },
		OPT_DB(&db),
		{ OPT_END },
	};
	static const struct cmd_args one_run = { 1, 1, "export needs one run id (see 'receval list')" };
	struct trec_export x;
	struct store store;
	struct run_info run;
	FILE *out = NULL, *qf = NULL;
	char *runid = NULL;
	int64_t id;

	ret = cmd_start(argc, argv, opts, usage_export, &one_run, &npos);
	if (ret != CMD_GO)
		return ret;
	if (strcmp(format, "jsonl") && strcmp(format, "trec")) {
		error("unknown format '%s' (jsonl, trec)", format);
		return EXIT_USAGE;
	}
	if ((qrels || task) && strcmp(format, "trec")) {
		error("%s goes with --format trec", qrels ? "--qrels" : "--task");
		return EXIT_USAGE;
	}
	if (qrels && (output && strcmp(output, "-") ? !strcmp(qrels, output) : !strcmp(qrels, "-"))) {
		error("--qrels and the run file would both go to '%s'", qrels);
		return EXIT_USAGE;
	}
	if (runarg_parse(&id, argv[0]) < 0)
		return EXIT_USAGE;
	if ((ret = cmd_open_run(&store, &run, db, &id)) != EXIT_OK)
		return ret;

	out = open_out(output);
	if (!out) {
		ret = EXIT_OUTPUT;
		goto out;
	}
	if (!strcmp(format, "jsonl")) {
		if (samples_write_jsonl(out, &store, id) < 0)
			ret = ferror(out) ? EXIT_OUTPUT : EXIT_STORE;
		goto out;
	}

	if (qrels && !(qf = open_out(qrels))) {
		ret = EXIT_OUTPUT;
		goto out;
	}
	runid = xstrfmt("receval-%lld", (long long)id);
	memset(&x, 0, sizeof(x));
	x.run = id;
	x.out = out;
	x.qrels = qf;
	x.runid = runid;
	x.task = task;
	if ((x.n_tasks = count_tasks(&store, id, task)) == (size_t)-1) {
		ret = task ? EXIT_INPUT : EXIT_STORE;
		goto out;
	}
	strbuf_init(&x.line, 0);
	rc = store_for_each_sample(&store, id, trec_sample, &x);
	strbuf_release(&x.line);
	strmap_release(&x.seen);
	if (rc == STOP_BAD_ID)
		ret = EXIT_INPUT;
	else if (rc == STOP_WRITE) {
		error("cannot write the TREC files: %s", strerror(errno));
		ret = EXIT_OUTPUT;
	} else if (rc)
		ret = EXIT_STORE;
	if (!ret && x.duplicates)
		warning("%zu repeated item ids in rankings were left out (a TREC run holds each document once"
			" per query); those queries' ranks after the repeat moved up", x.duplicates);
	if (!ret && !task && x.n_tasks > 1)
		warning("the file holds %zu tasks, whose figures a TREC tool averages together; --task NAME writes"
			" one (each line's runid names its task)", x.n_tasks);
	if (!ret && x.unscored)
		warning("%zu samples without metrics (status 'error') were left out", x.unscored);
out:
	if (close_out(out, output) < 0 && ret == EXIT_OK)
		ret = EXIT_OUTPUT;
	if (close_out(qf, qrels) < 0 && ret == EXIT_OK)
		ret = EXIT_OUTPUT;
	/* a half-written file would look like a whole one: remove what we created */
	if (ret != EXIT_OK) {
		if (output && strcmp(output, "-") && out)
			unlink(output);
		if (qrels && strcmp(qrels, "-") && qf)
			unlink(qrels);
	}
	free(runid);
	run_info_release(&run);
	store_close(&store);
	return ret;
}

/* report_page.c: loads the runs of a report from the store and renders the page (`receval report`, `receval serve`'s /compare). */
#include "reports/report_page.h"
#include "reports/html.h"
#include "eval/runarg.h"
#include "eval/titles.h"
#include "eval/label.h"

/* What the report loads for a run besides its runarg_run; the report borrows from it. */
struct run_extra {
	struct run_sample_metrics sm;
	struct comparison cmp;
	int compared;
	struct run_usage usage;
};

int report_page(struct strbuf *out, struct store *store, const int64_t *ids, size_t n_runs,
		const struct report_page_options *o, size_t *skipped, struct strbuf *why)
{
	struct compare_options copts = o->copts;
	struct runarg_run *runs = xcalloc(n_runs, sizeof(*runs));
	struct run_extra *extra = xcalloc(n_runs, sizeof(*extra));
	struct report_run *rruns = NULL;
	struct report_task *tasks = NULL;
	struct strbuf judged = STRBUF_INIT, dialogues = STRBUF_INIT;
	struct titles titles = TITLES_INIT;
	int64_t *resolved = xcalloc(n_runs, sizeof(*resolved));
	struct report report;
	size_t n_tasks = 0, i;
	int ret = 1, rc;

	copts.alpha = o->alpha;
	for (i = 0; i < n_runs; i++) {
		runs[i].info.id = ids[i];
		rc = runarg_load_run(&runs[i], store);
		if (rc <= 0) {
			ret = rc;
			goto out;
		}
		resolved[i] = runs[i].info.id;  /* latest and latest~N resolved */
		if (titles_add_run(&titles, store, &runs[i].info) < 0 ||
		    store_get_sample_metrics(store, resolved[i], &extra[i].sm) < 0 ||
		    store_get_usage(store, resolved[i], &extra[i].usage) < 0) {
			ret = -1;
			goto out;
		}
		if (!runs[i].n_rows)
			warning("run %lld has no metrics (status '%s')", (long long)resolved[i],
				runs[i].info.status ? runs[i].info.status : "?");
	}

	runarg_label_runs(runs, n_runs);
	rruns = xcalloc(n_runs, sizeof(*rruns));
	for (i = 0; i < n_runs; i++) {
		if (i) {
			compare_runs(&extra[i].cmp, &runs[0].info, &extra[0].sm, &runs[i].info, &extra[i].sm, &copts);
			extra[i].compared = 1;
		}
		rruns[i].info = &runs[i].info;
		rruns[i].label = runs[i].label;
		rruns[i].name = run_label(&runs[i].info);
		rruns[i].rows = runs[i].rows;
		rruns[i].n_rows = runs[i].n_rows;
		rruns[i].usage = &extra[i].usage;
		rruns[i].samples = &extra[i].sm;
		if (i && extra[i].cmp.samples)
			rruns[i].vs_base = &extra[i].cmp;
		else if (i)
			rruns[i].not_compared = "no sample in common with the baseline (a different suite, seed or shard?)";
	}

	if (report_tasks_build(&tasks, &n_tasks, store, rruns, n_runs, o->top) < 0) {
		ret = -1;
		goto out;
	}

	memset(&report, 0, sizeof(report));
	report.runs = rruns;
	report.n_runs = n_runs;
	report.titles = &titles;
	report.tasks = tasks;
	report.n_tasks = n_tasks;
	report.alpha = o->alpha;
	report.test = compare_test_name(copts.test);
	report.generated = o->generated;
	report.db_path = store->path;
	report.no_plots = o->no_plots;
	report.fragment = o->fragment;
	{
		const char **labels = xcalloc(n_runs, sizeof(*labels));
		for (i = 0; i < n_runs; i++)
			labels[i] = rruns[i].label ? rruns[i].label : runs[i].info.model;
		if (html_judgments(&judged, store, resolved, n_runs) < 0 ||
		    html_dialogues(&dialogues, store, resolved, labels, n_runs, 3) < 0)
			ret = -1;
		free(labels);
	}
	report.judgments = judged.len ? judged.buf : NULL;
	report.dialogues = dialogues.len ? dialogues.buf : NULL;
	html_report(out, &report, skipped, why);

out:
	titles_release(&titles);
	free(resolved);
	report_tasks_free(tasks, n_tasks, n_runs);
	for (i = 0; rruns && i < n_runs; i++)
		free(rruns[i].name);
	free(rruns);
	for (i = 0; i < n_runs; i++) {
		if (extra[i].compared)
			comparison_release(&extra[i].cmp);
		run_sample_metrics_release(&extra[i].sm);
	}
	free(extra);
	runarg_release_runs(runs, n_runs);
	free(runs);
	strbuf_release(&judged);
	strbuf_release(&dialogues);
	return ret;
}

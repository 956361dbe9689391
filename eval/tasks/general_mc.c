/* general_mc.c: the `general_mc` task: multiple-choice knowledge questions (MMLU's CSV layout as published, or JSONL), with worked examples, the letter read from the answer. */
#include <cJSON.h>
#include <dirent.h>
#include <sys/stat.h>
#include "eval/tasks/general.h"
#include "eval/answer/choice.h"
#include "eval/ifeval/text.h"
#include "lib/utf8.h"

static const char *const keys[] = { "data", "dev", "shots", NULL };

struct mc_q {
	char *question;
	char **choices;
	size_t n_choices;
	int answer;            /* 0-based */
	size_t subject;
	size_t index;          /* within its subject's questions (dev: its order) */
};

struct mc_list {
	struct mc_q *q;
	size_t n, alloc;
};

struct mc_data {
	char *path, *dev;
	size_t shots;
	char **subjects;       /* as named by the files ("high_school_physics") or the JSONL's "subject" */
	char **metric;         /* "acc/<subject>" */
	size_t n_subjects, alloc_subjects;
	struct mc_list test, shot;
};

static void list_release(struct mc_list *l)
{
	size_t i, j;

	for (i = 0; i < l->n; i++) {
		free(l->q[i].question);
		for (j = 0; j < l->q[i].n_choices; j++)
			free(l->q[i].choices[j]);
		free(l->q[i].choices);
	}
	free(l->q);
	memset(l, 0, sizeof(*l));
}

/* The subject's index, added when new (only while reading the test questions: add). -1 when unknown. */
static long subject_index(struct mc_data *d, const char *name, int add)
{
	size_t i;

	for (i = 0; i < d->n_subjects; i++)
		if (!strcmp(d->subjects[i], name))
			return (long)i;
	if (!add)
		return -1;
	ALLOC_GROW(d->subjects, d->n_subjects + 1, d->alloc_subjects);
	d->metric = xrealloc(d->metric, d->alloc_subjects * sizeof(*d->metric));
	d->subjects[d->n_subjects] = xstrdup(name);
	d->metric[d->n_subjects] = xstrfmt("acc/%s", name);
	return (long)d->n_subjects++;
}

static size_t subject_count(const struct mc_list *l, size_t subject)
{
	size_t i, n = 0;

	for (i = 0; i < l->n; i++)
		n += l->q[i].subject == subject;
	return n;
}

static int add_question(struct mc_data *d, struct mc_list *l, const char *path, long line, const char *question,
			const char *const *choices, size_t n_choices, const char *answer, long answer_index,
			long subject)
{
	struct mc_q q = { 0 };
	size_t i;

	if (!*question)
		return error_at(path, line, "the question is empty");
	if (utf8_valid_prefix(question, strlen(question)) != strlen(question))
		return error_at(path, line, "the question is not UTF-8");
	for (i = 0; i < n_choices; i++)
		if (utf8_valid_prefix(choices[i], strlen(choices[i])) != strlen(choices[i]))
			return error_at(path, line, "choice %c is not UTF-8", (char)('A' + i));
	if (answer) {
		const char *a = answer;
		size_t n = strlen(a);
		ut_strip(&a, &n);
		if (n != 1 || toupper((unsigned char)a[0]) < 'A' || toupper((unsigned char)a[0]) >= 'A' + (int)n_choices)
			return error_at(path, line, "the answer '%s' is not one of the choices A-%c", answer,
					(char)('A' + n_choices - 1));
		answer_index = toupper((unsigned char)a[0]) - 'A';
	} else if (answer_index < 0 || answer_index >= (long)n_choices) {
		return error_at(path, line, "the answer %ld is not one of the choices 0-%zu", answer_index, n_choices - 1);
	}
	if (subject < 0)
		return 0;  /* worked examples of a subject without test questions */
	q.question = xstrdup(question);
	q.choices = xcalloc(n_choices, sizeof(*q.choices));
	for (i = 0; i < n_choices; i++)
		q.choices[i] = xstrdup(choices[i]);
	q.n_choices = n_choices;
	q.answer = (int)answer_index;
	q.subject = (size_t)subject;
	q.index = subject_count(l, (size_t)subject);
	(void)d;
	ALLOC_GROW(l->q, l->n + 1, l->alloc);
	l->q[l->n++] = q;
	return 0;
}

/* --- MMLU's CSV: question,A,B,C,D,answer; no header; RFC 4180 quoting ------------------ */

#define MMLU_FIELDS 6

static int read_csv(struct mc_data *d, struct mc_list *l, const char *path, long subject)
{
	struct strbuf sb = STRBUF_INIT, field = STRBUF_INIT;
	char *fields[MMLU_FIELDS + 1] = { 0 };
	const char *p, *end;
	long line = 1, start;
	size_t nf, i, rows = 0;
	int ret = -1;

	if (general_read_file(&sb, path) < 0)
		return -1;
	p = sb.buf;
	end = sb.buf + sb.len;
	if (end - p >= 3 && !memcmp(p, "\xef\xbb\xbf", 3))
		p += 3;
	while (p < end) {
		int more = 1;
		if (*p == '\n' || (*p == '\r' && p + 1 < end && p[1] == '\n')) {
			/* a blank line */
			p += *p == '\r' ? 2 : 1;
			line++;
			continue;
		}
		start = line;
		nf = 0;
		while (more) {
			strbuf_reset(&field);
			if (*p == '"') {
				for (p++;; p++) {
					if (p >= end) {
						error_at(path, start, "a quoted field is never closed");
						goto out;
					}
					if (*p == '"' && p + 1 < end && p[1] == '"') {
						strbuf_addch(&field, '"');
						p++;
					} else if (*p == '"') {
						p++;
						break;
					} else {
						line += *p == '\n';
						strbuf_addch(&field, *p);
					}
				}
			}
			while (p < end && *p != ',' && *p != '\n' && !(*p == '\r' && p + 1 < end && p[1] == '\n'))
				strbuf_addch(&field, *p++);
			if (nf < MMLU_FIELDS)
				fields[nf] = strbuf_detach(&field, NULL);
			nf++;
			if (p < end && *p == ',') {
				p++;
			} else {
				more = 0;
				if (p < end)
					p += *p == '\r' ? 2 : 1;
				line++;
			}
		}
		if (nf != MMLU_FIELDS) {
			error_at(path, start, "a row has %zu fields, MMLU's layout has %d (question, A, B, C, D, answer)",
				 nf, MMLU_FIELDS);
			goto out;
		}
		{
			const char *choices[4] = { fields[1], fields[2], fields[3], fields[4] };
			if (add_question(d, l, path, start, fields[0], choices, 4, fields[5], 0, subject) < 0)
				goto out;
		}
		for (i = 0; i < MMLU_FIELDS; i++) {
			free(fields[i]);
			fields[i] = NULL;
		}
		rows++;
	}
	if (!rows) {
		error("%s: no questions in the file", path);
		goto out;
	}
	ret = 0;
out:
	for (i = 0; i < MMLU_FIELDS; i++)
		free(fields[i]);
	strbuf_release(&sb);
	strbuf_release(&field);
	return ret;
}

/* --- JSONL: {"question", "choices": [...], "answer": "C" | 2, "subject"} ------------------ */

struct jsonl_ctx {
	struct mc_data *d;
	struct mc_list *l;
	const char *path, *stem;
	int add_subjects;
};

static int read_jsonl_line(const cJSON *obj, long line, void *data)
{
	struct jsonl_ctx *x = data;
	const cJSON *q = cJSON_GetObjectItemCaseSensitive(obj, "question");
	const cJSON *ch = cJSON_GetObjectItemCaseSensitive(obj, "choices");
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(obj, "answer");
	const cJSON *s = cJSON_GetObjectItemCaseSensitive(obj, "subject"), *e;
	const char *choices[26];
	size_t n = 0;

	if (!cJSON_IsString(q))
		return error_at(x->path, line, "no \"question\" (a string)");
	if (!cJSON_IsArray(ch) || cJSON_GetArraySize(ch) < 2 || cJSON_GetArraySize(ch) > 26)
		return error_at(x->path, line, "\"choices\" must be an array of 2 to 26 strings");
	cJSON_ArrayForEach(e, ch) {
		if (!cJSON_IsString(e))
			return error_at(x->path, line, "\"choices\" must be an array of 2 to 26 strings");
		choices[n++] = e->valuestring;
	}
	if (s && (!cJSON_IsString(s) || !*s->valuestring || strchr(s->valuestring, '/')))
		return error_at(x->path, line, "\"subject\" must be a non-empty string without '/'");
	if (!(cJSON_IsString(a) || (cJSON_IsNumber(a) && a->valuedouble == floor(a->valuedouble))))
		return error_at(x->path, line, "\"answer\" must be a letter (\"C\") or a 0-based index (2)");
	/* checked before the cast: a double past a long's range cast to long is undefined (1e95) */
	if (cJSON_IsNumber(a) && !(a->valuedouble >= 0 && a->valuedouble < (double)n))
		return error_at(x->path, line, "the answer %g is not one of the choices 0-%zu", a->valuedouble, n - 1);
	return add_question(x->d, x->l, x->path, line, q->valuestring, choices, n,
			    cJSON_IsString(a) ? a->valuestring : NULL, cJSON_IsNumber(a) ? (long)a->valuedouble : -1,
			    subject_index(x->d, s ? s->valuestring : x->stem, x->add_subjects));
}

/* The subject a file names: "abstract_algebra_test.csv" -> "abstract_algebra". */
static char *file_subject(const char *path)
{
	const char *base = strrchr(path, '/'), *suffixes[] = { "_test.csv", "_dev.csv", "_val.csv", ".csv", ".jsonl" };
	size_t n, i, k;

	base = base ? base + 1 : path;
	n = strlen(base);
	for (i = 0; i < ARRAY_SIZE(suffixes); i++) {
		k = strlen(suffixes[i]);
		if (n > k && !strcmp(base + n - k, suffixes[i]))
			return xstrndup(base, n - k);
	}
	return xstrdup(base);
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n > k && !strcmp(s + n - k, suffix);
}

static int read_file(struct mc_data *d, struct mc_list *l, const char *path, int add_subjects)
{
	char *stem = file_subject(path);
	int ret;

	if (ends_with(path, ".jsonl")) {
		struct jsonl_ctx x = { d, l, path, stem, add_subjects };
		ret = general_read_jsonl(path, read_jsonl_line, &x);
	} else {
		long s = subject_index(d, stem, add_subjects);
		/* worked examples for a subject without questions are not read */
		ret = s < 0 && !add_subjects ? 0 : read_csv(d, l, path, s);
	}
	free(stem);
	return ret;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The files of a folder ending in suffix, sorted; NULL when it cannot be read. */
static char **folder_files(const char *dir, const char *suffix, size_t *n)
{
	DIR *dp = opendir(dir);
	struct dirent *de;
	char **out = NULL;
	size_t alloc = 0;

	*n = 0;
	if (!dp)
		return NULL;
	while ((de = readdir(dp)))
		if (ends_with(de->d_name, suffix)) {
			ALLOC_GROW(out, *n + 1, alloc);
			out[(*n)++] = xstrfmt("%s/%s", dir, de->d_name);
		}
	closedir(dp);
	if (*n)
		qsort(out, *n, sizeof(*out), cmp_str);
	return out ? out : xcalloc(1, sizeof(*out));
}

static int is_dir(const char *path)
{
	struct stat st;
	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

/* A file, or every "<subject>_<split>.csv" (else every .jsonl) of a folder. */
static int read_path(struct mc_data *d, struct mc_list *l, const char *path, const char *split, int add_subjects)
{
	char **files, *suffix = xstrfmt("_%s.csv", split);
	size_t n, i;
	int ret = 0;

	if (!is_dir(path)) {
		free(suffix);
		return read_file(d, l, path, add_subjects);
	}
	files = folder_files(path, suffix, &n);
	if (files && !n) {
		free(files);
		files = folder_files(path, ".jsonl", &n);
	}
	if (!files || !n) {
		ret = error("%s: no <subject>%s or .jsonl files in the folder", path, suffix);
		n = 0;
	}
	for (i = 0; i < n; i++) {
		if (!ret && read_file(d, l, files[i], add_subjects) < 0)
			ret = -1;
		free(files[i]);
	}
	free(files);
	free(suffix);
	return ret;
}

/* MMLU's layout keeps worked examples in dev/ beside test/: the default "dev" of a data path under test/. */
static char *default_dev(const char *data)
{
	char *dir = xstrdup(data), *slash, *dev = NULL;

	if (!is_dir(dir) && (slash = strrchr(dir, '/')))
		*slash = 0;
	slash = strrchr(dir, '/');
	if (!strcmp(slash ? slash + 1 : dir, "test")) {
		dev = slash ? xstrfmt("%.*s/dev", (int)(slash - dir), dir) : xstrdup("dev");
		if (!is_dir(dev)) {
			free(dev);
			dev = NULL;
		}
	}
	free(dir);
	return dev;
}

static void release(struct task_spec *t)
{
	struct mc_data *d = t->priv;
	size_t i;

	if (!d)
		return;
	list_release(&d->test);
	list_release(&d->shot);
	for (i = 0; i < d->n_subjects; i++) {
		free(d->subjects[i]);
		free(d->metric[i]);
	}
	free(d->subjects);
	free(d->metric);
	free(d->path);
	free(d->dev);
	free(d);
	t->priv = NULL;
}

static int parse(struct task_spec *t, const struct task_parse *tp)
{
	struct mc_data *d = xcalloc(1, sizeof(*d));
	size_t s;

	t->priv = d;
	if (general_data_path(tp, "data", 1, &d->path) < 0 || general_data_path(tp, "dev", 0, &d->dev) < 0)
		return -1;
	if (task_key(tp, "shots") && task_get_count(tp, "shots", 0, 100, &d->shots) < 0)
		return -1;
	if (task_stored(tp))
		return 0;
	if (read_path(d, &d->test, d->path, "test", 1) < 0)
		return -1;
	if (!d->dev && d->shots)
		d->dev = default_dev(d->path);
	if (d->shots && !d->dev)
		return task_error(tp, "shots", "'shots' needs worked examples: give \"dev\" (MMLU's dev/ folder or a file)");
	if (d->shots && read_path(d, &d->shot, d->dev, "dev", 0) < 0)
		return -1;
	for (s = 0; s < d->n_subjects && d->shots; s++)
		if (subject_count(&d->shot, s) < d->shots)
			warning("%s: subject '%s' has %zu worked example(s), fewer than the %zu shots asked for", d->dev,
				d->subjects[s], subject_count(&d->shot, s), d->shots);
	return 0;
}

static char **metric_names(const struct task_spec *t, int with_categories, size_t *n)
{
	char **out = xmalloc(2 * sizeof(*out));

	(void)t;
	(void)with_categories;
	out[0] = xstrdup("acc");
	out[1] = xstrdup("parse_failure_rate");
	*n = 2;
	return out;
}

/*
 * MMLU's prompt as lm-evaluation-harness renders it (tasks/mmlu/default:
 * the subject's description, then doc_to_text, target " X" and "\n\n"
 * after each worked example, first_n of the dev split):
 *
 *   The following are multiple choice questions (with answers) about <subject>.
 *
 *   <question.strip()>
 *   A. <choice>
 *   ...
 *   Answer: <letter>
 *
 *   <question.strip()>
 *   A. <choice>
 *   ...
 *   Answer:
 */
static void render_question(struct strbuf *out, const struct mc_q *q, int with_answer)
{
	const char *s = q->question;
	size_t n = strlen(s), i;

	ut_strip(&s, &n);
	strbuf_add(out, s, n);
	for (i = 0; i < q->n_choices; i++)
		strbuf_addf(out, "\n%c. %s", (char)('A' + i), q->choices[i]);
	strbuf_addstr(out, "\nAnswer:");
	if (with_answer)
		strbuf_addf(out, " %c\n\n", (char)('A' + q->answer));
}

void general_mc_prompt(struct strbuf *out, const struct task_spec *t, size_t question)
{
	const struct mc_data *d = t->priv;
	const struct mc_q *q = &d->test.q[question];
	const char *subj = d->subjects[q->subject];
	size_t i, shots = 0;

	strbuf_addstr(out, "The following are multiple choice questions (with answers) about ");
	for (; *subj; subj++)
		strbuf_addch(out, *subj == '_' ? ' ' : *subj);
	strbuf_addstr(out, ".\n\n");
	for (i = 0; i < d->shot.n && shots < d->shots; i++)
		if (d->shot.q[i].subject == q->subject) {
			render_question(out, &d->shot.q[i], 1);
			shots++;
		}
	render_question(out, q, 0);
}

struct mc_run {
	size_t *order, n;
	size_t *group;
	struct llm_message msg;
	struct strbuf prompt, req, id;
};

static size_t *groups(const struct mc_data *d)
{
	size_t *g = xmalloc((d->test.n ? d->test.n : 1) * sizeof(*g)), i;

	for (i = 0; i < d->test.n; i++)
		g[i] = d->test.q[i].subject;
	return g;
}

static size_t samples(const struct task_spec *t, const struct run_plan *plan)
{
	const struct mc_data *d = t->priv;
	size_t *g = groups(d), n = 0;

	free(general_order(plan, t->name, g, d->test.n, &n));
	free(g);
	return n;
}

static int start(struct task_ctx *c)
{
	const struct mc_data *d = c->t->priv;
	struct mc_run *r = xcalloc(1, sizeof(*r));

	r->group = groups(d);
	r->order = general_order(c->plan, c->t->name, r->group, d->test.n, &r->n);
	strbuf_init(&r->prompt, 0);
	strbuf_init(&r->req, 0);
	strbuf_init(&r->id, 0);
	c->priv = r;
	return EXIT_OK;
}

static void stop(struct task_ctx *c)
{
	struct mc_run *r = c->priv;

	if (!r)
		return;
	free(r->order);
	free(r->group);
	strbuf_release(&r->prompt);
	strbuf_release(&r->req);
	strbuf_release(&r->id);
	free(r);
	c->priv = NULL;
}

static size_t work_count(struct task_ctx *c, unsigned phase)
{
	const struct mc_run *r = c->priv;
	return phase == 1 ? r->n : 0;
}

/*
 * Per sample: acc (1 when the choice read is the key; 0 when it is
 * another or none could be read), acc/<subject> (the same, named by the
 * question's subject), parse_failure_rate (1 when no choice could be read).
 */
static int step(struct task_ctx *c, struct work *w, const struct llm_answer *a, int from_cache,
		struct llm_request *req)
{
	const struct mc_data *d = c->t->priv;
	struct mc_run *r = c->priv;
	size_t qi = r->order[w->index];
	const struct mc_q *q = &d->test.q[qi];
	struct general_sample s = { 0 };
	char target[2] = { (char)('A' + q->answer), 0 }, ranking[8], *err = NULL;
	int ret;

	strbuf_reset(&r->id);
	strbuf_addf(&r->id, "%s/%zu", d->subjects[q->subject], q->index);
	if (!a) {
		if (already_done(c->plan, c->t->name, r->id.buf)) {
			progress_step(c->prog);
			return STEP_DONE;
		}
		strbuf_reset(&r->prompt);
		general_mc_prompt(&r->prompt, c->t, qi);
		r->msg.role = "user";
		r->msg.content = r->prompt.buf;
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
	s.sample_id = r->id.buf;
	s.target = target;
	s.request = w->request;
	general_from_answer(&s, a, from_cache, &err);
	if (!strcmp(s.status, "ok")) {
		int choice = choice_read_options(a->content, strlen(a->content), (const char *const *)q->choices,
						 q->n_choices);
		snprintf(ranking, sizeof(ranking), choice >= 0 ? "[\"%c\"]" : "[]", (char)('A' + (choice < 0 ? 0 : choice)));
		s.ranking = ranking;
		general_metric(&s, "acc", choice == q->answer);
		general_metric(&s, d->metric[q->subject], choice == q->answer);
		general_metric(&s, "parse_failure_rate", choice < 0);
	}
	ret = general_store(c, &s);
	free(err);
	return ret < 0 ? -1 : STEP_DONE;
}

const struct task_type task_general_mc = {
	.name = "general_mc",
	.summary = "multiple-choice knowledge questions: MMLU's CSV layout or JSONL, with worked examples "
		   "(acc, acc per subject, parse_failure_rate)",
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
};

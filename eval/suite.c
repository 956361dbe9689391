/* suite.c: loading and strict validation of suite JSON files, with file:line in every message. */
#include "eval/suite.h"
#include "lib/strbuf.h"
#include <cJSON.h>
#include "eval/template.h"

/*
 * cJSON keeps no positions, so messages find the line of a member by walking
 * the raw text alongside the tree: locate() follows a path of object keys
 * and array indexes through the text, string- and nesting-aware.
 */
static const char *skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

static const char *skip_string(const char *p)
{
	for (p++; *p && *p != '"'; p++)
		if (*p == '\\' && p[1])
			p++;
	return *p ? p + 1 : p;
}

static const char *skip_value(const char *p)
{
	int depth = 0;

	p = skip_ws(p);
	do {
		if (*p == '"') {
			p = skip_string(p);
			continue;
		}
		if (*p == '{' || *p == '[')
			depth++;
		else if (*p == '}' || *p == ']')
			depth--;
		else if (!depth && (*p == ',' || !*p))
			break;
		if (!*p)
			break;
		p++;
	} while (depth > 0 || (*p && *p != ',' && *p != '}' && *p != ']'));
	return p;
}

/* In the object starting at p ('{'), the position of member key, or NULL. */
static const char *member(const char *p, const char *key)
{
	size_t len = strlen(key);

	p = skip_ws(p);
	if (*p != '{')
		return NULL;
	p = skip_ws(p + 1);
	while (*p == '"') {
		const char *k = p, *end = skip_string(p);
		const char *v = skip_ws(end);
		if (*v != ':')
			return NULL;
		if ((size_t)(end - k) == len + 2 && !memcmp(k + 1, key, len))
			return k;
		p = skip_ws(skip_value(v + 1));
		if (*p != ',')
			return NULL;
		p = skip_ws(p + 1);
	}
	return NULL;
}

static const char *member_value(const char *p, const char *key)
{
	p = member(p, key);
	if (!p)
		return NULL;
	p = skip_ws(skip_string(p));
	return skip_ws(p + 1);
}

static const char *element(const char *p, size_t index)
{
	p = skip_ws(p);
	if (*p != '[')
		return NULL;
	p = skip_ws(p + 1);
	while (index-- > 0) {
		p = skip_ws(skip_value(p));
		if (*p != ',')
			return NULL;
		p = skip_ws(p + 1);
	}
	return p;
}

static long line_at(const char *text, const char *pos)
{
	long line = 1;

	if (!pos)
		return 0;
	for (; text < pos && *text; text++)
		line += *text == '\n';
	return line;
}

struct loader {
	const char *path;
	const char *text;
};

/* The line of a member: path is a list of keys, where "#N" means array index N. */
static long line_of(const struct loader *ld, int n, const char **path)
{
	const char *p = ld->text, *found = NULL;
	int i;

	p = skip_ws(p);
	for (i = 0; i < n && p; i++) {
		if (path[i][0] == '#') {
			long idx;
			if (parse_long(path[i] + 1, &idx) < 0)
				return 0;
			p = element(p, (size_t)idx);
			found = p;
		} else {
			found = member(p, path[i]);
			p = member_value(p, path[i]);
		}
	}
	return line_at(ld->text, found ? found : NULL);
}

#define LINE(ld, ...) line_of((ld), (int)ARRAY_SIZE(((const char *[]){ __VA_ARGS__ })), \
			      (const char *[]){ __VA_ARGS__ })

const char *task_type_name(enum task_type t)
{
	switch (t) {
	case TASK_RETRIEVAL: return "retrieval";
	case TASK_RANKING: return "ranking";
	case TASK_MC: return "mc";
	case TASK_EMBED_RETRIEVAL: return "embedding_retrieval";
	case TASK_EMBED_RANKING: return "embedding_ranking";
	}
	return "?";
}

/* Task types the contract names but this build cannot evaluate yet. */
static const char *const later_types[] = {
	"explanation", "conversation", "general",
};

static char *resolve(const char *suite_path, const char *rel)
{
	const char *slash = strrchr(suite_path, '/');

	if (rel[0] == '/' || !slash)
		return xstrdup(rel);
	return xstrfmt("%.*s/%s", (int)(slash - suite_path), suite_path, rel);
}

/* Placeholders each kind of template may use. */
static const char *const retrieval_vars[] = { "history", "k", NULL };
static const char *const candidate_vars[] = { "history", "candidates", "n", NULL };
static const char *const system_vars[] = { NULL };
static const char *const item_vars[] = { "title", "categories", NULL };
static const char *const user_vars[] = { "history", NULL };

/*
 * One template of a task: the suite's file under key, or the built-in one.
 * Fills *text and *file (both owned).
 */
static int load_template(const struct loader *ld, const cJSON *t, const char *idx, const char *key,
			 const char *builtin, const char *const *vars, char **text, char **file)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(t, key);
	struct strbuf sb = STRBUF_INIT;

	if (!v) {
		const char *b = template_builtin(builtin);
		if (!b)
			return error("internal: no built-in template '%s'", builtin);
		*text = xstrdup(b);
		*file = xstrfmt("(built-in) %s", builtin);
	} else {
		if (!cJSON_IsString(v) || !*v->valuestring)
			return error_at(ld->path, LINE(ld, "tasks", idx, key), "'%s' must name a template file", key);
		*file = resolve(ld->path, v->valuestring);
		if (strbuf_read_file(&sb, *file, 1 << 20) < 0) {
			error_at(ld->path, LINE(ld, "tasks", idx, key), "cannot read template '%s': %s", *file,
				 errno == EFBIG ? "larger than 1 MiB" : strerror(errno));
			strbuf_release(&sb);
			return -1;
		}
		*text = strbuf_detach(&sb, NULL);
	}
	return template_check(*text, *file, vars);
}

/* Reject members of obj not in allowed; where names the object for messages. */
static int check_keys(const struct loader *ld, const cJSON *obj, const char *const *allowed,
		      size_t n_allowed, int depth, const char **path, const char *where)
{
	const cJSON *it;

	cJSON_ArrayForEach(it, obj) {
		size_t i;
		for (i = 0; i < n_allowed; i++)
			if (!strcmp(it->string, allowed[i]))
				break;
		if (i == n_allowed) {
			const char *full[4];
			int d;
			for (d = 0; d < depth; d++)
				full[d] = path[d];
			full[depth] = it->string;
			return error_at(ld->path, line_of(ld, depth + 1, full),
					"unknown key '%s'%s%s", it->string,
					where ? " in " : "", where ? where : "");
		}
	}
	return 0;
}


static int get_string(const struct loader *ld, const cJSON *obj, const char *key,
		      char **out, int required, long line)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (!v) {
		if (required)
			return error_at(ld->path, line, "missing required key '%s'", key);
		return 0;
	}
	if (!cJSON_IsString(v) || !*v->valuestring)
		return error_at(ld->path, line, "'%s' must be a non-empty string", key);
	*out = xstrdup(v->valuestring);
	return 0;
}

/* A whole number in [min, max] (JSON numbers are doubles: reject fractions). */
static int get_count(const struct loader *ld, const cJSON *v, const char *key, double min,
		     double max, long line, size_t *out)
{
	if (!cJSON_IsNumber(v) || v->valuedouble != floor(v->valuedouble) ||
	    v->valuedouble < min || v->valuedouble > max)
		return error_at(ld->path, line, "'%s' must be a whole number from %.0f to %.0f",
				key, min, max);
	*out = (size_t)v->valuedouble;
	return 0;
}

/*
 * $NAME, ${NAME} and ${NAME:-default} in a dataset path come from the
 * environment, so one suite can point at data that lives elsewhere on each
 * machine. A variable that is unset and has no default is an error.
 */
static char *expand_env(const struct loader *ld, const char *p, long line)
{
	struct strbuf out = STRBUF_INIT;

	while (*p) {
		const char *name, *end, *def = NULL;
		size_t len, dlen = 0;
		char *var;
		const char *val;

		if (*p != '$' || !(p[1] == '{' || isalpha((unsigned char)p[1]) || p[1] == '_')) {
			strbuf_addch(&out, *p++);
			continue;
		}
		if (p[1] == '{') {
			name = p + 2;
			end = strchr(name, '}');
			if (!end) {
				error_at(ld->path, line, "unclosed '${' in dataset path");
				strbuf_release(&out);
				return NULL;
			}
			len = strcspn(name, ":}");
			if (name[len] == ':' && name[len + 1] == '-') {
				def = name + len + 2;
				dlen = (size_t)(end - def);
			}
			p = end + 1;
		} else {
			name = p + 1;
			for (len = 0; isalnum((unsigned char)name[len]) || name[len] == '_'; len++)
				;
			p = name + len;
		}
		var = xstrndup(name, len);
		val = getenv(var);
		if (val && *val) {
			strbuf_addstr(&out, val);
		} else if (def) {
			strbuf_add(&out, def, dlen);
		} else {
			error_at(ld->path, line, "the dataset path names $%s, which is not set", var);
			free(var);
			strbuf_release(&out);
			return NULL;
		}
		free(var);
	}
	return strbuf_detach(&out, NULL);
}

static int load_dataset(const struct loader *ld, const cJSON *root, struct suite *s)
{
	static const char *const keys[] = { "format", "path", "items", "min_rating" };
	const cJSON *d = cJSON_GetObjectItemCaseSensitive(root, "dataset");
	const char *path[] = { "dataset" };
	char *format = NULL, *p = NULL, *items = NULL;
	const cJSON *v;
	int ret = -1;

	if (!d)
		return error_at(ld->path, 0, "missing required key 'dataset'");
	if (!cJSON_IsObject(d))
		return error_at(ld->path, LINE(ld, "dataset"), "'dataset' must be an object");
	if (check_keys(ld, d, keys, ARRAY_SIZE(keys), 1, path, "dataset") < 0)
		return -1;
	if (get_string(ld, d, "format", &format, 1, LINE(ld, "dataset")) < 0 ||
	    get_string(ld, d, "path", &p, 1, LINE(ld, "dataset")) < 0 ||
	    get_string(ld, d, "items", &items, 0, LINE(ld, "dataset", "items")) < 0)
		goto out;
	if (strcmp(format, "csv") && strcmp(format, "tsv") && strcmp(format, "movielens") &&
	    strcmp(format, "reclm")) {
		error_at(ld->path, LINE(ld, "dataset", "format"),
			 "unknown dataset format '%s' (csv, tsv, movielens, reclm)", format);
		goto out;
	}
	if (items && strcmp(format, "csv") && strcmp(format, "tsv")) {
		error_at(ld->path, LINE(ld, "dataset", "items"),
			 "'items' applies to csv and tsv datasets only");
		goto out;
	}
	v = cJSON_GetObjectItemCaseSensitive(d, "min_rating");
	if (v) {
		if (!cJSON_IsNumber(v)) {
			error_at(ld->path, LINE(ld, "dataset", "min_rating"),
				 "'min_rating' must be a number");
			goto out;
		}
		s->dataset.has_min_rating = 1;
		s->dataset.min_rating = v->valuedouble;
	}
	s->dataset.format = format;
	{
		char *expanded = expand_env(ld, p, LINE(ld, "dataset", "path"));
		if (!expanded)
			goto out;
		s->dataset.path = resolve(ld->path, expanded);
		free(expanded);
	}
	s->dataset.items = items ? resolve(ld->path, items) : NULL;
	format = NULL;
	ret = 0;
out:
	free(format);
	free(p);
	free(items);
	return ret;
}

static int load_split(const struct loader *ld, const cJSON *root, struct suite *s)
{
	static const char *const keys[] = { "strategy", "max_history", "min_history" };
	const cJSON *sp = cJSON_GetObjectItemCaseSensitive(root, "split"), *v;
	const char *path[] = { "split" };

	s->split.strategy = "leave-last-out";
	s->split.max_history = 0;
	s->split.min_history = 1;
	if (!sp)
		return 0;
	if (!cJSON_IsObject(sp))
		return error_at(ld->path, LINE(ld, "split"), "'split' must be an object");
	if (check_keys(ld, sp, keys, ARRAY_SIZE(keys), 1, path, "split") < 0)
		return -1;
	v = cJSON_GetObjectItemCaseSensitive(sp, "strategy");
	if (v && (!cJSON_IsString(v) || strcmp(v->valuestring, "leave-last-out")))
		return error_at(ld->path, LINE(ld, "split", "strategy"),
				"unknown split strategy%s%s%s (leave-last-out)",
				cJSON_IsString(v) ? " '" : "",
				cJSON_IsString(v) ? v->valuestring : "",
				cJSON_IsString(v) ? "'" : "");
	v = cJSON_GetObjectItemCaseSensitive(sp, "max_history");
	if (v && get_count(ld, v, "max_history", 0, 1e6, LINE(ld, "split", "max_history"),
			   &s->split.max_history) < 0)
		return -1;
	v = cJSON_GetObjectItemCaseSensitive(sp, "min_history");
	if (v && get_count(ld, v, "min_history", 1, 1e6, LINE(ld, "split", "min_history"),
			   &s->split.min_history) < 0)
		return -1;
	return 0;
}

static int load_sample(const struct loader *ld, const cJSON *root, struct suite *s)
{
	static const char *const keys[] = { "users", "seed" };
	const cJSON *sa = cJSON_GetObjectItemCaseSensitive(root, "sample"), *v;
	const char *path[] = { "sample" };
	size_t seed;

	s->users = 0;
	s->seed = 42;
	if (!sa)
		return 0;
	if (!cJSON_IsObject(sa))
		return error_at(ld->path, LINE(ld, "sample"), "'sample' must be an object");
	if (check_keys(ld, sa, keys, ARRAY_SIZE(keys), 1, path, "sample") < 0)
		return -1;
	v = cJSON_GetObjectItemCaseSensitive(sa, "users");
	if (v && !(cJSON_IsString(v) && !strcmp(v->valuestring, "all")) &&
	    get_count(ld, v, "users", 1, 1e9, LINE(ld, "sample", "users"), &s->users) < 0)
		return -1;
	v = cJSON_GetObjectItemCaseSensitive(sa, "seed");
	if (v) {
		/* 2^53: the largest integer a JSON number carries exactly */
		if (get_count(ld, v, "seed", 0, 9007199254740992.0, LINE(ld, "sample", "seed"), &seed) < 0)
			return -1;
		s->seed = seed;
	}
	return 0;
}

static int cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	return (x > y) - (x < y);
}

static int load_task(const struct loader *ld, const cJSON *t, size_t index, struct task_spec *out)
{
	static const char *const keys[] = {
		"type", "name", "k", "candidates", "negatives", "variant", "permutations",
		"template", "system", "item_template", "user_template", "fuzzy_threshold",
	};
	char idx[32], where[48];
	const char *path[] = { "tasks", idx };
	const cJSON *v, *e;
	size_t i, n;

	snprintf(idx, sizeof(idx), "#%zu", index);
	if (!cJSON_IsObject(t))
		return error_at(ld->path, LINE(ld, "tasks", idx), "each task must be an object");
	snprintf(where, sizeof(where), "task %zu", index + 1);
	if (check_keys(ld, t, keys, ARRAY_SIZE(keys), 2, path, where) < 0)
		return -1;
	v = cJSON_GetObjectItemCaseSensitive(t, "type");
	if (!v)
		return error_at(ld->path, LINE(ld, "tasks", idx), "task %zu has no 'type'", index + 1);
	if (!cJSON_IsString(v))
		return error_at(ld->path, LINE(ld, "tasks", idx, "type"), "'type' must be a string");
	if (!strcmp(v->valuestring, "retrieval")) {
		out->type = TASK_RETRIEVAL;
	} else if (!strcmp(v->valuestring, "ranking")) {
		out->type = TASK_RANKING;
	} else if (!strcmp(v->valuestring, "mc")) {
		out->type = TASK_MC;
	} else if (!strcmp(v->valuestring, "embedding_retrieval")) {
		out->type = TASK_EMBED_RETRIEVAL;
	} else if (!strcmp(v->valuestring, "embedding_ranking")) {
		out->type = TASK_EMBED_RANKING;
	} else {
		for (i = 0; i < ARRAY_SIZE(later_types); i++)
			if (!strcmp(v->valuestring, later_types[i]))
				return error_at(ld->path, LINE(ld, "tasks", idx, "type"),
						"task type '%s' needs a language-model adapter, "
						"which this build does not have yet", v->valuestring);
		return error_at(ld->path, LINE(ld, "tasks", idx, "type"),
				"unknown task type '%s' (retrieval, ranking, mc, embedding_retrieval, "
				"embedding_ranking)", v->valuestring);
	}
	v = cJSON_GetObjectItemCaseSensitive(t, "name");
	if (v) {
		if (!cJSON_IsString(v) || !*v->valuestring || strpbrk(v->valuestring, " \t\n\"'"))
			return error_at(ld->path, LINE(ld, "tasks", idx, "name"),
					"'name' must be a non-empty string without spaces or quotes");
		out->name = xstrdup(v->valuestring);
	} else {
		out->name = xstrdup(task_type_name(out->type));
	}

	v = cJSON_GetObjectItemCaseSensitive(t, "k");
	if (!v && out->type == TASK_MC) {
		/* one answer: accuracy is the only cutoff */
		out->k = xmalloc(sizeof(*out->k));
		out->k[0] = 1;
		out->n_k = 1;
	} else if (out->type == TASK_MC) {
		return error_at(ld->path, LINE(ld, "tasks", idx, "k"), "an mc task has one answer: it takes no 'k'");
	} else if (!v) {
		return error_at(ld->path, LINE(ld, "tasks", idx), "task '%s' has no 'k' (cutoffs)", out->name);
	} else if (cJSON_IsNumber(v)) {
		out->k = xmalloc(sizeof(*out->k));
		out->n_k = 1;
		if (get_count(ld, v, "k", 1, 100000, LINE(ld, "tasks", idx, "k"), &out->k[0]) < 0)
			return -1;
	} else if (cJSON_IsArray(v) && (n = (size_t)cJSON_GetArraySize(v)) > 0) {
		out->k = xmalloc(n * sizeof(*out->k));
		i = 0;
		cJSON_ArrayForEach(e, v)
			if (get_count(ld, e, "k", 1, 100000, LINE(ld, "tasks", idx, "k"), &out->k[i++]) < 0)
				return -1;
		qsort(out->k, n, sizeof(*out->k), cmp_size);
		for (i = 1, out->n_k = 1; i < n; i++)
			if (out->k[i] != out->k[out->n_k - 1])
				out->k[out->n_k++] = out->k[i];
	} else {
		return error_at(ld->path, LINE(ld, "tasks", idx, "k"),
				"'k' must be a whole number or a non-empty array of them");
	}

	v = cJSON_GetObjectItemCaseSensitive(t, "candidates");
	e = cJSON_GetObjectItemCaseSensitive(t, "negatives");
	if (TASK_HAS_CANDIDATES(out->type)) {
		if (!v && out->type == TASK_MC)
			out->candidates = 10;  /* RecLM-eval's A-J */
		else if (!v)
			return error_at(ld->path, LINE(ld, "tasks", idx),
					"%s task '%s' has no 'candidates'", task_type_name(out->type), out->name);
		else if (get_count(ld, v, "candidates", 2, out->type == TASK_MC ? 26 : 100000,
				   LINE(ld, "tasks", idx, "candidates"), &out->candidates) < 0)
			return -1;
		out->negatives = NEG_UNIFORM;
		if (e) {
			if (cJSON_IsString(e) && !strcmp(e->valuestring, "uniform"))
				out->negatives = NEG_UNIFORM;
			else if (cJSON_IsString(e) && !strcmp(e->valuestring, "popularity"))
				out->negatives = NEG_POPULARITY;
			else if (cJSON_IsString(e) && !strcmp(e->valuestring, "dataset"))
				out->negatives = NEG_DATASET;
			else
				return error_at(ld->path, LINE(ld, "tasks", idx, "negatives"),
						"'negatives' must be \"uniform\", \"popularity\" or \"dataset\"");
		}
	} else if (v || e) {
		return error_at(ld->path, LINE(ld, "tasks", idx, v ? "candidates" : "negatives"),
				"'%s' applies to tasks with candidates only", v ? "candidates" : "negatives");
	}

	v = cJSON_GetObjectItemCaseSensitive(t, "variant");
	out->seq = 1;
	if (v && out->type != TASK_MC)
		return error_at(ld->path, LINE(ld, "tasks", idx, "variant"), "'variant' applies to mc tasks only");
	if (v && cJSON_IsString(v) && !strcmp(v->valuestring, "cf"))
		out->seq = 0;
	else if (v && !(cJSON_IsString(v) && !strcmp(v->valuestring, "seq")))
		return error_at(ld->path, LINE(ld, "tasks", idx, "variant"), "'variant' must be \"cf\" or \"seq\"");

	v = cJSON_GetObjectItemCaseSensitive(t, "permutations");
	if (v && out->type != TASK_RANKING)
		return error_at(ld->path, LINE(ld, "tasks", idx, "permutations"),
				"'permutations' applies to ranking tasks only");
	if (v && get_count(ld, v, "permutations", 0, 100, LINE(ld, "tasks", idx, "permutations"),
			   &out->permutations) < 0)
		return -1;

	v = cJSON_GetObjectItemCaseSensitive(t, "fuzzy_threshold");
	if (v && (!cJSON_IsNumber(v) || !(v->valuedouble > 0 && v->valuedouble <= 1)))
		return error_at(ld->path, LINE(ld, "tasks", idx, "fuzzy_threshold"),
				"'fuzzy_threshold' must be a number above 0 and at most 1");
	out->fuzzy = v ? v->valuedouble : 0;

	/* prompts: the task's own files, else the built-in templates */
	if (TASK_IS_EMBEDDING(out->type)) {
		if (cJSON_GetObjectItemCaseSensitive(t, "template") || cJSON_GetObjectItemCaseSensitive(t, "system"))
			return error_at(ld->path, LINE(ld, "tasks", idx, cJSON_GetObjectItemCaseSensitive(t, "template") ?
						       "template" : "system"),
					"embedding tasks take 'item_template' and 'user_template'");
		return load_template(ld, t, idx, "item_template", "embed_item.txt", item_vars,
				     &out->template_text, &out->template_file) < 0 ||
		       load_template(ld, t, idx, "user_template", "embed_user.txt", user_vars,
				     &out->system_text, &out->system_file) < 0 ? -1 : 0;
	}
	if (cJSON_GetObjectItemCaseSensitive(t, "item_template") || cJSON_GetObjectItemCaseSensitive(t, "user_template"))
		return error_at(ld->path, LINE(ld, "tasks", idx, cJSON_GetObjectItemCaseSensitive(t, "item_template") ?
					       "item_template" : "user_template"),
				"'item_template' and 'user_template' apply to embedding tasks only");
	if (load_template(ld, t, idx, "template",
			  out->type == TASK_RETRIEVAL ? "retrieval.txt" : out->type == TASK_RANKING ? "ranking.txt" :
			  out->seq ? "mc_seq.txt" : "mc_cf.txt",
			  out->type == TASK_RETRIEVAL ? retrieval_vars : candidate_vars,
			  &out->template_text, &out->template_file) < 0)
		return -1;
	return load_template(ld, t, idx, "system", "system.txt", system_vars, &out->system_text,
			     &out->system_file);
}

static int load_tasks(const struct loader *ld, const cJSON *root, struct suite *s)
{
	const cJSON *tasks = cJSON_GetObjectItemCaseSensitive(root, "tasks"), *t;
	size_t i, j, n;

	if (!tasks)
		return error_at(ld->path, 0, "missing required key 'tasks'");
	if (!cJSON_IsArray(tasks) || !(n = (size_t)cJSON_GetArraySize(tasks)))
		return error_at(ld->path, LINE(ld, "tasks"), "'tasks' must be a non-empty array");
	s->tasks = xcalloc(n, sizeof(*s->tasks));
	i = 0;
	cJSON_ArrayForEach(t, tasks) {
		s->n_tasks = i + 1;
		if (load_task(ld, t, i, &s->tasks[i]) < 0)
			return -1;
		for (j = 0; j < i; j++)
			if (!strcmp(s->tasks[j].name, s->tasks[i].name)) {
				char idx[32];
				snprintf(idx, sizeof(idx), "#%zu", i);
				return error_at(ld->path, LINE(ld, "tasks", idx),
						"two tasks are named '%s': give one a \"name\"",
						s->tasks[i].name);
			}
		i++;
	}
	return 0;
}

static int load_models(const struct loader *ld, const cJSON *root, struct suite *s)
{
	const cJSON *models = cJSON_GetObjectItemCaseSensitive(root, "models"), *m;
	size_t n;

	if (!models)
		return 0;
	if (!cJSON_IsArray(models))
		return error_at(ld->path, LINE(ld, "models"), "'models' must be an array of model specs");
	n = (size_t)cJSON_GetArraySize(models);
	s->models = xcalloc(n ? n : 1, sizeof(*s->models));
	cJSON_ArrayForEach(m, models) {
		if (!cJSON_IsString(m) || !*m->valuestring)
			return error_at(ld->path, LINE(ld, "models"),
					"'models' must be an array of model specs (strings)");
		s->models[s->n_models++] = xstrdup(m->valuestring);
	}
	return 0;
}

int suite_load(struct suite *out, const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	int ret;

	if (strbuf_read_file(&sb, path, 16 << 20) < 0) {
		memset(out, 0, sizeof(*out));
		return error("cannot read suite '%s': %s", path, strerror(errno));
	}
	ret = suite_parse(out, path, sb.buf, sb.len);
	strbuf_release(&sb);
	return ret;
}

int suite_parse(struct suite *out, const char *path, const char *text, size_t len)
{
	static const char *const keys[] = {
		"name", "description", "dataset", "split", "sample", "models", "tasks",
	};
	struct strbuf sb = STRBUF_INIT;
	struct loader ld = { path, NULL };
	cJSON *root = NULL;
	int ret = -1;

	memset(out, 0, sizeof(*out));
	out->path = xstrdup(path);
	strbuf_add(&sb, text, len);
	ld.text = sb.buf;
	root = cJSON_ParseWithLength(sb.buf, sb.len);
	if (!root) {
		const char *at = cJSON_GetErrorPtr();
		error_at(path, at && at >= sb.buf && at <= sb.buf + sb.len ? line_at(sb.buf, at) : 0,
			 "not valid JSON");
		goto out;
	}
	if (!cJSON_IsObject(root)) {
		error_at(path, 1, "a suite must be a JSON object");
		goto out;
	}
	if (check_keys(&ld, root, keys, ARRAY_SIZE(keys), 0, NULL, NULL) < 0)
		goto out;
	if (get_string(&ld, root, "name", &out->name, 1, 1) < 0 ||
	    get_string(&ld, root, "description", &out->description, 0, LINE(&ld, "description")) < 0 ||
	    load_dataset(&ld, root, out) < 0 || load_split(&ld, root, out) < 0 ||
	    load_sample(&ld, root, out) < 0 || load_models(&ld, root, out) < 0 ||
	    load_tasks(&ld, root, out) < 0)
		goto out;
	out->json = cJSON_PrintUnformatted(root);
	ret = 0;
out:
	cJSON_Delete(root);
	strbuf_release(&sb);
	if (ret < 0)
		suite_release(out);
	return ret;
}

void suite_release(struct suite *s)
{
	size_t i;

	free(s->path);
	free(s->name);
	free(s->description);
	if (s->json)
		cJSON_free(s->json);
	free((char *)s->dataset.format);
	free((char *)s->dataset.path);
	free((char *)s->dataset.items);
	for (i = 0; i < s->n_models; i++)
		free(s->models[i]);
	free(s->models);
	for (i = 0; i < s->n_tasks; i++) {
		free(s->tasks[i].name);
		free(s->tasks[i].k);
		free(s->tasks[i].template_text);
		free(s->tasks[i].system_text);
		free(s->tasks[i].template_file);
		free(s->tasks[i].system_file);
	}
	free(s->tasks);
	memset(s, 0, sizeof(*s));
}

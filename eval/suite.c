/* suite.c: loading and strict validation of suite JSON files, with file:line in every message. */
#include "eval/suite.h"
#include "lib/strmap.h"
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


struct loader {
	const char *path;
	const char *text;
	int stored;          /* suite_parse_stored(): read no file, expand no variable */
	/* where lines and tasks start, found once (a walk from the start per key was quadratic in tasks) */
	const char **task_at;   /* the text of task i (NULL: not indexed) */
	size_t n_task_at;
	size_t *nl;             /* offsets of the text's '\n's, ascending (none in a stored suite) */
	size_t n_nl;
	int indexed;            /* nl and task_at are filled */
};

/* The line of pos in ld's text: 1 + the newlines before it (binary search). */
static long loader_line(const struct loader *ld, const char *pos)
{
	size_t off, lo = 0, hi = ld->n_nl;

	if (!pos)
		return 0;
	if (!ld->indexed)
		return text_line(ld->text, pos);
	off = (size_t)(pos - ld->text);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ld->nl[mid] < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (long)lo + 1;
}

static void loader_index(struct loader *ld)
{
	const char *p, *tasks;
	size_t alloc = 0, alloc_t = 0;

	ld->indexed = 1;
	for (p = ld->text; *p; p++)
		if (*p == '\n') {
			ALLOC_GROW(ld->nl, ld->n_nl + 1, alloc);
			ld->nl[ld->n_nl++] = (size_t)(p - ld->text);
		}
	tasks = member_value(skip_ws(ld->text), "tasks");
	if (!tasks || *tasks != '[')
		return;
	p = skip_ws(tasks + 1);
	while (*p && *p != ']') {
		ALLOC_GROW(ld->task_at, ld->n_task_at + 1, alloc_t);
		ld->task_at[ld->n_task_at++] = p;
		p = skip_ws(skip_value(p));
		if (*p != ',')
			break;
		p = skip_ws(p + 1);
	}
}

/* The line of a member: path is a list of keys, where "#N" means array index N. */
static long line_of(const struct loader *ld, int n, const char **path)
{
	const char *p = ld->text, *found = NULL;
	int i;

	p = skip_ws(p);
	i = 0;
	/* a task's members: from where the task starts */
	if (n >= 2 && !strcmp(path[0], "tasks") && path[1][0] == '#' && ld->task_at) {
		long idx;
		if (parse_long(path[1] + 1, &idx) < 0 || idx < 0 || (size_t)idx >= ld->n_task_at)
			return 0;
		p = found = ld->task_at[idx];
		i = 2;
	}
	for (; i < n && p; i++) {
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
	return loader_line(ld, found);
}

#define LINE(ld, ...) line_of((ld), (int)ARRAY_SIZE(((const char *[]){ __VA_ARGS__ })), \
			      (const char *[]){ __VA_ARGS__ })

static char *resolve(const char *suite_path, const char *rel)
{
	const char *slash = strrchr(suite_path, '/');

	if (rel[0] == '/' || !slash)
		return suite_paths_note(xstrdup(rel));
	return suite_paths_note(xstrfmt("%.*s/%s", (int)(slash - suite_path), suite_path, rel));
}

/*
 * One template of a task: the suite's file under key, or the built-in one.
 * Fills *text and *file (both owned).
 */
static int load_template(const struct loader *ld, const cJSON *t, const char *idx, const char *key,
			 const char *builtin, const char *const *vars, char **text, char **file)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(t, key);
	struct strbuf sb = STRBUF_INIT;

	if (ld->stored)
		return 0;
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

/*
 * A key given twice in one object, at any depth: cJSON keeps both and
 * reads the first, so the second would be ignored without a word.
 * path[0..depth) names obj (keys, "#N" for array elements), for the line.
 */
static int check_duplicates(const struct loader *ld, const cJSON *obj, const char **path, int depth)
{
	struct strmap seen = STRMAP_INIT;
	const cJSON *it;
	char idx[24];
	size_t i = 0;
	int ret = 0;

	cJSON_ArrayForEach(it, obj) {
		if (cJSON_IsObject(obj) && !strmap_put(&seen, it->string, strlen(it->string), 0, NULL)) {
			path[depth] = it->string;
			ret = error_at(ld->path, line_of(ld, depth + 1, path),
				       "'%s' is given twice in one object: only this first one would be read", it->string);
			break;
		}
		if (cJSON_IsObject(it) || cJSON_IsArray(it)) {
			snprintf(idx, sizeof(idx), "#%zu", i);
			path[depth] = cJSON_IsObject(obj) ? it->string : idx;
			if ((ret = check_duplicates(ld, it, path, depth + 1)) < 0)
				break;
		}
		i++;
	}
	strmap_release(&seen);
	return ret;
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
	/* list and show print names as they are: an ESC sequence in one would drive the terminal */
	if (find_control_byte(v->valuestring, !strcmp(key, "description")))
		return error_at(ld->path, line, "'%s' holds a control character", key);
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

static int load_dataset(const struct loader *ld, const cJSON *root, struct suite *s)
{
	static const char *const keys[] = { "format", "path", "items", "min_rating" };
	const cJSON *d = cJSON_GetObjectItemCaseSensitive(root, "dataset");
	const char *path[] = { "dataset" };
	char *format = NULL, *p = NULL, *items = NULL;
	const cJSON *v;
	int ret = -1;

	/* a suite whose tasks all read their own data has none: checked once the tasks are read */
	if (!d)
		return 0;
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
	/* the suite owns format from here: the error path below must not free it too */
	s->dataset.format = format;
	format = NULL;
	{
		int from_env = 0;
		char *expanded = ld->stored ? xstrdup(p)
					    : suite_expand_env(ld->path, p, LINE(ld, "dataset", "path"), &from_env);
		char cwd[4096];
		if (!expanded)
			goto out;
		if (from_env && expanded[0] != '/' && getcwd(cwd, sizeof(cwd)))
			s->dataset.path = xstrfmt("%s/%s", cwd, expanded);
		else
			s->dataset.path = resolve(ld->path, expanded);
		free(expanded);
	}
	s->dataset.items = items ? resolve(ld->path, items) : NULL;
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

/* What a task type's parse() sees of its task object (task.h). */
struct task_parse {
	const struct loader *ld;
	const cJSON *obj;
	char idx[32];
};

const struct cJSON *task_key(const struct task_parse *tp, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(tp->obj, key);
}

static long task_line(const struct task_parse *tp, const char *key)
{
	if (key && task_key(tp, key))
		return LINE(tp->ld, "tasks", tp->idx, key);
	return LINE(tp->ld, "tasks", tp->idx);
}

int task_error(const struct task_parse *tp, const char *key, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	error_at(tp->ld->path, task_line(tp, key), "%s", sb.buf);
	strbuf_release(&sb);
	return -1;
}

int task_stored(const struct task_parse *tp)
{
	return tp->ld->stored;
}

char *task_path(const struct task_parse *tp, const char *rel)
{
	return resolve(tp->ld->path, rel);
}

int task_get_count(const struct task_parse *tp, const char *key, double min, double max, size_t *out)
{
	return get_count(tp->ld, task_key(tp, key), key, min, max, task_line(tp, key), out);
}

int task_get_string(const struct task_parse *tp, const char *key, int required, char **out)
{
	return get_string(tp->ld, tp->obj, key, out, required, task_line(tp, key));
}

int task_get_template(const struct task_parse *tp, const char *key, const char *builtin,
		      const char *const *vars, char **text, char **file)
{
	return load_template(tp->ld, tp->obj, tp->idx, key, builtin, vars, text, file);
}

static int cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	return (x > y) - (x < y);
}

int task_get_cutoffs(const struct task_parse *tp, struct task_spec *t)
{
	const cJSON *v = task_key(tp, "k"), *e;
	size_t i, n;

	if (!v)
		return task_error(tp, NULL, "task '%s' has no 'k' (cutoffs)", t->name);
	if (cJSON_IsNumber(v)) {
		t->k = xmalloc(sizeof(*t->k));
		t->n_k = 1;
		return task_get_count(tp, "k", 1, 100000, &t->k[0]);
	}
	if (!cJSON_IsArray(v) || !(n = (size_t)cJSON_GetArraySize(v)))
		return task_error(tp, "k", "'k' must be a whole number or a non-empty array of them");
	t->k = xmalloc(n * sizeof(*t->k));
	i = 0;
	cJSON_ArrayForEach(e, v)
		if (get_count(tp->ld, e, "k", 1, 100000, task_line(tp, "k"), &t->k[i++]) < 0)
			return -1;
	qsort(t->k, n, sizeof(*t->k), cmp_size);
	for (i = 1, t->n_k = 1; i < n; i++)
		if (t->k[i] != t->k[t->n_k - 1])
			t->k[t->n_k++] = t->k[i];
	return 0;
}

/* Whether key is one that type takes. */
static int type_takes(const struct task_type *type, const char *key)
{
	size_t i;

	for (i = 0; type->keys && type->keys[i]; i++)
		if (!strcmp(type->keys[i], key))
			return 1;
	return 0;
}

/*
 * A task: "type" picks its type from the registry, "name" is common, and
 * every other key must be one the type takes; a key another type takes
 * says which types take it, an unknown one is a typo.
 */
static int load_task(const struct loader *ld, const cJSON *t, size_t index, struct task_spec *out)
{
	struct task_parse tp = { ld, t, { 0 } };
	const cJSON *v, *it;
	size_t i;

	snprintf(tp.idx, sizeof(tp.idx), "#%zu", index);
	if (!cJSON_IsObject(t))
		return error_at(ld->path, LINE(ld, "tasks", tp.idx), "each task must be an object");
	v = cJSON_GetObjectItemCaseSensitive(t, "type");
	if (!v)
		return error_at(ld->path, LINE(ld, "tasks", tp.idx), "task %zu has no 'type'", index + 1);
	if (!cJSON_IsString(v))
		return error_at(ld->path, LINE(ld, "tasks", tp.idx, "type"), "'type' must be a string");
	if (!(out->type = task_type_find(v->valuestring)))
		return error_at(ld->path, LINE(ld, "tasks", tp.idx, "type"), "unknown task type '%s' (%s)",
				v->valuestring, task_type_names());
	cJSON_ArrayForEach(it, t) {
		struct strbuf takers = STRBUF_INIT;
		if (!strcmp(it->string, "type") || !strcmp(it->string, "name") || type_takes(out->type, it->string))
			continue;
		for (i = 0; task_types[i]; i++)
			if (type_takes(task_types[i], it->string))
				strbuf_addf(&takers, "%s%s", takers.len ? ", " : "", task_types[i]->name);
		if (takers.len)
			error_at(ld->path, LINE(ld, "tasks", tp.idx, it->string),
				 "'%s' applies to %s tasks only", it->string, takers.buf);
		else
			error_at(ld->path, LINE(ld, "tasks", tp.idx, it->string), "unknown key '%s' in task %zu",
				 it->string, index + 1);
		strbuf_release(&takers);
		return -1;
	}
	v = cJSON_GetObjectItemCaseSensitive(t, "name");
	if (v) {
		if (!cJSON_IsString(v) || !*v->valuestring || strpbrk(v->valuestring, " \"'") ||
		    find_control_byte(v->valuestring, 0))
			return error_at(ld->path, LINE(ld, "tasks", tp.idx, "name"),
					"'name' must be a non-empty string without spaces, quotes or control characters");
		out->name = xstrdup(v->valuestring);
	} else {
		out->name = xstrdup(out->type->name);
	}
	out->seq = 1;
	return out->type->parse(out, &tp);
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

static int parse(struct suite *out, const char *path, const char *text, size_t len, int stored)
{
	static const char *const keys[] = {
		"name", "description", "dataset", "split", "sample", "models", "tasks",
	};
	struct strbuf sb = STRBUF_INIT;
	struct loader ld = { path, NULL, stored, NULL, 0, NULL, 0, 0 };
	const char *end = NULL, *dup_path[CJSON_NESTING_LIMIT + 1];
	cJSON *root = NULL;
	int ret = -1;

	memset(out, 0, sizeof(*out));
	out->path = xstrdup(path);
	strbuf_add(&sb, text, len);
	ld.text = sb.buf;
	/* JSON is UTF-8: other bytes went into every output naming the suite or a task */
	if (!stored && data_check_utf8(path, sb.buf, sb.len) < 0)
		goto out;
	root = cJSON_ParseWithLengthOpts(sb.buf, sb.len, &end, 0);
	while (root && end < sb.buf + sb.len && isspace((unsigned char)*end))
		end++;
	if (!root || end < sb.buf + sb.len) { /* cJSON stops after the first value: text after it is no suite */
		const char *at = root ? end : cJSON_GetErrorPtr();
		error_at(path, at && at >= sb.buf && at <= sb.buf + sb.len ? text_line(sb.buf, at) : 0,
			 root ? "unexpected text after the suite's JSON object" : "not valid JSON");
		goto out;
	}
	if (!cJSON_IsObject(root)) {
		error_at(path, 1, "a suite must be a JSON object");
		goto out;
	}
	loader_index(&ld);
	if (check_keys(&ld, root, keys, ARRAY_SIZE(keys), 0, NULL, NULL) < 0 ||
	    (!stored && check_duplicates(&ld, root, dup_path, 0) < 0))
		goto out;
	if (get_string(&ld, root, "name", &out->name, 1, 1) < 0 ||
	    get_string(&ld, root, "description", &out->description, 0, LINE(&ld, "description")) < 0 ||
	    load_dataset(&ld, root, out) < 0 || load_split(&ld, root, out) < 0 ||
	    load_sample(&ld, root, out) < 0 || load_models(&ld, root, out) < 0 ||
	    load_tasks(&ld, root, out) < 0)
		goto out;
	if (!out->dataset.format) {
		size_t i;
		for (i = 0; i < out->n_tasks; i++)
			if (!(out->tasks[i].type->flags & TASK_OWN_DATA)) {
				error_at(path, 0, "missing required key 'dataset' (task '%s' needs one)", out->tasks[i].name);
				goto out;
			}
	}
	out->json = cJSON_PrintUnformatted(root);
	ret = 0;
out:
	cJSON_Delete(root);
	free(ld.nl);
	free(ld.task_at);
	strbuf_release(&sb);
	if (ret < 0)
		suite_release(out);
	return ret;
}

int suite_parse(struct suite *out, const char *path, const char *text, size_t len)
{
	return parse(out, path, text, len, 0);
}

int suite_parse_stored(struct suite *out, const char *text, size_t len)
{
	return parse(out, "(stored suite)", text, len, 1);
}

void suite_release(struct suite *s)
{
	size_t i, j;

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
		for (j = 0; j < ROLE__COUNT; j++)
			free(s->tasks[i].role_spec[j]);
		if (s->tasks[i].type && s->tasks[i].type->release)
			s->tasks[i].type->release(&s->tasks[i]);
	}
	free(s->tasks);
	memset(s, 0, sizeof(*s));
}

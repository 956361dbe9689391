/* cmd_catalog.c: `receval suites`, `receval tasks`, `receval models`: what is available, one line each. */
#include <dirent.h>
#include <cJSON.h>
#include "eval/cli/cmd.h"
#include "eval/task.h"
#include "adapters/adapter.h"
#include "lib/strbuf.h"

int cmd_tasks(int argc, char **argv)
{
	int npos = 0, ret;
	size_t i, w = 4;
	struct option opts[] = { { OPT_END } };
	static const struct cmd_args none = { 0, 0, "tasks takes no arguments, got '%s'" };

	ret = cmd_start(argc, argv, opts, "receval tasks", &none, &npos);
	if (ret != CMD_GO)
		return ret;
	for (i = 0; task_types[i]; i++)
		if (strlen(task_types[i]->name) > w)
			w = strlen(task_types[i]->name);
	for (i = 0; task_types[i]; i++) {
		const struct task_type *t = task_types[i];
		printf("%-*s  %s%s\n", (int)w, t->name, t->summary ? t->summary : "",
		       t->builtin ? "" : " (language models only)");
	}
	return EXIT_OK;
}

/* The built-in models, with their parameters (adapters/builtin.c trains them). */
static const struct {
	const char *spec, *what;
} builtin_models[] = {
	{ "builtin:random", "uniformly random scores, seeded per user (?seed=N)" },
	{ "builtin:pop", "items by training interactions" },
	{ "builtin:itemknn", "item-based collaborative filtering, cosine similarity (?neighbors=100)" },
	{ "builtin:ease", "EASE, a closed-form linear autoencoder (?l2=500; above 5,000 items, LAPACK's Cholesky)" },
};

int cmd_models(int argc, char **argv)
{
	static const char *const providers[] = { "openai:MODEL", "azure:DEPLOYMENT", "exec:COMMAND" };
	static const char *const names[] = { "openai", "azure", "exec" };
	int npos = 0, ret;
	size_t i;
	struct option opts[] = { { OPT_END } };
	static const struct cmd_args none = { 0, 0, "models takes no arguments, got '%s'" };

	ret = cmd_start(argc, argv, opts, "receval models", &none, &npos);
	if (ret != CMD_GO)
		return ret;
	for (i = 0; i < ARRAY_SIZE(builtin_models); i++)
		printf("%-18s  %s\n", builtin_models[i].spec, builtin_models[i].what);
	for (i = 0; i < ARRAY_SIZE(providers); i++) {
		const struct adapter *ad = adapter_find(names[i]);
		printf("%-18s  %s\n", providers[i], ad && ad->summary ? ad->summary : "");
	}
	printf("\nEvery spec takes ?label=NAME (its name in tables and reports) and, for language models,\n"
	       "?price_in=USD&price_out=USD per million tokens; see docs/models.md.\n");
	return EXIT_OK;
}

/* One suite file: "PATH  NAME  N tasks  description", or nothing when it is not a suite. */
static void print_suite(const char *path, size_t w)
{
	FILE *f = fopen(path, "rb");
	struct strbuf sb = STRBUF_INIT;
	const cJSON *name, *desc, *tasks;
	cJSON *root;
	char buf[4096];
	size_t n;

	if (!f)
		return;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0 && sb.len < (1 << 20))
		strbuf_add(&sb, buf, n);
	fclose(f);
	root = cJSON_ParseWithLength(sb.buf, sb.len);
	strbuf_release(&sb);
	name = cJSON_GetObjectItemCaseSensitive(root, "name");
	desc = cJSON_GetObjectItemCaseSensitive(root, "description");
	tasks = cJSON_GetObjectItemCaseSensitive(root, "tasks");
	if (cJSON_IsString(name) && cJSON_IsArray(tasks)) {
		int k = cJSON_GetArraySize(tasks);
		printf("%-*s  %-16s  %d task%s%s%s\n", (int)w, path, name->valuestring, k, k == 1 ? "" : "s",
		       cJSON_IsString(desc) ? "  " : "", cJSON_IsString(desc) ? desc->valuestring : "");
	}
	cJSON_Delete(root);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int cmd_suites(int argc, char **argv)
{
	int npos = 0, ret;
	struct option opts[] = { { OPT_END } };
	static const struct cmd_args one = { 0, 1, "suites takes at most one folder, got more" };
	const char *dir;
	struct dirent *e;
	char **files = NULL;
	size_t n = 0, alloc = 0, i, w = 4;
	DIR *d;

	ret = cmd_start(argc, argv, opts, "receval suites [FOLDER]   (default: suites/)", &one, &npos);
	if (ret != CMD_GO)
		return ret;
	dir = npos ? argv[0] : "suites";
	if (!(d = opendir(dir))) {
		error("cannot read the folder '%s': %s", dir, strerror(errno));
		return EXIT_INPUT;
	}
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		if (len < 6 || strcmp(e->d_name + len - 5, ".json"))
			continue;
		ALLOC_GROW(files, n + 1, alloc);
		files[n] = xstrfmt("%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", e->d_name);
		if (strlen(files[n]) > w)
			w = strlen(files[n]);
		n++;
	}
	closedir(d);
	qsort(files, n, sizeof(*files), cmp_str);
	for (i = 0; i < n; i++) {
		print_suite(files[i], w);
		free(files[i]);
	}
	free(files);
	if (!n)
		fprintf(stderr, "receval: %s holds no suite (*.json)\n", dir);
	return EXIT_OK;
}

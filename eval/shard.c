/* shard.c: --shard I/N and --shard auto (Kubernetes Indexed Jobs, Slurm job arrays), and the run key every shard of a run shares. */
#include "eval/shard.h"
#include "lib/strbuf.h"
#include "lib/uuid.h"
#include "eval/store_scale.h"
#include <cJSON.h>

int shard_parse(const char *s, long *i, long *n)
{
	const char *slash = s ? strchr(s, '/') : NULL;
	char *left;
	int ok;

	if (!slash)
		return -1;
	left = xstrndup(s, (size_t)(slash - s));
	ok = !parse_long(left, i) && !parse_long(slash + 1, n) && *n >= 1 && *i >= 0 && *i < *n;
	free(left);
	return ok ? 0 : -1;
}

/* An environment variable as a whole number: 1 and *out, 0 when unset or empty, -1 (printed) when not a number. */
static int env_long(const char *name, long *out)
{
	const char *v = getenv(name);

	if (!v || !*v)
		return 0;
	if (parse_long(v, out) < 0) {
		error("--shard auto: %s='%s' is not a whole number", name, v);
		return -1;
	}
	return 1;
}

static int from_kubernetes(long *i, long *n, long shards)
{
	long idx, count = shards;
	int rc;

	if (env_long("JOB_COMPLETION_INDEX", &idx) < 0)
		return -1;
	if (!count) {
		rc = env_long("RECEVAL_SHARDS", &count);
		if (rc < 0)
			return -1;
		if (!rc)
			return error("--shard auto: JOB_COMPLETION_INDEX=%ld (a Kubernetes Indexed Job) but not the "
				     "count: give --shards N or set RECEVAL_SHARDS to the Job's completions", idx);
	}
	if (idx < 0)
		return error("--shard auto: JOB_COMPLETION_INDEX=%ld is negative: a Kubernetes completion index "
			     "runs from 0 to the Job's completions - 1", idx);
	if (count < 1)
		return error("--shard auto: RECEVAL_SHARDS=%ld is not a shard count (1 or more: the Job's completions)",
			     count);
	if (idx >= count)
		return error("--shard auto: JOB_COMPLETION_INDEX=%ld is out of range: not below the shard count %ld "
			     "(--shards or RECEVAL_SHARDS must equal the Job's completions)", idx, count);
	*i = idx;
	*n = count;
	return 0;
}

static int from_slurm(long *i, long *n, long shards, char **group)
{
	long id, min = 0, step = 1, count;
	const char *job = getenv("SLURM_ARRAY_JOB_ID"), *cluster = getenv("SLURM_CLUSTER_NAME");

	if (env_long("SLURM_ARRAY_TASK_ID", &id) < 0 || env_long("SLURM_ARRAY_TASK_MIN", &min) < 0 ||
	    env_long("SLURM_ARRAY_TASK_STEP", &step) < 0)
		return -1;
	switch (env_long("SLURM_ARRAY_TASK_COUNT", &count)) {
	case -1:
		return -1;
	case 0:
		return error("--shard auto: SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not");
	}
	if (count < 1)
		return error("--shard auto: SLURM_ARRAY_TASK_COUNT=%ld is not a task count (1 or more)", count);
	if (step < 1 || id < min || (id - min) % step || (id - min) / step >= count)
		return error("--shard auto: Slurm array task %ld is not in a range of %ld tasks from %ld by %ld "
			     "(submit with --array=0-%ld, or give --shard I/N)", id, count, min, step, count - 1);
	if (shards && shards != count)
		return error("--shard auto: --shards %ld but the Slurm array has %ld tasks", shards, count);
	*i = (id - min) / step;
	*n = count;
	if (job && *job)
		*group = xstrfmt("slurm:%s:%s", cluster && *cluster ? cluster : "", job);
	return 0;
}

int shard_auto(long *i, long *n, const char **scheduler, char **group, long shards)
{
	const char *k8s = getenv("JOB_COMPLETION_INDEX"), *slurm = getenv("SLURM_ARRAY_TASK_ID");

	*group = NULL;
	if (k8s && *k8s) {
		*scheduler = "kubernetes";
		return from_kubernetes(i, n, shards);
	}
	if (slurm && *slurm) {
		*scheduler = "slurm";
		return from_slurm(i, n, shards, group);
	}
	return error("--shard auto: no scheduler found: neither JOB_COMPLETION_INDEX (a Kubernetes Indexed Job) "
		     "nor SLURM_ARRAY_TASK_ID (a Slurm job array) is set; give --shard I/N");
}

void shard_run_key(char out[37], const char *group, const char *suite_json, uint64_t seed, long limit,
		   long n, const char *model)
{
	struct strbuf sb = STRBUF_INIT;

	if (!group && n <= 1) {
		uuid_random(out);
		return;
	}
	strbuf_addstr(&sb, "receval run key\n");
	if (group)
		strbuf_addf(&sb, "group %s\n", group);
	else
		strbuf_addf(&sb, "suite %s\nseed %llu\nlimit %ld\nshards %ld\n", suite_json ? suite_json : "",
			    (unsigned long long)seed, limit, n);
	strbuf_addf(&sb, "model %s\n", model);
	uuid_from_name(out, sb.buf, sb.len);
	strbuf_release(&sb);
}

/* Append "a-b" ranges of the marked indexes in [0, n) to buf, comma-separated; "..." when it does not fit. */
static void add_ranges(char *buf, size_t size, const unsigned char *mark, long n, int want)
{
	size_t len = strlen(buf);
	long a = 0, b;
	int first = 1;

	while (a < n) {
		char part[48];
		if ((mark[a] != 0) != want) {
			a++;
			continue;
		}
		for (b = a; b + 1 < n && (mark[b + 1] != 0) == want; b++)
			;
		if (a == b)
			snprintf(part, sizeof(part), "%s%ld", first ? "" : ",", a);
		else
			snprintf(part, sizeof(part), "%s%ld-%ld", first ? "" : ",", a, b);
		if (len + strlen(part) + 8 >= size) {
			snprintf(buf + len, size - len, ",...");
			return;
		}
		snprintf(buf + len, size - len, "%s", part);
		len += strlen(part);
		first = 0;
		a = b + 1;
	}
}

int shard_describe(struct run_scale *out, struct store *s, const struct run_info *r)
{
	struct source_row *src = NULL;
	size_t n_src = 0, k;
	long i, n;
	cJSON *c = r->config ? cJSON_Parse(r->config) : NULL;
	const cJSON *limit = cJSON_GetObjectItemCaseSensitive(c, "limit");

	memset(out, 0, sizeof(*out));
	snprintf(out->limit, sizeof(out->limit), "-");
	if (cJSON_IsNumber(limit))
		snprintf(out->limit, sizeof(out->limit), "%.0f", limit->valuedouble);
	cJSON_Delete(c);
	snprintf(out->key, sizeof(out->key), "%.8s", r->run_key ? r->run_key : "-");
	snprintf(out->shard, sizeof(out->shard), "-");
	out->shards = 1;
	if (store_config_shard(r->config, &i, &n) == 1) {
		snprintf(out->shard, sizeof(out->shard), "%ld/%ld", i, n);
		out->shards = n;
	}
	if (store_get_sources(s, r->id, &src, &n_src) < 0)
		return -1;
	if (n_src && src[0].shards > 1) {
		long count = (long)src[0].shards;
		unsigned char *mark = xcalloc((size_t)count, 1);
		for (k = 0; k < n_src; k++)
			if (src[k].shard >= 0 && src[k].shard < count)
				mark[src[k].shard] = 1;
		out->shard[0] = '\0';
		add_ranges(out->shard, sizeof(out->shard) - 12, mark, count, 1);
		snprintf(out->shard + strlen(out->shard), sizeof(out->shard) - strlen(out->shard), "/%ld", count);
		add_ranges(out->missing, sizeof(out->missing), mark, count, 0);
		out->shards = count;
		free(mark);
	}
	source_rows_free(src, n_src);
	return 0;
}

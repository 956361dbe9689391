/* titles.c: the item titles of the catalogues runs used, read from the store, so tables, reports and exports can show "title (id)". */
#include <cJSON.h>
#include "eval/titles.h"

/* The catalogue key a run's configuration names, or NULL; caller frees. */
static char *catalogue_key(const struct run_info *run)
{
	cJSON *c = run->config ? cJSON_Parse(run->config) : NULL;
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(c, "dataset"), "catalogue");
	char *key = cJSON_IsString(v) && *v->valuestring ? xstrdup(v->valuestring) : NULL;

	cJSON_Delete(c);
	return key;
}

int titles_add_run(struct titles *t, struct store *s, const struct run_info *run)
{
	char *key = catalogue_key(run), *items = NULL, *names = NULL;
	cJSON *ia = NULL, *na = NULL, *id_next, *name_next;
	int rc, i, n;

	if (!key)
		return 0;
	rc = store_get_catalogue(s, key, &items, &names);
	free(key);
	if (rc <= 0)
		return rc;
	ia = cJSON_Parse(items);
	na = cJSON_Parse(names);
	n = cJSON_IsArray(ia) && cJSON_IsArray(na) ? cJSON_GetArraySize(ia) : 0;
	/* both lists walked side by side: cJSON_GetArrayItem(i) walks from the head each time */
	id_next = n ? ia->child : NULL;
	name_next = n ? na->child : NULL;
	for (i = 0; i < n; i++) {
		const cJSON *id = id_next, *name = name_next;
		uint32_t old;
		id_next = id ? id->next : NULL;
		name_next = name ? name->next : NULL;
		if (!cJSON_IsString(id) || !strmap_get(&t->index, id->valuestring, strlen(id->valuestring), &old))
			continue;
		ALLOC_GROW(t->ids, t->n + 1, t->alloc);
		t->names = xrealloc(t->names, t->alloc * sizeof(*t->names));
		t->ids[t->n] = xstrdup(id->valuestring);
		t->names[t->n] = cJSON_IsString(name) && *name->valuestring ? xstrdup(name->valuestring) : NULL;
		strmap_put(&t->index, t->ids[t->n], strlen(t->ids[t->n]), (uint32_t)t->n, NULL);
		t->n++;
	}
	cJSON_Delete(ia);
	cJSON_Delete(na);
	free(items);
	free(names);
	return 0;
}

const char *titles_key(const struct titles *t, const char *id)
{
	uint32_t i;

	if (!t || !id || strmap_get(&t->index, id, strlen(id), &i))
		return NULL;
	return t->ids[i];
}

const char *titles_get(const struct titles *t, const char *id)
{
	uint32_t i;

	if (!t || !id || strmap_get(&t->index, id, strlen(id), &i))
		return NULL;
	return t->names[i];
}

void titles_release(struct titles *t)
{
	size_t i;

	strmap_release(&t->index);
	for (i = 0; i < t->n; i++) {
		free(t->ids[i]);
		free(t->names[i]);
	}
	free(t->ids);
	free(t->names);
	memset(t, 0, sizeof(*t));
}

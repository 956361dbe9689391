/* adapter.h: the one interface every model backend implements, and model specs (PROVIDER:NAME?key=value). */
#ifndef ADAPTER_H
#define ADAPTER_H

#include "util.h"
#include "dataset.h"
#include "split.h"

struct model_param {
	char *key, *value;
};

/* A parsed model spec: "builtin:itemknn?neighbors=50". */
struct model_spec {
	char *text;       /* as written */
	char *provider;   /* "builtin" */
	char *name;       /* "itemknn" */
	struct model_param *params;
	size_t n_params;
};

/*
 * Parse text into out (zeroed by the caller). Returns 0, or -1 after
 * printing what is wrong (no provider, empty name, a key without '=').
 * The provider is not checked here: see adapter_find().
 */
int model_spec_parse(struct model_spec *out, const char *text);
void model_spec_release(struct model_spec *s);
/* The value of key, or NULL. */
const char *model_spec_get(const struct model_spec *s, const char *key);
/* Fail (-1, message) when s has a key not in allowed (NULL-terminated). */
int model_spec_check_keys(const struct model_spec *s, const char *const *allowed);

/* What a model may learn from: the dataset and its training split only. */
struct train_data {
	const struct dataset *ds;
	const struct split *sp;
	uint64_t seed;            /* the run's seed */
};

struct model;  /* a backend's own state */

/*
 * A backend. Members a backend cannot serve are NULL; the run loop checks
 * before calling. All calls on one struct model come from one thread.
 */
struct adapter {
	const char *provider;   /* the part of a spec before ':' */
	const char *summary;    /* one line for --help */

	/*
	 * Create a model for spec and train it on data (which outlives the
	 * model). Returns 0 with *out set, or -1 after printing why: unknown
	 * name, bad parameter, a catalogue too large for the method.
	 */
	int (*open)(struct model **out, const struct model_spec *spec, const struct train_data *data);

	/*
	 * Retrieval: the k best items for user over the whole catalogue, best
	 * first, never an item of the user's training history. Writes up to k
	 * items to out (room for k) and their count to *n_out. Returns 0 or -1.
	 */
	int (*recommend)(struct model *m, uint32_t user, size_t k, uint32_t *out, size_t *n_out);

	/*
	 * Ranking: cand[0..n) ordered best first into out (room for n). Ties
	 * keep the order of cand, which the caller has shuffled. Returns 0 or -1.
	 */
	int (*rank)(struct model *m, uint32_t user, const uint32_t *cand, size_t n, uint32_t *out);

	/* Free the model and everything it owns. */
	void (*free)(struct model *m);
};

extern const struct adapter builtin_adapter;

/* The backend serving provider, or NULL. */
const struct adapter *adapter_find(const char *provider);
/* Names of all providers, for messages: "builtin". */
const char *adapter_providers(void);

#endif

/* label.h: how a model is named to people: its `label=`, or its spec shortened readably, with the endpoint it ran against. */
#ifndef LABEL_H
#define LABEL_H

#include <stddef.h>
#include "eval/store.h"

/*
 * The name of the model spec_text for tables, legends and reports: the
 * value of its `label` parameter when it has one; else the spec itself
 * when it is short (at most LABEL_SHORT bytes); else PROVIDER:NAME, then
 * "@HOST[:PORT]" of its base_url or endpoint, then "?…" when other
 * parameters were left out. endpoint (the URL the run sent its requests
 * to, or NULL) adds "@HOST[:PORT]" when the spec does not name it and it
 * is not the vendor's default, so a local server never passes for OpenAI.
 * Caller frees.
 */
#define LABEL_SHORT 28
char *spec_label(const char *spec_text, const char *endpoint);

/* spec_label() of a stored run: its model and the endpoint its configuration recorded. Caller frees. */
char *run_label(const struct run_info *run);

/* The endpoint a stored run recorded (config "endpoint"), or NULL. Caller frees. */
char *run_endpoint(const struct run_info *run);

/*
 * s fitted to at most width characters (UTF-8 aware) for a fixed-width
 * column: unchanged when it fits, else its head and tail around "…".
 * Caller frees.
 */
char *label_fit(const char *s, size_t width);

/* Characters (code points) in s; invalid bytes count one each. */
size_t label_width(const char *s);

#endif

/* prices.h: what a model's tokens cost, from a built-in table the user can override per model spec. */
#ifndef PRICES_H
#define PRICES_H

#include "adapters/adapter.h"

struct price {
	double in, out;   /* USD per million prompt / completion tokens; NAN when unknown */
};

/*
 * The price of spec's tokens: the spec's own `price_in` and `price_out`
 * parameters (USD per million tokens) when given, else, for an openai
 * model whose requests went to OpenAI's own endpoint (the URL endpoint,
 * https://api.openai.com/...), the built-in table of list prices looked up
 * by model name (longest matching prefix), else unknown (NAN): a local or
 * third-party server is never charged OpenAI's prices. endpoint NULL:
 * unknown. Returns -1 with a message when a price parameter is not a
 * number >= 0.
 */
int price_for(struct price *out, const struct model_spec *spec, const char *endpoint);

/*
 * Where spec's requests go, as its adapter would resolve it (base_url,
 * else $OPENAI_BASE_URL, else OpenAI's own; azure's endpoint), for
 * price_for() where no run recorded it; NULL for other providers. Points
 * into spec or the environment.
 */
const char *price_endpoint(const struct model_spec *spec);

/* A copy of spec without the parameters that are receval's, not the backend's: price_in, price_out, label. */
void model_spec_without_prices(struct model_spec *out, const struct model_spec *spec);

#endif

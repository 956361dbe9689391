/* serve_load.c: load on receval serve: N clients on keep-alive connections ask for runs and sample pages for S seconds; prints latency percentiles and errors. */
#include <curl/curl.h>
#include <pthread.h>
#include "lib/util.h"

/*
 * Usage: serve_load URL RUN_IDS CLIENTS SECONDS [RATE]   (RUN_IDS: "1,2"; every client cycles through its paths)
 * RATE 0 (default): each client asks again as soon as it has its answer (the server's saturation).
 * RATE R: each client asks R times a second on a fixed schedule, and a request's latency counts from when it
 * was due, so a slow answer that delays the next ones is charged to them too (as wrk2 measures).
 */

struct client {
	const char *base;
	const long *runs;
	size_t n_runs;
	double until;
	double rate;        /* requests a second, 0: closed loop */
	unsigned seed;
	double *lat;        /* ms per request */
	size_t n, alloc;
	size_t errors, bytes;
};

static size_t sink(char *p, size_t size, size_t n, void *data)
{
	struct client *c = data;

	(void)p;
	c->bytes += size * n;
	return size * n;
}

static void *client(void *arg)
{
	struct client *c = arg;
	CURL *h = curl_easy_init();
	char url[512];
	unsigned k = 0;

	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, sink);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, c);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 30L);
	double due = now_ms() + (c->rate > 0 ? (double)(c->seed % 1000) / c->rate : 0);

	while (now_ms() < c->until) {
		long run = c->runs[rand_r(&c->seed) % c->n_runs], code = 0;
		double t0;

		if (c->rate > 0) {
			double wait = due - now_ms();
			if (wait > 0)
				usleep((useconds_t)(wait * 1000));
			if (due >= c->until)
				break;
		}
		/* what a viewer asks most: the run, a page of its samples, the list */
		switch (k++ % 4) {
		case 0: snprintf(url, sizeof(url), "%s/api/runs/%ld", c->base, run); break;
		case 1: snprintf(url, sizeof(url), "%s/api/runs/%ld/samples?offset=%u&limit=50", c->base, run,
				 (unsigned)(rand_r(&c->seed) % 400)); break;
		case 2: snprintf(url, sizeof(url), "%s/api/runs", c->base); break;
		default: snprintf(url, sizeof(url), "%s/api/runs/%ld/samples?task=ranking&limit=20", c->base, run); break;
		}
		curl_easy_setopt(h, CURLOPT_URL, url);
		t0 = c->rate > 0 ? due : now_ms();
		due += c->rate > 0 ? 1000.0 / c->rate : 0;
		if (curl_easy_perform(h) != CURLE_OK ||
		    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code) != CURLE_OK || code != 200)
			c->errors++;
		ALLOC_GROW(c->lat, c->n + 1, c->alloc);
		c->lat[c->n++] = now_ms() - t0;
	}
	curl_easy_cleanup(h);
	return NULL;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	long runs[64], n_clients, secs;
	double rate = 0;
	size_t n_runs = 0, i, total = 0, errors = 0, k = 0;
	struct client *c;
	pthread_t *t;
	double *all, t0;
	char *p;

	if (argc < 5 || argc > 6 || parse_long(argv[3], &n_clients) < 0 || parse_long(argv[4], &secs) < 0 ||
	    n_clients < 1 || (argc == 6 && (parse_double(argv[5], &rate) < 0 || rate < 0))) {
		fprintf(stderr, "usage: serve_load URL RUN_IDS CLIENTS SECONDS [RATE]\n");
		return 2;
	}
	for (p = argv[2]; *p && n_runs < 64; p += strspn(p, ",")) {
		runs[n_runs++] = strtol(p, &p, 10);
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	c = xcalloc((size_t)n_clients, sizeof(*c));
	t = xcalloc((size_t)n_clients, sizeof(*t));
	t0 = now_ms();
	for (i = 0; i < (size_t)n_clients; i++) {
		c[i].base = argv[1];
		c[i].runs = runs;
		c[i].n_runs = n_runs;
		c[i].until = t0 + 1000.0 * (double)secs;
		c[i].seed = (unsigned)i * 7919u + 1;
		c[i].rate = rate;
		pthread_create(&t[i], NULL, client, &c[i]);
	}
	for (i = 0; i < (size_t)n_clients; i++) {
		pthread_join(t[i], NULL);
		total += c[i].n;
		errors += c[i].errors;
	}
	all = xcalloc(total + 1, sizeof(*all));
	for (i = 0; i < (size_t)n_clients; i++) {
		memcpy(all + k, c[i].lat, c[i].n * sizeof(*all));
		k += c[i].n;
		free(c[i].lat);
	}
	qsort(all, total, sizeof(*all), cmp_double);
	printf("%zu %zu %.1f %.2f %.2f %.2f %.2f\n", total, errors, (double)total / ((now_ms() - t0) / 1000.0),
	       total ? all[total / 2] : 0, total ? all[(size_t)(0.95 * (double)(total - 1))] : 0,
	       total ? all[(size_t)(0.99 * (double)(total - 1))] : 0, total ? all[total - 1] : 0);
	free(all);
	free(c);
	free(t);
	curl_global_cleanup();
	return errors ? 1 : 0;
}

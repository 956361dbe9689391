/* pages.h: what receval serve's pages share (pages.c): the page's frame, links, and the run page's routes (page_run.c). */
#ifndef SERVE_PAGES_H
#define SERVE_PAGES_H

#include "serve/serve.h"

/* The head (the report's stylesheet), the navigation bar and the title as <h1>. */
void page_begin(struct strbuf *out, const char *title);
void page_end(struct strbuf *out);
/* A URL's query value, %-escaped. */
void page_urlarg(struct strbuf *out, const char *s);
/* The answer is out, as text/html. */
void page_done(struct request *r);

/* GET /runs/ID: facts, progress, metrics, validity, cost, samples with paging and search. */
int page_run(struct request *r, int64_t id);
/* GET /runs/ID/sample?task=T&id=S: one sample in full. */
int page_sample(struct request *r, int64_t id);

/* A script-free progress line of run, and the inline script that keeps it current from /api/runs/ID/events. */
void page_progress(struct strbuf *out, const char *progress_json, int64_t run, int64_t job);

#endif

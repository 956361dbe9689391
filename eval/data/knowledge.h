/* knowledge.h: what a prompt may add about the items it shows (DOKE's knowledge plugin): co-interactions of the training split, catalogue attributes. */
#ifndef KNOWLEDGE_H
#define KNOWLEDGE_H

#include "lib/util.h"
#include "lib/strbuf.h"
#include "eval/data/dataset.h"
#include "eval/data/split.h"

/* What a task's "knowledge" key asks for ("cf", "attributes", "both"). */
#define KNOWLEDGE_CF         (1u << 0)
#define KNOWLEDGE_ATTRIBUTES (1u << 1)

/* How many co-interacted items a line names unless the task says ("knowledge_k"). */
#define KNOWLEDGE_K_DEFAULT 3

/*
 * Item knowledge for one run of a task. Co-interaction counts come from
 * the split's training rows only (sp->train_items), never from a held-out
 * target, so the knowledge of a history item cannot point at the item the
 * sample hides. An item's co-interacted items are computed when first
 * asked for and remembered; one knowledge object serves one thread.
 *
 * knowledge_new() keeps ds and sp by pointer (they must outlive it);
 * what is KNOWLEDGE_CF and/or KNOWLEDGE_ATTRIBUTES; k >= 1.
 */
struct knowledge;
struct knowledge *knowledge_new(const struct dataset *ds, const struct split *sp, unsigned what, size_t k);
void knowledge_free(struct knowledge *kn);

/*
 * The items most often co-interacted with item in the training split:
 * the number of training users who interacted with both (the item itself
 * left out), most first, ties broken by training popularity, then by
 * catalogue order. Writes up to k into out (room for k); returns how many
 * (0 for an item no training user has).
 */
size_t knowledge_co(struct knowledge *kn, uint32_t item, uint32_t *out);

/*
 * Append the knowledge of items[0..n), each once in the order given, one
 * line each: "Title: genres: A, B. Year: 1995. Often liked together
 * with: X; Y; Z." (no list marker, so the lines never read as the
 * history's "- Title" lines) (attributes: the catalogue's categories and the year
 * of a trailing "(YYYY)" in the title; cf: knowledge_co()). An item with
 * nothing to say gets no line. Lines are separated by "\n" (no final one).
 */
void knowledge_render(struct strbuf *out, struct knowledge *kn, const uint32_t *items, size_t n);

/* "cf", "attributes" or "both" into *out; 0, or -1 for any other text. */
int knowledge_parse(const char *text, unsigned *out);

#endif

/* beyond.h: beyond-accuracy metrics of recommendation lists: novelty, popularity bias, long tail, diversity, coverage, concentration. Pure functions. */
#ifndef BEYOND_H
#define BEYOND_H

#include <stddef.h>
#include <stdint.h>

/*
 * Per list (one sample's top k; n is the list's length, which may be below k;
 * every function returns NAN for an empty list). count[i] is item i's number
 * of training interactions, n_train their total.
 */

/* novelty = mean over the list of -log2(p_i), p_i = max(count_i, 1) / n_train (an unseen item counts as seen once). */
double beyond_novelty(const uint32_t *list, size_t n, const uint32_t *count, size_t n_train);

/* arp = mean over the list of count_i (average recommendation popularity, Abdollahpouri et al. 2019). */
double beyond_arp(const uint32_t *list, size_t n, const uint32_t *count);

/* aplt = share of the list in the long tail (tail[i] != 0), Abdollahpouri et al. 2019. */
double beyond_aplt(const uint32_t *list, size_t n, const unsigned char *tail);

/*
 * ild = mean over pairs of list items of 1 - Jaccard(categories_i, categories_j),
 * over the pairs where both items have categories; NAN when there is no such
 * pair. Item i's categories are cats[cat_off[i] .. cat_off[i+1]), sorted ascending.
 */
double beyond_ild(const uint32_t *list, size_t n, const uint32_t *cat_off, const uint32_t *cats);

/*
 * The long tail (Abdollahpouri, Burke & Mobasher 2017): sort items by count,
 * most popular first (ties: lower index first); the short head is the
 * shortest prefix whose interactions reach head_share (0.2) of the total;
 * every other item, unseen ones included, is tail: tail[i] = 1.
 * order is scratch for n_items indexes.
 */
void beyond_long_tail(unsigned char *tail, uint64_t *order, const uint32_t *count, size_t n_items,
		      double head_share);

/*
 * Over all lists of a task: freq[i] is how many lists hold item i.
 * coverage = |{i : freq_i > 0}| / n_items (catalogue coverage).
 * gini = sum_j (2j - n - 1) x_j / (n sum_j x_j), x ascending, j = 1..n, over
 *   every catalogue item (0 when nothing was recommended): 0 spreads evenly, 1 concentrates.
 * entropy = -sum_i p_i log2 p_i with p_i = freq_i / sum freq, in bits.
 * gini sorts a copy in scratch (n_items values).
 */
double beyond_coverage(const uint32_t *freq, size_t n_items);
double beyond_gini(const uint32_t *freq, size_t n_items, uint32_t *scratch);
double beyond_entropy(const uint32_t *freq, size_t n_items);

#endif

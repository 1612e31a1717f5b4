/* webq.h - a fetch queue that loads web items ahead of the workers that render them, so that
 * fetching (network waits, politeness delays) hides behind rendering.
 *
 * `fetchers` threads load items (bt_source_load: fetch, decode, parse, the page's images) in list
 * order, at most `window` items ahead of the lowest item not yet taken, so memory stays flat
 * however long the list. Workers take item i's result with bt_webq_take (blocking until it is
 * loaded); every item must be taken exactly once. Politeness (per-host limit, delay, Retry-After)
 * is the fetcher's (fetch.h). */
#ifndef BT_WEBQ_H
#define BT_WEBQ_H

#include <stddef.h>

#include "source.h"

typedef struct bt_webq bt_webq;

/* val: per-item validators for conditional requests (n entries), or NULL. The list and val must
 * outlive the queue. */
bt_webq *bt_webq_new(bt_source *s, const bt_item_list *l, const bt_validators *val, int fetchers,
                     size_t window);

/* Item i's result, as bt_source_load would give it (info is the caller's to free). */
bt_status bt_webq_take(bt_webq *q, size_t i, bt_article **out, bt_load_info *info, bt_err *e);

/* Stops the threads (items not taken are dropped) and frees the queue. */
void bt_webq_free(bt_webq *q);

/* Milliseconds the fetch threads spent loading (sum over items), for the timing report. */
double bt_webq_load_ms(const bt_webq *q);

#endif

/* search.h: the offline search index of the site.
 *
 * Built at generation time from the pages, so that the small script
 * site/assets/search.js can search Chinese text without a server (also
 * from file://). The index comes in parts, so that no step holds every
 * page's text: search-index.js at the root is a manifest,
 *   window.CERTHALL_SEARCH_MANIFEST = {"v":2,"shards":[[file, pages], ...]}
 * naming each part's file (search/<k>.js, relative to the root) and its
 * number of pages; part k assigns
 *   window.CERTHALL_SEARCH_PARTS[k] = {"v":1,"pages":[...],"terms":{...}}
 * where
 *   pages: [[url, title, section title, excerpt], ...] in the order of the
 *          pages given (url relative to the site root, no leading slash,
 *          "" for the home page);
 *   terms: {term: [v, v, ...]}, one v per page holding the term, pages
 *          by ascending id, v = gap * 64 + weight where gap is the id's
 *          difference from the previous id (the first from 0); keys sorted
 *          by byte order. Terms are CJK bigrams, CJK unigrams (from
 *          titles, headings and descriptions only: a one-character query
 *          finds those) and whole lowercased ASCII letter/digit runs (the script
 *          matches those by prefix); a hit in the title (16) or a heading
 *          (8) weighs more than one in the description (4) or the body
 *          (1 per occurrence, up to 4).
 * The script numbers the pages of all parts one after another in part
 * order. Pages without a url or title are an error. The same pages give
 * byte-identical output. */
#ifndef GEN_SEARCH_H
#define GEN_SEARCH_H

#include <stddef.h>

#include "common/buf.h"
#include "common/error.h"
#include "generator/page.h"

/* Appends part number shard, of pages[0..n), to out; sections[i] is the
 * section title shown for pages[i]. */
int gen_search_shard(const gen_page *pages, size_t n,
                     const char *const *sections, unsigned shard,
                     ch_buf *out, ch_error *e);
void gen_search_manifest(const unsigned *sizes, size_t nshards, ch_buf *out);
/* Part k's file, relative to the site's root ("search/<k>.js"). */
#define GEN_SEARCH_PART_PATH_MAX 32
void gen_search_part_path(size_t k, char out[GEN_SEARCH_PART_PATH_MAX]);

#endif

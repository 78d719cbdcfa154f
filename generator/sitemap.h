/* sitemap.h: sitemap.xml and robots.txt for the site's base URL. */
#ifndef GEN_SITEMAP_H
#define GEN_SITEMAP_H

#include <stddef.h>

#include "common/buf.h"
#include "common/error.h"
#include "generator/page.h"

/* Appends a sitemap listing every page (sorted by url) with its absolute
 * <loc> under base_url and <lastmod> (the page's last change, as a date
 * in Asia/Shanghai, UTC+8). base_url must be http(s)://...; a missing
 * trailing slash is added. */
int gen_sitemap(const gen_page *pages, size_t n, const char *base_url,
                ch_buf *out, ch_error *e);
/* Appends a robots.txt allowing everything and naming the sitemap. */
int gen_robots(const char *base_url, ch_buf *out, ch_error *e);

#endif

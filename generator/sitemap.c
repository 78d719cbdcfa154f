/* sitemap.c: sitemap.xml and robots.txt (see sitemap.h). */
#include "generator/sitemap.h"

#include <stdlib.h>
#include <string.h>

#include "generator/pagedata.h"

/* Checks base_url and returns its length without any trailing slash. */
static int check_base(const char *base_url, size_t *len, ch_error *e)
{
	if (!base_url || (strncmp(base_url, "http://", 7) != 0 &&
	                  strncmp(base_url, "https://", 8) != 0))
		return ch_fail(e, "content/site.yaml", 0,
		               "base_url must start with http:// or https://");
	size_t n = strlen(base_url);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)base_url[i];
		if (c <= 0x20 || c == 0x7F || strchr("\"<>\\#?", c))
			return ch_fail(e, "content/site.yaml", 0,
			               "base_url contains a character not allowed "
			               "in it (space, quote, <, >, \\, # or ?)");
	}
	while (n > 0 && base_url[n - 1] == '/')
		n--;
	if (n <= (size_t)(base_url[4] == 's' ? 8 : 7))
		return ch_fail(e, "content/site.yaml", 0, "base_url has no host");
	*len = n;
	return 0;
}

/* A <loc>'s text: XML-escaped, and with encode (a page url, a path like
 * "/guide/login/") its non-ASCII and reserved bytes percent-encoded as
 * RFC 3986 asks. base_url, written as it is, holds no <, > or " (see
 * check_base), so only & and ' need escaping in either. */
static void loc_text(ch_buf *b, const char *s, size_t n, int encode)
{
	static const char hex[] = "0123456789ABCDEF";

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '&') {
			ch_buf_puts(b, "&amp;");
		} else if (c == '\'') {
			ch_buf_puts(b, "&apos;");
		} else if (!encode || (c >= 'a' && c <= 'z') ||
		           (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		           strchr("-._~/!$()*+,;=:@", c)) {
			ch_buf_putc(b, (char)c);
		} else {
			ch_buf_putc(b, '%');
			ch_buf_putc(b, hex[c >> 4]);
			ch_buf_putc(b, hex[c & 15]);
		}
	}
}

static int cmp_url(const void *a, const void *b)
{
	const gen_page *pa = *(const gen_page *const *)a;
	const gen_page *pb = *(const gen_page *const *)b;
	return strcmp(pa->url, pb->url);
}

int gen_sitemap(const gen_page *pages, size_t n, const char *base_url,
                ch_buf *out, ch_error *e)
{
	size_t blen;
	if (check_base(base_url, &blen, e) < 0)
		return -1;
	const gen_page **byurl = malloc((n ? n : 1) * sizeof *byurl);
	if (!byurl)
		return ch_fail(e, NULL, 0, "sitemap: out of memory");
	for (size_t i = 0; i < n; i++)
		byurl[i] = &pages[i];
	qsort(byurl, n, sizeof *byurl, cmp_url);

	ch_buf_puts(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	                 "<urlset xmlns=\"http://www.sitemaps.org/schemas/"
	                 "sitemap/0.9\">\n");
	for (size_t i = 0; i < n; i++) {
		const gen_page *p = byurl[i];
		const char *u = p->url + strspn(p->url, "/");
		ch_buf_puts(out, "<url><loc>");
		loc_text(out, base_url, blen, 0);
		ch_buf_putc(out, '/');
		loc_text(out, u, strlen(u), 1);
		ch_buf_puts(out, "</loc>");
		if (p->updated > 0) {
			char day[11];
			gen_format_date(p->updated, day);
			if (day[0])
				ch_buf_printf(out, "<lastmod>%s</lastmod>", day);
		}
		ch_buf_puts(out, "</url>\n");
	}
	ch_buf_puts(out, "</urlset>\n");
	free(byurl);
	if (!ch_buf_ok(out))
		return ch_fail(e, NULL, 0, "sitemap: out of memory");
	return 0;
}

int gen_robots(const char *base_url, ch_buf *out, ch_error *e)
{
	size_t blen;
	if (check_base(base_url, &blen, e) < 0)
		return -1;
	ch_buf_puts(out, "User-agent: *\nAllow: /\n\nSitemap: ");
	ch_buf_append(out, base_url, blen);
	ch_buf_puts(out, "/sitemap.xml\n");
	if (!ch_buf_ok(out))
		return ch_fail(e, NULL, 0, "robots.txt: out of memory");
	return 0;
}

/* Documents judged by content against tests/fixtures/vectors/documents.json
 * (which the browser's documentVerdict() is held to as well): sniff.c's
 * streaming verdict, fed in two chunks split at every tenth byte, and
 * docs_verdict()'s finding. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "batch/intake/docs.h"
#include "batch/intake/sniff.h"
#include "common/buf.h"

#define VECTORS "tests/fixtures/vectors/documents.json"

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10
	     : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* The case's bytes, built from its parts. */
static void build(json_t *parts, ch_buf *b)
{
	json_t *p;
	size_t i;

	json_array_foreach(parts, i, p) {
		const char *s;

		if ((s = json_string_value(json_object_get(p, "ascii")))) {
			ch_buf_puts(b, s);
		} else if ((s = json_string_value(json_object_get(p, "hex")))) {
			for (; s[0] && s[1]; s += 2)
				ch_buf_putc(b, (char)(hexval(s[0]) << 4 | hexval(s[1])));
		} else {
			int c = hexval(json_string_value(json_object_get(p, "repeat"))[0]) << 4 |
			        hexval(json_string_value(json_object_get(p, "repeat"))[1]);
			json_int_t n = json_integer_value(json_object_get(p, "count"));

			for (json_int_t k = 0; k < n; k++)
				ch_buf_putc(b, (char)c);
		}
	}
	cr_assert(ch_buf_ok(b));
}

static doc_type judge(const unsigned char *p, size_t n, size_t split, long *w, long *h)
{
	sniff s;

	sniff_init(&s);
	sniff_feed(&s, p, split);
	sniff_feed(&s, p + split, n - split);
	return sniff_result(&s, w, h);
}

Test(docs_vectors, batch_says_what_the_browser_says)
{
	json_error_t err;
	json_t *j = json_load_file(VECTORS, 0, &err), *c;
	long min_side;
	size_t i;

	cr_assert_not_null(j, "%s:%d: %s", VECTORS, err.line, err.text);
	min_side = (long)json_integer_value(json_object_get(j, "min_image_side"));
	cr_assert_gt(json_array_size(json_object_get(j, "cases")), 15);
	json_array_foreach(json_object_get(j, "cases"), i, c) {
		const char *name = json_string_value(json_object_get(c, "name"));
		json_t *expect = json_object_get(c, "expect");
		const char *want_code = json_string_value(json_object_get(expect, "code"));
		const char *want_variant = json_string_value(json_object_get(expect, "variant"));
		ch_buf b = CH_BUF_INIT;
		size_t n;

		build(json_object_get(c, "parts"), &b);
		n = b.len;
		for (size_t split = 0; split <= n; split += n > 40 ? 10 : 1) {
			const unsigned char *data = (const unsigned char *)(b.data ? b.data : "");
			long w, h;
			doc_type t = judge(data, n, split, &w, &h);
			const char *variant;
			const char *code = docs_verdict(t, n, w, h, min_side, &variant);

			if (want_code) {
				cr_expect_str_eq(code ? code : "(accepted)", want_code, "%s, split %zu", name, split);
				cr_expect_str_eq(variant ? variant : "(none)",
				                 want_variant ? want_variant : "(none)", "%s", name);
			} else {
				cr_expect_null(code, "%s, split %zu: %s", name, split, code);
			}
		}
		ch_buf_free(&b);
	}
	json_decref(j);
}

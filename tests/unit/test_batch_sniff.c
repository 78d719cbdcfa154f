/* Document types judged by content, however the bytes are split into
 * chunks on their way out of the ZIP. */
#include <criterion/criterion.h>
#include <string.h>

#include "batch/intake/sniff.h"

/* A JPEG's markers: SOI, APP0, a fill byte, RST0, DQT, SOF2 (progressive)
 * with height 900 and width 1200, SOS, data, EOI. */
static const unsigned char JPEG[] = {
	0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0x00, 0x01,
	0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0xFF, 0xFF, 0xD0,
	0xFF, 0xDB, 0x00, 0x05, 0x00, 0x01, 0x02, 0xFF, 0xC2, 0x00, 0x0B,
	0x08, 0x03, 0x84, 0x04, 0xB0, 0x01, 0x01, 0x11, 0x00, 0xFF, 0xDA,
	0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3F, 0x00, 0x12, 0x34, 0xFF,
	0xD9};

static const unsigned char PNG[] = {
	0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D,
	'I', 'H', 'D', 'R', 0x00, 0x00, 0x03, 0x20, 0x00, 0x00, 0x00, 0x0A,
	0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};

static doc_type judge(const void *p, size_t n, size_t split, long *w, long *h)
{
	sniff s;

	sniff_init(&s);
	sniff_feed(&s, p, split);
	sniff_feed(&s, (const char *)p + split, n - split);
	return sniff_result(&s, w, h);
}

Test(sniff, jpeg_size_from_the_frame_header_at_every_split)
{
	for (size_t cut = 0; cut <= sizeof JPEG; cut++) {
		long w, h;

		cr_assert_eq(judge(JPEG, sizeof JPEG, cut, &w, &h), DOC_JPEG,
		             "split at %zu", cut);
		cr_assert_eq(w, 1200);
		cr_assert_eq(h, 900);
	}
}

Test(sniff, jpeg_fed_byte_by_byte)
{
	sniff s;
	long w, h;

	sniff_init(&s);
	for (size_t i = 0; i < sizeof JPEG; i++)
		sniff_feed(&s, JPEG + i, 1);
	cr_assert_eq(sniff_result(&s, &w, &h), DOC_JPEG);
	cr_assert_eq(w, 1200);
}

Test(sniff, jpeg_without_frame_header_is_not_a_jpeg)
{
	long w, h;

	/* Cut before the SOF segment: SOI and APP0 alone. */
	cr_assert_eq(judge(JPEG, 30, 0, &w, &h), DOC_NONE);
	/* Scan data before any frame header. */
	static const unsigned char sos_first[] = {0xFF, 0xD8, 0xFF, 0xDA, 0x00,
	                                          0x02, 0xFF, 0xC0, 0x00, 0x0B,
	                                          0x08, 0x03, 0x84, 0x04, 0xB0};
	cr_assert_eq(judge(sos_first, sizeof sos_first, 5, &w, &h), DOC_NONE);
	/* A segment length below 2 is broken. */
	static const unsigned char short_len[] = {0xFF, 0xD8, 0xFF, 0xE0, 0x00,
	                                          0x01, 0xFF, 0xC0};
	cr_assert_eq(judge(short_len, sizeof short_len, 3, &w, &h), DOC_NONE);
}

Test(sniff, png_size_from_ihdr)
{
	long w, h;

	for (size_t cut = 0; cut <= sizeof PNG; cut++) {
		cr_assert_eq(judge(PNG, sizeof PNG, cut, &w, &h), DOC_PNG);
		cr_assert_eq(w, 800);
		cr_assert_eq(h, 10);
	}
}

Test(sniff, png_needs_its_ihdr)
{
	unsigned char bad[sizeof PNG];
	long w, h;

	memcpy(bad, PNG, sizeof PNG);
	bad[12] = 'X';
	cr_assert_eq(judge(bad, sizeof bad, 4, &w, &h), DOC_NONE);
	cr_assert_eq(judge(PNG, 20, 4, &w, &h), DOC_NONE); /* cut short */
}

Test(sniff, pdf_needs_eof_marker_in_the_last_kib)
{
	static char buf[5000];
	long w, h;

	memset(buf, ' ', sizeof buf);
	memcpy(buf, "%PDF-1.7\n", 9);
	memcpy(buf + sizeof buf - 7, "%%EOF\n", 6);
	for (size_t cut = 0; cut < sizeof buf; cut += 333)
		cr_assert_eq(judge(buf, sizeof buf, cut, &w, &h), DOC_PDF);
	/* The marker 1100 bytes before the end: not in the last KiB, so
	 * refused, and told apart from what is no PDF at all. */
	memset(buf + sizeof buf - 7, ' ', 6);
	memcpy(buf + sizeof buf - 1100, "%%EOF", 5);
	cr_assert_eq(judge(buf, sizeof buf, 100, &w, &h), DOC_PDF_INCOMPLETE);
	/* A PDF cut short, without any marker. */
	cr_assert_eq(judge(buf, 2000, 7, &w, &h), DOC_PDF_INCOMPLETE);
	/* Split across two chunks right inside the marker. */
	memcpy(buf + sizeof buf - 5, "%%EOF", 5);
	cr_assert_eq(judge(buf, sizeof buf, sizeof buf - 3, &w, &h), DOC_PDF);
	cr_assert_eq(w, 0);
}

Test(sniff, names_and_emptiness_do_not_count)
{
	long w, h;

	cr_assert_eq(judge("", 0, 0, &w, &h), DOC_NONE);
	cr_assert_eq(judge("GIF89a......", 12, 3, &w, &h), DOC_NONE);
	cr_assert_eq(judge(" %PDF-1.4 %%EOF", 15, 3, &w, &h), DOC_NONE);
}

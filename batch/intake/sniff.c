/* sniff.c: PDF, JPEG and PNG recognised from streamed chunks. */
#include "batch/intake/sniff.h"

#include <string.h>

enum {
	J_OFF,    /* not a JPEG (or not yet known) */
	J_MARKER, /* expecting 0xFF */
	J_CODE,   /* expecting the marker code, fill bytes 0xFF allowed */
	J_LEN,    /* two length bytes of a segment */
	J_SKIP,   /* skipping a segment's payload */
	J_SOF,    /* the frame header: length, precision, height, width */
	J_DONE,   /* size found */
	J_BAD     /* structure broken before a frame header */
};

void sniff_init(sniff *s)
{
	memset(s, 0, sizeof *s);
	s->jstate = J_OFF;
}

static int is_sof(unsigned c)
{
	return c >= 0xC0 && c <= 0xCF && c != 0xC4 && c != 0xC8 && c != 0xCC;
}

/* Feeds bytes to the JPEG walk; returns how many it used (a skip may stop
 * early at the end of the chunk, which is all of it then). */
static size_t jpeg_step(sniff *s, const unsigned char *p, size_t n)
{
	unsigned c;

	if (s->jstate == J_SKIP) {
		size_t k = n < s->jskip ? n : s->jskip;

		s->jskip -= (uint32_t)k;
		if (s->jskip == 0)
			s->jstate = J_MARKER;
		return k;
	}
	c = p[0];
	switch (s->jstate) {
	case J_MARKER:
		s->jstate = c == 0xFF ? J_CODE : J_BAD;
		break;
	case J_CODE:
		if (c == 0xFF)
			break;
		if (c == 0x00 || c == 0xD9 || c == 0xDA) {
			s->jstate = J_BAD; /* no frame header before data */
		} else if (c == 0x01 || c == 0xD8 || (c >= 0xD0 && c <= 0xD7)) {
			s->jstate = J_MARKER; /* stand-alone markers */
		} else {
			s->jstate = is_sof(c) ? J_SOF : J_LEN;
			s->jn = 0;
		}
		break;
	case J_LEN:
		s->jbuf[s->jn++] = (unsigned char)c;
		if (s->jn == 2) {
			uint32_t len = ((uint32_t)s->jbuf[0] << 8) | s->jbuf[1];

			if (len < 2) {
				s->jstate = J_BAD;
			} else {
				s->jskip = len - 2;
				s->jstate = s->jskip ? J_SKIP : J_MARKER;
			}
		}
		break;
	case J_SOF:
		s->jbuf[s->jn++] = (unsigned char)c;
		if (s->jn == 7) {
			s->jh = ((long)s->jbuf[3] << 8) | s->jbuf[4];
			s->jw = ((long)s->jbuf[5] << 8) | s->jbuf[6];
			s->jstate = J_DONE;
		}
		break;
	default:
		break;
	}
	return 1;
}

void sniff_feed(sniff *s, const void *data, size_t n)
{
	const unsigned char *p = data;
	size_t i = 0;

	if (n == 0)
		return;
	if (s->nhead < SNIFF_HEAD) {
		size_t k = SNIFF_HEAD - s->nhead < n ? SNIFF_HEAD - s->nhead : n;
		size_t before = s->nhead;

		memcpy(s->head + s->nhead, p, k);
		s->nhead += k;
		/* The walk starts after FF D8, once those three bytes are in. */
		if (before < 3 && s->nhead >= 3 && s->head[0] == 0xFF &&
		    s->head[1] == 0xD8 && s->head[2] == 0xFF) {
			s->jstate = J_MARKER;
			i = 2 - before; /* position of head[2] within this chunk */
		}
	}
	if (s->jstate != J_OFF)
		while (i < n && s->jstate != J_DONE && s->jstate != J_BAD)
			i += jpeg_step(s, p + i, n - i);
	if (n >= SNIFF_TAIL) {
		memcpy(s->tail, p + n - SNIFF_TAIL, SNIFF_TAIL);
		s->ntail = SNIFF_TAIL;
	} else {
		size_t keep = s->ntail + n > SNIFF_TAIL ? SNIFF_TAIL - n : s->ntail;

		memmove(s->tail, s->tail + s->ntail - keep, keep);
		memcpy(s->tail + keep, p, n);
		s->ntail = keep + n;
	}
	s->total += n;
}

static long be32(const unsigned char *p)
{
	return (long)(((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
	              ((uint32_t)p[2] << 8) | p[3]);
}

static int has_eof_marker(const sniff *s)
{
	static const char mark[] = "%%EOF";

	for (size_t i = 0; i + 5 <= s->ntail; i++)
		if (memcmp(s->tail + i, mark, 5) == 0)
			return 1;
	return 0;
}

doc_type sniff_result(const sniff *s, long *w, long *h)
{
	static const unsigned char png[8] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A,
	                                     0x1A, 0x0A};

	*w = *h = 0;
	if (s->nhead >= 5 && memcmp(s->head, "%PDF-", 5) == 0)
		return has_eof_marker(s) ? DOC_PDF : DOC_PDF_INCOMPLETE;
	if (s->jstate == J_DONE) {
		*w = s->jw;
		*h = s->jh;
		return DOC_JPEG;
	}
	if (s->nhead >= 24 && memcmp(s->head, png, 8) == 0 &&
	    be32(s->head + 8) == 13 && memcmp(s->head + 12, "IHDR", 4) == 0 &&
	    !(s->head[16] & 0x80) && !(s->head[20] & 0x80)) {
		*w = be32(s->head + 16);
		*h = be32(s->head + 20);
		return DOC_PNG;
	}
	return DOC_NONE;
}

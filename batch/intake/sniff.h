/* sniff.h: a document's type judged by its content (BUNDLE.md
 * "Documents"), fed in chunks as it streams out of the ZIP so that no file
 * is held whole: the first bytes, the last KiB and a JPEG segment walk are
 * all it keeps. PDF: "%PDF-" first and "%%EOF" in the last 1 KiB. JPEG:
 * FF D8 FF, then markers walked to a frame header (SOFn) for the size.
 * PNG: the signature and an IHDR chunk for the size. */
#ifndef BATCH_SNIFF_H
#define BATCH_SNIFF_H

#include <stddef.h>
#include <stdint.h>

#include "batch/intake/bundle.h"

#define SNIFF_HEAD 32
#define SNIFF_TAIL 1024

typedef struct sniff {
	unsigned char head[SNIFF_HEAD];
	size_t nhead;
	unsigned char tail[SNIFF_TAIL]; /* the last bytes seen, in order */
	size_t ntail;
	uint64_t total;
	/* JPEG segment walk */
	int jstate;
	uint32_t jskip;
	unsigned char jbuf[8];
	size_t jn;
	long jw, jh;
} sniff;

void sniff_init(sniff *s);
void sniff_feed(sniff *s, const void *p, size_t n);
/* The verdict once every byte was fed: DOC_NONE when it is none of the
 * three, DOC_PDF_INCOMPLETE for a PDF's start without "%%EOF" in its
 * last KiB (a file cut short); *w and *h are the image's pixels (0 for a
 * PDF). */
doc_type sniff_result(const sniff *s, long *w, long *h);

#endif

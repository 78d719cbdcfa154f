/* encoding.h: what a statement file is made of, found in one pass over
 * its bytes before anything is read from it: its SHA-256 (a file
 * imported before is known by it), whether it is text at all (a
 * spreadsheet workbook or other binary is refused with a reason), and
 * its encoding: UTF-8 with or without a byte-order mark, else GB18030
 * (which includes GBK and GB2312, what Chinese Windows writes). Lines
 * are then converted one at a time: neither encoding uses the bytes of
 * CR or LF inside a character. */
#ifndef BATCH_MONEY_ENCODING_H
#define BATCH_MONEY_ENCODING_H

#include <iconv.h>
#include <stdio.h>

#include "common/error.h"

typedef enum stmt_encoding {
	STMT_UTF8,
	STMT_UTF8_BOM,
	STMT_GB18030,
} stmt_encoding;

typedef struct stmt_scan {
	char sha256[65];
	stmt_encoding encoding;
	long long bytes;
} stmt_scan;

/* Reads f to its end. 0 when it is a text file we can read; -1 with the
 * reason in e (file named `name`) otherwise. The caller rewinds f. */
int enc_scan(FILE *f, const char *name, stmt_scan *out, ch_error *e);
const char *enc_name(stmt_encoding enc);

/* A converter of single lines to UTF-8; its buffer is reused, and
 * belongs to it. */
typedef struct enc_conv {
	stmt_encoding encoding;
	iconv_t cd;
	char *buf;
	size_t cap;
} enc_conv;

int enc_conv_open(enc_conv *c, stmt_encoding enc);
/* Converts s[0..n) and points *out at the UTF-8 text (NUL-terminated,
 * valid until the next call); a UTF-8 line is passed through. -1 when
 * the line is not valid in the file's encoding. */
int enc_conv_line(enc_conv *c, const char *s, size_t n, const char **out,
                  size_t *out_len);
void enc_conv_close(enc_conv *c);

#endif

/* orderno.h: the order number (订单号) the batch gives an accepted
 * application: "SX", the acceptance day (yyyymmdd, Asia/Shanghai), a
 * five-digit sequence of that day and one check character, ISO 7064
 * MOD 11-2 over the thirteen digits (0-9 or X, the scheme of the 身份证号
 * applicants already know). Applicants type it into a transfer memo; the
 * check catches every single mistyped character and every swap of two
 * adjacent characters, so a wrong memo is not matched to someone else.
 * (The hybrid MOD 37,36 was tried first: it misses some adjacent swaps.) */
#ifndef BATCH_ORDERNO_H
#define BATCH_ORDERNO_H

#include <stddef.h>

#define ORDERNO_LEN 16 /* SX + 8 + 5 + 1 */
#define ORDERNO_MAX_SEQ 99999L

/* Writes "SX<day><seq><check>" and a NUL into out. day is yyyymmdd.
 * Returns -1 when seq is outside 1..ORDERNO_MAX_SEQ. */
int orderno_make(long day, long seq, char out[ORDERNO_LEN + 1]);

/* Reads an order number as a person may type it: case, spaces and dashes
 * are forgiven. Returns 1 and writes the canonical form when the shape and
 * the check character are right, 0 otherwise. */
int orderno_parse(const char *s, char out[ORDERNO_LEN + 1]);

#endif

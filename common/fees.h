/* fees.h: the fee schedule (content/fees.yaml): price in fen per
 * certificate type and number of years. */
#ifndef CH_FEES_H
#define CH_FEES_H

#include <jansson.h>
#include <stddef.h>

#include "common/error.h"

typedef struct ch_fees {
	long organization[6]; /* fen, index = years 1..5; [0] unused */
	long personal[6];
	int example;          /* 1 while the schedule holds example values */
} ch_fees;

int ch_fees_load(const char *text, size_t len, const char *file,
                 ch_fees *out, ch_error *e);
/* The amount due in fen for a valid application.json; -1 if its
 * certificates are out of the schedule's range. */
long ch_fees_amount(const ch_fees *fees, json_t *app);

#endif

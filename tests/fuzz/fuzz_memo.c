/* libFuzzer target: any bytes as a statement line's memo or payer name,
 * as reconcile folds them and looks for order numbers in them. Every
 * valid number found must parse back to itself. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "batch/money/names.h"
#include "batch/orderno.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), *k, *p;
	memo_orders m;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	k = names_key(s);
	p = names_payer(s);
	if (k && strlen(k) > strlen(s))
		abort();
	if (p && strlen(p) > strlen(s))
		abort();
	if (names_memo_orders(s, &m) == 0)
		for (int i = 0; i < m.nvalid; i++) {
			char again[ORDERNO_LEN + 1];
			if (!orderno_parse(m.valid[i], again) || strcmp(again, m.valid[i]))
				abort();
			names_near(m.valid[i], m.valid[0]);
		}
	free(k);
	free(p);
	free(s);
	return 0;
}

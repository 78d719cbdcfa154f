/* libFuzzer target: any bytes as a layout file, parsed as import parses
 * the files of its layouts folder; a layout that parses is then used to
 * normalise and match a header cell. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "batch/money/layout.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	layout l;
	ch_error e;
	char norm[256];

	if (layout_parse((const char *)data, size, "fuzz.yaml", &l, &e) < 0)
		return 0;
	if (!l.name || !l.source || !l.bank || !l.fields[LF_DATE].n)
		abort();
	lay_norm(l.title, norm, sizeof norm);
	(void)lay_list_has(&l.fields[LF_DATE], norm);
	(void)lay_list_in(&l.words[LW_FOOTER], l.title);
	layout_free(&l);
	return 0;
}

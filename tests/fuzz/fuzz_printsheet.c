/* libFuzzer target: any bytes as the text of a printed sheet. The HTML
 * must never hold an element that runs or styles anything: cmark's safe
 * mode drops raw HTML, and the fields and seals blocks escape their text. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "generator/printsheet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int has_tag(const char *html, const char *tag)
{
	size_t n = strlen(tag);

	for (const char *p = strchr(html, '<'); p; p = strchr(p + 1, '<'))
		if (!strncasecmp(p + 1, tag, n))
			return 1;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const banned[] = {"script", "style", "iframe", "object",
	                                     "embed", "form", "input", NULL};
	ch_error e;
	char *html = NULL;

	if (gen_print_html((const char *)data, size, "fuzz.md", &html, &e) < 0)
		return 0; /* too many blocks: refused, with a message */
	for (const char *const *t = banned; *t; t++)
		if (has_tag(html, *t))
			abort();
	free(html);
	return 0;
}

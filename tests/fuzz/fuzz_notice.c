/* libFuzzer target: any bytes as a notice file of content/notices/, as
 * the batch reads it at load. A file it accepts has its texts as the
 * channel says, an SMS of one line of valid UTF-8 that fits two parts
 * with every placeholder at its longest (here: at least as long as its
 * name, less the two braces that {application_id} and the site's values
 * may save). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "batch/notice_text.h"
#include "common/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	notice_text n;
	ch_error e;

	if (notice_text_parse("x.md", (const char *)data, size, "x", "深圳CA",
	                      "400-112-3838", "www.szca.com", &n, &e) < 0)
		return 0;
	if (!n.sms && !n.email)
		abort();
	if ((n.sms != NULL) != (strcmp(n.channel, "email") != 0) ||
	    (n.email != NULL) != (strcmp(n.channel, "sms") != 0))
		abort();
	if (n.sms && (strchr(n.sms, '\n') || !ch_utf8_valid(n.sms, strlen(n.sms))))
		abort();
	if (n.sms && sms_units(n.sms) > (size_t)SMS_MAX_PARTS * SMS_PART * 2)
		abort();
	notice_text_free(&n);
	return 0;
}

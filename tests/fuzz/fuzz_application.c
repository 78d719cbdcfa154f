/* libFuzzer target: any bytes as application.json, parsed and validated
 * against the real form schema. */
#include <stdint.h>
#include <stdlib.h>

#include "common/form.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static ch_schema *schema;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	ch_error e;

	if (ch_schema_load_file("content/forms/application.yaml", 1 << 20,
	                        &schema, &e) < 0) {
		ch_error_print(&e, "fuzz_application");
		abort();
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ch_findings f = CH_FINDINGS_INIT;
	json_t *app = NULL;

	if (ch_form_parse(schema, (const char *)data, size, &app, &f) < 0)
		abort();
	if (app && ch_form_validate(schema, app, 20261124, &f) < 0)
		abort();
	/* The findings are what a notice prints: render them too. */
	json_decref(ch_findings_json(&f));
	json_decref(app);
	ch_findings_free(&f);
	return 0;
}

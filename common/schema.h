/* schema.h: the application form schema (content/forms/application.yaml)
 * read into a tree both programs walk: the generator to render the form,
 * common/form.c to validate application.json. Owns every string in it. */
#ifndef CH_SCHEMA_H
#define CH_SCHEMA_H

#include <jansson.h>
#include <stddef.h>

#include "common/error.h"

typedef enum ch_ftype {
	CH_F_GROUP,
	CH_F_LIST,
	CH_F_STRING,
	CH_F_INTEGER,
	CH_F_ENUM,
	CH_F_REGION
} ch_ftype;

typedef struct ch_enum_value {
	char *value;
	char *label;
} ch_enum_value;

typedef struct ch_field {
	char *key;
	char *label;
	char *help;         /* NULL if none */
	char *widget;       /* NULL, or "years" */
	char *check;        /* NULL, or a name ch_check_known() accepts */
	char *add_label;    /* lists only */
	char *remove_label; /* lists only */
	char *item_label;   /* lists only: one item's name in messages
	                     * ("第 2 位" + item_label + "的" + a member's
	                     * label); the list's label when unset */
	ch_ftype type;
	int required;
	char *required_when_field;  /* sibling key, or NULL */
	char *required_when_equals;
	int has_min, has_max;
	long min, max;               /* integers */
	long min_length, max_length; /* strings, in characters; -1 if unset */
	long min_items, max_items;   /* lists; -1 if unset */
	ch_enum_value *values;
	size_t nvalues;
	struct ch_field *fields; /* group members, or a list's item fields */
	size_t nfields;
} ch_field;

typedef struct ch_doc_kind {
	char *kind;
	char *label;
	char *needed;      /* "always", "per_person" or "optional" */
	char *when_field;  /* top-level key, or NULL */
	char *when_equals;
	char *help;        /* shown at the document's input, or NULL */
} ch_doc_kind;

typedef struct ch_schema {
	char *id;
	char *format;
	char *title;
	long max_bytes;
	ch_field *fields;
	size_t nfields;
	ch_doc_kind *docs;
	size_t ndocs;
	long min_image_side;
	char **rules;
	size_t nrules;
	json_t *messages; /* code -> Chinese message template */
	json_t *raw;      /* the whole schema as JSON, for the browser */
} ch_schema;

/* Reads and checks a schema from YAML text: an unknown field type, an
 * unknown check, an unknown key or a missing label is an error naming the
 * file and line. *out is owned by the caller: ch_schema_free(). */
int ch_schema_load(const char *text, size_t len, const char *file,
                   ch_schema **out, ch_error *e);
/* Reads the schema file at path (at most max bytes) and loads it as
 * ch_schema_load does; errors name the path. */
int ch_schema_load_file(const char *path, size_t max, ch_schema **out,
                        ch_error *e);
void ch_schema_free(ch_schema *s);

/* The message template for a finding code, or the code itself. A key
 * "CODE.variant" of `messages` is a more precise message for the same
 * code (common/findings.h, ch_findings_add_as). */
const char *ch_schema_message(const ch_schema *s, const char *code);
/* The field at a dotted key path ("handler.mobile"), or NULL. */
const ch_field *ch_schema_field(const ch_schema *s, const char *path);

#endif

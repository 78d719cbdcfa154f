/* docs.c: the listed documents against the bundle's files. */
#include "batch/intake/docs.h"

#include <stdlib.h>
#include <string.h>

#include "batch/intake/zipnames.h"
#include "common/text.h"

static const char *kind_label(const ch_schema *s, const char *kind)
{
	for (size_t i = 0; s && kind && i < s->ndocs; i++)
		if (strcmp(s->docs[i].kind, kind) == 0)
			return s->docs[i].label;
	return NULL;
}

static int warn(ch_findings *f, const ch_schema *s, const char *code,
                const char *where)
{
	return ch_findings_add(f, s, code, CH_LEVEL_WARNING, where, NULL, NULL);
}

static int err(ch_findings *f, const ch_schema *s, const char *code,
               const char *where, const char *label)
{
	return ch_findings_add(f, s, code, CH_LEVEL_ERROR, where, label, NULL);
}

/* An error with the schema's more precise message "code.variant". */
static int err_as(ch_findings *f, const ch_schema *s, const char *code,
                  const char *variant, const char *where)
{
	return ch_findings_add_as(f, s, code, variant, CH_LEVEL_ERROR, where,
	                          NULL, NULL);
}

const char *docs_verdict(doc_type type, uint64_t size, long w, long h,
                         long min_side, const char **variant)
{
	long side = w > h ? w : h;

	*variant = NULL;
	if (size == 0)
		return "DOC_TOO_SMALL";
	/* A PDF cut short is a PDF to the applicant: "not a PDF" would
	 * send them looking for the wrong mistake. */
	if (type == DOC_PDF_INCOMPLETE) {
		*variant = "pdf_incomplete";
		return "DOC_TYPE";
	}
	if (type == DOC_NONE)
		return "DOC_TYPE";
	if ((type == DOC_JPEG || type == DOC_PNG) && side < min_side)
		return "DOC_TOO_SMALL";
	return NULL;
}

/* Judges one listed file that was read whole. */
static int judge(const bundle_entry *en, long min_side, const ch_schema *s,
                 ch_findings *f)
{
	const char *variant;
	const char *code = docs_verdict(en->type, en->size, en->width,
	                                en->height, min_side, &variant);

	return code ? err_as(f, s, code, variant, en->name) : 0;
}

/* One item of documents[]: finds its file and judges it. */
static int check_item(bundle *b, json_t *item, long min_side,
                      const ch_schema *s, ch_findings *f)
{
	const char *file = json_string_value(json_object_get(item, "file"));
	const char *kind = json_string_value(json_object_get(item, "kind"));
	char *nfc = NULL, *shown = NULL;
	const char *label;
	int rc = -1;

	if (!file || !*file)
		return 0; /* the form's own checks report it */
	nfc = ch_nfc(file);
	if (!nfc)
		return -1;
	for (size_t i = 0; i < b->nentries; i++) {
		bundle_entry *en = &b->entries[i];

		if (strcmp(en->name, nfc) != 0)
			continue;
		/* One file standing for a second document is two documents
		 * with identical content (BUNDLE.md): the reviewer must see it,
		 * once per extra listing. */
		if (en->listed)
			rc = warn(f, s, "DOC_DUPLICATE", en->name);
		else if (en->sha256[0])
			rc = judge(en, min_side, s, f);
		else
			rc = 0;
		en->listed = 1;
		goto out;
	}
	shown = zname_printable(file, strlen(file));
	if (!shown)
		goto out;
	label = kind_label(s, kind);
	rc = err(f, s, "DOC_MISSING", shown, label ? label : shown);
out:
	free(nfc);
	free(shown);
	return rc;
}

int docs_check(bundle *b, const ch_schema *s, ch_findings *f)
{
	json_t *docs = b->app ? json_object_get(b->app, "documents") : NULL;
	long min_side = s && s->min_image_side > 0 ? s->min_image_side : 800;
	size_t k;
	json_t *item;

	if (json_is_array(docs)) {
		json_array_foreach(docs, k, item) {
			if (json_is_object(item) &&
			    check_item(b, item, min_side, s, f) < 0)
				return -1;
		}
	}
	for (size_t i = 0; i < b->nentries; i++) {
		const bundle_entry *en = &b->entries[i];

		if (!en->listed) {
			/* Unread entries already have their ZIP_* finding. */
			if (en->sha256[0] && warn(f, s, "DOC_UNLISTED", en->name) < 0)
				return -1;
			continue;
		}
		if (!en->sha256[0] || en->size == 0)
			continue;
		for (size_t j = 0; j < i; j++) {
			if (b->entries[j].listed &&
			    strcmp(b->entries[j].sha256, en->sha256) == 0) {
				if (warn(f, s, "DOC_DUPLICATE", en->name) < 0)
					return -1;
				break;
			}
		}
	}
	return 0;
}

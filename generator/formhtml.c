/* formhtml.c: the application form rendered from the schema.
 *
 * The HTML works without knowing the fields in the script: every input
 * carries data-path (its JSON path in application.json, "[__i__]" in the
 * row template) so site/assets/form.js can find the schema field, its
 * check and its messages in the embedded schema. Ids are derived from the
 * path ("handler.mobile" -> "f-handler-mobile"); help is "<id>-help" and
 * the error slot "<id>-err". */
#include "generator/formhtml.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/yaml.h"
#include "generator/printsheet.h"

#define ROW_MARK "__i__" /* replaced by the row index in form.js */
#define PATH_MAX_LEN 256

static void esc(ch_buf *b, const char *s)
{
	if (s)
		ch_buf_html(b, s, strlen(s));
}

/* before, s escaped, after: one attribute, or one element and its text. */
static void put_esc(ch_buf *b, const char *before, const char *s,
                    const char *after)
{
	ch_buf_puts(b, before);
	esc(b, s);
	ch_buf_puts(b, after);
}

/* "certificates.personal[__i__].name" -> "certificates-personal-__i__-name" */
static void put_id(ch_buf *b, const char *path)
{
	const char *p;
	char c;

	for (p = path; *p; p++) {
		c = *p;
		if (c == '.' || c == '[')
			c = '-';
		else if (c == ']')
			continue;
		if (c == '-' || c == '_' || (c >= '0' && c <= '9') ||
		    (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
			ch_buf_putc(b, c);
		else
			ch_buf_printf(b, "x%02x", (unsigned char)c);
	}
}

/* before, the id of the field at path, after: put_fid(b, " for=\"", path,
 * "-help\"") */
static void put_fid(ch_buf *b, const char *before, const char *path,
                    const char *after)
{
	ch_buf_puts(b, before);
	ch_buf_puts(b, "f-");
	put_id(b, path);
	ch_buf_puts(b, after);
}

static int join_path(char *dst, const char *parent, const char *key,
                     ch_error *e)
{
	size_t np = strlen(parent), nk = strlen(key);

	if (np + nk + 2 > PATH_MAX_LEN)
		return ch_fail(e, "content/forms/application.yaml", 0,
		               "form field path too long at \"%s\"", key);
	memcpy(dst, parent, np);
	if (np)
		dst[np++] = '.';
	memcpy(dst + np, key, nk + 1);
	return 0;
}

/* The field's label, with the mark of a field that is or may be required. */
static void put_label(ch_buf *b, const ch_field *f)
{
	esc(b, f->label);
	if (f->required)
		ch_buf_puts(b, "<span class=\"ch-req\" aria-hidden=\"true\">*</span>");
	else if (f->required_when_field)
		ch_buf_puts(b, "<span class=\"ch-req\" aria-hidden=\"true\" hidden>*</span>");
}

static void put_describedby(ch_buf *b, const ch_field *f, const char *path)
{
	ch_buf_puts(b, " aria-describedby=\"");
	if (f->help)
		put_fid(b, "", path, "-help ");
	put_fid(b, "", path, "-err\"");
}

/* The attributes every control of a field carries. */
static void put_control_attrs(ch_buf *b, const ch_field *f, const char *path)
{
	put_esc(b, " data-path=\"", path, "\"");
	if (f->required)
		ch_buf_puts(b, " aria-required=\"true\"");
	if (f->required_when_field) {
		put_esc(b, " data-required-when-field=\"", f->required_when_field, "\"");
		put_esc(b, " data-required-when-equals=\"", f->required_when_equals, "\"");
	}
	put_describedby(b, f, path);
}

static void put_help(ch_buf *b, const ch_field *f, const char *path)
{
	if (f->help) {
		put_fid(b, "<p class=\"ch-help\" id=\"", path, "-help\">");
		put_esc(b, "", f->help, "</p>\n");
	}
}

static void put_help_and_slot(ch_buf *b, const ch_field *f, const char *path)
{
	put_help(b, f, path);
	put_fid(b, "<p class=\"ch-error\" id=\"", path, "-err\"></p>\n");
}

/* A labelled text input: attrs are its type and keyboard, more follows
 * its name. */
static void put_input(ch_buf *b, const ch_field *f, const char *path,
                      const char *attrs, const char *more)
{
	put_fid(b, "<div class=\"ch-field\"><label for=\"", path, "\">");
	put_label(b, f);
	ch_buf_printf(b, "</label>\n<input %s", attrs);
	put_fid(b, " id=\"", path, "\"");
	put_esc(b, " name=\"", path, "\"");
	ch_buf_puts(b, more);
	put_control_attrs(b, f, path);
	ch_buf_puts(b, ">\n");
	put_help_and_slot(b, f, path);
	ch_buf_puts(b, "</div>\n");
}

static void put_string(ch_buf *b, const ch_field *f, const char *path)
{
	const char *check = f->check ? f->check : "";

	if (!strcmp(check, "email"))
		put_input(b, f, path, "type=\"email\"", " autocomplete=\"email\"");
	else if (!strcmp(check, "mobile"))
		put_input(b, f, path, "type=\"tel\"", " autocomplete=\"tel\"");
	else if (!strcmp(check, "postcode") || !strcmp(check, "bank_account"))
		put_input(b, f, path, "type=\"text\"",
		          " inputmode=\"numeric\" autocomplete=\"off\"");
	else
		put_input(b, f, path, "type=\"text\"", " autocomplete=\"off\"");
}

static void put_radio(ch_buf *b, const char *path, const char *value,
                      const char *label, int checked)
{
	put_fid(b, "<span class=\"ch-choice\"><input type=\"radio\" id=\"", path, "-v-");
	put_id(b, value);
	put_esc(b, "\" name=\"", path, "\"");
	put_esc(b, " value=\"", value, "\"");
	put_esc(b, " data-path=\"", path, checked ? "\" checked>" : "\">");
	put_fid(b, "<label for=\"", path, "-v-");
	put_id(b, value);
	put_esc(b, "\">", label, "</label></span>\n");
}

/* A radio group: years (min..max, 0 shown as 不办理) or an enum. */
static void put_choices(ch_buf *b, const ch_field *f, const char *path)
{
	char value[32], label[32];
	long v;
	size_t i;

	put_fid(b, "<fieldset class=\"ch-field ch-radios\" role=\"radiogroup\" id=\"",
	        path, "\"");
	put_control_attrs(b, f, path);
	ch_buf_puts(b, "><legend>");
	put_label(b, f);
	ch_buf_puts(b, "</legend>\n<div class=\"ch-choices\">\n");
	if (f->type == CH_F_ENUM) {
		for (i = 0; i < f->nvalues; i++)
			put_radio(b, path, f->values[i].value, f->values[i].label,
			          f->nvalues == 1);
	} else {
		for (v = f->has_min ? f->min : 1; v <= (f->has_max ? f->max : 5); v++) {
			snprintf(value, sizeof value, "%ld", v);
			snprintf(label, sizeof label, "%ld 年", v);
			put_radio(b, path, value, v ? label : "不办理", 0);
		}
	}
	ch_buf_puts(b, "</div>\n");
	put_help_and_slot(b, f, path);
	ch_buf_puts(b, "</fieldset>\n");
}

static void put_region(ch_buf *b, const ch_field *f, const char *path)
{
	static const char *const part[3] = {"省", "市", "区"};
	static const char *const ac[3] = {"address-level1", "address-level2",
	                                  "address-level3"};
	int i;

	put_fid(b, "<fieldset class=\"ch-field ch-region\" id=\"", path, "\"");
	put_describedby(b, f, path);
	ch_buf_puts(b, "><legend>");
	put_label(b, f);
	ch_buf_puts(b, "</legend>\n<div class=\"ch-region-parts\">\n");
	for (i = 0; i < 3; i++) {
		put_fid(b, "<span class=\"ch-region-part\"><label for=\"", path, "");
		ch_buf_printf(b, "-%d\">%s</label>", i, part[i]);
		put_fid(b, "<input type=\"text\" id=\"", path, "");
		ch_buf_printf(b, "-%d\" name=\"", i);
		esc(b, path);
		ch_buf_printf(b, "[%d]\" data-index=\"%d\" autocomplete=\"%s\"", i, i, ac[i]);
		put_control_attrs(b, f, path);
		ch_buf_puts(b, "></span>\n");
	}
	ch_buf_puts(b, "</div>\n");
	put_help_and_slot(b, f, path);
	ch_buf_puts(b, "</fieldset>\n");
}

static int put_field(ch_buf *b, const ch_field *f, const char *parent,
                     ch_error *e);

static int put_members(ch_buf *b, const ch_field *fields, size_t n,
                       const char *path, ch_error *e)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (put_field(b, &fields[i], path, e) < 0)
			return -1;
	return 0;
}

/* The personal-certificate rows: none rendered, a <template> that
 * form.js clones with __i__ replaced by the row's index. */
static int put_list(ch_buf *b, const ch_field *f, const char *path,
                    ch_error *e)
{
	char item[PATH_MAX_LEN];

	if ((size_t)snprintf(item, sizeof item, "%s[" ROW_MARK "]", path) >=
	    sizeof item)
		return ch_fail(e, "content/forms/application.yaml", 0,
		               "form field path too long at \"%s\"", f->key);
	put_fid(b, "<fieldset class=\"ch-list\" id=\"", path, "\"");
	put_esc(b, " data-list=\"", path, "\"");
	ch_buf_printf(b, " data-min-items=\"%ld\" data-max-items=\"%ld\"",
	              f->min_items < 0 ? 0 : f->min_items,
	              f->max_items < 0 ? 50 : f->max_items);
	put_describedby(b, f, path);
	put_esc(b, "><legend>", f->label, "</legend>\n");
	put_help(b, f, path);
	put_esc(b, "<div class=\"ch-rows\" data-rows=\"", path, "\"></div>\n");
	put_esc(b, "<template data-row-template=\"", path,
	        "\"><fieldset class=\"ch-row\" data-row=\"" ROW_MARK "\">");
	put_esc(b, "<legend>", f->label, " <span data-row-number></span></legend>\n");
	if (put_members(b, f->fields, f->nfields, item, e) < 0)
		return -1;
	put_esc(b, "<button type=\"button\" class=\"ch-remove\" data-remove>",
	        f->remove_label ? f->remove_label : "删除",
	        "</button></fieldset></template>\n");
	put_esc(b, "<button type=\"button\" class=\"ch-add\" data-add=\"", path, "\">");
	put_esc(b, "", f->add_label ? f->add_label : "添加", "</button>\n");
	put_fid(b, "<p class=\"ch-error\" id=\"", path, "-err\"></p>\n</fieldset>\n");
	return 0;
}

static int put_field(ch_buf *b, const ch_field *f, const char *parent,
                     ch_error *e)
{
	char path[PATH_MAX_LEN];

	if (join_path(path, parent, f->key, e) < 0)
		return -1;
	switch (f->type) {
	case CH_F_GROUP:
		/* A group's own slot holds what concerns the group as a whole
		 * (NO_CERTIFICATE), so it never hides a member's message. */
		put_fid(b, "<fieldset class=\"ch-group\" id=\"", path, "\"");
		put_esc(b, " data-group=\"", path, "\"");
		put_describedby(b, f, path);
		put_esc(b, "><legend>", f->label, "</legend>\n");
		put_help_and_slot(b, f, path);
		if (put_members(b, f->fields, f->nfields, path, e) < 0)
			return -1;
		ch_buf_puts(b, "</fieldset>\n");
		return 0;
	case CH_F_LIST:
		return put_list(b, f, path, e);
	case CH_F_STRING:
		put_string(b, f, path);
		return 0;
	case CH_F_INTEGER:
		if (f->widget && !strcmp(f->widget, "years"))
			put_choices(b, f, path);
		else
			put_input(b, f, path, "type=\"text\" inputmode=\"numeric\"",
			          " data-type=\"integer\"");
		return 0;
	case CH_F_ENUM:
		put_choices(b, f, path);
		return 0;
	case CH_F_REGION:
		put_region(b, f, path);
		return 0;
	}
	return ch_fail(e, "content/forms/application.yaml", 0,
	               "form field \"%s\" has a type the form cannot render", f->key);
}

static void put_fee_total(ch_buf *b, const ch_fees *fees)
{
	ch_buf_puts(b, "<div class=\"ch-total\"><span id=\"ch-total-label\">费用合计</span> "
	               "<output id=\"ch-total\" aria-labelledby=\"ch-total-label\" "
	               "aria-live=\"polite\">0.00 元</output>");
	if (fees->example)
		ch_buf_puts(b, " <span class=\"ch-example\">示例价格</span>"
		               "<p class=\"ch-help\">价格为示例值，以运营方公布的收费标准为准。</p>");
	ch_buf_puts(b, "</div>\n");
}

static int needed_is(const ch_doc_kind *d, const char *what)
{
	return d->needed && !strcmp(d->needed, what);
}

static void put_doc_input(ch_buf *b, const ch_doc_kind *d, const char *suffix)
{
	int required = needed_is(d, "always") || needed_is(d, "per_person");

	put_esc(b, "<label for=\"doc-", d->kind, suffix);
	put_esc(b, "\">", d->label, "");
	if (needed_is(d, "per_person"))
		ch_buf_puts(b, "（<span data-person-label></span>）");
	if (required)
		ch_buf_puts(b, "<span class=\"ch-req\" aria-hidden=\"true\">*</span>");
	else if (needed_is(d, "optional"))
		ch_buf_puts(b, "（可选）");
	put_esc(b, "</label>\n<input type=\"file\" id=\"doc-", d->kind, suffix);
	put_esc(b, "\" accept=\"application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png\""
	        " data-doc=\"", d->kind, "\"");
	if (required)
		ch_buf_puts(b, " aria-required=\"true\"");
	put_esc(b, " aria-describedby=\"doc-help doc-", d->kind, suffix);
	if (d->help)
		put_esc(b, "-help doc-", d->kind, suffix);
	ch_buf_puts(b, "-err\">\n");
	if (d->help) {
		put_esc(b, "<p class=\"ch-help\" id=\"doc-", d->kind, suffix);
		put_esc(b, "-help\">", d->help, "</p>\n");
	}
	put_esc(b, "<p class=\"ch-error\" id=\"doc-", d->kind, suffix);
	ch_buf_puts(b, "-err\"></p>\n");
}

/* One file input per document kind; id_copy gets one per personal
 * certificate row (form.js adds them from the template). */
static void put_documents(ch_buf *b, const ch_schema *s)
{
	size_t i;
	const ch_doc_kind *d;

	ch_buf_puts(b, "<fieldset class=\"ch-group ch-docs\" id=\"ch-docs\">"
	               "<legend>上传电子资料</legend>\n<p class=\"ch-help\" id=\"doc-help\">");
	ch_buf_printf(b, "PDF、JPEG 或 PNG 文件；图片长边至少 %ld 像素。",
	              s->min_image_side > 0 ? s->min_image_side : 800);
	ch_buf_puts(b, "</p>\n");
	for (i = 0; i < s->ndocs; i++) {
		d = &s->docs[i];
		if (needed_is(d, "per_person")) {
			put_esc(b, "<div class=\"ch-doc-list\" data-doc-list=\"", d->kind,
			        "\"></div>\n");
			put_esc(b, "<template data-doc-template=\"", d->kind,
			        "\"><div class=\"ch-field ch-doc\" data-person=\"" ROW_MARK "\">");
			put_doc_input(b, d, "-" ROW_MARK);
			ch_buf_puts(b, "</div></template>\n");
			continue;
		}
		ch_buf_puts(b, "<div class=\"ch-field ch-doc\"");
		if (d->when_field) {
			put_esc(b, " data-when-field=\"", d->when_field, "\"");
			put_esc(b, " data-when-equals=\"", d->when_equals, "\" hidden");
		}
		ch_buf_puts(b, ">");
		put_doc_input(b, d, "");
		ch_buf_puts(b, "</div>\n");
	}
	ch_buf_puts(b, "</fieldset>\n");
}

/* 申请编号 and revision: kept in the draft; the checkbox marks a
 * resubmission after 驳回 so the next bundle carries a higher revision. */
static void put_submission(ch_buf *b)
{
	ch_buf_puts(b,
		"<fieldset class=\"ch-group ch-submission\" id=\"ch-submission\">"
		"<legend>申请编号</legend>\n"
		"<div class=\"ch-field\"><label for=\"ch-app-id\">申请编号</label>\n"
		"<input type=\"text\" id=\"ch-app-id\" autocomplete=\"off\" "
		"autocapitalize=\"characters\" spellcheck=\"false\" "
		"aria-describedby=\"ch-app-id-help ch-app-id-err\" "
		"placeholder=\"下载申请包时生成\">\n"
		"<p class=\"ch-help\" id=\"ch-app-id-help\">首次打印授权委托书或下载申请包时生成，"
		"之后保持不变；在其他电脑上重新提交时，请填写原申请编号。"
		"当前版本：<span id=\"ch-revision\">1</span></p>\n"
		"<p class=\"ch-error\" id=\"ch-app-id-err\"></p></div>\n"
		"<div class=\"ch-field\"><span class=\"ch-choice\">"
		"<input type=\"checkbox\" id=\"ch-resubmit\" aria-describedby=\"ch-resubmit-help\">"
		"<label for=\"ch-resubmit\">重新提交（申请已被驳回，修改后再次提交）</label></span>\n"
		"<p class=\"ch-help\" id=\"ch-resubmit-help\">在本机修改后重新下载时，版本号会自动加一；"
		"在其他电脑上重新提交时，请填写原申请编号并勾选此项。</p></div>\n"
		"</fieldset>\n");
}

static void put_buttons(ch_buf *b)
{
	ch_buf_puts(b,
		"<p id=\"ch-letter-stale\" class=\"ch-warning\" hidden>表单内容在打印授权委托书之后有改动，"
		"已打印的授权委托书与当前填写的信息不再一致。请重新打印授权委托书，签字盖章后重新扫描上传。</p>\n"
		"<div class=\"ch-actions\">\n"
		"<button type=\"button\" data-action=\"save\">保存草稿</button>\n"
		"<button type=\"button\" data-action=\"print-letter\">打印授权委托书</button>\n"
		"<button type=\"button\" data-action=\"print-stamp\">打印《数字证书印模采集表》</button>\n"
		"<button type=\"submit\" data-action=\"download\" class=\"ch-primary\">下载申请包</button>\n"
		"</div>\n"
		"<p id=\"ch-status\" class=\"ch-status\" role=\"status\" aria-live=\"polite\"></p>\n"
		"<div class=\"ch-draft\">\n"
		"<p class=\"ch-help\" id=\"ch-storage-note\">本表单把填写的内容作为草稿保存在本机浏览器中，"
		"其中包括身份证号、手机号码和银行账号（扫描件不保存），以便下次打开本页继续填写。"
		"在公用或他人的电脑上填写完毕后，请点击“清除本机草稿”。</p>\n"
		"<div class=\"ch-actions\">\n"
		"<button type=\"button\" data-action=\"clear-draft\" "
		"aria-describedby=\"ch-storage-note\">清除本机草稿</button>\n"
		"<button type=\"button\" data-action=\"new-application\">新建申请</button>\n"
		"</div></div>\n");
}

/* JSON for a <script type="application/json"> block: every string goes
 * through ch_buf_json_str, which escapes < > &, so "</script>" inside the
 * schema cannot end the block. Object keys keep the schema's order, so
 * the output is the same for the same schema. The recursion is as deep
 * as the schema, which its YAML reader bounds (common/yaml.c). */
static void put_json(ch_buf *b, json_t *v)
{
	const char *key;
	json_t *m;
	size_t i;
	int first = 1;

	switch (json_typeof(v)) {
	case JSON_OBJECT:
		ch_buf_putc(b, '{');
		json_object_foreach(v, key, m) {
			if (!first)
				ch_buf_putc(b, ',');
			first = 0;
			ch_buf_putc(b, '"');
			ch_buf_json_str(b, key, strlen(key));
			ch_buf_puts(b, "\":");
			put_json(b, m);
		}
		ch_buf_putc(b, '}');
		break;
	case JSON_ARRAY:
		ch_buf_putc(b, '[');
		json_array_foreach(v, i, m) {
			if (i)
				ch_buf_putc(b, ',');
			put_json(b, m);
		}
		ch_buf_putc(b, ']');
		break;
	case JSON_STRING:
		ch_buf_putc(b, '"');
		ch_buf_json_str(b, json_string_value(v), json_string_length(v));
		ch_buf_putc(b, '"');
		break;
	case JSON_INTEGER:
		ch_buf_printf(b, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		break;
	case JSON_REAL:
		ch_buf_printf(b, "%.17g", json_real_value(v));
		break;
	case JSON_TRUE:
	case JSON_FALSE:
	case JSON_NULL:
		ch_buf_puts(b, json_is_true(v) ? "true" : json_is_false(v) ? "false" : "null");
		break;
	}
}

static void put_fees_json(ch_buf *b, const ch_fees *fees)
{
	int i;

	ch_buf_printf(b, "{\"example\":%s,\"organization\":[0",
	              fees->example ? "true" : "false");
	for (i = 1; i < 6; i++)
		ch_buf_printf(b, ",%ld", fees->organization[i]);
	ch_buf_puts(b, "],\"personal\":[0");
	for (i = 1; i < 6; i++)
		ch_buf_printf(b, ",%ld", fees->personal[i]);
	ch_buf_puts(b, "]}");
}

/* Copies cmark's HTML, turning each {dotted.path} outside a tag into an
 * empty span that form.js fills from the form's values. cmark has already
 * escaped the text, and only names of [A-Za-z0-9_.] become attributes. */
static void put_with_fills(ch_buf *b, const char *html)
{
	const char *p = html, *q;
	int in_tag = 0;

	while (*p) {
		if (*p == '<') {
			in_tag = 1;
		} else if (*p == '>') {
			in_tag = 0;
		} else if (*p == '{' && !in_tag) {
			for (q = p + 1; (*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') ||
			                (*q >= '0' && *q <= '9') || *q == '_' || *q == '.'; q++)
				;
			if (*q == '}' && q > p + 1 && q - p < 80) {
				ch_buf_puts(b, "<span class=\"ch-fill\" data-fill=\"");
				ch_buf_append(b, p + 1, (size_t)(q - p - 1));
				ch_buf_puts(b, "\"></span>");
				p = q + 1;
				continue;
			}
		}
		ch_buf_putc(b, *p++);
	}
}

/* The print texts are content files with front matter, whose title
 * becomes the printed heading. */
static int put_print_view(ch_buf *b, const char *id, const char *label,
                          const char *md, size_t len, ch_error *e)
{
	json_t *meta = NULL;
	const char *body, *title;
	size_t body_len;
	char *html = NULL;
	int body_line;
	int rc = -1;

	if (!md)
		return ch_fail(e, "content/forms", 0,
		               "the form needs the text of its %s", label);
	if (ch_front_matter(md, len, "content/forms", &meta, &body, &body_len,
	                    &body_line, e) < 0 ||
	    gen_print_html(body, body_len, "content/forms", &html, e) < 0)
		goto out;
	ch_buf_printf(b, "<section class=\"ch-print\" id=\"%s\"", id);
	put_esc(b, " aria-label=\"", label, "\" hidden>\n");
	title = json_string_value(json_object_get(meta, "title"));
	if (title)
		put_esc(b, "<h1 class=\"ch-print-title\">", title, "</h1>\n");
	put_with_fills(b, html);
	ch_buf_puts(b, "</section>\n");
	rc = 0;
out:
	free(html);
	json_decref(meta);
	return rc;
}

static int put_asset(ch_buf *b, const gen_form_inputs *in, const char *name,
                     ch_error *e)
{
	const char *url = in->asset_url ? in->asset_url(in->asset_ctx, name) : NULL;
	size_t n = strlen(name);

	if (!url)
		return ch_fail(e, "site/assets", 0, "the form needs the asset %s", name);
	if (n > 4 && !strcmp(name + n - 4, ".css"))
		put_esc(b, "<link rel=\"stylesheet\" href=\"", url, "\">\n");
	else
		put_esc(b, "<script src=\"", url, "\" defer></script>\n");
	return 0;
}

int gen_form_html(const gen_form_inputs *in, ch_buf *out, ch_error *e)
{
	const ch_schema *s = in ? in->schema : NULL;
	ch_buf b = CH_BUF_INIT;
	int rc = -1;

	if (!s || !in->fees || !s->raw) {
		ch_fail(e, "content/forms/application.yaml", 0,
		        "the form needs a loaded schema and fee schedule");
		goto out;
	}
	if (put_asset(&b, in, "form.css", e) < 0)
		goto out;
	ch_buf_puts(&b, "<div class=\"ch-form-wrap\">\n"
	                "<noscript><p class=\"ch-error\">在线申请表需要启用浏览器的 JavaScript。"
	                "</p></noscript>\n<form id=\"ch-form\" class=\"ch-form\" novalidate "
	                "autocomplete=\"off\"");
	put_esc(&b, " aria-label=\"", s->title, "\"");
	put_esc(&b, " data-format=\"", s->format, "\">\n");
	ch_buf_puts(&b, "<p class=\"ch-help\"><span class=\"ch-req\" aria-hidden=\"true\">*"
	                "</span> 为必填项。</p>\n"
	                "<p class=\"ch-error\" id=\"ch-form-err\"></p>\n");
	if (put_members(&b, s->fields, s->nfields, "", e) < 0)
		goto out;
	put_fee_total(&b, in->fees);
	put_documents(&b, s);
	put_submission(&b);
	put_buttons(&b);
	ch_buf_puts(&b, "</form>\n");
	if (put_print_view(&b, "ch-print-letter", "授权委托书", in->letter_md,
	                   in->letter_len, e) < 0)
		goto out;
	if (put_print_view(&b, "ch-print-stamp", "数字证书印模采集表", in->stamp_md,
	                   in->stamp_len, e) < 0)
		goto out;
	ch_buf_puts(&b, "<script type=\"application/json\" id=\"ch-schema\">");
	put_json(&b, s->raw);
	ch_buf_puts(&b, "</script>\n<script type=\"application/json\" id=\"ch-fees\">");
	put_fees_json(&b, in->fees);
	ch_buf_puts(&b, "</script>\n</div>\n");
	if (put_asset(&b, in, "validate.js", e) < 0 ||
	    put_asset(&b, in, "zip.js", e) < 0 ||
	    put_asset(&b, in, "form.js", e) < 0)
		goto out;
	if (ch_buf_ok(&b))
		ch_buf_append(out, b.data, b.len);
	rc = ch_buf_ok(&b) && ch_buf_ok(out) ? 0 :
	     ch_fail(e, NULL, 0, "out of memory rendering the form");
out:
	ch_buf_free(&b);
	return rc;
}

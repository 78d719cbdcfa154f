/* import.c: the import command's work (import.h). */
#include "batch/money/import.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "batch/clock.h"
#include "batch/db.h"
#include "batch/intake/result.h"
#include "batch/money/encoding.h"
#include "batch/money/import_key.h"
#include "batch/money/statement.h"
#include "common/buf.h"
#include "common/termsafe.h"

/* A larger page cache than the default 2 MiB for the one transaction of
 * a large file: its index pages stay in memory, and the whole run stays
 * well under the 64 MiB the benchmark allows. */
#define IMPORT_CACHE_KIB 16384

typedef struct one_file {
	sqlite3 *db;
	const char *path;
	const char *name; /* path as valid UTF-8, for JSON and the database */
	const char *sha256;
	char now[32];
	long long file_id;
	long long booked, known;
	key_counter keys;
	ch_buf key;
	stmt_info *info;
	sqlite3_stmt *ins_line, *find_line, *ins_raw;
} one_file;

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s && s[1] ? s + 1 : path;
}

static int on_layout(void *ctx, const stmt_info *info, ch_error *e)
{
	one_file *f = ctx;
	sqlite3_stmt *st = NULL;
	int rc = -1;

	if (db_prepare(f->db,
	               "INSERT INTO statement_files (sha256, file_name, layout,"
	               " source, lines_read, lines_booked, lines_known,"
	               " imported_at) VALUES (?, ?, ?, ?, 0, 0, 0, ?)",
	               &st, e) < 0)
		return -1;
	if (db_bind(st, "sssss", f->sha256, base_name(f->name), info->layout->name,
	            info->layout->source, f->now) < 0 ||
	    db_step(f->db, st, e) < 0) {
		db_fail(f->db, e, "cannot record the file");
		goto out;
	}
	f->file_id = sqlite3_last_insert_rowid(f->db);
	if (db_prepare(f->db,
	               "INSERT OR IGNORE INTO statement_lines (line_key, file_id,"
	               " line_no, source, serial, booked_on, booked_time,"
	               " direction, amount_fen, balance_fen, counterparty_name,"
	               " counterparty_account, counterparty_bank, memo,"
	               " merchant_order_no, kind) VALUES (?, ?, ?, ?, ?, ?, ?, ?,"
	               " ?, ?, ?, ?, ?, ?, ?, ?)", &f->ins_line, e) < 0 ||
	    db_prepare(f->db,
	               "SELECT line_id, file_id, line_no FROM statement_lines"
	               " WHERE line_key = ?", &f->find_line, e) < 0 ||
	    db_prepare(f->db,
	               "INSERT INTO statement_file_lines (file_id, line_no,"
	               " line_id, raw) VALUES (?, ?, ?, ?)", &f->ins_raw, e) < 0)
		goto out;
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

/* "" binds NULL: a column the export does not have is no value. Returns
 * SQLite's code, so that callers can OR a line's binds together. */
static int bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s && s[0])
		return sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
	return sqlite3_bind_null(st, i);
}

static int on_line(void *ctx, const stmt_line *l, ch_error *e)
{
	one_file *f = ctx;
	const layout *lay = f->info->layout;
	long long line_id;
	int r, b = SQLITE_OK;

	if (key_make(&f->keys, lay->bank, l, &f->key) < 0)
		return ch_fail(e, f->path, l->line_no, "out of memory");
	sqlite3_reset(f->ins_line);
	/* Every value from the file is bound, never written into SQL. */
	b |= bind_text(f->ins_line, 1, f->key.data);
	b |= sqlite3_bind_int64(f->ins_line, 2, f->file_id);
	b |= sqlite3_bind_int(f->ins_line, 3, l->line_no);
	b |= bind_text(f->ins_line, 4, lay->source);
	b |= bind_text(f->ins_line, 5, l->serial);
	b |= bind_text(f->ins_line, 6, l->date);
	b |= bind_text(f->ins_line, 7, l->time);
	b |= bind_text(f->ins_line, 8, l->credit ? "credit" : "debit");
	b |= sqlite3_bind_int64(f->ins_line, 9, l->amount_fen);
	b |= l->has_balance ? sqlite3_bind_int64(f->ins_line, 10, l->balance_fen)
	                    : sqlite3_bind_null(f->ins_line, 10);
	b |= bind_text(f->ins_line, 11, l->cp_name);
	b |= bind_text(f->ins_line, 12, l->cp_account);
	b |= bind_text(f->ins_line, 13, l->cp_bank);
	b |= bind_text(f->ins_line, 14, l->memo);
	b |= bind_text(f->ins_line, 15, l->order_no);
	b |= bind_text(f->ins_line, 16, l->kind);
	if (b != SQLITE_OK)
		return db_fail(f->db, e, "cannot bind a statement line");
	if (db_step(f->db, f->ins_line, e) < 0)
		return -1;
	if (sqlite3_changes(f->db) == 1) {
		line_id = sqlite3_last_insert_rowid(f->db);
		f->booked++;
	} else {
		sqlite3_reset(f->find_line);
		if (bind_text(f->find_line, 1, f->key.data) != SQLITE_OK)
			return db_fail(f->db, e, "cannot bind a line key");
		if ((r = db_step(f->db, f->find_line, e)) <= 0)
			return r < 0 ? -1 : db_fail(f->db, e, "a line key vanished");
		line_id = sqlite3_column_int64(f->find_line, 0);
		f->known++;
		/* Known from this very file: the export lists one serial twice. */
		if (sqlite3_column_int64(f->find_line, 1) == f->file_id)
			stmt_finding_add(&f->info->findings, "STMT_LINE_DOUBLED",
			                 "warning", l->line_no,
			                 "流水号与第 %d 行相同：只入账一次",
			                 sqlite3_column_int(f->find_line, 2));
		sqlite3_reset(f->find_line);
	}
	sqlite3_reset(f->ins_raw);
	b = sqlite3_bind_int64(f->ins_raw, 1, f->file_id) |
	    sqlite3_bind_int(f->ins_raw, 2, l->line_no) |
	    sqlite3_bind_int64(f->ins_raw, 3, line_id) |
	    sqlite3_bind_text(f->ins_raw, 4, l->raw, -1, SQLITE_STATIC);
	if (b != SQLITE_OK)
		return db_fail(f->db, e, "cannot bind a statement line");
	return db_step(f->db, f->ins_raw, e) < 0 ? -1 : 0;
}

static int bind_sum(sqlite3_stmt *st, int i, const stmt_info *in, lay_sum s)
{
	if (in->has[s])
		return sqlite3_bind_int64(st, i, in->sum[s]);
	return sqlite3_bind_null(st, i);
}

static int finish_file(one_file *f, ch_error *e)
{
	sqlite3_stmt *st = NULL;
	const stmt_info *in = f->info;
	int rc = -1;

	if (db_prepare(f->db,
	               "UPDATE statement_files SET account = ?, lines_read = ?,"
	               " lines_booked = ?, lines_known = ?, total_debit_fen = ?,"
	               " total_credit_fen = ?, opening_balance_fen = ?,"
	               " closing_balance_fen = ? WHERE file_id = ?", &st, e) < 0)
		return -1;
	if ((bind_text(st, 1, in->has[LS_ACCOUNT] ? in->account : NULL) |
	     sqlite3_bind_int64(st, 2, in->lines_read) |
	     sqlite3_bind_int64(st, 3, f->booked) |
	     sqlite3_bind_int64(st, 4, f->known) |
	     bind_sum(st, 5, in, LS_TOTAL_DEBIT) |
	     bind_sum(st, 6, in, LS_TOTAL_CREDIT) |
	     bind_sum(st, 7, in, LS_OPENING) | bind_sum(st, 8, in, LS_CLOSING) |
	     sqlite3_bind_int64(st, 9, f->file_id)) != SQLITE_OK) {
		db_fail(f->db, e, "cannot bind the file's figures");
		goto out;
	}
	if (db_step(f->db, st, e) < 0)
		goto out;
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

/* --- the result of one file ---------------------------------------------- */

typedef struct result {
	const char *path;
	const char *sha256;     /* "" when the file could not be read */
	const char *layout;     /* NULL when none */
	const char *outcome;
	long long read, booked, known;
	const stmt_findings *findings;
	const ch_error *refusal; /* the reason, when refused */
	const char *code;        /* and its finding's code */
} result;

static json_t *findings_json(const result *r)
{
	json_t *a = json_array();

	if (!a)
		return NULL;
	if (r->refusal) {
		char where[32] = "";
		if (r->refusal->line > 0)
			snprintf(where, sizeof where, "line %d", r->refusal->line);
		json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:s}", "code",
		                      r->code,
		                      "level", "error", "where", where,
		                      "message", r->refusal->msg));
	}
	for (size_t i = 0; r->findings && i < r->findings->n; i++) {
		const stmt_finding *x = &r->findings->v[i];
		json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:s}", "code",
		                      x->code, "level", x->level, "where", x->where,
		                      "message", x->message));
	}
	if (r->findings && r->findings->dropped) {
		char msg[96];
		snprintf(msg, sizeof msg, "另有 %zu 条提示未列出",
		         r->findings->dropped);
		json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:s}", "code",
		                      "STMT_FINDINGS_CAPPED", "level", "warning",
		                      "where", "", "message", msg));
	}
	return a;
}

static int print_result(FILE *out, int json, const result *r)
{
	int rc = 0;

	if (json) {
		json_t *o = json_pack("{s:s, s:s?, s:s?, s:s, s:I, s:I, s:I, s:o?}",
		                      "file", r->path,
		                      "sha256", r->sha256[0] ? r->sha256 : NULL,
		                      "layout", r->layout, "outcome", r->outcome,
		                      "lines_read", (json_int_t)r->read,
		                      "lines_booked", (json_int_t)r->booked,
		                      "lines_known", (json_int_t)r->known,
		                      "findings", findings_json(r));
		char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;
		if (!s || fprintf(out, "%s\n", s) < 0)
			rc = -1;
		free(s);
		json_decref(o);
		return rc;
	}
	ch_term_fputs(r->path, out);
	fprintf(out, ": %s", r->outcome);
	if (r->layout)
		fprintf(out, " (%s)", r->layout);
	fprintf(out, ", %lld lines read, %lld booked, %lld already known\n",
	        r->read, r->booked, r->known);
	if (r->refusal) {
		fputs("  error", out);
		if (r->refusal->line > 0)
			fprintf(out, " line %d", r->refusal->line);
		fputs(": ", out);
		ch_term_fputs(r->refusal->msg, out);
		fputc('\n', out);
	}
	for (size_t i = 0; r->findings && i < r->findings->n; i++) {
		const stmt_finding *x = &r->findings->v[i];
		fprintf(out, "  %s %s%s%s: ", x->level, x->code, x->where[0] ? " " : "",
		        x->where);
		ch_term_fputs(x->message, out);
		fputc('\n', out);
	}
	if (r->findings && r->findings->dropped)
		fprintf(out, "  ... and %zu more findings\n", r->findings->dropped);
	return ferror(out) ? -1 : 0;
}

/* --- one file -------------------------------------------------------------- */

/* 1 when a file of these bytes was imported before (its layout and
 * lines read into *name and *read), 0 if not, -1 on error. */
static int known_file(sqlite3 *db, const char *sha, char *name, size_t cap,
                      long long *read, ch_error *e)
{
	sqlite3_stmt *st = NULL;
	int r;

	r = db_row(db, e, &st, "SELECT layout, lines_read FROM statement_files"
	           " WHERE sha256 = ?", "s", sha);
	if (r == 1) {
		snprintf(name, cap, "%s", (const char *)sqlite3_column_text(st, 0));
		*read = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	return r;
}

static void end_file(one_file *f)
{
	sqlite3_finalize(f->ins_line);
	sqlite3_finalize(f->find_line);
	sqlite3_finalize(f->ins_raw);
	f->ins_line = f->find_line = f->ins_raw = NULL;
	key_free(&f->keys);
	ch_buf_free(&f->key);
}

static int import_one(sqlite3 *db, const layouts *ls, const char *path,
                      int json, FILE *out, import_stats *stats, ch_error *e)
{
	FILE *fp = NULL;
	struct stat sb;
	stmt_scan scan;
	stmt_info info;
	one_file f;
	ch_error why;
	stmt_cb cb = {on_layout, on_line, &f};
	result res = {path, "", NULL, "refused", 0, 0, 0, NULL, &why,
	              "STMT_UNREADABLE"};
	char old_layout[64], *name = result_utf8_name(path);
	int fd = -1, r, rc = -1;

	memset(&info, 0, sizeof info);
	memset(&f, 0, sizeof f);
	key_init(&f.keys);
	if (!name) {
		ch_fail(e, path, 0, "out of memory");
		goto out;
	}
	/* A name made on Chinese Windows may be GBK bytes: JSON, which
	 * takes only UTF-8, and the database get it decoded. */
	res.path = name;
	f.db = db;
	f.path = path;
	f.name = name;
	f.info = &info;
	clock_now(f.now);
	scan.sha256[0] = '\0';
	/* Without blocking: a FIFO named by mistake must not hang the run. */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		ch_fail(&why, path, 0, "cannot open: %s", strerror(errno));
		goto refused;
	}
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
		ch_fail(&why, path, 0, "not a regular file");
		goto refused;
	}
	if (fcntl(fd, F_SETFL, O_RDONLY) < 0 || !(fp = fdopen(fd, "rb"))) {
		ch_fail(&why, path, 0, "cannot open: %s", strerror(errno));
		goto refused;
	}
	fd = -1; /* fp owns it now */
	if (enc_scan(fp, path, &scan, &why) < 0)
		goto refused;
	res.sha256 = scan.sha256;
	/* Asked inside the write lock: two imports of one file at once must
	 * not both find it new. */
	if (db_begin(db, e) < 0)
		goto out;
	r = known_file(db, scan.sha256, old_layout, sizeof old_layout, &res.read, e);
	if (r != 0)
		db_rollback(db);
	if (r < 0)
		goto out;
	if (r == 1) {
		res.outcome = "duplicate";
		res.layout = old_layout;
		res.known = res.read;
		res.refusal = NULL;
		stats->duplicate++;
		stats->known += res.known;
		goto print;
	}
	rewind(fp);
	f.sha256 = scan.sha256;
	r = stmt_read(fp, path, scan.encoding, ls, &cb, &info, &why);
	if (r == STMT_REFUSED) {
		db_rollback(db);
		res.layout = info.layout ? info.layout->name : NULL;
		res.code = info.layout ? "STMT_BAD_LINE" : "STMT_NO_LAYOUT";
		res.findings = &info.findings;
		goto refused;
	}
	if (r < 0) {
		*e = why;
		db_rollback(db);
		goto out;
	}
	if (finish_file(&f, e) < 0) {
		db_rollback(db);
		goto out;
	}
	/* Finalised before COMMIT: a statement still running would keep the
	 * transaction from closing cleanly. */
	end_file(&f);
	if (db_commit(db, e) < 0) {
		db_rollback(db);
		goto out;
	}
	res.outcome = "imported";
	res.layout = info.layout->name;
	res.read = info.lines_read;
	res.booked = f.booked;
	res.known = f.known;
	res.findings = &info.findings;
	res.refusal = NULL;
	stats->imported++;
	stats->booked += f.booked;
	stats->known += f.known;
	goto print;
refused:
	stats->refused++;
	res.read = 0;
	ch_error_print(&why, "certhall-batch: import");
print:
	rc = print_result(out, json, &res) < 0
	         ? ch_fail(e, "", 0, "cannot write the output") : 0;
out:
	end_file(&f);
	stmt_findings_free(&info.findings);
	if (fp)
		fclose(fp);
	if (fd >= 0)
		close(fd);
	free(name);
	return rc;
}

int import_layouts(const char *content, const char *dir, layouts *ls,
                   ch_error *e)
{
	ch_buf b = CH_BUF_INIT;
	int rc;

	if (dir)
		return layouts_load(dir, ls, e);
	ch_buf_printf(&b, "%s/layouts", content);
	if (!ch_buf_ok(&b)) {
		ch_buf_free(&b);
		return ch_fail(e, content, 0, "out of memory");
	}
	rc = layouts_load(b.data, ls, e);
	ch_buf_free(&b);
	return rc;
}

int import_run(sqlite3 *db, const layouts *ls, char *const *paths, size_t n,
               int json, FILE *out, import_stats *st, ch_error *e)
{
	char pragma[64];

	memset(st, 0, sizeof *st);
	snprintf(pragma, sizeof pragma, "PRAGMA cache_size = -%d", IMPORT_CACHE_KIB);
	if (db_exec(db, pragma, e) < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (import_one(db, ls, paths[i], json, out, st, e) < 0)
			return -1;
	return 0;
}

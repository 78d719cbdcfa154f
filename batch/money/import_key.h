/* import_key.h: the key that books a statement line once (rule 2). The
 * bank's serial where the export has one: "<bank>:s:<serial>"; otherwise
 * a hash of the line's normalised fields and the count of identical
 * lines before it in the same file: "<bank>:h:<hash>:<n>", so that two
 * identical transfers on one day stay two lines, and the same file or an
 * overlapping one imported again finds the same keys. <bank> is the
 * layout's bank name: serials are unique within one bank only.
 *
 * The counter keeps one 12-byte slot per distinct hashed line of a file,
 * and nothing for lines with serials. It owns its table: key_free(). */
#ifndef BATCH_MONEY_IMPORT_KEY_H
#define BATCH_MONEY_IMPORT_KEY_H

#include <stddef.h>
#include <stdint.h>

#include "batch/money/statement.h"
#include "common/buf.h"

typedef struct key_counter {
	uint64_t *keys; /* 0 marks an empty slot */
	uint32_t *counts;
	size_t cap, used;
} key_counter;

void key_init(key_counter *k);
void key_free(key_counter *k);
/* Writes the key of l into out (reset first). -1 when memory runs out. */
int key_make(key_counter *k, const char *bank, const stmt_line *l, ch_buf *out);

#endif

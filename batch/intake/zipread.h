/* zipread.h: one entry streamed out of libzip in fixed chunks with the
 * limits of BUNDLE.md counted on the bytes really inflated (per entry,
 * all entries together, ratio to the compressed size) and libzip's CRC and
 * size checks collected: zip_fread to its end and zip_fclose's return.
 * With a guard, the entry counts as read only when libzip took exactly the
 * bytes our scan checked for it (batch/intake/zipguard.h). */
#ifndef BATCH_ZIPREAD_H
#define BATCH_ZIPREAD_H

#include <stddef.h>
#include <stdint.h>

#include <zip.h>

#include "batch/intake/bundle.h"
#include "batch/intake/zipguard.h"

/* Gets each chunk: 0 to go on, 1 to stop reading quietly (enough seen),
 * -1 on failure (with e filled). */
typedef int (*zread_sink)(void *ctx, const void *p, size_t n, ch_error *e);

typedef struct zread_ctl {
	const bundle_limits *limits; /* NULL: no limits (copying) */
	uint64_t comp_size;          /* from the central directory */
	uint64_t *total;             /* running total of all entries */
	const char *where;           /* the entry's printable name */
	unsigned char *buf;          /* the chunk buffer */
	size_t bufsize;
	ch_findings *f;
	const ch_schema *schema;
	zguard *guard;               /* the archive's source; NULL: unguarded */
} zread_ctl;

/* Reads entry idx to its end. Returns 0 when it was read whole and sound
 * (*size its length), 1 when it was not (a ZIP_UNREADABLE or ZIP_LIMIT
 * finding was added, or the sink stopped it), -1 on a failure of the
 * machine. */
int zread_entry(zip_t *za, uint64_t idx, const zread_ctl *c, zread_sink sink,
                void *ctx, uint64_t *size, ch_error *e);

/* The {limit} text of a ZIP_LIMIT finding, e.g. "解压后总大小超过 128 MiB". */
void zread_limit_text(char *out, size_t n, const char *what, uint64_t bytes);

#endif

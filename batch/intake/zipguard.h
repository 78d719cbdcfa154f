/* zipguard.h: the only way libzip reads a bundle. A libzip source over
 * the bundle's descriptor that knows, from our scan, where each entry's
 * local header and data lie; while an entry is being read it serves only
 * that entry's header bytes and its data bytes, in order from the first,
 * and refuses any other read. So the bytes libzip inflates are provably
 * the bytes the scan checked (for overlaps, against the local header),
 * whichever directory libzip believes. The guard belongs to the source it
 * is made with: freeing the source (or the archive opened on it) frees it
 * and closes its own copy of the descriptor. */
#ifndef BATCH_ZIPGUARD_H
#define BATCH_ZIPGUARD_H

#include <stdint.h>

#include <zip.h>

#include "batch/intake/zipscan.h"

typedef struct zguard zguard;

/* The ZIP_UNREADABLE detail when libzip read outside the entry. */
#define ZGUARD_WHY "解压时读到的数据不在检查过的位置，不同的解压软件会读出不同的内容"

/* A source reading the first size bytes of fd (duplicated), guarding the
 * ranges of z's entries (by index; z must have been through
 * zscan_ranges). NULL with ze set on failure. */
zip_source_t *zguard_source(int fd, uint64_t size, const zscan *z,
                            zguard **g, zip_error_t *ze);

/* From now on, reads must be entry idx's header or its data in order. */
void zguard_watch(zguard *g, uint64_t idx);

/* Ends the watch. 0 when every read was allowed and the entry's data was
 * read exactly to its end, 1 otherwise. */
int zguard_done(zguard *g);

/* 1 when a read was refused since the watch began. */
int zguard_refused(const zguard *g);

#endif

/* move.h: moving a processed bundle into done/ or rejected/. A file there
 * is never overwritten (a name taken gets ".2", ".3", ... before its
 * extension, the rest cut on a UTF-8 character boundary so that the name
 * fits the folder's NAME_MAX in bytes) and nothing is deleted: across file systems the file is
 * copied and synced before the original is removed.
 *
 * A rename is not followed by a sync of the folders: it is atomic, and if
 * a crash undoes it the bundle is back where it was, its bytes already
 * recorded, and the next run moves it as a duplicate. A file already in
 * dir stays as it is. */
#ifndef BATCH_MOVE_H
#define BATCH_MOVE_H

#include <stddef.h>

#include "common/error.h"

/* Moves src into folder dir under its own base name (or a free variant);
 * the name it got is written to final (size n). */
int move_into(const char *src, const char *dir, char *final, size_t n,
              ch_error *e);

#endif

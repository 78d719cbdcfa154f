/* fsutil.h: files: whole-file reads, atomic writes, folders. */
#ifndef CH_FSUTIL_H
#define CH_FSUTIL_H

#include <stddef.h>
#include <sys/types.h>

#include "common/error.h"

/* Reads a whole file into a malloc'd, NUL-terminated buffer the caller
 * frees. Refuses files larger than max bytes. */
int ch_read_file(const char *path, size_t max, char **out, size_t *len,
                 ch_error *e);
/* Writes data to path through a temporary file in the same folder, fsync,
 * rename, and fsync of the folder: readers see the old or the new file,
 * never a part. mode is the new file's permission bits. */
int ch_write_atomic(const char *path, const void *data, size_t len,
                    mode_t mode, ch_error *e);
/* pwrite of all n bytes at off, retrying short writes and EINTR; 0, or
 * -1 with errno set. */
int ch_pwrite_all(int fd, const void *p, size_t n, off_t off);
/* mkdir -p with mode for the folders it creates. */
int ch_mkdirs(const char *path, mode_t mode, ch_error *e);
int ch_fsync_dir(const char *path, ch_error *e);
/* rm -rf of a folder tree that certhall itself made. */
int ch_remove_tree(const char *path, ch_error *e);

#endif

/* fsutil.h: files: whole-file reads, atomic writes, folders. */
#ifndef CH_FSUTIL_H
#define CH_FSUTIL_H

#include <dirent.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/error.h"

/* Opens for reading a file that someone else may have named or placed (a
 * bundle, an application.json, the configuration, a content file), such
 * that no name can make the caller hang or read without end: a symbolic
 * link as the last component is refused (O_NOFOLLOW), the open does not
 * wait (O_NONBLOCK: a FIFO without a writer, a tty), and only a regular
 * file is accepted (fstat), after which reads block as usual. Returns the
 * descriptor (the caller's to close) and the file's size in *size (may be
 * NULL), or -1 with a one-line error naming path. A file can still grow
 * after the fstat: callers cap their reads themselves. */
int ch_open_input(const char *path, uint64_t *size, ch_error *e);
/* opendir for a folder someone else may have placed entries in: the
 * folder itself may not be a symbolic link. List its entries with
 * fstatat(dirfd(d), name, .., AT_SYMLINK_NOFOLLOW) and open them with
 * ch_open_input. NULL with e filled on failure. */
DIR *ch_open_folder(const char *path, ch_error *e);
/* Reads a whole file, opened by ch_open_input, into a malloc'd,
 * NUL-terminated buffer the caller frees. Refuses files larger than max
 * bytes, reading never more than max + 1. */
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
/* pread of exactly n bytes at off, retrying short reads and EINTR: 0; 1
 * when the file ends first; -1 with errno set. */
int ch_pread_all(int fd, void *p, size_t n, off_t off);
/* mkdir -p with mode for the folders it creates. */
int ch_mkdirs(const char *path, mode_t mode, ch_error *e);
int ch_fsync_dir(const char *path, ch_error *e);
/* rm -rf of a folder tree that certhall itself made. */
int ch_remove_tree(const char *path, ch_error *e);

#endif

/* zipscan.h: our own bounds-checked read of a ZIP's end record, central
 * directory and local headers, for what libzip does not tell (the general
 * purpose flags, the raw method, the host and external attributes, where
 * each entry's data lies) and to make sure that there is only one way to
 * read the file. Every reader must find the same directory: exactly one
 * end record that any reader could take, its comment reaching exactly to
 * the end of the file, the directory right before it (or before a
 * consistent Zip64 end record), the counts and sizes agreeing, each local
 * header agreeing with its central record, and the entries' records
 * tiling the file from byte 0 to the directory without gaps or overlaps.
 * It trusts nothing in the file: every offset and length is checked
 * against the file size before use, and memory is bounded by the entry
 * limit whatever the directory claims. The zscan owns its entries and
 * their raw names: zscan_free(). */
#ifndef BATCH_ZIPSCAN_H
#define BATCH_ZIPSCAN_H

#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

typedef struct zscan_entry {
	unsigned char *name;  /* raw bytes as stored, NUL-terminated copy */
	size_t name_len;
	uint16_t made_by;     /* high byte: host system (3 = Unix) */
	uint16_t flags;       /* general purpose bit flag */
	uint16_t method;
	uint32_t crc;
	uint32_t ext_attr;    /* Unix mode in the high 16 bits */
	uint64_t comp_size;
	uint64_t size;        /* uncompressed, as claimed */
	uint64_t local_off;   /* local header */
	uint64_t data_off;    /* first byte of the data (set by ranges) */
	uint64_t data_end;    /* one past the entry's record: data and data
	                       * descriptor (set by ranges) */
	unsigned char *upath; /* the Info-ZIP Unicode Path field's UTF-8 name
	                       * when readers would honour it (its CRC is the
	                       * raw name's), NUL-terminated copy; else NULL */
	size_t upath_len;
} zscan_entry;

typedef struct zscan {
	zscan_entry *v;
	size_t n;
	uint64_t cd_off, cd_size;
	const char *why; /* ZS_UNREADABLE: what is wrong, in Chinese, or NULL
	                  * when the file is simply not a ZIP */
} zscan;

typedef enum zscan_status {
	ZS_OK,
	ZS_UNREADABLE, /* no end record, two of them, a directory out of
	                * bounds, a bad signature, headers that disagree */
	ZS_TOO_MANY,   /* more entries than the limit: nothing else was read */
	ZS_OVERLAP     /* two entries' data share bytes (bad = one of them) */
} zscan_status;

#define ZS_FLAG_ENCRYPTED 0x0001u
#define ZS_FLAG_DESCRIPTOR 0x0008u
#define ZS_FLAG_UTF8 0x0800u

/* Reads the end record and the directory of the file open on fd (size
 * bytes). *st tells what the file is like (z->why says why it is
 * unreadable); on ZS_TOO_MANY, *count holds the claimed count. Returns -1
 * only on an I/O or memory failure (e filled). */
int zscan_read(int fd, uint64_t size, uint64_t max_entries, zscan *out,
               zscan_status *st, uint64_t *count, ch_error *e);

/* Reads each entry's local header (and data descriptor) and checks that
 * it says what the central record says, then that the entries' records
 * lie one after the other from byte 0 to the directory. Sets data_off and
 * data_end. *st: ZS_OK, ZS_UNREADABLE (z->why) or ZS_OVERLAP, with *bad
 * the index of an offending entry, or SIZE_MAX when no single entry is.
 * Returns -1 only on I/O failure. */
int zscan_ranges(int fd, zscan *z, zscan_status *st, size_t *bad,
                 ch_error *e);

/* For each entry written the streaming way (bit 3) and not skipped
 * (skip[i], may be NULL): a reader walking the local headers without the
 * directory ends such an entry where its deflate stream ends, or for
 * stored data at the first descriptor signature. So the stream must end
 * exactly at the compressed size with exactly the declared size, and
 * stored data must not hold the signature. Inflates each such entry once,
 * its output bounded by its declared size: call it after the size limits
 * are checked. *st: ZS_OK or ZS_UNREADABLE (z->why, *bad). Returns -1 only
 * on an I/O or memory failure. */
int zscan_streams(int fd, zscan *z, const int *skip, zscan_status *st,
                  size_t *bad, ch_error *e);

/* 1 if the external attributes say symbolic link, device, FIFO or socket
 * (Unix mode in the high 16 bits; 0 there means "not said"). dir: set to 1
 * when they say directory. */
int zscan_special(const zscan_entry *en, int *dir);

void zscan_free(zscan *z);

#endif

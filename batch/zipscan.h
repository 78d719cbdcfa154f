/* zipscan.h: our own bounds-checked read of a ZIP's end record and central
 * directory, for what libzip does not tell: the general purpose flags (bit
 * 0 encrypted, bit 11 UTF-8 names), the raw method, the host and external
 * attributes (symbolic links, devices), and where each entry's data lies in
 * the file (entries whose data overlap). It trusts nothing in the file:
 * every offset and length is checked against the file size before use, and
 * memory is bounded by the entry limit whatever the directory claims. The
 * zscan owns its entries and their raw names: zscan_free(). */
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
	uint64_t data_end;    /* one past the entry's last byte (set by ranges) */
} zscan_entry;

typedef struct zscan {
	zscan_entry *v;
	size_t n;
	uint64_t cd_off, cd_size;
} zscan;

typedef enum zscan_status {
	ZS_OK,
	ZS_UNREADABLE, /* no end record, a directory out of bounds, bad sig */
	ZS_TOO_MANY,   /* more entries than the limit: nothing else was read */
	ZS_OVERLAP     /* two entries' data share bytes (bad = one of them) */
} zscan_status;

#define ZS_FLAG_ENCRYPTED 0x0001u
#define ZS_FLAG_UTF8 0x0800u

/* Reads the directory of the file open on fd (size bytes). *st tells what
 * the file is like; on ZS_TOO_MANY, *count holds the claimed count. Returns
 * -1 only on an I/O or memory failure (e filled). */
int zscan_read(int fd, uint64_t size, uint64_t max_entries, zscan *out,
               zscan_status *st, uint64_t *count, ch_error *e);

/* Reads each entry's local header to find the byte range of its data and
 * checks that the ranges lie before the central directory and do not
 * overlap. *st: ZS_OK, ZS_UNREADABLE or ZS_OVERLAP, with *bad the index of
 * an offending entry. Returns -1 only on I/O failure. */
int zscan_ranges(int fd, zscan *z, zscan_status *st, size_t *bad,
                 ch_error *e);

/* 1 if the external attributes say symbolic link, device, FIFO or socket
 * (Unix mode in the high 16 bits; 0 there means "not said"). dir: set to 1
 * when they say directory. */
int zscan_special(const zscan_entry *en, int *dir);

void zscan_free(zscan *z);

#endif

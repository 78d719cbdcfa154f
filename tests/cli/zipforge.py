"""Forged ZIP files: one file, two truths.

Each builder writes a bundle that some ZIP reader could read differently
from another (two end records, an end record in a comment, bytes where no
reader looks, a local header saying other than its central record), or a
valid bundle laid out in a less common but honest way. FORGED maps a name
to (builder, the finding code certhall-batch must give, or None when the
bundle is valid and must be accepted).

    import zipforge
    zipforge.FORGED["two_ends_offsets_crcs"][0](path)

The building blocks are bundles.py's Entry, local_header and
central_header; everything else is laid out here byte by byte.
"""
import copy
import io
import struct
import zipfile
import zlib

import bundles
from bundles import Entry, central_header, local_header, pdf

SIG_EOCD = 0x06054B50
STAMP = "数字证书印模采集表.pdf"


def eocd(n, cd_len, cd_off, comment=b"", n_disk=None):
    """An end record; n_disk: the count on this disk when it should lie."""
    return struct.pack("<IHHHHIIH", SIG_EOCD, 0, 0,
                       n if n_disk is None else n_disk, n, cd_len, cd_off,
                       len(comment)) + comment


def entries(stored=True):
    """The valid bundle's entries; stored: the stamp form uncompressed, so
    that a forged twin of the same length has the same compressed size."""
    out = bundles._entries()
    if stored:
        out = [Entry(e.raw.decode(), e.data, method=0)
               if e.raw.decode() == STAMP else e for e in out]
    return out


def records(ents, prefix=b"", local=None):
    """Local records one after another; local: index -> the Entry whose
    local header is written instead (a tampered copy). Returns the bytes
    and each entry's offset."""
    out, where = bytearray(prefix), []
    for i, e in enumerate(ents):
        where.append(len(out))
        out += local_header((local or {}).get(i, e)) + e.payload
    return out, where


def directory(ents, where):
    return b"".join(central_header(e, off) for e, off in zip(ents, where))


def write(path, data):
    with open(path, "wb") as f:
        f.write(bytes(data))
    return path


def plain(path, ents=None, prefix=b"", local=None, comment=b"",
          between=b"", after=b"", shift=0):
    """A single-directory ZIP with knobs: prefix bytes before the first
    record (offsets include them unless shift subtracts them again),
    between: bytes between the directory and the end record, after: bytes
    after the end record's comment."""
    ents = ents or entries(stored=False)
    out, where = records(ents, prefix, local)
    where = [w - shift for w in where]
    cd_off = len(out)
    cd = directory(ents, where)
    out += cd + between + eocd(len(ents), len(cd), cd_off - shift, comment)
    return write(path, out + after)


# --- two end records -------------------------------------------------

def _two_ends(path, first, second, out):
    """Appends directory `first` (libzip's: its end record's comment holds
    the rest) and then directory `second` (the last end record: Python's
    zipfile and unzip) to the records in out."""
    a_off = len(out)
    b_off = a_off + len(first) + 22
    tail = second + eocd(_count(second), len(second), b_off)
    out += first + eocd(_count(first), len(first), a_off, tail)
    return write(path, out)


def _count(cd):
    n, i = 0, 0
    while i < len(cd):
        nlen, xlen, clen = struct.unpack_from("<HHH", cd, i + 28)
        i += 46 + nlen + xlen + clen
        n += 1
    return n


def two_ends_offsets_crcs(path):
    """The trick of issue 7: two directories that agree on names, methods,
    attributes and compressed sizes, but the first points the stamp form
    at a forged twin of the same length (its own CRC), the second at the
    genuine one. libzip would store the forgery; zipfile reads the
    original."""
    ents = entries()
    out, where = records(ents)
    k = [e.raw.decode() for e in ents].index(STAMP)
    genuine = ents[k]
    forged = Entry(STAMP, pdf("STAMP FORM"), method=0)
    assert len(forged.payload) == len(genuine.payload)
    forged_at = len(out)
    out += local_header(forged) + forged.payload
    libzip_view = ents[:k] + [forged] + ents[k + 1:]
    libzip_where = where[:k] + [forged_at] + where[k + 1:]
    return _two_ends(path, directory(libzip_view, libzip_where),
                     directory(ents, where), out)


def two_ends_hidden_overlap(path):
    """The first directory points the stamp form into another entry's
    data (a stored document that holds the stamp form's whole record):
    overlapping entries. The second, the one a last-record reader checks,
    points at a separate copy and overlaps nothing."""
    ents = entries()
    k = [e.raw.decode() for e in ents].index(STAMP)
    stamp = ents[k]
    inner = local_header(stamp) + stamp.payload
    carrier = Entry("附件.pdf", pdf("carrier") + inner, method=0)
    ents = ents + [carrier]
    out, where = records(ents)
    nested = where[-1] + len(local_header(carrier)) + len(pdf("carrier"))
    libzip_where = where[:k] + [nested] + where[k + 1:]
    return _two_ends(path, directory(ents, libzip_where),
                     directory(ents, where), out)


def hidden_overlap_alone(path):
    """The same overlap with one directory only: the scan's own
    ZIP_OVERLAP."""
    ents = entries()
    k = [e.raw.decode() for e in ents].index(STAMP)
    stamp = ents[k]
    carrier = Entry("附件.pdf", pdf("carrier") + local_header(stamp) +
                    stamp.payload, method=0)
    ents = ents + [carrier]
    out, where = records(ents)
    where[k] = where[-1] + len(local_header(carrier)) + len(pdf("carrier"))
    cd_off = len(out)
    cd = directory(ents, where)
    return write(path, out + cd + eocd(len(ents), len(cd), cd_off))


def end_in_comment(path):
    """A valid ZIP whose end record's comment holds a second end record
    (for an empty directory) at its very end: a last-record reader sees
    an empty archive."""
    ents = entries(stored=False)
    out, where = records(ents)
    cd_off = len(out)
    cd = directory(ents, where)
    fake = eocd(0, 0, 0)
    return write(path, out + cd + eocd(len(ents), len(cd), cd_off,
                                      b"note " + fake))


def end_in_comment_middle(path):
    """An end record's signature inside the comment, not at its end."""
    return plain(path, comment=b"x" + struct.pack("<I", SIG_EOCD) + b"y" * 30)


# --- comments and stray bytes --------------------------------------------

def comment_short(path):
    """The comment length stops before the end of the file."""
    return plain(path, comment=b"hello", after=b"more bytes no reader owns")


def comment_long(path):
    """The comment length runs past the end of the file (truncated)."""
    p = plain(path, comment=b"a comment of some length")
    with open(p, "r+b") as f:
        f.truncate(f.seek(0, 2) - 5)
    return p


def comment_valid(path):
    """A comment that ends exactly at the end of the file: valid."""
    return plain(path, comment="申请材料 2026".encode("utf-8"))


def between_directory_and_end(path):
    """Bytes between the directory and the end record."""
    return plain(path, between=b"\0" * 16)


def stub_unadjusted(path):
    """A self-extracting stub prepended and the offsets left alone:
    Python's zipfile and unzip shift every offset by the stub's length,
    libzip does not."""
    return plain(path, prefix=b"MZ" + b"\x90" * 62, shift=64)


def stub_adjusted(path):
    """A stub prepended with the offsets corrected: bytes no entry owns
    before the first record."""
    return plain(path, prefix=b"MZ" + b"\x90" * 62)


def gap_between_entries(path):
    """Bytes no entry owns after the first entry's data."""
    ents = entries(stored=False)
    out, where = bytearray(), []
    for i, e in enumerate(ents):
        where.append(len(out))
        out += local_header(e) + e.payload + (b"junk" if i == 0 else b"")
    cd_off = len(out)
    cd = directory(ents, where)
    return write(path, out + cd + eocd(len(ents), len(cd), cd_off))


def gap_before_directory(path):
    """Bytes no entry owns between the last record and the directory."""
    ents = entries(stored=False)
    out, where = records(ents)
    out += b"hidden"
    cd_off = len(out)
    cd = directory(ents, where)
    return write(path, out + cd + eocd(len(ents), len(cd), cd_off))


# --- counts and sizes of the directory -------------------------------------

def count_low(path):
    """The end record counts one entry fewer than the directory holds."""
    ents = entries(stored=False)
    out, where = records(ents)
    cd = directory(ents, where)
    return write(path, out + cd + eocd(len(ents) - 1, len(cd), len(out)))


def count_disk_differs(path):
    """Entries on this disk and in all differ."""
    ents = entries(stored=False)
    out, where = records(ents)
    cd = directory(ents, where)
    return write(path, out + cd + eocd(len(ents), len(cd), len(out),
                                       n_disk=len(ents) - 1))


def directory_size_short(path):
    """The directory's size leaves its last record outside."""
    ents = entries(stored=False)
    out, where = records(ents)
    cd = directory(ents, where)
    return write(path, out + cd + eocd(len(ents), len(cd) - 10, len(out)))


# --- Zip64 end records -------------------------------------------------

def _zip64_end(path, lie=False):
    ents = entries(stored=False)
    out, where = records(ents)
    cd_off = len(out)
    cd = directory(ents, where)
    out += cd
    e64 = len(out)
    n64 = len(ents) + (1 if lie else 0)
    out += struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, n64, n64,
                       len(cd), cd_off)
    out += struct.pack("<IIQI", 0x07064B50, 0, e64, 1)
    return write(path, out + eocd(len(ents), len(cd), cd_off))


def zip64_end_consistent(path):
    """A Zip64 end record and locator that say what the end record says:
    valid (some streaming writers always write them)."""
    return _zip64_end(path)


def zip64_end_disagrees(path):
    """A Zip64 end record counting another number of entries than the
    end record: readers that honour the locator read other things."""
    return _zip64_end(path, lie=True)


def zip64_locator_dangling(path):
    """A locator signature before the end record that names no Zip64 end
    record."""
    ents = entries(stored=False)
    out, where = records(ents)
    cd_off = len(out)
    cd = directory(ents, where) + struct.pack("<IIQI", 0x07064B50, 0, 0, 1)
    return write(path, out + cd + eocd(len(ents), len(cd), cd_off))


# --- local and central headers that disagree -----------------------------

def _local(path, change, stored=False):
    """The stamp form's local header changed by change(entry)."""
    ents = entries(stored=stored)
    k = [e.raw.decode() for e in ents].index(STAMP)
    loc = copy.copy(ents[k])
    change(loc)
    return plain(path, ents=ents, local={k: loc})


def local_name(path):
    return _local(path, lambda e: setattr(
        e, "raw", e.raw.replace("表".encode(), "单".encode())))


def local_name_longer(path):
    return _local(path, lambda e: setattr(e, "raw", e.raw + b"x"))


def local_method(path):
    return _local(path, lambda e: setattr(e, "method", 0))


def local_flags(path):
    return _local(path, lambda e: setattr(e, "flags", e.flags ^ 0x0800))


def local_descriptor_flag(path):
    return _local(path, lambda e: setattr(e, "flags", e.flags | 0x0008))


def local_crc(path):
    return _local(path, lambda e: setattr(e, "crc", e.crc ^ 1))


def local_size(path):
    return _local(path, lambda e: setattr(e, "size", e.size + 1))


def local_comp_size(path):
    return _local(path, lambda e: setattr(e, "payload", e.payload + b"\0"))


def local_extra_swallows_data(path):
    """The local header's extra length claims 8 bytes of the data: every
    reader starts the data 8 bytes late, and the entry runs into the next
    record."""
    ents = entries(stored=False)
    k = [e.raw.decode() for e in ents].index(STAMP)
    out, where = records(ents)
    assert k == len(ents) - 1  # runs into the directory, not a record
    xlen_at = where[k] + 28
    out[xlen_at:xlen_at + 2] = struct.pack("<H", 8)
    cd_off = len(out)
    cd = directory(ents, where)
    return write(path, out + cd + eocd(len(ents), len(cd), cd_off))


# --- data descriptors ---------------------------------------------------

def _with_descriptor(path, lie=False, stored=False, tail=b"", data=None):
    """The stamp form written the streaming way: bit 3, zeros in the local
    header, a signed data descriptor after the data. tail: bytes added to
    its compressed data (counted in its compressed size); data: its
    content instead of the usual."""
    ents = entries(stored=stored)
    k = [e.raw.decode() for e in ents].index(STAMP)
    if data is not None:
        ents[k] = Entry(STAMP, data, method=ents[k].method)
    ents[k].payload += tail
    ents[k].flags |= 0x0008
    loc = copy.copy(ents[k])
    loc.crc, loc.size = 0, 0
    out, where = bytearray(), []
    for i, e in enumerate(ents):
        where.append(len(out))
        if i == k:
            h = bytearray(local_header(loc))
            h[18:22] = b"\0\0\0\0"  # compressed size unknown when written
            out += h + e.payload
            out += struct.pack("<IIII", 0x08074B50,
                               e.crc ^ (1 if lie else 0), len(e.payload),
                               e.size)
        else:
            out += local_header(e) + e.payload
    cd_off = len(out)
    cd = directory(ents, where)
    return write(path, out + cd + eocd(len(ents), len(cd), cd_off))


def descriptor_valid(path):
    return _with_descriptor(path)


def descriptor_disagrees(path):
    return _with_descriptor(path, lie=True)


def descriptor_hides_record(path):
    """A streamed entry whose compressed size runs past the end of its
    deflate stream over a whole local record: readers of the directory
    ignore it, a reader walking the local headers finds another file."""
    hidden = Entry("隐藏.pdf", pdf("hidden"), method=0)
    dd = struct.pack("<IIII", 0x08074B50, 0, 0, 0)
    return _with_descriptor(path, tail=dd + local_header(hidden) +
                            hidden.payload)


def descriptor_stored_valid(path):
    """A stored entry written the streaming way. Valid."""
    return _with_descriptor(path, stored=True)


def descriptor_stored_signature(path):
    """A stored streamed entry whose data holds the descriptor signature:
    a reader without the directory would end it there."""
    return _with_descriptor(path, stored=True,
                            data=pdf("PK\x07\x08 ends here?"))


# --- Info-ZIP Unicode Path fields ---------------------------------------

def upath(raw, name):
    """An Info-ZIP Unicode Path extra block (0x7075) naming raw as name:
    readers that know it (unzip, 7-Zip) show name instead of raw."""
    body = struct.pack("<BI", 1, zlib.crc32(raw)) + name.encode("utf-8")
    return struct.pack("<HH", 0x7075, len(body)) + body


def _with_extra(path, raw, flags, local_extra, central_extra):
    """The valid bundle with the stamp form stored under raw, its local
    and central records carrying the given extra fields."""
    ents = entries(stored=False)
    k = [e.raw.decode() for e in ents].index(STAMP)
    e = ents[k]
    e.raw, e.flags = raw, flags
    out, where = bytearray(), []
    for i, x in enumerate(ents):
        where.append(len(out))
        h = bytearray(local_header(x))
        if i == k:
            h[28:30] = struct.pack("<H", len(local_extra))
            h += local_extra
        out += h + x.payload
    cd_off = len(out)
    cd = bytearray()
    for i, (x, off) in enumerate(zip(ents, where)):
        h = bytearray(central_header(x, off))
        if i == k:
            h[30:32] = struct.pack("<H", len(central_extra))
            h += central_extra
        cd += h
    return write(path, out + cd + eocd(len(ents), len(cd), cd_off))


def unicode_path_agrees(path):
    """A GBK name without the UTF-8 flag and a Unicode Path field with
    the same name in UTF-8, as WinRAR writes it. Valid."""
    raw = STAMP.encode("gb18030")
    x = upath(raw, STAMP)
    return _with_extra(path, raw, 0, x, x)


def unicode_path_differs(path):
    """The raw name says the stamp form, the Unicode Path field another
    name: unzip would show a file the batch never judged by that name."""
    raw = STAMP.encode("gb18030")
    x = upath(raw, "别的文件.pdf")
    return _with_extra(path, raw, 0, x, x)


def unicode_path_local_only(path):
    """Only the local header carries a Unicode Path field."""
    raw = STAMP.encode("gb18030")
    return _with_extra(path, raw, 0, upath(raw, "别的文件.pdf"), b"")


def zip64_extra_twice(path):
    """Two Zip64 extra blocks in a central record: which one counts?"""
    raw = STAMP.encode("utf-8")
    z64 = struct.pack("<HHQ", 1, 8, 0)
    return _with_extra(path, raw, 0x800, b"", z64 + z64)


def zipfile_streamed(path):
    """Python's zipfile writing to a stream it cannot seek: bit 3 and a
    data descriptor after each entry. Valid."""
    class Sink(io.RawIOBase):
        def __init__(self):
            self.data = bytearray()

        def writable(self):
            return True

        def write(self, b):
            self.data += b
            return len(b)

    sink = Sink()
    with zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("application.json", bundles.app_bytes(bundles.application()))
        for name, data in bundles.documents().items():
            z.writestr(name, data)
    return write(path, sink.data)


# name -> (builder, the finding code it must produce or None when valid)
FORGED = {
    "two_ends_offsets_crcs": (two_ends_offsets_crcs, "ZIP_UNREADABLE"),
    "two_ends_hidden_overlap": (two_ends_hidden_overlap, "ZIP_UNREADABLE"),
    "hidden_overlap_alone": (hidden_overlap_alone, "ZIP_OVERLAP"),
    "end_in_comment": (end_in_comment, "ZIP_UNREADABLE"),
    "end_in_comment_middle": (end_in_comment_middle, "ZIP_UNREADABLE"),
    "comment_short": (comment_short, "ZIP_UNREADABLE"),
    "comment_long": (comment_long, "ZIP_UNREADABLE"),
    "comment_valid": (comment_valid, None),
    "between_directory_and_end": (between_directory_and_end, "ZIP_UNREADABLE"),
    "stub_unadjusted": (stub_unadjusted, "ZIP_UNREADABLE"),
    "stub_adjusted": (stub_adjusted, "ZIP_UNREADABLE"),
    "gap_between_entries": (gap_between_entries, "ZIP_UNREADABLE"),
    "gap_before_directory": (gap_before_directory, "ZIP_UNREADABLE"),
    "count_low": (count_low, "ZIP_UNREADABLE"),
    "count_disk_differs": (count_disk_differs, "ZIP_UNREADABLE"),
    "directory_size_short": (directory_size_short, "ZIP_UNREADABLE"),
    "zip64_end_consistent": (zip64_end_consistent, None),
    "zip64_end_disagrees": (zip64_end_disagrees, "ZIP_UNREADABLE"),
    "zip64_locator_dangling": (zip64_locator_dangling, "ZIP_UNREADABLE"),
    "local_name": (local_name, "ZIP_UNREADABLE"),
    "local_name_longer": (local_name_longer, "ZIP_UNREADABLE"),
    "local_method": (local_method, "ZIP_UNREADABLE"),
    "local_flags": (local_flags, "ZIP_UNREADABLE"),
    "local_descriptor_flag": (local_descriptor_flag, "ZIP_UNREADABLE"),
    "local_crc": (local_crc, "ZIP_UNREADABLE"),
    "local_size": (local_size, "ZIP_UNREADABLE"),
    "local_comp_size": (local_comp_size, "ZIP_UNREADABLE"),
    "local_extra_swallows_data": (local_extra_swallows_data, "ZIP_UNREADABLE"),
    "descriptor_valid": (descriptor_valid, None),
    "descriptor_disagrees": (descriptor_disagrees, "ZIP_UNREADABLE"),
    "descriptor_hides_record": (descriptor_hides_record, "ZIP_UNREADABLE"),
    "descriptor_stored_valid": (descriptor_stored_valid, None),
    "descriptor_stored_signature": (descriptor_stored_signature,
                                    "ZIP_UNREADABLE"),
    "zipfile_streamed": (zipfile_streamed, None),
    "unicode_path_agrees": (unicode_path_agrees, None),
    "unicode_path_differs": (unicode_path_differs, "ZIP_UNREADABLE"),
    "unicode_path_local_only": (unicode_path_local_only, "ZIP_UNREADABLE"),
    "zip64_extra_twice": (zip64_extra_twice, "ZIP_UNREADABLE"),
}

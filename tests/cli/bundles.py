"""Submission bundles (BUNDLE.md) built byte by byte for tests.

The valid bundle holds a made-up applicant (people.py), a real PNG and a
JPEG whose frame header says at least 800 pixels, and a minimal PDF. The
hostile builders write what real tools and attackers write: GBK names
without the UTF-8 flag, `..`, symbolic links, overlapping entries, wrong
CRCs, encrypted flags, zip bombs.

Python's zipfile always marks non-ASCII names UTF-8 and cannot lie about
CRCs or sizes, so `write_zip` is a small ZIP writer of its own (struct +
zlib); `make_bundle` goes through zipfile itself, the way an ordinary tool
would write a bundle.

    import bundles
    bundles.make_bundle(path)                      # valid, accepted
    bundles.make_bundle(path, app=..., files=...)  # your variant
    bundles.HOSTILE["symlink"](path)               # one hostile case
"""
import bz2
import copy
import json
import os
import struct
import unicodedata
import zipfile
import zlib

import people

# --- document contents -------------------------------------------------


def png(width=1000, height=10):
    """A real, decodable greyscale PNG of the given size."""
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))
    raw = b"".join(b"\x00" + bytes([(x * 7) & 0xFF for x in range(width)])
                   for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw))
            + chunk(b"IEND", b""))


def jpeg(width=1200, height=900, tag=b""):
    """A baseline JPEG's segment structure: SOI, APP0 (JFIF), DQT, SOF0 with
    the size, SOS, a few bytes of scan data, EOI. Enough for any reader that
    walks markers for the size, which is what the batch does. tag makes two
    otherwise equal images differ."""
    app0 = b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + tag
    dqt = b"\x00" + bytes(range(1, 65))
    sof = struct.pack(">BHHB", 8, height, width, 1) + b"\x01\x11\x00"
    sos = b"\x01\x01\x00\x00\x3f\x00"

    def seg(code, data):
        return b"\xff" + bytes([code]) + struct.pack(">H", len(data) + 2) + data
    return (b"\xff\xd8" + seg(0xE0, app0) + seg(0xDB, dqt) + seg(0xC0, sof)
            + seg(0xDA, sos) + b"\x12\x34\x56\x78" * 16 + b"\xff\xd9")


def pdf(text="certhall test"):
    body = ("%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
            "2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
            "% " + text + "\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")
    return body.encode()


# --- application.json --------------------------------------------------

PERSON_ID = people.id_number("140105", "19850312", "123")
LEGAL_ID = people.id_number("140105", "19700101", "456")
HANDLER_ID = people.id_number("140106", "19900520", "789")
ORG_ID = people.uscc("91140100MA0K1234X")


def application(**changes):
    """A valid application.json as a dict; keyword arguments replace
    top-level keys."""
    app = {
        "format": "certhall-application/1",
        "application_id": "K7QD-2MPE-X9A3",
        "revision": 1,
        "submitted_at": "2026-11-23T14:05:00+08:00",
        "certificates": {
            "organization_years": 2,
            "personal": [{"name": "张测试", "id_number": PERSON_ID,
                          "mobile": "13712345678", "years": 1}],
        },
        "organization": {
            "name": "山西示例科技有限公司", "id_type": "uscc",
            "id_number": ORG_ID, "city": "太原市",
            "address": "太原市小店区示例路 1 号",
        },
        "auth_method": "bank",
        "legal_representative": {"name": "李示例", "id_number": LEGAL_ID,
                                 "mobile": "13912345678"},
        "handler": {"name": "王示例", "id_number": HANDLER_ID,
                    "mobile": "13812345678", "email": "wangwu@example.com",
                    "position": "行政专员"},
        "bank_account": {"name": "山西示例科技有限公司", "bank": "中国工商银行太原分行",
                         "number": "0502 1234 5678 9012 345"},
        "mailing": {"region": ["山西省", "太原市", "小店区"],
                    "address": "示例路 1 号 3 层", "postcode": "030000"},
        "invoice": {"type": "electronic", "title": "山西示例科技有限公司",
                    "taxpayer_id": ORG_ID},
        "payment_method": "transfer",
        "documents": [
            {"kind": "authorization_letter", "file": "授权委托书.pdf"},
            {"kind": "business_license", "file": "营业执照.jpg"},
            {"kind": "id_copy", "file": "身份证-张测试.png", "person": 0},
            {"kind": "stamp_form", "file": "数字证书印模采集表.pdf"},
        ],
    }
    app.update(copy.deepcopy(changes))
    return app


def documents():
    """The files the valid application lists, name -> bytes."""
    return {
        "授权委托书.pdf": pdf("authorization letter"),
        "营业执照.jpg": jpeg(1200, 900),
        "身份证-张测试.png": png(1000, 10),
        "数字证书印模采集表.pdf": pdf("stamp form"),
    }


def app_bytes(app):
    return json.dumps(app, ensure_ascii=False, indent=1).encode("utf-8")


# --- a ZIP writer that does what it is told ----------------------------

class Entry:
    """One entry. name: str (UTF-8, flagged when non-ASCII unless utf8 is
    given) or bytes (written raw, flag per utf8, default off)."""

    def __init__(self, name, data=b"", method=8, utf8=None, flags=0,
                 crc=None, size=None, external_attr=0o100644 << 16,
                 made_by=(3 << 8) | 20, payload=None, zip64=False):
        if isinstance(name, str):
            raw = name.encode("utf-8")
            if utf8 is None:
                utf8 = any(c > 0x7F for c in raw)
        else:
            raw = name
        self.raw = raw
        self.data = data
        self.method = method
        self.flags = flags | (0x800 if utf8 else 0)
        self.crc = zlib.crc32(data) if crc is None else crc
        self.size = len(data) if size is None else size
        self.external_attr = external_attr
        self.made_by = made_by
        self.zip64 = zip64  # sizes and offset in Zip64 extra fields
        if payload is not None:
            self.payload = payload
        elif method == 8:
            c = zlib.compressobj(9, zlib.DEFLATED, -15)
            self.payload = c.compress(data) + c.flush()
        elif method == 12:
            self.payload = bz2.compress(data)
        else:
            self.payload = data


def local_header(e):
    comp, size, extra = len(e.payload), e.size, b""
    if e.zip64:
        extra = struct.pack("<HHQQ", 1, 16, size, comp)
        comp = size = 0xFFFFFFFF
    return struct.pack("<IHHHHHIIIHH", 0x04034B50, 45 if e.zip64 else 20,
                       e.flags, e.method, 0, 0x5A21, e.crc, comp, size,
                       len(e.raw), len(extra)) + e.raw + extra


def central_header(e, offset):
    comp, size, extra = len(e.payload), e.size, b""
    if e.zip64:
        extra = struct.pack("<HHQQQ", 1, 24, size, comp, offset)
        comp = size = offset = 0xFFFFFFFF
    return struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, e.made_by,
                       45 if e.zip64 else 20, e.flags, e.method, 0, 0x5A21,
                       e.crc, comp, size, len(e.raw), len(extra), 0, 0, 0,
                       e.external_attr, offset) + e.raw + extra


def write_zip(path, entries, offsets=None, prefix=b""):
    """Writes entries as a ZIP; offsets (index -> local header offset)
    points central records wherever a test wants them."""
    out = bytearray(prefix)
    where = []
    for e in entries:
        where.append(len(out))
        out += local_header(e) + e.payload
    if offsets:
        for i, off in offsets.items():
            where[i] = off
    cd_start = len(out)
    for e, off in zip(entries, where):
        out += central_header(e, off)
    cd = len(out) - cd_start
    out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries),
                       cd, cd_start, 0)
    with open(path, "wb") as f:
        f.write(out)
    return path


# --- bundles -----------------------------------------------------------

def make_bundle(path, app=None, files=None, folder=None, raw_app=None,
                extra=None, omit=(), writer="zipfile"):
    """Writes a bundle. app: dict (default application()); raw_app: bytes
    for application.json instead (None with app=False: no application.json);
    files: name -> bytes (default documents()); extra: more name -> bytes;
    omit: names of files to leave out; folder: the common top-level folder;
    writer: "zipfile" (Python's) or "raw" (write_zip)."""
    if raw_app is None and app is not False:
        raw_app = app_bytes(application() if app is None else app)
    files = dict(documents() if files is None else files)
    files.update(extra or {})
    items = []
    if raw_app is not None:
        items.append(("application.json", raw_app))
    items += [(n, d) for n, d in files.items() if n not in omit]
    pre = folder + "/" if folder else ""
    if writer == "raw":
        return write_zip(path, [Entry(pre + n, d) for n, d in items])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        if folder:
            z.writestr(zipfile.ZipInfo(pre), b"")
        for n, d in items:
            z.writestr(pre + n, d)
    return path


def _entries(app=None, files=None):
    """The valid bundle's entries for write_zip, to be tampered with."""
    out = [Entry("application.json", app_bytes(app or application()))]
    out += [Entry(n, d) for n, d in (files or documents()).items()]
    return out


def _with_names(path, names_data, app=None):
    return write_zip(path, _entries(app) + names_data)


GBK_5C = "营业执照-淺.jpg"  # 淺 is 9C 5C in GBK: its second byte is '\'


def gbk_names(path):
    """Every file named in GBK without the UTF-8 flag, as Windows Explorer
    and WinRAR write them; one name's second byte is 0x5C. Valid."""
    files = documents()
    files[GBK_5C] = files.pop("营业执照.jpg")
    app = application()
    app["documents"][1]["file"] = GBK_5C
    ents = [Entry("application.json", app_bytes(app))]
    ents += [Entry(n.encode("gbk"), d, utf8=False) for n, d in files.items()]
    return write_zip(path, ents)


def nfd_names(path):
    """Names stored decomposed (as macOS writes them), listed composed.
    Valid: both sides are compared after NFC."""
    files = {unicodedata.normalize("NFD", n): d for n, d in documents().items()}
    files["Café.pdf"] = pdf("nfc")
    app = application()
    app["documents"].append({"kind": "remittance_voucher",
                             "file": unicodedata.normalize("NFC", "Café.pdf")})
    files[unicodedata.normalize("NFD", "Café.pdf")] = files.pop("Café.pdf")
    return write_zip(path, [Entry("application.json", app_bytes(app))]
                     + [Entry(n, d) for n, d in files.items()])


def undecodable_name(path):
    return _with_names(path, [Entry(b"\xff\xfe\x80.pdf", pdf(), utf8=False)])


def utf8_flag_lies(path):
    """Flagged UTF-8, but the bytes are GBK: no guessing then."""
    return _with_names(path, [Entry("说明.pdf".encode("gbk"), pdf(), utf8=True)])


def name_case(name):
    """A builder adding one file called name (str or bytes)."""
    def build(path):
        return _with_names(path, [Entry(name, pdf("x"), utf8=False
                                        if isinstance(name, bytes) else None)])
    return build


def deeper_folder(path):
    return make_bundle(path, extra={"scans/extra.pdf": pdf()}, writer="raw")


def deeper_in_folder(path):
    """Under the common folder, one file a folder deeper."""
    return make_bundle(path, folder="申请材料", extra={"扫描件/extra.pdf": pdf()})


def directory_entry(path):
    """A directory entry beside files at the root: a folder is not a file."""
    return _with_names(path, [Entry("scans/", b"", method=0,
                                    external_attr=(0o40755 << 16) | 0x10)])


def duplicate_names(path):
    e = _entries()
    e.append(Entry("授权委托书.pdf", pdf("another")))
    return write_zip(path, e)


def duplicate_after_decoding(path):
    """The same name once in GBK (no flag) and once in UTF-8 (flagged)."""
    e = _entries()
    e.append(Entry("授权委托书.pdf".encode("gbk"), pdf("gbk twin"), utf8=False))
    return write_zip(path, e)


def symlink(path):
    return _with_names(path, [Entry("link.pdf", b"/etc/passwd", method=0,
                                    external_attr=0o120777 << 16)])


def fifo(path):
    return _with_names(path, [Entry("pipe.pdf", b"", method=0,
                                    external_attr=0o10644 << 16)])


def encrypted(path):
    """Bit 0 set: traditional PKWARE encryption (a 12-byte header first)."""
    data = pdf("secret")
    return _with_names(path, [Entry("secret.pdf", data, method=0, flags=1,
                                    payload=os.urandom(12) + data)])


def bzip2_method(path):
    return _with_names(path, [Entry("bz.pdf", pdf("bz"), method=12)])


def other_method(path):
    return _with_names(path, [Entry("lzma.pdf", pdf("lzma"), method=14, payload=pdf("lzma"))])


def wrong_crc(path):
    e = _entries()
    e[1].crc ^= 0x1
    return write_zip(path, e)


def truncated(path):
    make_bundle(path)
    size = os.path.getsize(path)
    with open(path, "r+b") as f:
        f.truncate(size // 2)
    return path


def not_a_zip(path):
    with open(path, "wb") as f:
        f.write(b"This is not a ZIP file at all.\n" * 10)
    return path


def overlapping(path):
    """An entry whose data holds another entry's whole local record; the
    second central record points into the first's data. Both read fine
    alone; together they share bytes (the non-overlapping zip bomb trick
    turned around)."""
    inner = Entry("inner.pdf", pdf("inner"), method=0)
    inner_rec = local_header(inner) + inner.payload
    outer = Entry("outer.pdf", inner_rec, method=0)
    ents = _entries() + [outer]
    # Offsets: where outer's local header lands, plus its header length.
    off = sum(len(local_header(x)) + len(x.payload) for x in ents[:-1])
    inner_off = off + len(local_header(outer))
    ents.append(inner)
    out = write_zip(path, ents, offsets={len(ents) - 1: inner_off})
    # write_zip wrote inner's own record too; it is harmless, never pointed to.
    return out


def zip_bomb(path):
    """2 MiB of zeros deflate to about 2 KiB: a ratio far above 100:1."""
    return _with_names(path, [Entry("bomb.pdf", b"%PDF-" + bytes(2 * 1024 * 1024))])


def big_entry(path, lie=False):
    """An entry over 20 MiB; with lie=True its headers claim 1 KiB, so
    only counting while inflating catches it."""
    data = os.urandom(20 * 1024 * 1024 + 4096)
    e = Entry("big.pdf", data, method=0)
    if lie:
        e.size = 1024
    return _with_names(path, [e])


def big_total(path):
    """Seven entries of 19 MiB at a ratio near 50:1: each within limits,
    together over 128 MiB."""
    block = os.urandom(1024) + bytes(49 * 1024)
    data = block * (19 * 1024 // 50)
    return _with_names(path, [Entry("part%d.pdf" % i, data) for i in range(7)])


def too_many_entries(path):
    return _with_names(path, [Entry("f%02d.pdf" % i, pdf(str(i))) for i in range(64)])


def too_large_file(path):
    """Over 64 MiB on disk (sparse: quick to make). Refused before any read."""
    make_bundle(path)
    with open(path, "r+b") as f:
        f.truncate(64 * 1024 * 1024 + 1)
    return path


def missing_application(path):
    return make_bundle(path, app=False)


def invalid_json(path):
    return make_bundle(path, raw_app=b'{"format": "certhall-application/1",')


def non_utf8_json(path):
    return make_bundle(path, raw_app=app_bytes(application()).decode("utf-8").encode("gbk"))


def bom_json(path):
    """A leading BOM is tolerated: valid."""
    return make_bundle(path, raw_app=b"\xef\xbb\xbf" + app_bytes(application()))


def doc_missing(path):
    return make_bundle(path, omit=("营业执照.jpg",))


def doc_type(path):
    f = documents()
    f["授权委托书.pdf"] = b"Just text, not a PDF.\n"
    return make_bundle(path, files=f)


def doc_pdf_no_eof(path):
    f = documents()
    f["授权委托书.pdf"] = pdf().replace(b"%%EOF", b"") + b"x" * 2000
    return make_bundle(path, files=f)


def doc_too_small_image(path):
    f = documents()
    f["身份证-张测试.png"] = png(640, 480)
    return make_bundle(path, files=f)


def doc_too_small_jpeg(path):
    f = documents()
    f["营业执照.jpg"] = jpeg(799, 600)
    return make_bundle(path, files=f)


def doc_empty(path):
    f = documents()
    f["数字证书印模采集表.pdf"] = b""
    return make_bundle(path, files=f)


def doc_duplicate(path):
    """Two documents with the same bytes: a warning, still accepted."""
    f = documents()
    f["数字证书印模采集表.pdf"] = f["授权委托书.pdf"]
    return make_bundle(path, files=f)


def doc_unlisted(path):
    """A file nobody listed: a warning, still accepted."""
    return make_bundle(path, extra={"notes.txt": b"remember the stamp"})


def two_directories(path):
    """Two end records, each with its own central directory: the first
    (its comment running to the file's end holds the second directory and
    end record) says the last file is a symbolic link, the second says a
    regular file. Same names, same count; libzip takes the first, a reader
    honouring the last end record the second. Must be ZIP_UNREADABLE."""
    ents = _entries()
    out, where = bytearray(), []
    for e in ents:
        where.append(len(out))
        out += local_header(e) + e.payload
    link = Entry(ents[-1].raw.decode(), ents[-1].data,
                 external_attr=0o120777 << 16)
    cd_a = b"".join(central_header(e, off) for e, off in
                    zip(ents[:-1] + [link], where))
    cd_b = b"".join(central_header(e, off) for e, off in zip(ents, where))
    a_off = len(out)
    b_off = a_off + len(cd_a) + 22
    eocd_b = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(ents), len(ents),
                         len(cd_b), b_off, 0)
    eocd_a = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(ents), len(ents),
                         len(cd_a), a_off, len(cd_b) + len(eocd_b))
    out += cd_a + eocd_a + cd_b + eocd_b
    with open(path, "wb") as f:
        f.write(out)
    return path


def zip64_records(path):
    """Sizes and offsets in Zip64 extra fields, as streaming writers put
    them even for small files. Valid."""
    return write_zip(path, [Entry(x.raw.decode(), x.data, zip64=True)
                            for x in _entries()])


def common_folder(path):
    """Everything under one folder with its directory entry, as Windows'
    "Send to compressed folder" writes it. Valid."""
    return make_bundle(path, folder="申请材料")


# name -> (builder, the finding code it must produce or None when valid)
HOSTILE = {
    "gbk_names": (gbk_names, None),
    "nfd_names": (nfd_names, None),
    "bom_json": (bom_json, None),
    "common_folder": (common_folder, None),
    "zip64_records": (zip64_records, None),
    "undecodable_name": (undecodable_name, "ZIP_UNSAFE_NAME"),
    "utf8_flag_lies": (utf8_flag_lies, "ZIP_UNSAFE_NAME"),
    "dotdot": (name_case("../evil.pdf"), "ZIP_UNSAFE_NAME"),
    "dotdot_inner": (name_case("a/../../evil.pdf"), "ZIP_UNSAFE_NAME"),
    "absolute": (name_case("/etc/evil.pdf"), "ZIP_UNSAFE_NAME"),
    "drive_letter": (name_case("C:evil.pdf"), "ZIP_UNSAFE_NAME"),
    "backslash": (name_case("..\\evil.pdf"), "ZIP_UNSAFE_NAME"),
    "control_char": (name_case("evil\x07.pdf"), "ZIP_UNSAFE_NAME"),
    "newline": (name_case("evil\n.pdf"), "ZIP_UNSAFE_NAME"),
    "nul_byte": (name_case(b"evil\x00.pdf"), "ZIP_UNSAFE_NAME"),
    "bidi_override": (name_case("evil\u202efdp.exe"), "ZIP_UNSAFE_NAME"),
    "deeper_folder": (deeper_folder, "ZIP_UNSAFE_NAME"),
    "deeper_in_folder": (deeper_in_folder, "ZIP_UNSAFE_NAME"),
    "directory_entry": (directory_entry, "ZIP_UNSAFE_NAME"),
    "duplicate_names": (duplicate_names, "ZIP_DUPLICATE_NAME"),
    "duplicate_after_decoding": (duplicate_after_decoding, "ZIP_DUPLICATE_NAME"),
    "symlink": (symlink, "ZIP_NOT_REGULAR"),
    "fifo": (fifo, "ZIP_NOT_REGULAR"),
    "encrypted": (encrypted, "ZIP_ENCRYPTED"),
    "bzip2": (bzip2_method, "ZIP_METHOD"),
    "other_method": (other_method, "ZIP_METHOD"),
    "wrong_crc": (wrong_crc, "ZIP_UNREADABLE"),
    "truncated": (truncated, "ZIP_UNREADABLE"),
    "not_a_zip": (not_a_zip, "ZIP_UNREADABLE"),
    "overlapping": (overlapping, "ZIP_OVERLAP"),
    "zip_bomb": (zip_bomb, "ZIP_LIMIT"),
    "big_entry": (big_entry, "ZIP_LIMIT"),
    "big_entry_lying": (lambda p: big_entry(p, lie=True), "ZIP_LIMIT"),
    "big_total": (big_total, "ZIP_LIMIT"),
    "too_many_entries": (too_many_entries, "ZIP_LIMIT"),
    "too_large_file": (too_large_file, "ZIP_LIMIT"),
    "missing_application": (missing_application, "FORM_MISSING"),
    "invalid_json": (invalid_json, "FORM_SYNTAX"),
    "non_utf8_json": (non_utf8_json, "FORM_SYNTAX"),
    "doc_missing": (doc_missing, "DOC_MISSING"),
    "doc_type": (doc_type, "DOC_TYPE"),
    "doc_pdf_no_eof": (doc_pdf_no_eof, "DOC_TYPE"),
    "doc_too_small_image": (doc_too_small_image, "DOC_TOO_SMALL"),
    "doc_too_small_jpeg": (doc_too_small_jpeg, "DOC_TOO_SMALL"),
    "doc_empty": (doc_empty, "DOC_TOO_SMALL"),
    "doc_duplicate": (doc_duplicate, "DOC_DUPLICATE"),
    "doc_unlisted": (doc_unlisted, "DOC_UNLISTED"),
}

# Codes that are warnings: the bundle is still accepted.
WARNINGS = {"DOC_DUPLICATE", "DOC_UNLISTED"}

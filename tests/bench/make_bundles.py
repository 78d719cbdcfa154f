#!/usr/bin/python3
"""Writes N realistic submission bundles for the ingest benchmark.

Each bundle holds application.json and four or five scans of about 2 MB
(two PDFs, one or two JPEG ID copies and a JPEG business licence) whose
bytes look like image data: random, but drawn from fewer than 256 values,
so that deflate saves a little, as it does on real scans. Every document
is unique (its last bytes carry the bundle's number), so the document
store cannot skip any.

Deflating 8 GB in Python would take longer than the benchmark itself:
each scan body is deflated once, ending with a full flush (no reference
back into it), and every copy only appends its own short final block.
The result is an ordinary, valid deflate stream.

    make_bundles.py FOLDER N
"""
import json
import os
import random
import struct
import sys
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "cli"))
import people  # noqa: E402

SCAN_BYTES = 2 * 1024 * 1024
POOL = 6
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def image_like(rnd, n):
    # 200 of 256 byte values: about 7.6 bits per byte, as a scan's
    # compressed pixels are a little short of random.
    table = bytes((i * 200) // 256 for i in range(256))
    return rnd.randbytes(n).translate(table)


def jpeg_head(width, height):
    def seg(code, data):
        return b"\xff" + bytes([code]) + struct.pack(">H", len(data) + 2) + data
    return (b"\xff\xd8" + seg(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
            + seg(0xDB, b"\x00" + bytes(range(1, 65)))
            + seg(0xC0, struct.pack(">BHHB", 8, height, width, 1) + b"\x01\x11\x00")
            + seg(0xDA, b"\x01\x01\x00\x00\x3f\x00"))


class Body:
    """A document's first part, deflated once: bytes, CRC, deflate data."""

    def __init__(self, data):
        self.data_len = len(data)
        self.crc = zlib.crc32(data)
        c = zlib.compressobj(6, zlib.DEFLATED, -15)
        self.deflated = c.compress(data) + c.flush(zlib.Z_FULL_FLUSH)

    def finish(self, tail):
        """(crc, size, deflated) of body + tail."""
        c = zlib.compressobj(6, zlib.DEFLATED, -15)
        return (zlib.crc32(tail, self.crc), self.data_len + len(tail),
                self.deflated + c.compress(tail) + c.flush())


def pools(rnd):
    size = SCAN_BYTES
    jpegs = [Body(jpeg_head(2480, 3508) + image_like(rnd, size + rnd.randrange(size // 8)))
             for _ in range(POOL)]
    pdfs = [Body(b"%PDF-1.4\n% scan\n" + image_like(rnd, size + rnd.randrange(size // 8)))
            for _ in range(POOL)]
    return jpegs, pdfs


def app_id(i):
    n = i * 7919 + 12345
    s = ""
    for _ in range(12):
        s += ALPHABET[n % 32]
        n //= 32
    return s[:4] + "-" + s[4:8] + "-" + s[8:]


def application(i, persons):
    personal = [{"name": "测试%d" % k,
                 "id_number": people.id_number("140105", "19850312", "%03d" % (k + 1)),
                 "mobile": "137%08d" % k, "years": 1} for k in range(persons)]
    org = people.uscc("91140100MA0K1234X")
    docs = [{"kind": "authorization_letter", "file": "授权委托书.pdf"},
            {"kind": "business_license", "file": "营业执照.jpg"},
            {"kind": "stamp_form", "file": "数字证书印模采集表.pdf"}]
    docs += [{"kind": "id_copy", "file": "身份证-%d.jpg" % k, "person": k}
             for k in range(persons)]
    return {
        "format": "certhall-application/1", "application_id": app_id(i),
        "revision": 1, "submitted_at": "2026-11-23T14:05:00+08:00",
        "certificates": {"organization_years": 2, "personal": personal},
        "organization": {"name": "山西示例科技有限公司", "id_type": "uscc",
                         "id_number": org, "city": "太原市",
                         "address": "太原市小店区示例路 1 号"},
        "auth_method": "bank",
        "legal_representative": {"name": "李示例", "mobile": "13912345678",
                                 "id_number": people.id_number("140105", "19700101", "456")},
        "handler": {"name": "王示例", "mobile": "13812345678",
                    "id_number": people.id_number("140106", "19900520", "789"),
                    "email": "wangwu@example.com", "position": "行政专员"},
        "bank_account": {"name": "山西示例科技有限公司", "bank": "中国工商银行太原分行",
                         "number": "0502 1234 5678 9012 345"},
        "mailing": {"region": ["山西省", "太原市", "小店区"],
                    "address": "示例路 1 号 3 层", "postcode": "030000"},
        "invoice": {"type": "electronic", "title": "山西示例科技有限公司",
                    "taxpayer_id": org},
        "payment_method": "transfer",
        "documents": docs,
    }


def write_zip(path, entries):
    """entries: (name, crc, size, method, data). UTF-8 names, flagged."""
    out = bytearray()
    central = bytearray()
    for name, crc, size, method, data in entries:
        raw = name.encode("utf-8")
        off = len(out)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0x800, method, 0, 0x21,
                           crc, len(data), size, len(raw), 0) + raw + data
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, (3 << 8) | 20, 20,
                               0x800, method, 0, 0x21, crc, len(data), size,
                               len(raw), 0, 0, 0, 0, 0o100644 << 16, off) + raw
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries),
                      len(central), len(out), 0)
    with open(path, "wb") as f:
        f.write(out)
        f.write(central)
        f.write(end)


def main():
    folder, n = sys.argv[1], int(sys.argv[2])
    os.makedirs(folder, exist_ok=True)
    rnd = random.Random(1124)
    jpegs, pdfs = pools(rnd)
    for i in range(n):
        persons = 1 + i % 2  # four or five scans
        app = json.dumps(application(i, persons), ensure_ascii=False).encode()
        tag = ("bundle %d" % i).encode()
        entries = [("application.json", zlib.crc32(app), len(app), 0, app)]
        for doc in application(i, persons)["documents"]:
            name = doc["file"]
            if name.endswith(".pdf"):
                body = pdfs[rnd.randrange(POOL)]
                tail = b"\n% " + tag + b" " + name.encode() + b"\n%%EOF\n"
            else:
                body = jpegs[rnd.randrange(POOL)]
                tail = tag + name.encode() + b"\xff\xd9"
            crc, size, data = body.finish(tail)
            entries.append((name, crc, size, 8, data))
        write_zip(os.path.join(folder, "%s.zip" % app_id(i)), entries)


if __name__ == "__main__":
    main()

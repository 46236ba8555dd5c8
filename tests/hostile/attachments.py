"""Hostile attachments, built on the fly: zip-bomb .docx files and a PDF that costs pypdf minutes.

`bomb_docx(path, inflated)` writes a valid .docx whose word/document.xml inflates to `inflated`
bytes of paragraphs of 政 (~930:1, so 1 GB is 1.1 MB on disk and 3 GB is 3.4 MB, the issue's two
bombs). Nothing is held in memory or compressed more than once: after a full flush deflate's
output for the same input is the same bytes, so one compressed paragraph block is written n
times, and the CRC of n copies is combined arithmetically (zlib's crc32_combine), in ~0.1 s.

`slow_pdf()` is 14 KB: a form XObject of 1.5 M no-op `BT ET` operators that the page draws 200
times; pypdf parses the form again for every draw (about 5 minutes of CPU inline).
"""
from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    '</Types>')
RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/></Relationships>')
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


# -- CRC-32 of concatenations (zlib's crc32_combine, in GF(2)) --------------------------------
def _times(matrix, vector):
    out, i = 0, 0
    while vector:
        if vector & 1:
            out ^= matrix[i]
        vector >>= 1
        i += 1
    return out


def _square(matrix):
    return [_times(matrix, matrix[n]) for n in range(32)]


def crc32_combine(crc1: int, crc2: int, len2: int) -> int:
    """CRC-32 of A+B from crc32(A), crc32(B) and len(B)."""
    if len2 <= 0:
        return crc1
    odd = [0xEDB88320] + [1 << n for n in range(31)]
    even = _square(odd)
    odd = _square(even)
    while True:
        even = _square(odd)
        if len2 & 1:
            crc1 = _times(even, crc1)
        len2 >>= 1
        if not len2:
            break
        odd = _square(even)
        if len2 & 1:
            crc1 = _times(odd, crc1)
        len2 >>= 1
        if not len2:
            break
    return crc1 ^ crc2


def _crc_repeated(crc: int, length: int, n: int) -> int:
    """CRC-32 of n copies of a block of `length` bytes whose CRC is `crc`."""
    total_crc, total_len = 0, 0
    while n:
        if n & 1:
            total_crc = crc32_combine(total_crc, crc, length) if total_len else crc
            total_len += length
        n >>= 1
        if n:
            crc, length = crc32_combine(crc, crc, length), 2 * length
    return total_crc


# -- a ZIP written by hand (stored sizes < 4 GiB: no ZIP64 needed) ----------------------------
def _deflate(data: bytes) -> bytes:
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def bomb_docx(path: Path, inflated: int) -> dict:
    """A .docx whose word/document.xml inflates to about `inflated` bytes; returns its sizes."""
    head = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<w:document xmlns:w="{W}"><w:body>').encode()
    tail = b"</w:body></w:document>"
    block = ("<w:p><w:r><w:t>" + "政" * 65536 + "</w:t></w:r></w:p>").encode() * 5
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    head_z = c.compress(head) + c.flush(zlib.Z_FULL_FLUSH)
    block_z = c.compress(block) + c.flush(zlib.Z_FULL_FLUSH)
    assert c.compress(block) + c.flush(zlib.Z_FULL_FLUSH) == block_z     # the same bytes every time
    tail_z = c.compress(tail) + c.flush(zlib.Z_FINISH)
    n = max(1, (inflated - len(head) - len(tail)) // len(block))
    size = len(head) + n * len(block) + len(tail)
    assert size < 1 << 32
    crc = crc32_combine(crc32_combine(zlib.crc32(head), _crc_repeated(zlib.crc32(block), len(block), n),
                                      n * len(block)), zlib.crc32(tail), len(tail))
    entries = [("[Content_Types].xml", CONTENT_TYPES.encode()), ("_rels/.rels", RELS.encode())]
    central, offset = [], 0
    with open(path, "wb") as f:
        def write_entry(name: bytes, crc: int, csize: int, usize: int, chunks):
            nonlocal offset
            f.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, csize, usize, len(name), 0) + name)
            for chunk in chunks:
                f.write(chunk)
            central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21, crc, csize, usize,
                                       len(name), 0, 0, 0, 0, 0, offset) + name)
            offset = f.tell()
        for name, data in entries:
            z = _deflate(data)
            write_entry(name.encode(), zlib.crc32(data), len(z), len(data), [z])
        body = (head_z, *(block_z for _ in range(n)), tail_z)
        write_entry(b"word/document.xml", crc, len(head_z) + n * len(block_z) + len(tail_z), size, body)
        start = f.tell()
        for record in central:
            f.write(record)
        f.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), f.tell() - start, start, 0))
    return {"inflated": size, "compressed": Path(path).stat().st_size}


# -- PDFs ---------------------------------------------------------------------------------------
def _pdf(objs: list[bytes]) -> bytes:
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(objs, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + obj + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref))
    return out.getvalue()


def _stream(raw: bytes, extra: bytes = b"") -> bytes:
    data = zlib.compress(raw, 9)
    return b"<< /Length %d /Filter /FlateDecode %s>>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def slow_pdf(draws: int = 200, count: int = 1_500_000) -> bytes:
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
    return _pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                 b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                 b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
                 b"/Resources << /Font << /F1 5 0 R >> /XObject << /X1 6 0 R >> >> >>",
                 _stream(b"q /X1 Do Q\n" * draws), font,
                 _stream(b"BT ET\n" * count, b"/Type /XObject /Subtype /Form /BBox [0 0 612 792] "
                                             b"/Resources << /Font << /F1 5 0 R >> >> ")])

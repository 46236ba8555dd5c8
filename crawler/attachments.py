"""Text of attachments (PDF, DOCX) so reports published only as files can be read.

Uses maintained libraries (pypdf, python-docx); a file they cannot read yields "" and the
reason, never an exception into the crawl. DOCX text keeps the document order, tables included
(one line per row, cells tab-separated), so a report's tables stay under their headings.
"""
from __future__ import annotations

import io
import zipfile

MAX_PDF_PAGES = 80
MAX_CHARS = 400_000


def kind_of(body: bytes, content_type: str, url: str) -> str:
    ctype = (content_type or "").lower()
    path = url.lower().split("?", 1)[0]
    if body.startswith(b"%PDF") or "pdf" in ctype:
        return "pdf"
    if body.startswith(b"PK") and ("wordprocessingml" in ctype or path.endswith(".docx")):
        return "docx"
    if body.startswith(b"PK") and path.endswith(".docx"):
        return "docx"
    if body.startswith(b"PK\x03\x04") and b"word/" in body[:65536]:
        return "docx"            # a .docx served under another name or type (report.html)
    if path.endswith(".doc") or "msword" in ctype or body.startswith(b"\xd0\xcf\x11\xe0"):
        return "doc"             # the last: the OLE2 signature of a legacy .doc
    return ""


def _docx_lines(document):
    """Paragraphs and table rows in document order (a report's tables sit between its headings).

    A table row is its cells joined by tabs, each merged cell once (python-docx repeats a cell
    for every grid column it spans)."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            yield Paragraph(child, document).text
        elif tag == "tbl":
            for row in Table(child, document).rows:
                cells, seen = [], set()
                for cell in row.cells:
                    if id(cell._tc) in seen:
                        continue
                    seen.add(id(cell._tc))
                    cells.append(cell.text.replace("\n", " "))
                yield "\t".join(cells)


def extract_text(body: bytes, content_type: str = "", url: str = "") -> tuple[str, str]:
    """(text, error). error is "" on success."""
    kind = kind_of(body, content_type, url)
    try:
        if kind == "pdf":
            from pypdf import PdfReader
            reader = PdfReader(io.BytesIO(body))
            parts = []
            for page in reader.pages[:MAX_PDF_PAGES]:
                parts.append(page.extract_text() or "")
                if sum(map(len, parts)) > MAX_CHARS:
                    break
            text = "\n".join(parts)[:MAX_CHARS]
            return text, "" if text.strip() else "PDF 无可提取文字（可能为扫描件）"
        if kind == "docx":
            import docx
            document = docx.Document(io.BytesIO(body))
            return "\n".join(_docx_lines(document))[:MAX_CHARS], ""
        if kind == "doc":
            return "", "旧版 Word (.doc) 文件，未提取文字"
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        return "", f"附件无法解析：{exc.__class__.__name__}"
    except Exception as exc:  # noqa: BLE001 — third-party parsers raise anything on bad files
        return "", f"附件无法解析：{exc.__class__.__name__}: {exc}"[:200]
    return "", ""

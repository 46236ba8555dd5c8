"""Text of attachments (PDF, DOCX) so reports published only as files can be read.

Uses maintained libraries (pypdf, python-docx); a file they cannot read yields "" and the
reason, never an exception into the crawl.
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
    if path.endswith(".doc") or "msword" in ctype:
        return "doc"
    return ""


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
            parts = [p.text for p in document.paragraphs]
            for table in document.tables:
                for row in table.rows:
                    parts.append("\t".join(cell.text for cell in row.cells))
            return "\n".join(parts)[:MAX_CHARS], ""
        if kind == "doc":
            return "", "旧版 Word (.doc) 文件，未提取文字"
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        return "", f"附件无法解析：{exc.__class__.__name__}"
    except Exception as exc:  # noqa: BLE001 — third-party parsers raise anything on bad files
        return "", f"附件无法解析：{exc.__class__.__name__}: {exc}"[:200]
    return "", ""

"""Guangdong's shared 政府信息公开 platform (gkmlpt): read it through its API, not its Vue pages.

`/gkmlpt/index` carries `window._CONFIG = {SID: '…', TREE: […]}` — the column tree; a column's
list is `/gkmlpt/api/all/{category_id}?page=N&sid=SID` (JSON: `classify`, `total`, `articles[]`
with `title`, `document_number`, `identifier`, a date, `url`, `is_expired`, `is_abolished`).
Deployments differ in field names (`date`/`created_at`/`create_time`/`display_publish_time`,
`url`/`post_url`), so every reader here is tolerant and returns None for what it cannot read.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit, urlunsplit

_CONFIG_START = re.compile(r"window\._CONFIG\s*=\s*\{", re.S)
_SID = re.compile(r"""\bSID\s*:\s*['"]?([A-Za-z0-9_]+)""")
_TREE = re.compile(r"""\bTREE\s*:\s*\[""")
_API_PATH = re.compile(r"/gkmlpt/api/all/(\d+)")
_CST = timezone(timedelta(hours=8))


def is_index_url(url: str) -> bool:
    return urlsplit(url).path.rstrip("/").endswith("/gkmlpt/index")


def is_api_url(url: str) -> bool:
    return bool(_API_PATH.search(urlsplit(url).path))


def index_url_for(scope_prefix_url: str) -> str:
    """Where a unit's gkmlpt index would be: under its scope prefix."""
    return urljoin(scope_prefix_url, "gkmlpt/index")


def _balanced(text: str, start: int, open_ch: str, close_ch: str) -> str | None:
    """The bracketed literal starting at text[start] (== open_ch), strings respected."""
    depth, i, quote = 0, start, None
    while i < len(text):
        c = text[i]
        if quote:
            if c == "\\":
                i += 2
                continue
            if c == quote:
                quote = None
        elif c in "'\"":
            quote = c
        elif c == open_ch:
            depth += 1
        elif c == close_ch:
            depth -= 1
            if depth == 0:
                return text[start:i + 1]
        i += 1
    return None


def _js_to_json(literal: str):
    """A JavaScript object/array literal of plain data as Python, or None."""
    try:
        return json.loads(literal)
    except ValueError:
        pass
    out, i, n = [], 0, len(literal)
    while i < n:        # single-quoted strings -> double-quoted; bare keys -> quoted
        c = literal[i]
        if c in "'\"":
            quote, j, buf = c, i + 1, []
            while j < n and literal[j] != quote:
                if literal[j] == "\\" and j + 1 < n:
                    buf.append(literal[j:j + 2])
                    j += 2
                    continue
                buf.append('\\"' if literal[j] == '"' else literal[j])
                j += 1
            out.append('"' + "".join(buf).replace("\\'", "'") + '"')
            i = j + 1
            continue
        m = re.match(r"([A-Za-z_$][\w$]*)(\s*:)", literal[i:])
        if m and (not out or out[-1].rstrip()[-1:] in "{,"):
            out.append(f'"{m.group(1)}"{m.group(2)}')
            i += m.end()
            continue
        out.append(c)
        i += 1
    text = re.sub(r",\s*([}\]])", r"\1", "".join(out))
    try:
        return json.loads(text)
    except ValueError:
        return None


@dataclass(frozen=True)
class Category:
    id: str
    name: str
    path: tuple          # names from the root, for "重点领域信息公开 > 稳就业保就业"


def parse_config(html: str) -> tuple[str | None, list[Category]]:
    """(SID, flattened category tree) from a gkmlpt index page; (None, []) if absent."""
    m = _CONFIG_START.search(html or "")
    if not m:
        return None, []
    block = _balanced(html, m.end() - 1, "{", "}") or html[m.start():m.start() + 200000]
    sid_m = _SID.search(block)
    sid = sid_m.group(1) if sid_m else None
    cats: list[Category] = []
    t = _TREE.search(block)
    if t:
        literal = _balanced(block, t.end() - 1, "[", "]")
        tree = _js_to_json(literal) if literal else None
        if isinstance(tree, list):
            _flatten(tree, (), cats)
        elif literal:   # unparseable literal: still recover id/name pairs
            for cm in re.finditer(r"""\bid\s*:\s*['"]?(\d+)['"]?\s*,\s*name\s*:\s*['"]([^'"]+)""", literal):
                cats.append(Category(cm.group(1), cm.group(2), (cm.group(2),)))
    return sid, cats


def _flatten(nodes, path, out):
    for node in nodes:
        if not isinstance(node, dict):
            continue
        cid = node.get("id", node.get("classify_id", node.get("cid")))
        name = node.get("name") or node.get("title") or node.get("label") or ""
        here = path + (str(name),)
        if cid is not None and name:
            out.append(Category(str(cid), str(name), here))
        for key in ("children", "nodes", "sub", "child"):
            if isinstance(node.get(key), list):
                _flatten(node[key], here, out)


def api_url(index_url: str, category_id: str, sid: str, page: int = 1) -> str:
    base = urljoin(index_url, f"api/all/{category_id}")
    return f"{base}?{urlencode({'page': page, 'sid': sid})}"


def next_page_url(url: str, page: int) -> str:
    parts = urlsplit(url)
    q = {k: v[0] for k, v in parse_qs(parts.query).items()}
    q["page"] = str(page)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(q), ""))


def page_of(url: str) -> int:
    try:
        return int(parse_qs(urlsplit(url).query).get("page", ["1"])[0])
    except ValueError:
        return 1


def _to_date(value) -> date | None:
    if value in (None, "", 0):
        return None
    if isinstance(value, (int, float)) or (isinstance(value, str) and value.isdigit()):
        ts = float(value)
        if ts > 1e12:      # milliseconds
            ts /= 1000
        try:
            return datetime.fromtimestamp(ts, _CST).date()
        except (OverflowError, OSError, ValueError):
            return None
    m = re.search(r"((?:19|20)\d{2})\D{1,3}(\d{1,2})\D{1,3}(\d{1,2})", str(value))
    if m:
        try:
            return date(*map(int, m.groups()))
        except ValueError:
            return None
    return None


def _flag(value) -> bool | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return value != 0
    return str(value).strip().lower() in ("1", "true", "yes", "是")


@dataclass(frozen=True)
class Row:
    """One article of a gkmlpt list, normalised."""
    title: str
    url: str
    date: date | None
    document_number: str
    identifier: str
    is_expired: bool | None
    is_abolished: bool | None
    list_url: str


def parse_list(text: str, list_url: str) -> tuple[list[Row], int | None, str]:
    """(rows, total count or None, category name) of one API page; ([], None, "") if unreadable."""
    try:
        data = json.loads(text)
    except ValueError:
        return [], None, ""
    if not isinstance(data, dict):
        return [], None, ""
    classify = data.get("classify") if isinstance(data.get("classify"), dict) else {}
    total = classify.get("post_count", data.get("total", data.get("count")))
    try:
        total = int(total) if total is not None else None
    except (TypeError, ValueError):
        total = None
    articles = data.get("articles") or data.get("data") or []
    rows = []
    for a in articles if isinstance(articles, list) else []:
        if not isinstance(a, dict):
            continue
        url = a.get("url") or a.get("post_url") or a.get("link")
        title = a.get("title") or ""
        if not url or not title:
            continue
        when = None
        for key in ("date", "display_publish_time", "publish_time", "pub_time", "created_at",
                    "create_time", "first_publish_time"):
            when = _to_date(a.get(key))
            if when:
                break
        rows.append(Row(title=str(title).strip(), url=urljoin(list_url, str(url)), date=when,
                        document_number=str(a.get("document_number") or ""),
                        identifier=str(a.get("identifier") or ""),
                        is_expired=_flag(a.get("is_expired")), is_abolished=_flag(a.get("is_abolished")),
                        list_url=list_url))
    return rows, total, str(classify.get("name") or "")

"""Render the sample portals to static files.

    build_portals(dest, as_of) -> {"city-good": dest/"city-good", ...}

Each portal is a directory that `server.py` serves on its own port: HTML pages in the portal's
encoding (UTF-8, or GBK declared as gb2312), TRS-style dated article URLs, list pages with
index_N.html pagination, robots.txt, a 404.html, static assets, and `_portal.json` (how the
server should label the files; never served).
"""
from __future__ import annotations

import datetime as dt
import io
import json
import math
import os
import posixpath
import shutil
import struct
import zlib
from pathlib import Path

import docx
import jinja2

from .content import OUTCOME_ROWS
from .model import Article, Column, Site, at
from .portals import PORTALS, make_site

TEMPLATES = Path(__file__).with_name("templates")
MARKER = "_portal.json"
PRIVATE_PAGE = "/private/admin.html"


def build_portals(dest: Path, as_of: dt.date, names=None) -> dict[str, Path]:
    """Write every sample portal (or those named) under dest/<name>/; return name -> root."""
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    return {name: build_portal(name, dest / name, as_of) for name in (names or PORTALS)}


def build_portal(name: str, root: Path, as_of: dt.date) -> Path:
    root = Path(root)
    if root.exists():
        if not (root / MARKER).exists() and any(root.iterdir()):
            raise FileExistsError(f"{root} exists and is not a sample portal; not overwriting it")
        shutil.rmtree(root)
    root.mkdir(parents=True)
    _Renderer(make_site(name, as_of), as_of, root).write_all()
    return root


# ---- links ---------------------------------------------------------------------------------------
def rel(from_page: str, target: str) -> str:
    """href for `target` (an absolute path) as written on page `from_page`, TRS style ("./", "../")."""
    from_dir = posixpath.dirname(from_page)
    r = posixpath.relpath(target, from_dir)
    if target.endswith("/"):
        r = "./" if r == "." else r + "/"
    elif not r.startswith("."):
        r = "./" + r
    return r


def page_file(column: Column, page: int) -> str:
    return column.path + ("index.html" if page == 0 else f"index_{page}.html")


# ---- rendering -----------------------------------------------------------------------------------
class _Renderer:
    def __init__(self, site: Site, as_of: dt.date, root: Path):
        self.site = site
        self.as_of = as_of
        self.root = root
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
            trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)

    # -- output --
    def write(self, path: str, data, modified: dt.datetime | None = None) -> None:
        if isinstance(data, str):
            data = data.encode(self.site.encoding)   # strict: a character GBK lacks is a bug
        file = self.root / path.lstrip("/")
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_bytes(data)
        stamp = (modified or at(self.as_of, 0, 0)).timestamp()
        os.utime(file, (stamp, stamp))           # Last-Modified follows the content's date

    def render(self, template: str, path: str, **context) -> str:
        s = self.site
        channel = context.pop("channel", None) or s.channel_of(path)
        base = {
            "site": s, "channel": channel, "body_class": "",
            "home_href": channel.home,
            "top_links": channel.top_links,
            "nav": [(t, h) for t, h in ((t, s.resolve(h)) for t, h in channel.nav) if h],
            "private_href": PRIVATE_PAGE if path == s.private_link_on else None,
            "meta": self.site_meta(),
        }
        base.update(context)
        return self.env.get_template(template).render(**base)

    def site_meta(self) -> list:
        s = self.site
        return [("SiteName", s.site_name), ("SiteDomain", s.domain), ("SiteIDCode", s.site_id_code)]

    # -- pages --
    def write_all(self) -> None:
        for channel in self.site.channels:
            self.write_home(channel)
        for column in list(self.site.columns.values()):
            if column.style == "hub":
                self.write_hub(column)
            else:
                self.write_list(column)
            for article in column.articles:
                if not article.missing:
                    self.write_article(article)
        self.write_extras()

    def write_home(self, channel) -> None:
        s = self.site
        blocks, newest = [], []
        for block in channel.blocks:
            items, more = [], None
            if block.column:
                column = s.columns.get(block.column)
                if column is None:
                    continue
                articles = column.newest_first()[:block.count]
                newest += [a.published for a in articles]
                items = [self.item(a, None) for a in articles]
                more = column.path
            links = [(t, h) for t, h in ((t, s.resolve(h)) for t, h in block.links) if h]
            if block.links and not links and not items:
                continue
            blocks.append({"title": block.title, "css": block.css, "more": more,
                           "entries": items, "links": links})
        title = channel.name if channel.prefix == "/" else f"{channel.name}_{s.site_name}"
        html = self.render("home.html", channel.home, channel=channel, title=title,
                           blocks=blocks, body_class="index")
        self.write(channel.home, html, max(newest, default=None))

    def write_hub(self, column: Column) -> None:
        s = self.site
        path = page_file(column, 0)
        sections, newest = [], []
        for child in s.children(column):
            section = {"title": child.label, "href": rel(path, child.path), "entries": [], "links": []}
            if child.style == "hub":
                section["links"] = [(g.label, rel(path, g.path)) for g in s.children(child)]
            else:
                articles = child.newest_first()[:4]
                newest += [a.published for a in articles]
                section["entries"] = [self.item(a, path) for a in articles]
            sections.append(section)
        links = [(t, h) for t, h in ((t, s.resolve(h)) for t, h in column.links) if h]
        html = self.render("hub.html", path, column=column, sections=sections, links=links,
                           crumbs=self.crumbs(column, path), meta=self.column_meta(column),
                           title=f"{column.name}_{s.site_name}", **self.side(column, path))
        self.write(path, html, max(newest, default=None))

    def write_list(self, column: Column) -> None:
        articles = column.newest_first()
        count = max(1, math.ceil(len(articles) / column.page_size))
        for page in range(count):
            path = page_file(column, page)
            chunk = articles[page * column.page_size:(page + 1) * column.page_size]
            pager = {
                "count": count, "first": "index.html", "last": posixpath.basename(page_file(column, count - 1)),
                "prev": posixpath.basename(page_file(column, page - 1)) if page > 0 else None,
                "next": posixpath.basename(page_file(column, page + 1)) if page + 1 < count else None,
            }
            html = self.render("list.html", path, column=column, pager=pager,
                               items=[self.item(a, path) for a in chunk],
                               crumbs=self.crumbs(column, path), meta=self.column_meta(column),
                               title=f"{column.name}_{self.site.site_name}",
                               **self.side(column, path))
            self.write(path, html, max((a.published for a in chunk), default=None))

    def write_article(self, article: Article) -> None:
        s, column, path = self.site, article.column, article.path
        if article.kind == "soft404":
            self.write(path, self.env.get_template("notfound.html").render(site=s), article.published)
            return
        published = f"{article.published:%Y-%m-%d %H:%M}"
        source = article.source or s.channel_of(path).name
        meta = self.site_meta() + [
            ("ColumnName", column.name), ("ColumnType", column.column_type or column.name),
            ("ArticleTitle", article.title), ("PubDate", published), ("ContentSource", source),
            ("Keywords", column.name), ("Description", article.title),
            ("Url", f"https://{s.domain}{path}"),
        ]
        meta = [(n, v) for n, v in meta if n not in article.omit_meta]
        doc = article.doc
        pdf_files = []
        for label, text, name, content in article.pdf_files:
            file = posixpath.join(posixpath.dirname(path), name)
            self.write(file, _pdf(content), article.published)
            pdf_files.append((label, text, rel(path, file)))
        html = self.render(
            "article.html", path, article=article, meta=meta, published=published, pdf_files=pdf_files,
            published_date=f"{article.published:%Y-%m-%d}", source=source,
            written=f"{(doc.written or article.published.date()):%Y-%m-%d}" if doc else "",
            outcome_rows=OUTCOME_ROWS, crumbs=self.crumbs(column, path),
            related=[(label, other.title, rel(path, other.path)) for label, other in article.related
                     if not other.missing],
            attachments=[(a.title, rel(path, article.attachment_path(n)))
                         for n, a in enumerate(article.attachments, start=1)],
            title=f"{article.title}_{column.name}_{s.site_name}", **self.side(column, path))
        self.write(path, html, article.published)
        for n, attachment in enumerate(article.attachments, start=1):
            self.write(article.attachment_path(n), _docx(attachment), article.published)

    def write_extras(self) -> None:
        s = self.site
        self.write("/robots.txt", "User-agent: *\nDisallow: /private/\nAllow: /\n")
        self.write("/404.html", self.env.get_template("notfound.html").render(site=s))
        self.write(PRIVATE_PAGE, self.render("private.html", PRIVATE_PAGE, title="网站内容管理"))
        for name, data in _static_files().items():
            self.write(name, data)
        if s.toolbar_script and s.toolbar_script_exists:
            self.write(s.toolbar_script, _TOOLBAR_JS.encode("utf-8"))
        marker = {
            "name": s.key, "site_name": s.site_name, "as_of": self.as_of.isoformat(),
            "encoding": s.encoding, "declared_charset": s.declared_charset,
            "charset_in_header": s.header_charset, "security_headers": s.security_headers,
            "units": [{"name": c.name, "type": c.unit_type, "prefix": c.prefix} for c in s.channels],
            "notes": s.notes,
        }
        self.write("/" + MARKER, json.dumps(marker, ensure_ascii=False, indent=2).encode("utf-8"))

    # -- pieces --
    def item(self, article: Article, from_page: str | None) -> dict:
        href = article.path if from_page is None else rel(from_page, article.path)
        doc = article.doc
        return {"title": article.title, "href": href, "date": f"{article.published:%Y-%m-%d}",
                "doc_no": doc.doc_no if doc else "", "validity": article.validity_in_list,
                "message": article.message, "asked": article.published}

    def column_meta(self, column: Column) -> list:
        return self.site_meta() + [("ColumnName", column.name),
                                   ("ColumnType", column.column_type or column.name)]

    def crumbs(self, column: Column, from_page: str) -> list:
        channel = self.site.channel_of(column.path)
        chain = [(t, h) for t, h in channel.crumbs]
        chain += [(c.name, c.path) for c in self.site.ancestors(column)] + [(column.name, column.path)]
        return [(text, rel(from_page, href)) for text, href in chain]

    def side(self, column: Column, from_page: str) -> dict:
        """The left menu: the column's siblings (or sub-columns, for a hub)."""
        s = self.site
        if column.style == "hub":
            title, members = column.name, s.children(column)
        elif column.parent and column.parent in s.columns:
            parent = s.columns[column.parent]
            title, members = parent.name, s.children(parent)
        else:
            channel = s.channel_of(column.path)
            title = channel.name
            members = [c for c in s.columns.values()
                       if c.parent is None and s.channel_of(c.path) is channel]
        return {"side_title": title,
                "side_links": [(c.label, rel(from_page, c.path), c is column) for c in members]}


def _docx(attachment) -> bytes:
    """An attachment as a real Word file (python-docx): its paragraphs, then its tables."""
    document = docx.Document()
    for paragraph in [attachment.title, *attachment.paragraphs]:
        document.add_paragraph(paragraph)
    for rows in attachment.tables:
        table = document.add_table(rows=len(rows), cols=max(len(r) for r in rows))
        for cells, row in zip(rows, table.rows):
            for text, cell in zip(cells, row.cells):
                cell.text = str(text)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


# ---- static assets -------------------------------------------------------------------------------
def _png(width: int, height: int, rgb: tuple) -> bytes:
    """A tiny solid-colour PNG (no imaging library needed)."""
    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))

    def chunk(tag: bytes, data: bytes) -> bytes:
        body = tag + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


_CSS = """body{margin:0;font:14px/1.8 "Microsoft YaHei",SimSun,sans-serif;color:#333}
a{color:#333;text-decoration:none}a:hover{color:#c00}
.w1200{max-width:1200px;margin:0 auto}table[width="1000"]{width:100%;max-width:1000px}.clearfix:after{content:"";display:block;clear:both}
.top-bar{background:#f5f5f5;height:32px;line-height:32px}.top-left{float:left}.top-right{float:right}
.top-bar a{margin:0 6px}.logo-bar{height:110px}.logo{float:left;margin-top:20px}
.site-title{float:left;font-size:30px;color:#c00;margin:30px 0 0 16px}.search{float:right;margin-top:40px}
.nav{background:#c00}.nav ul{list-style:none;padding:0;margin:0 auto}
.nav li{float:left}.nav a{display:block;padding:0 26px;line-height:46px;color:#fff;font-size:17px}
.main{padding:16px 0}.location{padding:8px 0;border-bottom:1px solid #ddd;margin-bottom:12px}
.side{float:left;width:20%}.content{float:right;width:78%}
.side-menu h3{background:#c00;color:#fff;margin:0;padding:8px 16px}
.side-menu ul{list-style:none;margin:0;padding:0;border:1px solid #ddd}
.side-menu li{border-bottom:1px dashed #ddd;padding:6px 16px}.side-menu li.on a{color:#c00}
.list{list-style:none;padding:0;margin:0}.list li{line-height:36px;border-bottom:1px dashed #e5e5e5}
.list li span{float:right;color:#666}.no-data{padding:40px;text-align:center;color:#666}
.wj-table{border-collapse:collapse}.wj-table th,.wj-table td{border:1px solid #ddd;padding:6px}
.page{text-align:center;margin:20px 0}.page a,.page span{margin:0 4px}
.box,.hub-box{width:48%;float:left;margin:0 1% 20px}.box-title{border-bottom:2px solid #c00}
.box-title h2,.box-title h3{display:inline-block;margin:0}.more{float:right}
.links{list-style:none;padding:0}.links li{float:left;margin:6px 12px}
.xxgk-box{border:1px solid #ddd;background:#f9f9f9;padding:10px;margin-bottom:20px}
.xxgk-box ul{list-style:none;padding:0;margin:0}.xxgk-box li.half{float:left;width:50%}
.article-title{text-align:center;font-size:24px}.article-subtitle{text-align:center}
.article-info{text-align:center;color:#666;border-bottom:1px solid #ddd;padding-bottom:8px}
.article-info span{margin:0 10px}.article-content{font-size:16px;padding:20px 0}
.article-tools{text-align:right}.footer{background:#f1f1f1;border-top:3px solid #c00;padding:20px 0}
.footer-ident{float:right}.copyright{text-align:center;color:#666}.copyright span{margin:0 8px}
.error-box{max-width:600px;margin:80px auto;text-align:center}
body.elder{font-size:20px}
"""

_COMMON_JS = """/* common.js: font size buttons */
function setFont(size) {
  var zoom = document.getElementById("zoom");
  if (zoom) { zoom.style.fontSize = size + "px"; }
}
"""

_TOOLBAR_JS = """/* aria.js: accessibility / elder-mode toolbar (sample) */
(function () {
  function toggle(cls) { document.body.classList.toggle(cls); }
  document.addEventListener("DOMContentLoaded", function () {
    var wza = document.getElementById("barrierFreeBtn");
    var zlb = document.getElementById("cniil_zlb");
    if (wza) { wza.addEventListener("click", function () { toggle("aria-toolbar"); }); }
    if (zlb) { zlb.addEventListener("click", function () { toggle("elder"); }); }
    document.body.setAttribute("data-toolbar", "ready");
  });
})();
"""


def _pdf(text: str) -> bytes:
    """A one-page PDF showing text (ASCII; what a consultation's attachment stands for)."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (i, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _static_files() -> dict:
    return {
        "/images/style.css": _CSS.encode("utf-8"),
        "/js/common.js": _COMMON_JS.encode("utf-8"),
        "/images/logo.png": _png(64, 64, (204, 0, 0)),
        "/images/red.png": _png(55, 68, (204, 0, 0)),
        "/images/gaba.png": _png(20, 20, (230, 200, 120)),
        "/images/jiucuo.png": _png(110, 55, (200, 40, 40)),
        "/images/xhq-map.png": _png(120, 90, (150, 190, 150)),
        "/favicon.ico": _png(16, 16, (204, 0, 0)),
    }

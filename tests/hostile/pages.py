"""The hostile portal: a home page that looks like a 政府网站 and links, under the names the
rulebook looks for, to every kind of broken, huge, slow, looping and malicious page.

`portal()` -> routes for HostileServer; `offsite()` -> a second server's routes (redirect target).
Every page the portal serves is listed in HOSTILE_PATHS with what it does, so tests can say which
page they expect in what state.
"""
from __future__ import annotations

import functools
import struct
import zlib

from tests.hostile import drip, flaky, not_found, redirect, reset, respond, send, sleep_then, stream, truncated

# Strings that must never run or compute anywhere zwgk shows them.
SCRIPT = "<script>window.__pwned=1</script>"
IMG = "<img src=x onerror='window.__pwned=2'>"
SVG = "<svg onload='window.__pwned=3'></svg>"
FORMULAS = ("=HYPERLINK(\"http://evil.invalid\",\"点击\")", "+1+1", "-2+3", "@SUM(1,1)")
INJECT_TITLE = f"{SCRIPT}{IMG}江门市恶意测试门户"
BIG_BYTES = 50 * 1024 * 1024
BOMB_BYTES = 400 * 1024 * 1024         # decompressed size of the gzip bomb
MANY_LINKS = 100_000

_HEAD = ('<html><head><meta charset="utf-8"><title>{title}</title>{meta}</head>'
         '<body>{body}</body></html>')


def html(title: str, body: str = "", meta: str = "") -> str:
    return _HEAD.format(title=title, body=body, meta=meta)


def links(*pairs) -> str:
    return "".join(f'<a href="{h}">{t}</a>\n' for t, h in pairs)


@functools.lru_cache(maxsize=1)
def gzip_bomb() -> bytes:
    """BOMB_BYTES of spaces gzip-compressed, about 0.4 MB on the wire, built in milliseconds.

    After a full flush deflate starts afresh, so every further 1 MB block compresses to the same
    bytes: repeat them, then close the stream by hand (an empty final block, CRC-32, size)."""
    block = b" " * (1024 * 1024)
    n = BOMB_BYTES // len(block)
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)
    first = comp.compress(block) + comp.flush(zlib.Z_FULL_FLUSH)
    again = comp.compress(block) + comp.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(n):
        crc = zlib.crc32(block, crc)
    return first + again * (n - 1) + b"\x03\x00" + struct.pack("<II", crc, BOMB_BYTES & 0xFFFFFFFF)


def _bomb(req):
    send(req, gzip_bomb(), headers={"Content-Encoding": "gzip"})


def _big(declare_length: bool):
    chunk = ("<p>" + "大" * 20000 + "</p>\n").encode("utf-8") * 16
    return lambda req: stream(req, BIG_BYTES, chunk, declare_length)


def _calendar(req):
    """An endless calendar: every month links to the next and previous one."""
    y, m = int(req.query.get("y", 2022)), int(req.query.get("m", 1))
    nxt = (y + (m == 12), m % 12 + 1)
    prv = (y - (m == 1), (m - 2) % 12 + 1)
    days = "".join(f'<a href="/cal/?y={y}&m={m}&d={d}">{d}</a>' for d in range(1, 29))
    send(req, html(f"{y}年{m}月 活动日历", links(("下个月", f"/cal/?y={nxt[0]}&m={nxt[1]}"),
                                                  ("上个月", f"/cal/?y={prv[0]}&m={prv[1]}")) + days).encode())


def _session(req):
    """Every answer links back to itself with a new session id and a new tracking parameter."""
    n = int(req.query.get("n", 0))
    send(req, html("会话", links(("刷新", f"/session/list.jsp;jsessionid=S{n + 1}?n={n + 1}&view={n % 7}"),
                                 ("下一页", f"/session/list.jsp?n={n + 1}&sid={n * 7919}"))).encode())


def _deeper(req):
    """/deep/1/2/3/... each level links one deeper, every segment different."""
    path = req.path.split("?", 1)[0].rstrip("/")
    level = len(path.split("/")) - 2
    send(req, html(f"第{level}层", links(("更深", f"{path}/{level + 1}/"), ("更深2", f"{path}/x{level + 1}.html"))).encode())


def _explode(req):
    """Query-string explosion: every filter combination links to more combinations."""
    a, b = int(req.query.get("a", 0)), int(req.query.get("b", 0))
    pairs = [(f"筛选{i}{j}", f"/search/?a={a + i}&b={b + j}&sort={i}") for i in range(4) for j in range(4)]
    send(req, html("检索", links(*pairs)).encode())


def _many_links(req):
    body = "".join(f'<a href="/many/{i}.html">链接{i}</a>' for i in range(MANY_LINKS))
    send(req, html("十万链接", body).encode())


_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n")
_DOC = bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 2000            # OLE2 header of a .doc
_PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452") + bytes(range(256)) * 8
_MIXED = (html("混合编码 江门", "<p>" + "江门市人民政府办公室关于印发政务公开工作要点的通知。" * 4 + "</p>").encode("utf-8")[:-14] +
          "<p>这一段是GBK编码的</p>".encode("gbk") + b"</body></html>")
_GBK_BODY = "<p>江门市人民政府 朱镕基 王堃 政务公开 通知公告</p>"

# path -> (handler, what it is). Linked from the home page under the given anchor text.
HOSTILE = {
    "/gbk-as-utf8.html": ("政务公开", respond(html("GBK页面 朱镕基", _GBK_BODY).replace('charset="utf-8"', "").encode("gbk"),
                                           ctype="text/html; charset=utf-8")),
    "/utf8-as-gbk.html": ("通知公告", respond(html("UTF8页面 王堃", _GBK_BODY).replace(
        '<meta charset="utf-8">', '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">').encode("utf-8"),
        ctype="text/html; charset=gbk")),
    "/mixed.html": ("政策解读", respond(_MIXED)),
    "/bom.html": ("工作动态", respond(b"\xef\xbb\xbf" + html("BOM页面 江门", _GBK_BODY).replace(
        'charset="utf-8"', 'charset="gbk"').encode("utf-8"), ctype="text/html; charset=gbk")),
    "/utf16.html": ("部门动态", respond(b"\xff\xfe" + html("UTF16页面", _GBK_BODY).encode("utf-16-le"),
                                    ctype="text/html")),
    "/malformed.html": ("法规文件", respond("<html><head><title>坏页面</head><body><table><tr><td><div><p><a href='/gbk-as-utf8.html'>"
                                          "政务公开<b><i></table></html><<<>>\x00\x01 <a href= <td " + "<div>" * 5000)),
    "/truncated.html": ("规范性文件", lambda req: truncated(req, html("被截断的页面", "<p>开始").encode()[:-20], 100_000)),
    "/empty.html": ("营商环境", respond(b"")),
    "/big.html": ("稳经济", _big(True)),
    "/big-stream.html": ("粤港澳大湾区", _big(False)),
    "/bomb.html": ("政府信息公开年报", _bomb),
    "/loop/a.html": ("循环跳转", redirect(lambda req: "/loop/b.html")),
    "/loop/b.html": ("", redirect(lambda req: "/loop/a.html")),
    "/loop/inc.html": ("无限跳转", redirect(lambda req: f"/loop/inc.html?i={int(req.query.get('i', 0)) + 1}", 301)),
    "/slow.html": ("依申请公开", sleep_then(6, respond(html("慢页面")))),
    "/drip.html": ("政策问答", drip),
    "/flaky503.html": ("新闻发布", flaky(2, 503, respond(html("第三次才成功", "<p>恢复</p>")))),
    "/always502.html": ("政府公报", flaky(10 ** 6, 502, not_found)),
    "/always500.html": ("政府文件", flaky(10 ** 6, 500, not_found)),
    "/reset.html": ("基层政务公开标准目录", reset),
    "/report.html": ("法治政府建设年度报告", respond(_PDF, ctype="text/html")),
    "/doc.htm": ("统计数据", respond(_DOC, ctype="text/html; charset=utf-8")),
    "/image.html": ("图片新闻", respond(_PNG, ctype="text/html")),
    "/binary.shtml": ("下载专区", respond(bytes(range(256)) * 40, ctype="application/octet-stream")),
    "/many.html": ("网站地图", _many_links),
    "/soft404.html": ("乡村振兴", respond(html("页面不存在" + SCRIPT, "<h1>抱歉，您访问的页面不存在或已被删除！</h1>"))),
    "/inject.html": (f"人事信息{IMG}", respond(html(INJECT_TITLE, links(*((f, f"/f{i}.html") for i, f in enumerate(FORMULAS))),
                                                   meta=f'<meta name="ColumnName" content="{FORMULAS[0]}">'))),
}


def _home(offsite_url: str) -> str:
    pairs = [(text, path) for path, (text, _) in HOSTILE.items() if text]
    pairs += [("离站跳转", "/away.html"), ("外部链接", offsite_url + "landing.html")]
    pairs += [(f, f"/f{i}.html") for i, f in enumerate(FORMULAS)]
    meta = (f'<meta name="SiteName" content="{SCRIPT}江门恶意门户">'
            f'<meta name="SiteIDCode" content="{IMG}4407000001">'
            f'<meta name="ColumnName" content="{FORMULAS[0]}">'
            f'<meta name="PubDate" content="{SVG}2022-08-01">')
    nav = f'<div class="nav">{links(*pairs[:12])}</div>'
    body = nav + f"<h1>{SCRIPT}</h1><div class='main'>{links(*pairs[12:])}</div>"
    body += f"<div class='footer'>主办：{IMG} 网站标识码 4407000001</div>"
    return html(INJECT_TITLE, body, meta)


def portal(offsite_url: str) -> dict:
    routes = {path: handler for path, (_, handler) in HOSTILE.items()}
    home = respond(_home(offsite_url))
    routes.update({
        "/": home, "/index.html": home,
        "/robots.txt": respond("User-agent: *\nDisallow: /private/\n", ctype="text/plain"),
        "/away.html": redirect(lambda req: offsite_url + "moved.html", 301),
        "/many/*": respond(html("链接页")),
        **{f"/f{i}.html": respond(html(f, "<p>公式</p>")) for i, f in enumerate(FORMULAS)},
    })
    return routes


TRAPS = {"/cal/": ("活动日历", _calendar), "/session/list.jsp": ("会话列表", _session),
         "/deep/": ("层层深入", _deeper), "/search/": ("信息检索", _explode)}


def traps() -> dict:
    """A small portal of crawler traps: endless calendar, session ids, ever-deeper paths,
    query-string explosion, self-nesting relative links."""
    routes = {path: handler for path, (_, handler) in TRAPS.items()}
    routes.update({"/deep/*": _deeper, "/session/*": _session})
    nest = respond(html("循环", '<a href="a/">更深</a>'))
    routes.update({"/": respond(html("江门市陷阱门户", links(*((t, p) for p, (t, _) in TRAPS.items()),
                                                        ("相对链接", "/a/"), ("新闻", "/news.html")))),
                   "/a/*": nest, "/news.html": respond(html("新闻"))})
    return routes


def injection_portal() -> dict:
    """A small portal whose every text is an attack: titles, link texts, metadata, a soft 404
    whose title (quoted as evidence) carries a script."""
    home = _home("http://127.0.0.1:9/")
    routes = {"/": respond(home), "/inject.html": HOSTILE["/inject.html"][1],
              "/soft404.html": HOSTILE["/soft404.html"][1],
              **{f"/f{i}.html": respond(html(f, "<p>公式</p>")) for i, f in enumerate(FORMULAS)}}
    return routes


def offsite() -> dict:
    """The other site /away.html redirects to: it links onwards, which must never be followed."""
    page = respond(html("别的网站", links(("更多", "/more.html"), ("再多", "/evenmore.html"))))
    return {"/moved.html": page, "/landing.html": page, "/more.html": page, "/evenmore.html": page}


# Portals whose home page itself cannot be seen: every rule must say unknown, none may fail.
def blind_homes() -> dict:
    """name -> routes of a portal whose start page zwgk cannot read."""
    return {
        "robots-all": {"/robots.txt": respond("User-agent: *\nDisallow: /\n", ctype="text/plain"),
                       "/": respond(html("江门市人民政府", links(("政务公开", "/zwgk/"))))},
        "home-503": {"/": flaky(10 ** 6, 503, not_found)},
        "home-reset": {"/": reset},
        "home-slow": {"/": sleep_then(6, respond(html("慢")))},
        "home-loop": {"/": redirect(lambda req: "/again.html"), "/again.html": redirect(lambda req: "/")},
        "home-bomb": {"/": _bomb},
        "home-big": {"/": _big(False)},
        "home-pdf": {"/": respond(_PDF, ctype="text/html")},
        "home-empty": {"/": respond(b"")},
        "home-truncated": {"/": lambda req: truncated(req, b"<html><head><title>\xe6\xb1\x9f", 50_000)},
    }

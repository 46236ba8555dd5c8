"""annual_report_similarity — annual reports of different units are not near-copies (雷同).

What it checks: the 政府信息公开工作年度报告 of the year judged at the audit date (years as in
report_deadline), compared pairwise after everything the format makes alike is taken out — the
template's headings, table labels and stock sentences, every number and date, and the units'
names — as sets of `shingle`-character pieces (Jaccard similarity). A pair at or above
`threshold` is flagged (`verdict`, `warn` by default) with both reports and the similarity. The
pool is what this unit answers for as 主管部门: every report of that year listed on its own site
(a county's column carries its departments' and towns' reports), compared with each other and
with the other audited units' own reports (ctx.extras["peers"]); for the unit types in
`compare_peers_for` (the city portal, whose office supervises the whole city) the other units'
reports are also compared with each other. The same report republished under two URLs (same
title, same text) is not a copy.

Why it matters: item 10 names 发布内容雷同 among the failings the 主管部门 must stop; a report
copied from another unit with the names changed reports nothing about the unit.

Pass: 12 reports compared, the closest pair 31% alike.
Warn: 《新会区司法局2022年…》 and 《新会区民政局2022年…》 are 94% alike beyond the template.
Not applicable: a single-unit check (zwgk check) of a site listing only its own report: there is
nothing to compare with.
Unknown: reports were found but none could be read, or all are too short to compare.

References: 江府办〔2022〕7号 item 10; 国办公开办函〔2021〕30号 (the template taken out).
"""
from __future__ import annotations

from zwgk.checks.model import Finding, Needs
from zwgk.checks.parsers import annual_report as ar
from zwgk.page.text import norm

ID = "annual_report_similarity"
NEEDS = Needs(crawl="documents", peers=True)
PARAMS = {
    **ar.FIND_PARAMS,
    "threshold": {"type": "float", "default": 0.8},
    "min_chars": {"type": "int", "default": 150},
    "shingle": {"type": "int", "default": 5},
    "verdict": {"type": "str", "default": "warn", "choices": ["warn", "fail"]},
    "compare_peers_for": {"type": "list[str]", "default": ["city-portal"]},
    "max_reports": {"type": "int", "default": 200},
}
validate_params = ar.validate_params


class _Entry:
    def __init__(self, site, report, unit_name, text, mine):
        self.site, self.report, self.unit_name, self.text, self.mine = site, report, unit_name, text, mine


def _where(entry) -> str:
    return "本站" if entry.mine else f"{entry.unit_name}网站"


def _entries(site, spec, unit, year, mine, own_only):
    search = ar.find_reports(site, spec, unit)
    reports = search.for_year(year)[0] if own_only else [r for r in search.reports if r.year == year]
    out, unreadable = [], []
    for report in reports:
        content = ar.parse_content(site, report, spec)
        if content.problem:
            unreadable.append((report, content.problem))
            continue
        names = ar.unit_names(site, unit) + [report.issuer]
        out.append(_Entry(site, report, unit.get("name", ""), ar.residual_text(content, names), mine))
    return out, unreadable


def check(site, params, ctx):
    spec = ar.ReportSpec.from_params(params)
    unit = {**(site.unit or {}), **(ctx.unit or {})}
    years = spec.years(unit, ctx.as_of)
    if years is None:
        yield Finding("unknown", f"规则未给出“{unit.get('type', '')}”类单位的年报发布期限，无法确定比较的年度",
                      url=site.start_url)
        return
    year = years[0]
    mine, unreadable = _entries(site, spec, unit, year, True, own_only=False)
    # Units may carry a peer_group (a region, a demo's twin set): reports are compared within it.
    group = (ctx.unit or {}).get("peer_group")
    peers = {n: s for n, s in ((ctx.extras or {}).get("peers") or {}).items()
             if s is not site and (group is None or (s.unit or {}).get("peer_group") == group)}
    theirs = []
    for name, peer in peers.items():
        peer_unit = {**(peer.unit or {}), "name": (peer.unit or {}).get("name") or name}
        got, bad = _entries(peer, spec, peer_unit, year, False, own_only=True)
        theirs.extend(got)
        unreadable.extend(bad)
    entries = (mine + theirs)[:params["max_reports"]]
    short = [e for e in entries if len(e.text) < params["min_chars"]]
    entries = [e for e in entries if len(e.text) >= params["min_chars"]]
    if not peers and len(mine) + len(short) < 2:
        yield Finding("not_applicable", f"单独检查本单位，站内只有 {len(mine) + len(short)} 份{year}年度报告，"
                                        "没有其他单位的报告可比较（雷同检查在全市巡检 zwgk audit 中进行）",
                      url=site.start_url)
        return
    shingles = {id(e): ar.shingles(e.text, params["shingle"]) for e in entries}
    compare_all = unit.get("type") in params["compare_peers_for"]
    pairs, flagged, best = 0, [], None
    for i, a in enumerate(entries):
        for b in entries[i + 1:]:
            if not (a.mine or b.mine or compare_all):
                continue
            if a.report.url == b.report.url:
                continue
            if norm(a.report.title) == norm(b.report.title) and a.text == b.text:
                continue          # one report published in two places
            pairs += 1
            sim = ar.similarity(shingles[id(a)], shingles[id(b)])
            if best is None or sim > best[0]:
                best = (sim, a, b)
            if sim >= params["threshold"]:
                flagged.append((sim, a, b))
    notes = []
    if short:
        notes.append(f"{len(short)} 份报告去掉模板后正文过短（不足 {params['min_chars']} 字），未参与比较："
                     + "；".join(f"《{e.report.title}》" for e in short[:3]))
    if unreadable:
        notes.append(f"{len(unreadable)} 份报告无法读取：" + "；".join(f"《{r.title}》（{why}）" for r, why in unreadable[:3]))
    for sim, a, b in sorted(flagged, key=lambda x: -x[0]):
        yield Finding(params["verdict"],
                      f"{year}年度报告雷同：《{a.report.title}》与《{b.report.title}》去除模板文字、数字和单位名称后相似度 "
                      f"{sim:.0%}（阈值 {params['threshold']:.0%}）",
                      url=(a if a.mine else b).report.url,
                      evidence=f"{a.report.url}（{_where(a)}）↔ {b.report.url}（{_where(b)}）")
    if flagged:
        return
    if pairs == 0:
        yield Finding("unknown", f"没有可比较的{year}年度报告（{'；'.join(notes) or '未找到报告'}）", url=site.start_url)
        return
    sim, a, b = best
    yield Finding("pass", f"比较了 {pairs} 对{year}年度报告，未发现雷同（最相似的一对 {sim:.0%}：《{a.report.title}》与"
                          f"《{b.report.title}》）", url=site.start_url, evidence="；".join(notes))

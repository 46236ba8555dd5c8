"""map_review_number (item 44): the 审图号 forms maps are published with, and no real page's
images taken for maps. Fixture cases (a planning map with no number among decoys, numbers in
captions and page text, decoys only, a thin crawl) in tests/fixtures/checks/map_review_number/;
the county sample portal's 行政区划图 runs end to end in tests/test_e2e_check.py."""
import pytest

from tests.contentkit import case_statuses, run
from tests.corpuskit import real_pages
from tests.sitekit import snapshot
from zwgk.checks import map_review_number as check
from zwgk.checks.site import Site

DEFAULTS = {k: v["default"] for k, v in check.PARAMS.items()}


def test_fixture_cases_cover_pass_warn_and_unknown():
    assert {"pass", "warn", "unknown"} <= case_statuses("map_review_number")


@pytest.mark.parametrize("text,number", [
    ("审图号：GS(2019)1822号", "GS(2019)1822号"),
    ("审图号：GS（2019）1822号", "GS(2019)1822号"),                   # full-width brackets
    ("ＧＳ（２０１６）２９２３号", "GS(2016)2923号"),                   # full-width letters and digits
    ("北京市地图 GS京(2022)1061号", "GS京(2022)1061号"),
    ("粤S(2021)012号", "粤S(2021)012号"),
    ("粤S〔2020〕01-022号", "粤S〔2020〕01-022号"),
    ("浙 S (2019) 45 号", "浙 S (2019) 45 号"),
    ("审图号：粤S（2023）012号", "粤S(2023)012号"),
])
def test_review_numbers_as_maps_carry_them(text, number):
    assert check.review_number(text) == number


@pytest.mark.parametrize("text", [
    "粤府〔2021〕12号",                 # a 文号 of the province: no S
    "江府办〔2022〕7号",
    "国办秘函〔2019〕19号",
    "GS1822",                            # no year
    "审图工作由市自然资源局负责",          # the word, no number
    "地图审核管理规定第六条",
])
def test_other_numbers_are_not_review_numbers(text):
    assert check.review_number(text) == ""


def test_no_image_of_the_real_pages_is_taken_for_a_map():
    """27 real HTML pages, 350-odd images (logos, 站点地图 links, photos, QR codes, banners): none is
    called a map, so none may draw a warn."""
    pages = real_pages()
    images = 0
    for path, markup in pages:
        url = f"http://real.test/{path.name}"
        page = snapshot(url, markup)
        doc = Site(url, [page]).doc(page)
        images += len(list(doc.iter("img")))
        assert list(check._maps_on(page, doc, DEFAULTS)) == [], path
    assert len(pages) >= 25 and images >= 300, (len(pages), images)


def test_a_map_used_on_several_pages_is_one_finding_naming_them():
    home = "http://www.x.gov.cn/"
    figure = '<p><img src="/u/map.jpg" alt="某某县地图"></p><p>某某县地图</p>'
    pages = [snapshot(home, f'<html><body><a href="/a.html">甲</a><a href="/b.html">乙</a>{figure}</body></html>')]
    pages += [snapshot(f"{home}{n}.html", f"<html><body><h1>{n}</h1>{figure}</body></html>", depth=1)
              for n in ("a", "b")]
    result = run("map_review_number", Site(home, pages))
    [finding] = result.findings
    assert result.status == "warn" and finding.url == home and "等 3 个页面" in finding.evidence
    assert "http://www.x.gov.cn/u/map.jpg" in finding.evidence


def test_the_decoys_beside_the_unnumbered_map_draw_nothing():
    """The warn case's page also holds a 公交线路图, a 平面图, a 地图 button to the site map and a
    map-service icon: only the planning map is a finding."""
    import yaml

    from tests.test_check_fixtures import ROOT, build_site
    case = ROOT / "map_review_number" / "warn-map-without-number"
    result = run("map_review_number", build_site(case, yaml.safe_load((case / "expect.yaml").read_text("utf-8"))))
    assert [f.evidence.split("，")[0] for f in result.findings] == ["图片 http://fixture.test/uploads/W020230512381.jpg"]


def test_lazy_loaded_maps_are_told_apart_by_their_real_address():
    home = "http://www.x.gov.cn/"
    body = "".join(f'<p><img src="/images/loading.gif" data-original="/u/{n}.jpg" alt="{n}镇地图"></p>'
                   for n in ("甲", "乙"))
    result = run("map_review_number", Site(home, [snapshot(home, f"<html><body>{body}</body></html>")]))
    assert sorted(f.evidence.split("，")[0] for f in result.findings) == [
        "图片 http://www.x.gov.cn/u/乙.jpg", "图片 http://www.x.gov.cn/u/甲.jpg"]

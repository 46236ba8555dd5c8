"""policy_interpretation_linked (item 26, 三同步). Fixture cases in
tests/fixtures/checks/policy_interpretation_linked/."""
from tests.contentkit import case_statuses, run
from tests.sitekit import snapshot
from zwgk.checks.policy_interpretation_linked import core_title
from zwgk.checks.site import Site

HOME = "http://x.gov.cn/"
PARAMS = {"names": ["规范性文件"], "list_names": ["政策解读"], "min_documents": 3}
TITLES = ["关于印发新会区村级工程建设项目管理办法的通知", "关于印发新会区政府投资项目管理办法的通知",
          "关于印发新会区扶持陈皮产业发展若干措施的通知", "关于废止新会区征地补偿办法的通知"]


def _site(doc_extra, rows=TITLES, status="有效", extra=()):
    urls = [f"http://x.gov.cn/gfxwj/t2023020{i + 1}_{i}.html" for i in range(len(rows))]
    lst = "".join(f'<tr><td><a href="{u}">{t}</a></td><td>2023-02-0{i + 1}</td><td>{status}</td></tr>'
                  for i, (u, t) in enumerate(zip(urls, rows)))
    snaps = [snapshot(HOME, '<html><body><a href="/gfxwj/">规范性文件</a></body></html>'),
             snapshot("http://x.gov.cn/gfxwj/", f"<html><body><table><tr><th>标题</th><th>发布日期</th><th>有效性</th></tr>"
                      f"{lst}</table></body></html>", depth=1)]
    snaps += [snapshot(u, f"<html><head><title>{t}</title></head><body><h1>{t}</h1>{doc_extra}</body></html>", depth=2)
              for u, t in zip(urls, rows)]
    return Site(HOME, snaps + list(extra))


def test_fixture_cases_cover_pass_fail_warn_unknown():
    assert {"pass", "fail", "warn", "unknown"} <= case_statuses("policy_interpretation_linked")


def test_core_title():
    assert core_title("江门市新会区人民政府关于印发新会区村级工程建设项目管理办法的通知") == "新会区村级工程建设项目管理办法"
    assert core_title("关于《新会区征地补偿办法》的解读") == "新会区征地补偿办法"


def test_a_template_link_to_the_interpretation_column_is_not_an_interpretation():
    generic = '<div class="side"><a href="/zcjd/">政策解读</a></div>'
    # the 政策解读 list linked by the template was not fetched: a missing link cannot be told apart
    assert run("policy_interpretation_linked", _site(generic), PARAMS).status == "unknown"
    interp = snapshot("http://x.gov.cn/zcjd/", '<html><body><ul><li><a href="/zcjd/t20230101_8.html">'
                      '一图读懂新会区养老服务补贴政策</a><span>2023-01-01</span></li></ul></body></html>', depth=3)
    result = run("policy_interpretation_linked", _site(generic, extra=[interp]), PARAMS)
    assert result.status == "fail" and "3 个文件中 3 个" in result.findings[0].message   # the 废止 notice is exempt


def test_a_specific_interpretation_link_counts_even_with_generic_text():
    link = '<p>相关解读：<a href="/zcjd/202302/t20230203_9.html">【图解】</a></p>'
    assert run("policy_interpretation_linked", _site(link), PARAMS).status == "pass"


def test_documents_listed_as_repealed_need_no_interpretation():
    result = run("policy_interpretation_linked", _site("", rows=TITLES[:3], status="已废止"), PARAMS)
    assert result.status == "unknown"            # nothing left to judge


def test_fail_without_an_interpretation_list_only_when_the_rulebook_says_so():
    assert run("policy_interpretation_linked", _site(""), PARAMS).status == "warn"
    strict = {**PARAMS, "fail_without_interpretation_list": True}
    assert run("policy_interpretation_linked", _site(""), strict).status == "fail"

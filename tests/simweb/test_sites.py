"""Each site family serves its reports where the manifest says, reachable the way real portals link them."""

import json
import re

import pytest

from nianbao.simweb.layouts import FAMILIES
from tests.simweb.crawl import crawl, decode
from tests.simweb.http import get

pytestmark = pytest.mark.integration


def _agency_of_family(web, family):
    return next(a for a in web.world.agencies if a.family == family and "timeouts" not in a.faults)


def _own_urls(web, agency_id):
    return {u["url"] for r in web.manifest["reports"] if r["agency"] == agency_id for u in r["urls"] if not u["repost"]}


@pytest.mark.parametrize("family", FAMILIES)
def test_every_report_url_is_reachable_from_the_start_urls(web, family):
    agency = _agency_of_family(web, family)
    entry = next(e for e in web.registry["agencies"] if e["id"] == agency.id)
    seen = crawl(entry["start_urls"], entry.get("hints"))
    expected = _own_urls(web, agency.id)
    assert expected, f"{agency.id} has no reports in the manifest"
    assert expected <= set(seen), f"unreached: {sorted(expected - set(seen))}"
    assert all(seen[url] == 200 for url in expected)


def test_trs_listing_announces_its_pages_with_create_page_html(web):
    agency = _agency_of_family(web, "trs")
    answer = get(web.start_urls(agency.id)[0])
    pages, current = map(
        int, re.search(r"createPageHTML\((\d+), (\d+), \"index\", \"html\"\)", answer.body.decode()).groups()
    )
    assert current == 0 and pages >= 2
    last = web.start_urls(agency.id)[0].replace("index.html", f"index_{pages - 1}.html")
    assert get(last).status == 200
    assert re.search(r'href="\./\d{6}/t\d{8}_\d+\.html"', answer.body.decode())


def test_jcms_detail_urls_and_page_numbers(web):
    agency = _agency_of_family(web, "jcms")
    urls = _own_urls(web, agency.id)
    assert any(re.search(r"/art/\d{4}/\d{1,2}/\d{1,2}/art_\d+_\d+\.html$", u) for u in urls)
    body = get(web.start_urls(agency.id)[0]).body.decode()
    assert "?pageNo=2" in body


def test_platform_pages_are_addressed_by_query(web):
    agency = _agency_of_family(web, "platform")
    pages = [u for u in _own_urls(web, agency.id) if "fbtime=" in u]
    assert pages and all(f"area={agency.region_code}&fbtime=" in u for u in pages)
    assert get(pages[0]).status == 200


def test_json_api_listing_names_its_endpoint_and_the_registry_hints_it(web):
    agency = _agency_of_family(web, "jsonapi")
    entry = next(e for e in web.registry["agencies"] if e["id"] == agency.id)
    template = entry["hints"]["api"]
    assert "{page}" in template
    body = get(web.start_urls(agency.id)[0]).body.decode()
    assert template.split("//", 1)[1].split("/", 1)[1].split("?")[0] in body
    static = set(re.findall(r'href="([^"]+)"', body))
    api_only = {u for u in _own_urls(web, agency.id) if u.endswith(".html")} - {
        web.base_url(agency.id) + s for s in static
    }
    # Seven report years do not fit on the static first page: the rest exist only through the API.
    assert len(web.world.reports_of(agency.id)) > 6
    assert api_only
    pages = json.loads(get(template.format(page=1)).body)["pages"]
    listed = {
        item["url"] for n in range(2, pages + 1) for item in json.loads(get(template.format(page=n)).body)["data"]
    }
    assert {u.replace(web.base_url(agency.id), "") for u in api_only} <= listed


def test_gb2312_site_sends_no_charset_header(web):
    agency = _agency_of_family(web, "gb2312")
    answer = get(web.start_urls(agency.id)[0])
    assert answer.headers["content-type"] == "text/html"
    text = answer.body.decode("gb18030")
    assert agency.name in text
    with pytest.raises(UnicodeDecodeError):
        answer.body.decode("utf-8")


def test_parent_portal_reposts_department_reports_with_the_same_content(web):
    reposted = [(r, u) for r in web.manifest["reports"] for u in r["urls"] if u["repost"] and r["template"] != "legacy"]
    assert reposted
    report, url = reposted[0]
    agency = web.world.agency(report["agency"])
    parent = web.world.agency(agency.parent)
    assert url["url"].startswith(web.base_url(parent.id))
    body = get(url["url"]).body.decode()
    assert report["title"] in body
    received = report["figures"]["applications"]["new_received"]["total"]
    assert f"全年共收到政府信息公开申请{received}件" in body
    assert url["url"].replace(web.base_url(parent.id), "") in get(web.start_urls(parent.id)[1]).body.decode()


@pytest.mark.parametrize("embed", ["iframe", "onclick", "embed", "object"])
def test_pdfs_hide_behind_viewers_onclick_embed_and_object(web, embed):
    reports = [
        r for r in web.world.reports.values() if r.embed == embed and "pdf" in r.renderings and not r.page_faults
    ]
    if not reports:
        pytest.fail(f"seed 3 should place a PDF behind {embed}; pick another seed")
    report = reports[0]
    page = web.world.origin(web.world.agency(report.agency).host) + web.world.page_path(report)
    answer = get(page)
    body = decode(answer.body, answer.headers["content-type"])
    pdf = web.world.attachment_path(report, "pdf")
    marker = {
        "iframe": f"/viewer.html?file={pdf}",
        "onclick": "window.open('",
        "embed": "<embed src=",
        "object": "<object data=",
    }
    assert marker[embed] in body
    if embed == "iframe":
        assert get(web.world.origin(web.world.agency(report.agency).host) + marker[embed]).status == 200


def test_non_reports_sit_in_the_report_column(web):
    non_reports = web.manifest["non_reports"]
    assert any("工作要点" in n["title"] for n in non_reports)
    sample = non_reports[0]
    assert get(sample["url"]).status == 200
    report_urls = {u["url"] for r in web.manifest["reports"] for u in r["urls"]}
    assert not {n["url"] for n in non_reports} & report_urls


@pytest.mark.parametrize("quirk", ["scrambled", "year_split", "page_title_only"])
def test_title_quirks_show_on_the_page_as_the_manifest_says(web, quirk):
    report = next(r for r in web.manifest["reports"] if r["title_quirk"] == quirk)
    page = report["urls"][0]["url"]
    answer = get(page)
    while answer.status == 500:  # the report may carry the transient-error fault
        answer = get(page)
    text = decode(answer.body, answer.headers["content-type"])
    heading = re.search(r'<h2 class="title">([^<]*)</h2>', text)
    title_tag = re.search(r"<title>([^<]*)</title>", text).group(1)
    assert title_tag.startswith(report["title"])
    if quirk == "page_title_only":
        assert heading is None and report["shown_title"] == ""
        assert report["title"] in text.split('<div class="crumbs">', 1)[1].split("</div>", 1)[0]
    else:
        assert heading.group(1) == report["shown_title"] != report["title"]
    if quirk == "year_split":
        assert str(report["year"]) not in report["shown_title"]
        assert f"（{report['year']}年度）" in text


def test_manifest_names_each_sites_family_and_faults(web):
    sites = {s["agency"]: s for s in web.manifest["sites"]}
    assert set(sites) == {a["id"] for a in web.registry["agencies"]}
    for agency in web.world.agencies:
        assert sites[agency.id]["family"] == agency.family and sites[agency.id]["host"] == agency.host
        assert sites[agency.id]["faults"] == sorted(agency.faults)


def test_trs_listing_cuts_long_titles_and_keeps_them_whole_in_the_title_attribute(web):
    for agency in (a for a in web.world.agencies if a.family == "trs"):
        layout = web.world.layout(agency)
        for n in range(3):
            answer = get(web.base_url(agency.id) + layout.listing(n))
            for full, shown in re.findall(r'title="([^"]+)">([^<]+)</a>', answer.body.decode()):
                if len(full) > 26:
                    assert shown == full[:24] + "..."
                    return
                assert shown == full
    pytest.fail("no TRS listing in seed 3 shows a title longer than 26 characters")

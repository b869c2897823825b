"""Which captures are the same report: pages, attachments, variants, and reposts on a parent portal."""

from __future__ import annotations

import dataclasses

from nianbao import archive
from nianbao.archive import reports as shelves
from nianbao.flows.identity import Document, Identifier, document_text, minhash
from nianbao.flows.versioning import ingest, link_copies
from tests.archive.reports_fixtures import TEXT, capture, record

NAMES = {"sthjj": "某某市生态环境局", "city": "某某市人民政府", "jyj": "某某市教育局"}
DEPT_URL = "https://sthjj.example.gov.cn/zfxxgk/ndbg/2024.html"
PORTAL_URL = "https://www.example.gov.cn/zwgk/bmndbg/sthjj-2024.html"


def _anonymous_repost():
    """The department's report as a parent portal reposts it: no issuing body in the title, portal furniture."""
    original = record()
    return dataclasses.replace(
        original,
        agency=None,
        title="2024年政府信息公开工作年度报告",
        sections=(
            dataclasses.replace(
                original.sections[0],
                text="当前位置：首页 > 政务公开\n浏览次数：77\n" + TEXT + "\n版权所有：某某市人民政府",
            ),
        ),
    )


def test_repost_on_parent_portal_is_linked_to_the_department_report(tmp_path) -> None:
    store = archive.connect(str(tmp_path))
    dept_page = capture("sthjj", DEPT_URL, "2025-01-21T00:00:00Z")
    ingest(store, "sthjj", 2024, record(), [(dept_page, "page")], "2025-01-21T00:00:00Z")

    identifier = Identifier(NAMES)
    identifier.remember("sthjj", 2024, record())  # known from the archive
    repost = Document(capture("city", PORTAL_URL, "2025-02-01T00:00:00Z", b"portal"), _anonymous_repost())
    [group] = identifier.group([repost]).groups
    assert (group.agency, group.year, group.has_original) == ("sthjj", 2024, False)
    assert [role for _, role in group.members] == ["repost"]

    result = link_copies(store, group.agency, group.year, group.captures(), "2025-02-01T00:00:00Z")
    assert (result.kind, result.version) == ("linked", 1)
    [observation] = shelves.iter_observations(store.store, "sthjj", 2024)
    assert [(link.agency, link.url, link.role) for link in observation.captures] == [("city", PORTAL_URL, "repost")]
    assert shelves.report_ids(store.store) == [("sthjj", 2024)], "the repost is not a report of its own"


def test_repost_naming_its_body_is_linked_by_name_in_one_batch() -> None:
    own = Document(capture("sthjj", DEPT_URL, "2025-01-21T00:00:00Z"), record())
    named_repost = Document(capture("city", PORTAL_URL, "2025-01-22T00:00:00Z"), record())
    city_own = Document(
        capture("city", "https://www.example.gov.cn/ndbg/2024.html", "2025-01-22T00:00:00Z"),
        record(
            "某某市人民政府", text="一、总体情况\n2024年，市政府全年主动公开政府信息98765条。", new_received__total=500
        ),
    )
    grouping = Identifier(NAMES).group([named_repost, own, city_own])
    by_report = {(g.agency, g.year): g for g in grouping.groups}
    assert set(by_report) == {("sthjj", 2024), ("city", 2024)}
    dept = by_report[("sthjj", 2024)]
    assert dept.primary is own
    assert sorted((d.capture.agency, role) for d, role in dept.members) == [("city", "repost"), ("sthjj", "page")]
    assert [d for d, _ in by_report[("city", 2024)].members] == [city_own]


def test_anonymous_repost_joins_its_original_and_a_different_report_stays_apart() -> None:
    own = Document(capture("sthjj", DEPT_URL, "2025-01-21T00:00:00Z"), dataclasses.replace(record(), agency=None))
    repost = Document(capture("city", PORTAL_URL, "2025-01-22T00:00:00Z"), _anonymous_repost())
    other = Document(
        capture("city", "https://www.example.gov.cn/jyj-2024.html", "2025-01-22T00:00:00Z"),
        dataclasses.replace(
            record(text="一、总体情况\n2024年，本局共受理教育类依申请公开42件，均按时答复。", new_received__total=42),
            agency=None,
        ),
    )
    identifier = Identifier(NAMES)
    identifier.remember("sthjj", 2024, record())
    groups = {(g.agency, g.year): g for g in identifier.group([other, repost, own]).groups}
    assert sorted((d.capture.url, role) for d, role in groups[("sthjj", 2024)].members) == [
        (DEPT_URL, "page"),
        (PORTAL_URL, "repost"),
    ]
    assert [d for d, _ in groups[("city", 2024)].members] == [other], "a different report is not a repost"


def test_attachments_and_variants_join_the_page() -> None:
    page = Document(capture("sthjj", DEPT_URL, "2025-01-21T00:00:00Z"), record())
    pdf_capture = dataclasses.replace(
        capture("sthjj", "https://sthjj.example.gov.cn/files/2024.pdf", "2025-01-21T00:00:01Z", b"%PDF"),
        kind="attachment",
        referrer=DEPT_URL,
    )
    pdf = Document(pdf_capture, dataclasses.replace(record(), rendering="pdf", applications=None))
    image = Document(
        capture("sthjj", "https://sthjj.example.gov.cn/ndbg/2024-tp.html", "2025-01-21T00:00:02Z", b"img"),
        dataclasses.replace(
            record(), title="某某市生态环境局2024年政府信息公开工作年度报告（图片版）", applications=None
        ),
    )
    undated = Document(
        capture("sthjj", "https://sthjj.example.gov.cn/x.html", "2025-01-21T00:00:03Z"),
        dataclasses.replace(record(), year=None),
    )
    grouping = Identifier(NAMES).group([pdf, image, page, undated])
    [group] = grouping.groups
    assert group.primary is page
    assert sorted(role for _, role in group.members) == ["attachment", "page", "variant"]
    assert grouping.unidentified == [undated]


def test_minhash_ignores_furniture_and_separates_different_reports() -> None:
    same = minhash(document_text(record())).jaccard(minhash(document_text(_anonymous_repost())))
    different = minhash(document_text(record())).jaccard(
        minhash(
            document_text(
                record("某某市教育局", text="一、总体情况\n本局共受理依申请公开42件。", new_received__total=42)
            )
        )
    )
    assert same >= 0.8
    assert different < 0.8


def test_attachment_that_reads_like_another_known_report_stays_with_its_page() -> None:
    """Regression (1,000-agency no-change rerun): a department's cover page names its body, its DOCX
    attachment does not and reads like the parent's report, which the rerun knew from the archive.
    The attachment must stay with the page that links to it, known reports or not."""
    cover = dataclasses.replace(
        record(text="详见附件。"), sections=(dataclasses.replace(record().sections[0], heading=""),), applications=None
    )
    page = Document(capture("sthjj", DEPT_URL, "2025-01-21T00:00:00Z"), cover)
    docx_capture = dataclasses.replace(
        capture("sthjj", "https://sthjj.example.gov.cn/files/2024.docx", "2025-01-21T00:00:01Z", b"PK"),
        kind="attachment",
        referrer=DEPT_URL,
    )
    parent = record("某某市人民政府")
    docx = Document(
        docx_capture, dataclasses.replace(parent, agency=None, rendering="docx", applications=record().applications)
    )
    assert minhash(document_text(docx.record)).jaccard(minhash(document_text(parent))) >= 0.8

    for known in ([], [("city", 2024, parent)]):  # first harvest, then the rerun that holds the parent's report
        identifier = Identifier(NAMES)
        for agency, year, held in known:
            identifier.remember(agency, year, held)
        for documents in ([page, docx], [docx, page]):
            [group] = identifier.group(documents).groups
            assert (group.agency, group.year, group.primary) == ("sthjj", 2024, docx)
            assert sorted((d.capture.url, role) for d, role in group.members) == [
                (docx_capture.url, "attachment"),
                (DEPT_URL, "page"),
            ]

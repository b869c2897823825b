"""The project's parsers read simweb's renderings back to the manifest's figures (both sides real)."""

import pytest

from nianbao.parsers import parse
from nianbao.simweb import Faults, SimWeb
from tests.simweb.http import get

pytestmark = pytest.mark.integration
KINDS = ("html", "pdf", "docx", "text")
PER_KIND = 6


@pytest.fixture(scope="module")
def sample():
    """Up to PER_KIND served documents of each rendering, with their manifest entries."""
    with SimWeb(seed=21, agencies=20, years=(2018, 2023), faults=Faults.none()) as web:
        picked = {kind: [] for kind in KINDS}
        # Reports that break a rule first, so that the parser's findings are compared too.
        for report in sorted(web.manifest["reports"], key=lambda r: not r["broken_rules"]):
            for url in report["urls"]:
                kind = url["kind"]
                if kind in picked and not url["repost"] and len(picked[kind]) < PER_KIND:
                    answer = get(url["url"])
                    picked[kind].append((report, url["url"], answer.body, answer.headers["content-type"]))
        yield picked


def _differences(expected, record):
    found = []
    for table, rows in expected.items():
        got = record[table]
        if got is None:
            found.append(f"{table} missing")
            continue
        for row, cells in rows.items():
            for column, value in cells.items():
                read = (got.get(row) or {}).get(column, "absent")
                same = read == value or (
                    isinstance(value, float) and isinstance(read, int | float) and abs(read - value) < 1e-6
                )
                if not same:
                    found.append(f"{table}.{row}.{column}: manifest {value!r}, parsed {read!r}")
    return found


@pytest.mark.parametrize("kind", KINDS)
def test_parsed_tables_equal_the_manifest(sample, kind):
    documents = sample[kind]
    assert documents, f"seed 21 serves no {kind} rendering"
    for report, url, body, content_type in documents:
        record = parse(body, url=url, content_type=content_type).to_dict()
        assert record["template"] == report["template"], url
        assert record["year"] == report["year"], url
        if report["template"] == "legacy":
            continue
        assert _differences(report["figures"], record) == [], url
        failed = {
            (c["rule"], c["scope"])
            for c in record["checks"]
            if c["passed"] is False and c["rule"] in ("R1", "R2", "R3", "R4")
        }
        assert failed == {(b["rule"], b["scope"]) for b in report["broken_rules"]}, url


def test_the_sample_holds_reports_that_break_rules(sample):
    assert any(report["broken_rules"] for documents in sample.values() for report, *_ in documents)


def _all_blank_review(web, kind):
    """A report printing table 4 with every cell blank, spelled &nbsp; or empty (not '-')."""
    for report in web.world.reports.values():
        review = report.figures["review_litigation"] if report.figures else None
        if not review or report.blank == "-" or any(v is not None for g in review.values() for v in g.values()):
            continue
        for url in web.world.report_urls(report):
            if url["kind"] == kind and not url["repost"]:
                return next(
                    r for r in web.manifest["reports"] if (r["agency"], r["year"]) == (report.agency, report.year)
                ), url["url"]
    pytest.fail(f"seed 5 has no {kind} rendering of a report with table 4 all blank")


@pytest.mark.parametrize("kind", ["pdf", "docx", "html", "text"])
def test_a_table_4_left_all_blank_reads_as_blanks(blank_web, kind):
    report, url = _all_blank_review(blank_web, kind)
    answer = get(url)
    record = parse(answer.body, url=url, content_type=answer.headers["content-type"]).to_dict()
    assert record["review_litigation"] == report["figures"]["review_litigation"]


@pytest.fixture(scope="module")
def blank_web():
    with SimWeb(seed=5, agencies=20, years=(2018, 2023), faults=Faults.none()) as web:
        yield web

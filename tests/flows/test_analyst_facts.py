"""What an analyst reads after a harvest of the simulated web, checked against the web's manifest."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from nianbao import archive
from nianbao.archive.ledger import deadline
from nianbao.flows.harvest import harvest
from tests.flows import browser
from tests.flows.conftest import DELAY, YEARS

pytestmark = pytest.mark.integration
ASKED = list(range(YEARS[0], YEARS[1] + 1))
SEED = 44


@pytest.fixture(scope="module")
def harvested(prefect_api, tmp_path_factory) -> Iterator[tuple]:
    """One harvest of a small clean web, shared by the tests of this module (they only read it)."""
    from nianbao.simweb import Faults, SimWeb

    folder = tmp_path_factory.mktemp("analyst")
    # Seed 44: a government report published late, two reports never published, and at the next epoch
    # the parent portal's own 2023 report withdrawn while its repost column still lists 2023 reports.
    with SimWeb(seed=SEED, agencies=6, years=YEARS, faults=Faults.none()) as web:
        registry = folder / "registry.yaml"
        web.write_registry(registry)
        url = str(folder / "archive")
        harvest(registry=str(registry), archive_url=url, years=ASKED, download_delay=DELAY)
        yield web, str(registry), url


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "nianbao", *args], capture_output=True, text=True, timeout=120)


def reports(url: str) -> dict[tuple[str, int], dict]:
    rows = archive.open(url).reports().to_pylist()
    return {(r["agency"], r["year"]): r for r in rows}


def test_every_report_carries_its_registry_region_code(harvested):
    web, _, url = harvested
    regions = {a["id"]: a["region_code"] for a in web.registry["agencies"]}
    found = reports(url)
    assert found
    assert {key: row["region_code"] for key, row in found.items()} == {key: regions[key[0]] for key in found}


def test_the_issuing_body_is_a_name_never_a_registry_id(harvested):
    web, _, url = harvested
    ids = {a["id"] for a in web.registry["agencies"]}
    bodies = {key: row["issuing_body"] for key, row in reports(url).items()}
    assert not {key: body for key, body in bodies.items() if body is None or body in ids}


def test_every_rendering_gets_the_publish_date_the_web_published(harvested):
    web, _, url = harvested
    truth = {(r["agency"], r["year"]): r["publish_date"] for r in web.manifest["reports"] if r["year"] in ASKED}
    found = reports(url)
    renderings = {row["rendering"] for row in found.values()}
    assert renderings - {"html"}, f"the web gave only HTML readings ({renderings}): the test proves nothing"
    assert {key: row["publish_date"] for key, row in found.items()} == {key: truth[key] for key in found}


def expected_ledger(web) -> dict[tuple[str, int], str]:
    """The ledger the manifest implies: late by the statutory deadline of the agency's level."""
    published = {(r["agency"], r["year"]): r["publish_date"] for r in web.manifest["reports"]}
    states = {}
    for agency in web.registry["agencies"]:
        for year in ASKED:
            date = published.get((agency["id"], year))
            late = date is not None and date > deadline(agency["level"], year).isoformat()
            states[(agency["id"], year)] = "missing" if date is None else "late" if late else "found"
    return states


def test_the_ledger_matches_the_manifest_with_late_and_missing_reports(harvested):
    web, _, url = harvested
    expected = expected_ledger(web)
    assert {"found", "late", "missing"} <= set(expected.values()), "the seed no longer gives every state"
    assert any(s == "late" and a == "sim-0000" for (a, _), s in expected.items()), "a late government report"
    rows = archive.open(url).table("ledger").to_pylist()
    assert {(r["agency"], r["year"]): r["state"] for r in rows} == expected


def test_every_held_report_has_a_grade_and_hard_rule_breaks_are_graded_c_or_worse(harvested):
    web, _, url = harvested
    cards = {(r["agency"], r["year"]): r for r in archive.open(url).table("scorecard").to_pylist()}
    assert set(cards) == set(reports(url))
    broken = {
        (r["agency"], r["year"])
        for r in web.manifest["reports"]
        if r["year"] in ASKED and {b["rule"] for b in r["broken_rules"]} & {"R1", "R2", "R3", "R4"}
    }
    assert broken, "the seed no longer breaks a hard rule"
    assert {key: cards[key]["grade"] for key in broken} == {
        key: cards[key]["grade"] for key in broken if cards[key]["grade"] in "CD"
    }
    late = {key for key, state in expected_ledger(web).items() if state == "late"}
    assert all(cards[key]["late"] and cards[key]["grade"] != "A" for key in late)


def test_the_readme_answers_applications_per_agency_and_share_granted_from_the_wide_table(harvested, tmp_path):
    import re

    import pandas as pd

    _, _, url = harvested
    assert cli("export", "--archive", url, "--format", "csv", "--out", str(tmp_path / "out")).returncode == 0
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    [code] = re.findall(r"## For analysts.*?```python\n(.*?)```", readme, re.S)
    assert len(code.strip().splitlines()) <= 3
    *setup, last = code.strip().splitlines()
    scope = {"pd": pd}
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(tmp_path)
        exec("\n".join(setup), scope)
        answer = eval(last, scope)
    wide = scope["w"]
    assert len(answer) == wide.agency_name.nunique() and answer.notna().any().any()
    row = wide.dropna(subset=["applications_processed"]).query("applications_processed > 0").iloc[0]
    cell = answer.loc[row.agency_name, ("share_granted", row.year)]
    assert cell == pytest.approx(row.applications_granted / row.applications_processed)


def test_open_writes_the_stored_original_byte_for_byte_with_its_extension(harvested, tmp_path):
    import urllib.request

    web, _, url = harvested
    [(agency, year, pdf)] = [
        (r["agency"], r["year"], u["url"])
        for r in web.manifest["reports"]
        for u in r["urls"]
        if u["kind"] == "pdf" and not u["repost"] and r["year"] in ASKED
    ][:1]
    done = cli("open", agency, str(year), "--archive", url, "--rendering", "pdf", "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    written = Path(done.stdout.strip())
    assert written == tmp_path / f"{agency}-{year}.pdf"
    with urllib.request.urlopen(pdf, timeout=10) as response:
        assert written.read_bytes() == response.read()
    page = cli("open", agency, str(year), "--archive", url, "--out", str(tmp_path))
    assert page.returncode == 0 and page.stdout.strip().endswith(f"{agency}-{year}.html")

    [(plain, plain_year)] = [
        (r["agency"], r["year"])
        for r in web.manifest["reports"]
        if r["year"] in ASKED and not any(u["kind"] == "docx" for u in r["urls"])
    ][:1]
    refused = cli("open", plain, str(plain_year), "--archive", url, "--rendering", "docx", "--out", str(tmp_path))
    assert refused.returncode == 2 and "renderings held: " in refused.stderr and "Traceback" not in refused.stderr


def test_browse_serves_the_catalog_in_datasette_with_facets_descriptions_and_queries(harvested, tmp_path):
    import json
    import socket
    import time
    import urllib.request

    _, _, url = harvested
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "nianbao", "browse", "--archive", url, "--db", str(tmp_path / "nianbao.db"),
         "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:

        def get(path: str) -> dict:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
                return json.loads(response.read())

        deadline = time.monotonic() + 90
        while True:
            try:
                wide = get("/nianbao/wide.json?_shape=objects")
                break
            except OSError:
                assert server.poll() is None, server.stderr.read().decode()
                assert time.monotonic() < deadline, "datasette did not answer within 90 s"
                time.sleep(0.5)
        assert set(wide["facet_results"]) >= {"province", "level", "year", "grade"}
        assert len(wide["rows"]) == len(reports(url))
        meta = get("/-/metadata.json")["databases"]["nianbao"]["tables"]["wide"]
        assert "一、本年新收政府信息公开申请数量" in meta["columns"]["applications_received"]
        coverage = get("/nianbao/coverage.json?_shape=objects")["rows"]
        assert {r["state"] for r in coverage} >= {"found", "late", "missing"}
        trends = get("/nianbao/trends.json?_shape=objects")["rows"]
        assert [r["year"] for r in trends] == ASKED
        page = browser.dom(f"http://127.0.0.1:{port}/nianbao/wide")
        assert 'data-column="grade"' in page and 'data-column="province"' in page, "facets render in a browser"
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_report_site_renders_the_heat_map_and_agency_pages_in_a_browser(harvested, tmp_path):
    from PIL import Image

    from nianbao.flows.report_site import STATE_COLOURS

    web, _, url = harvested
    site = tmp_path / "site"
    done = cli("report", "--archive", url, "--out", str(site))
    assert done.returncode == 0, done.stderr
    index = (site / "index.html").read_text(encoding="utf-8")
    assert "<script" not in index and "http" not in index.split("<svg", 1)[0], "offline: nothing to fetch"

    shot = browser.screenshot((site / "index.html").as_uri(), tmp_path / "index.png")
    pixels = {colour for _, colour in Image.open(shot).convert("RGB").getcolors(maxcolors=1 << 24)}
    states = set(expected_ledger(web).values())
    for state in states:
        colour = tuple(int(STATE_COLOURS[state][i : i + 2], 16) for i in (1, 3, 5))
        assert colour in pixels, f"no {state} square in the rendered heat map"

    wide = {(r["agency"], r["year"]): r for r in archive.open(url).table("wide").to_pylist()}
    (agency, year), row = next((k, r) for k, r in sorted(wide.items()) if r["applications_received"] is not None)
    page = browser.dom((site / "agencies" / f"{agency}.html").as_uri())
    assert f'<a href="{row["original_url"]}">{row["applications_received"]:g}</a>' in page
    assert f"{year} v1 content" in page


def test_a_parent_portals_withdrawal_is_found_though_its_repost_column_lists_the_year(harvested, prefect_api):
    """Runs last in this module: it moves the web on and writes to the shared archive."""
    from nianbao.flows.recrawl import recrawl_agency

    web, registry, url = harvested
    changes = web.advance_epoch()
    assert [(c["agency"], c["year"]) for c in changes["withdrawn"]] == [("sim-0000", 2023)]
    assert any(r["agency"] != "sim-0000" and r["year"] == 2023 for r in web.manifest["reports"])
    result = recrawl_agency(agency="sim-0000", registry=registry, archive_url=url, years=[2023], download_delay=DELAY)
    assert [c.year for c in result.changeset.withdrawn] == [2023]

    shown = cli("ledger", "--archive", url, "--state", "withdrawn", "--csv")
    assert shown.returncode == 0, shown.stderr
    assert [line.split(",")[:1] + line.split(",")[4:6] for line in shown.stdout.splitlines()[1:]] == [
        ["sim-0000", "2023", "withdrawn"]
    ]

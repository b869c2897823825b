"""What an analyst reads after a harvest of the simulated web, checked against the web's manifest."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from nianbao import archive
from nianbao.flows.harvest import harvest
from tests.flows.conftest import DELAY, YEARS

pytestmark = pytest.mark.integration
ASKED = list(range(YEARS[0], YEARS[1] + 1))


@pytest.fixture(scope="module")
def harvested(prefect_api, tmp_path_factory) -> Iterator[tuple]:
    """One harvest of a small clean web, shared by the tests of this module (they only read it)."""
    from nianbao.simweb import Faults, SimWeb

    folder = tmp_path_factory.mktemp("analyst")
    with SimWeb(seed=11, agencies=6, years=YEARS, faults=Faults.none()) as web:
        registry = folder / "registry.yaml"
        web.write_registry(registry)
        url = str(folder / "archive")
        harvest(registry=str(registry), archive_url=url, years=ASKED, download_delay=DELAY)
        yield web, str(registry), url


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

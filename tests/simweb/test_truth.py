"""The manifest and registry: deterministic, shaped as the crawler expects, figures true to R1-R4."""

import json

import yaml

from nianbao.parsers.templates import TEMPLATES
from nianbao.simweb import Faults
from nianbao.simweb.manifest import manifest_json, registry_yaml
from nianbao.simweb.site import build_site
from nianbao.simweb.world import build

LEVELS = {"province", "city", "county", "department", "township"}


def _files(seed, size=12, epoch=0):
    world = build(seed, size, (2016, 2023), epoch=epoch, faults=Faults(), port=8123)
    site = build_site(world)
    return manifest_json(world, site), registry_yaml(world, site)


def test_same_seed_gives_the_same_bytes_and_another_seed_does_not():
    first, registry = _files(5)
    again, registry_again = _files(5)
    assert first == again and registry == registry_again
    assert _files(6)[0] != first
    assert _files(5, epoch=2) == _files(5, epoch=2)


def test_registry_is_the_crawler_format():
    data = yaml.safe_load(_files(5)[1])
    assert list(data) == ["agencies"]
    ids = [entry["id"] for entry in data["agencies"]]
    assert len(ids) == len(set(ids)) == 12
    for entry in data["agencies"]:
        assert entry["name"] and entry["start_urls"]
        assert all(url.startswith("http://127.0.") for url in entry["start_urls"])
        assert len(entry["region_code"]) == 6 and entry["region_code"].isdigit()
        assert entry["level"] in LEVELS
        assert entry.get("parent") in (None, *ids)
        assert entry["allowed_domains"] == [entry["start_urls"][0].split("/")[2].split(":")[0]]
    assert any("api" in entry.get("hints", {}) for entry in data["agencies"])


def _failures(figures, template):
    """An independent R1-R4 checker: blank counts as 0; R2 skipped on a blank total; R3 on blank addends."""
    apps, review = figures["applications"], figures["review_litigation"]
    rows = [r.key for r in TEMPLATES[template].table("applications").rows[2:-2]]
    six = [
        "natural_person",
        "commercial_enterprise",
        "research_institution",
        "social_welfare_org",
        "legal_service_org",
        "other_org",
    ]
    found = set()
    for col in [*six, "total"]:

        def v(row, col=col):
            return apps[row].get(col) or 0

        if v("new_received") + v("carried_over") != v("total_processed") + v("carried_forward"):
            found.add(("R1", f"applications.{col}"))
        addends = [apps[r].get(col) for r in rows]
        applicable = any(a is not None for a in addends) and apps["total_processed"].get(col) is not None
        if applicable and sum(a or 0 for a in addends) != v("total_processed"):
            found.add(("R3", f"applications.{col}"))
    for row, cells in apps.items():
        if cells.get("total") is not None and cells["total"] != sum(cells.get(c) or 0 for c in six):
            found.add(("R2", f"applications.{row}"))
    for group, cells in review.items():
        if cells["total"] is not None and cells["total"] != sum(
            cells.get(k) or 0 for k in ("upheld", "corrected", "other", "pending")
        ):
            found.add(("R4", f"review_litigation.{group}"))
    return found


def test_figures_obey_the_rules_except_where_the_manifest_says():
    data = json.loads(_files(9, size=30)[0])
    broken = 0
    for report in data["reports"]:
        if report["template"] == "legacy":
            assert report["figures"]["applications"] is None
            continue
        declared = {(b["rule"], b["scope"]) for b in report["broken_rules"]}
        assert _failures(report["figures"], report["template"]) == declared, (report["agency"], report["year"])
        broken += bool(declared)
    assert 1 <= broken <= len(data["reports"]) // 5
    assert {r["template"] for r in data["reports"]} == {"legacy", "2019", "2021"}


def test_carried_over_continues_last_years_carried_forward():
    data = json.loads(_files(4)[0])
    by_key = {(r["agency"], r["year"]): r for r in data["reports"]}
    pairs = 0
    for (agency, year), report in by_key.items():
        last = by_key.get((agency, year - 1))
        if (
            last is None
            or report["template"] == "legacy"
            or last["template"] == "legacy"
            or report["broken_rules"]
            or last["broken_rules"]
        ):
            continue
        now, before = report["figures"]["applications"], last["figures"]["applications"]
        assert (now["carried_over"]["natural_person"] or 0) == (before["carried_forward"]["natural_person"] or 0)
        pairs += 1
    assert pairs > 10


def test_titles_vary_as_real_ones_do():
    titles = [r["title"] for r in json.loads(_files(2, size=30)[0])["reports"]]
    assert any(t.endswith("年度政府信息公开年报") for t in titles)
    assert any("政府信息公开工作" in t and t.endswith("年度报告") and "年政府" not in t for t in titles)

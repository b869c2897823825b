"""The two files a simulated web hands out: the crawler's registry (YAML) and the truth (JSON manifest)."""

from __future__ import annotations

import json
from typing import Any

import yaml

from nianbao.simweb.site import Site, manifest_facts
from nianbao.simweb.world import World

MANIFEST_VERSION = 1


def manifest(world: World, site: Site) -> dict[str, Any]:
    """The ground truth at the world's epoch; see docs/simweb.md for every field."""
    reports = []
    for (_agency, _year), report in sorted(world.reports.items()):
        reports.append(
            {
                "agency": report.agency,
                "year": report.year,
                "template": report.template,
                "title": report.title,
                "title_quirk": report.title_quirk,
                "shown_title": report.display_title,
                "publish_date": report.publish_date,
                "version": report.version,
                "modified": report.modified,
                "urls": world.report_urls(report),
                "figures": {
                    "active_disclosure": report.figures["active_disclosure"] if report.figures else None,
                    "applications": report.figures["applications"] if report.figures else None,
                    "review_litigation": report.figures["review_litigation"] if report.figures else None,
                },
                "broken_rules": list(report.broken_rules),
            }
        )
    return {
        "manifest_version": MANIFEST_VERSION,
        "seed": world.seed,
        "agencies": world.size,
        "years": list(world.years),
        "epoch": world.epoch,
        "port": world.port,
        "fault_settings": world.faults.to_dict(),
        "sites": [
            {
                "agency": a.id,
                "family": a.family,
                "host": a.host,
                "layout_version": world.layout_versions[a.id],
                "start_urls": list(site.start_urls[a.id]),
                "faults": sorted(a.faults),
            }
            for a in world.agencies
        ],
        "reports": reports,
        **manifest_facts(site),
        "forbidden_hosts": list(world.mirrors),
        "changes": world.changes,
    }


def manifest_json(world: World, site: Site) -> str:
    return json.dumps(manifest(world, site), ensure_ascii=False, separators=(",", ":")) + "\n"


def registry(world: World, site: Site) -> dict[str, Any]:
    """The crawler's registry: a top-level `agencies:` list of id, name, start_urls and optional keys."""
    entries = []
    for agency in world.agencies:
        entry: dict[str, Any] = {
            "id": agency.id,
            "name": agency.name,
            "start_urls": list(site.start_urls[agency.id]),
            "region_code": agency.region_code,
            "level": agency.level,
        }
        if agency.parent is not None:
            entry["parent"] = agency.parent
        entry["allowed_domains"] = [agency.host]
        entry["allow_private_addresses"] = True  # every simulated site is on loopback
        if agency.id in site.hints:
            entry["hints"] = dict(site.hints[agency.id])
        entries.append(entry)
    return {"agencies": entries}


def registry_yaml(world: World, site: Site) -> str:
    header = f"# simulated web: seed {world.seed}, {world.size} agencies, years {world.years[0]}-{world.years[1]}\n"
    return header + yaml.safe_dump(registry(world, site), allow_unicode=True, sort_keys=False, width=200)

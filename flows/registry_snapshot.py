"""Keeping the registry a run used inside the archive, so the catalog can name and place every agency."""

from __future__ import annotations

from typing import Any


def registry_entries(registry: str) -> list[dict[str, Any]]:
    """The registry's agencies as the plain fields the archive keeps (archive/agencies.py FIELDS)."""
    from nianbao.crawler.agencies import load_registry

    return [
        {
            "id": a.id,
            "name": a.name,
            "level": a.level,
            "parent": a.parent,
            "region_code": a.region_code,
            "verified": a.verified,
            "start_urls": list(a.start_urls),
        }
        for a in load_registry(registry).agencies
    ]


def keep(registry: str, archive_url: str) -> str:
    """Store the registry in the archive as its current one; its sha256."""
    from nianbao.flows.tasks import open_archive

    return open_archive(archive_url).keep_registry(registry_entries(registry))

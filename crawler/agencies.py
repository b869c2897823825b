"""The registry: agencies as data (YAML, a top-level `agencies:` list), validated on load.

An entry needs `id`, `name` and `start_urls`; everything else is optional (see docs/crawler.md).
Errors name the file, the entry (index and id) and the field, so a broken registry is fixed in one go.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from nianbao.crawler.errors import RegistryError
from nianbao.crawler.registry.loader import load_yaml

# An agency id is an archive key segment, a CLI argument and a Prefect tag: keep it plain ASCII.
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
_REGION = re.compile(r"^\d{6}(\d{3}(\d{3})?)?$")  # GB/T 2260 county level, or 9/12 digits below it
_HOST = re.compile(r"^[A-Za-z0-9.-]+$")
LEVELS = ("national", "province", "city", "county", "township", "department")
_ENTRY_KEYS = {
    "id",
    "name",
    "start_urls",
    "region_code",
    "level",
    "parent",
    "allowed_domains",
    "download_delay",
    "concurrency",
    "obey_robots",
    "robots_override_reason",
    "hints",
    "verified",
    "notes",
    "allow_private_addresses",
}
_HINT_KEYS = {"listing_urls", "report_selector", "pagination", "max_pages", "api"}
_API_KEYS = {"url", "first_page", "max_pages", "items", "title_field", "url_field"}


@dataclass(frozen=True)
class ApiHint:
    """A JSON listing endpoint: `url` holds `{page}`; items are found at the dotted path `items`."""

    url: str
    first_page: int = 1
    max_pages: int = 50
    items: str | None = None
    title_field: str | None = None
    url_field: str | None = None

    def page_url(self, page: int) -> str:
        return self.url.replace("{page}", str(page))


@dataclass(frozen=True)
class Hints:
    """What generic discovery cannot guess on a site: where the column is and how it pages."""

    listing_urls: tuple[str, ...] = ()
    report_selector: str | None = None  # CSS selector of the report links on a listing page
    pagination: str | None = None  # page URL relative to the listing, with {n}: "index_{n}.html"
    max_pages: int | None = None
    api: ApiHint | None = None


@dataclass(frozen=True)
class Agency:
    id: str
    name: str
    start_urls: tuple[str, ...]
    region_code: str | None = None
    level: str | None = None
    parent: str | None = None
    allowed_domains: tuple[str, ...] = ()
    download_delay: float | None = None
    concurrency: int | None = None
    obey_robots: bool = True
    robots_override_reason: str | None = None
    hints: Hints = field(default_factory=Hints)
    verified: bool = False
    notes: str | None = None
    # Loopback, private, link-local and reserved addresses are refused unless the entry allows them
    # (a simulated web on loopback, an intranet mirror): a public site's link must not reach them.
    allow_private_addresses: bool = False

    def entry(self, **changes: Any) -> dict[str, Any]:
        """This agency as a registry entry (the mapping `parse_registry` reads), with `changes` applied."""
        entry: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "start_urls": list(self.start_urls),
            "obey_robots": self.obey_robots,
            "allow_private_addresses": self.allow_private_addresses,
        }
        optional = {
            "region_code": self.region_code,
            "level": self.level,
            "allowed_domains": list(self.allowed_domains) or None,
            "download_delay": self.download_delay,
            "concurrency": self.concurrency,
            "robots_override_reason": self.robots_override_reason,
        }
        entry |= {key: value for key, value in optional.items() if value is not None}
        return entry | changes

    def hosts(self) -> tuple[str, ...]:
        """The hosts this agency's crawl may contact: `allowed_domains`, else the start URLs' hosts."""
        if self.allowed_domains:
            return self.allowed_domains
        return tuple(dict.fromkeys(host_of(url) for url in (*self.start_urls, *self.hints.listing_urls)))

    def allows(self, url: str) -> bool:
        """In scope: an allowed host (or a subdomain of one), over a scheme and port the agency's own URLs
        use or the scheme's default port; another port of the same host is another server."""
        host = host_of(url)
        if not any(host == allowed or host.endswith("." + allowed) for allowed in self.hosts()):
            return False
        return origin_of(url)[::2] in self.schemes_and_ports()

    def schemes_and_ports(self) -> set[tuple[str, int]]:
        own = {origin_of(url)[::2] for url in (*self.start_urls, *self.hints.listing_urls)}
        if self.hints.api is not None:
            own.add(origin_of(self.hints.api.url)[::2])
        return own | set(DEFAULT_PORTS.items())


@dataclass(frozen=True)
class Registry:
    path: str
    agencies: tuple[Agency, ...]

    def select(self, ids: list[str] | None) -> tuple[Agency, ...]:
        """The agencies named by `ids` (all when None); an unknown id is a RegistryError."""
        if not ids:
            return self.agencies
        by_id = {agency.id: agency for agency in self.agencies}
        unknown = [agency_id for agency_id in ids if agency_id not in by_id]
        if unknown:
            raise RegistryError(f"{self.path}: no agency with id {', '.join(map(repr, unknown))}")
        return tuple(by_id[agency_id] for agency_id in dict.fromkeys(ids))


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


DEFAULT_PORTS = {"http": 80, "https": 443}


def origin_of(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of a URL, the port made explicit."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:  # a port out of range or not a number: no origin we would contact
        port = -1
    return scheme, (parts.hostname or "").lower(), port if port is not None else DEFAULT_PORTS.get(scheme, -1)


def load_registry(path: str | Path) -> Registry:
    """Read and validate a registry file; RegistryError names the file, entry and field at fault."""
    path = Path(path)
    try:
        document = load_yaml(path.read_text(encoding="utf-8"), str(path))
    except OSError as exc:
        raise RegistryError(f"{path}: cannot read the registry: {exc.strerror or exc}") from exc
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise RegistryError(f"{path}: not a valid YAML file: {exc}") from exc
    return parse_registry(document, str(path))


def parse_registry(document: Any, source: str) -> Registry:
    if not isinstance(document, Mapping) or not isinstance(document.get("agencies"), list):
        raise RegistryError(f"{source}: expected a top-level 'agencies:' list")
    agencies = tuple(_entry(raw, source, index) for index, raw in enumerate(document["agencies"]))
    seen: set[str] = set()
    for index, agency in enumerate(agencies):
        where = f"{source}: agencies[{index}] (id {agency.id!r})"
        if agency.id in seen:
            raise RegistryError(f"{where}: field 'id': duplicate id")
        seen.add(agency.id)
    ids = {agency.id for agency in agencies}
    for index, agency in enumerate(agencies):
        if agency.parent is not None and agency.parent not in ids:
            where = f"{source}: agencies[{index}] (id {agency.id!r})"
            raise RegistryError(f"{where}: field 'parent': no agency with id {agency.parent!r} in this registry")
    return Registry(source, agencies)


class _Entry:
    """Reads one mapping, raising errors that say where the bad field is."""

    def __init__(self, raw: Mapping[str, Any], where: str, allowed: set[str]) -> None:
        self.raw = raw
        self.where = where
        unknown = sorted(str(key) for key in raw if key not in allowed)
        if unknown:
            self.fail(unknown[0], f"unknown field (expected one of {', '.join(sorted(allowed))})")

    def fail(self, name: str, expected: str) -> None:
        got = self.raw.get(name)
        suffix = f", got {got!r}" if name in self.raw else ""
        raise RegistryError(f"{self.where}: field {name!r}: {expected}{suffix}")

    def text(self, name: str, *, required: bool = False, pattern: re.Pattern[str] | None = None) -> str | None:
        value = self.raw.get(name)
        if value is None:
            if required:
                self.fail(name, "required")
            return None
        if isinstance(value, int) and not isinstance(value, bool) and pattern is _REGION:
            value = str(value)
        if not isinstance(value, str) or not value.strip() or (pattern and not pattern.match(value)):
            self.fail(name, f"expected {'a string matching ' + pattern.pattern if pattern else 'a non-empty string'}")
        return value.strip()

    def urls(self, name: str, *, required: bool = False) -> tuple[str, ...]:
        value = self.raw.get(name)
        if value is None and not required:
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not value or not all(_is_http_url(url) for url in value):
            self.fail(name, "expected a non-empty list of absolute http(s) URLs")
        return tuple(value)

    def hosts(self, name: str) -> tuple[str, ...]:
        value = self.raw.get(name)
        if value is None:
            return ()
        if not isinstance(value, list) or not value or not all(isinstance(h, str) and _HOST.match(h) for h in value):
            self.fail(name, "expected a non-empty list of host names (no scheme, no path)")
        return tuple(host.lower() for host in value)

    def number(self, name: str, kind: type, low: float, high: float) -> Any:
        value = self.raw.get(name)
        if value is None:
            return None
        wrong_type = isinstance(value, bool) or not isinstance(value, int if kind is int else int | float)
        if wrong_type or not low <= value <= high:
            self.fail(name, f"expected {'an integer' if kind is int else 'a number'} from {low} to {high}")
        return kind(value)

    def flag(self, name: str, default: bool) -> bool:
        value = self.raw.get(name, default)
        if not isinstance(value, bool):
            self.fail(name, "expected true or false")
        return value


def _entry(raw: Any, source: str, index: int) -> Agency:
    ident = raw.get("id") if isinstance(raw, Mapping) else None
    where = f"{source}: agencies[{index}]" + (f" (id {ident!r})" if isinstance(ident, str) else "")
    if not isinstance(raw, Mapping):
        raise RegistryError(f"{where}: expected a mapping with id, name and start_urls, got {raw!r}")
    entry = _Entry(raw, where, _ENTRY_KEYS)
    level = entry.text("level")
    if level is not None and level not in LEVELS:
        entry.fail("level", f"expected one of {', '.join(LEVELS)}")
    agency = Agency(
        id=entry.text("id", required=True, pattern=_ID) or "",
        name=entry.text("name", required=True) or "",
        start_urls=entry.urls("start_urls", required=True),
        region_code=entry.text("region_code", pattern=_REGION),
        level=level,
        parent=entry.text("parent", pattern=_ID),
        allowed_domains=entry.hosts("allowed_domains"),
        download_delay=entry.number("download_delay", float, 0, 600),
        concurrency=entry.number("concurrency", int, 1, 8),
        obey_robots=entry.flag("obey_robots", True),
        robots_override_reason=entry.text("robots_override_reason"),
        hints=_hints(raw.get("hints"), where),
        verified=entry.flag("verified", False),
        notes=entry.text("notes"),
        allow_private_addresses=entry.flag("allow_private_addresses", False),
    )
    if not agency.obey_robots and not agency.robots_override_reason:
        entry.fail("robots_override_reason", "required when obey_robots is false (say why robots.txt is overridden)")
    if agency.allowed_domains:
        for url in (*agency.start_urls, *agency.hints.listing_urls):
            if not agency.allows(url):
                entry.fail("allowed_domains", f"must cover the host of {url}")
    return agency


def _hints(raw: Any, where: str) -> Hints:
    if raw is None:
        return Hints()
    where = f"{where}: hints"
    if not isinstance(raw, Mapping):
        raise RegistryError(f"{where}: expected a mapping of {', '.join(sorted(_HINT_KEYS))}, got {raw!r}")
    entry = _Entry(raw, where, _HINT_KEYS)
    pagination = entry.text("pagination")
    if pagination is not None and "{n}" not in pagination:
        entry.fail("pagination", "expected a URL relative to the listing with a {n} page number")
    return Hints(
        listing_urls=entry.urls("listing_urls"),
        report_selector=entry.text("report_selector"),
        pagination=pagination,
        max_pages=entry.number("max_pages", int, 1, 10_000),
        api=_api(raw.get("api"), where),
    )


def _api(raw: Any, where: str) -> ApiHint | None:
    if raw is None:
        return None
    if isinstance(raw, str):
        raw = {"url": raw}  # shorthand: just the endpoint
    where = f"{where}: api"
    if not isinstance(raw, Mapping):
        raise RegistryError(f"{where}: expected a mapping with url (holding {{page}}), got {raw!r}")
    entry = _Entry(raw, where, _API_KEYS)
    url = entry.text("url", required=True) or ""
    if not _is_http_url(url) or "{page}" not in url:
        entry.fail("url", "expected an absolute http(s) URL holding {page}")
    return ApiHint(
        url=url,
        first_page=entry.number("first_page", int, 0, 1) if "first_page" in raw else 1,
        max_pages=entry.number("max_pages", int, 1, 10_000) or 50,
        items=entry.text("items"),
        title_field=entry.text("title_field"),
        url_field=entry.text("url_field"),
    )


def _is_http_url(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.hostname)

"""The model of the simulated web: agencies, their reports and non-reports, and how epochs move them.

Everything is drawn from `random.Random` instances seeded by strings built from the seed, so the same
(seed, size, years, epoch, faults) gives the same world in any process. No wall clock is read: dates
derive from report years.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from nianbao.simweb import figures as fig
from nianbao.simweb import prose
from nianbao.simweb.errors import SimWebError
from nianbao.simweb.faults import Faults
from nianbao.simweb.layouts import FAMILIES, Layout, repost_detail
from nianbao.simweb.names import DEPARTMENTS, PROVINCES, place, region_code

MIRROR_COUNT = 3
# Which HTML ways of pointing at a PDF each family favours (quirks.md "PDFs hide in ...").
EMBEDS = {
    "trs": ("a", "a", "onclick"),
    "jcms": ("iframe", "a"),
    "platform": ("onclick", "a"),
    "jsonapi": ("embed", "object", "a"),
    "gb2312": ("a",),
}
PICTURES = "pictures"  # a rendering: the detail page shows the report's tables as pictures, nothing else
PICTURED_TABLES = 4  # pictures of tables 2-4, table 3 cut in two (slots 5-8 beside ATTACHMENT_KINDS')
ATTACHMENT_KINDS = {"pdf": ("pdf", 1), "docx": ("docx", 2), "text": ("txt", 3), "image-pdf": ("pdf", 4)}
NON_REPORT_TITLES = ("关于{y}年政府信息公开工作要点落实情况的函", "{name}{y}年政务公开工作要点")


def address(index: int) -> str:
    """The loopback address of host number `index` (agencies first, then mirrors)."""
    if index >= 250 * 250:
        raise SimWebError(f"host number {index} does not fit in 127.0.0.0/8 as laid out (at most 62500 hosts)")
    return f"127.0.{1 + index // 250}.{1 + index % 250}"


def all_hosts(size: int, faults: Faults) -> list[str]:
    """Every host a web of `size` agencies serves: one per agency, then the mirrors."""
    mirrors = MIRROR_COUNT if faults.on("mirrors") else 0
    return [address(i) for i in range(size + mirrors)]


@dataclass(frozen=True)
class Agency:
    id: str
    index: int
    name: str
    level: str
    region_code: str
    parent: str | None
    family: str
    host: str
    reposts: bool
    meta_charset: bool
    faults: frozenset[str]


@dataclass(frozen=True)
class Report:
    agency: str
    year: int
    template: str
    title: str
    publish_date: str
    serial: int
    figures: fig.Figures | None
    sections: tuple[tuple[str, str], ...]
    legacy_stats: tuple[tuple[str, str, int, int], ...]
    broken_rules: tuple[dict[str, str], ...]
    renderings: tuple[str, ...]
    embed: str
    money_style: str
    blank: str
    version: int = 0
    modified: str = ""
    page_faults: tuple[str, ...] = ()
    extras: tuple[str, ...] = ()
    furniture: bool = False
    title_quirk: str | None = None  # scrambled | year_split | page_title_only: how the page mangles the title
    shown_title: str | None = None  # the title as the page and listing print it (None: the title)
    word_markup: bool = False  # the HTML tables were pasted from Word (MsoNormal, labels split over spans)

    @property
    def display_title(self) -> str:
        return self.title if self.shown_title is None else self.shown_title

    @property
    def pictured(self) -> bool:
        """Whether the detail page is the report as pictures of its tables, one <img> each, and no text."""
        return PICTURES in self.renderings

    @property
    def full_page(self) -> bool:
        """Whether the detail page carries the whole report (else it is a cover linking attachments)."""
        return "html" in self.renderings

    def attachments(self) -> tuple[str, ...]:
        return tuple(r for r in self.renderings if r in ATTACHMENT_KINDS)


@dataclass(frozen=True)
class NonReport:
    agency: str
    title: str
    date: str
    serial: int


@dataclass
class World:
    seed: int
    size: int
    years: tuple[int, int]
    faults: Faults
    port: int
    agencies: list[Agency]
    reports: dict[tuple[str, int], Report]
    non_reports: list[NonReport]
    layout_versions: dict[str, int]
    mirrors: list[str]
    epoch: int = 0
    changes: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._by_id = {a.id: a for a in self.agencies}

    def agency(self, agency_id: str) -> Agency:
        try:
            return self._by_id[agency_id]
        except KeyError:
            raise SimWebError(
                f"no agency {agency_id!r} in this web (ids run sim-0000 … sim-{self.size - 1:04d})"
            ) from None

    def layout(self, agency: Agency) -> Layout:
        return Layout(agency.family, self.layout_versions[agency.id], agency.index, agency.region_code)

    def origin(self, host: str) -> str:
        return f"http://{host}:{self.port}"

    def reports_of(self, agency_id: str) -> list[Report]:
        """The agency's reports, newest year first (the order listings show)."""
        last = self.years[1] + self.epoch + 1  # while moving to epoch+1, its new year already exists
        found = (self.reports.get((agency_id, year)) for year in range(last, self.years[0] - 1, -1))
        return [r for r in found if r is not None]

    def children(self, agency_id: str) -> list[Agency]:
        return [a for a in self.agencies if a.parent == agency_id and a.level == "department"]

    def reposted_by(self, agency: Agency) -> Agency | None:
        """The parent portal that reposts this department's reports, if any."""
        if agency.parent is None or agency.level != "department":
            return None
        parent = self._by_id[agency.parent]
        return parent if parent.reposts else None

    def page_path(self, report: Report) -> str:
        return self.layout(self.agency(report.agency)).detail(report.year, report.publish_date, report.serial)

    def attachment_path(self, report: Report, rendering: str) -> str:
        ext, slot = ATTACHMENT_KINDS[rendering]
        layout = self.layout(self.agency(report.agency))
        return layout.attachment(report.publish_date, report.serial * 10 + slot, ext)

    def picture_paths(self, report: Report) -> list[str]:
        """Where the pictures of a pictured report's tables are served, in the page's order."""
        if not report.pictured or report.figures is None:
            return []
        layout = self.layout(self.agency(report.agency))
        slots = range(5, 5 + PICTURED_TABLES)
        return [layout.attachment(report.publish_date, report.serial * 10 + slot, "png") for slot in slots]

    def report_urls(self, report: Report) -> list[dict[str, Any]]:
        """Every URL the report is published under, with its rendering and whether it is a repost."""
        origin = self.origin(self.agency(report.agency).host)
        urls = [
            {"url": origin + self.page_path(report), "kind": "html" if report.full_page else "cover", "repost": False}
        ]
        for rendering in report.attachments():
            urls.append({"url": origin + self.attachment_path(report, rendering), "kind": rendering, "repost": False})
        for path in self.picture_paths(report):
            urls.append({"url": origin + path, "kind": "picture", "repost": False})
        parent = self.reposted_by(self.agency(report.agency))
        if parent is not None:
            urls.append(
                {
                    "url": self.origin(parent.host) + repost_detail(report.agency, report.year),
                    "kind": "html",
                    "repost": True,
                }
            )
        return urls


def build(
    seed: int, size: int, years: tuple[int, int], *, epoch: int = 0, faults: Faults | None = None, port: int = 0
) -> World:
    """The world at `epoch`: generated at epoch 0, then moved one epoch at a time."""
    if size < 1:
        raise SimWebError(f"a web needs at least 1 agency, got {size}")
    if years[0] > years[1] or years[0] < 2008 or years[1] > 2090:
        raise SimWebError(f"report years {years[0]}-{years[1]}: expected a range within 2008-2090, first ≤ last")
    if epoch < 0:
        raise SimWebError(f"epoch {epoch}: expected 0 or more")
    faults = faults if faults is not None else Faults()
    agencies = [_agency(seed, i, size, faults) for i in range(size)]
    world = World(
        seed=seed,
        size=size,
        years=years,
        faults=faults,
        port=port,
        agencies=agencies,
        reports={},
        non_reports=[],
        layout_versions={a.id: 0 for a in agencies},
        mirrors=all_hosts(size, faults)[size:],
    )
    for agency in agencies:
        previous = None
        for year in range(years[0], years[1] + 1):
            rng = random.Random(f"{seed}:report:{agency.index}:{year}")
            if year > years[0] and rng.random() < 0.04:
                continue  # some years were never published
            report, previous = _report(rng, agency, year, previous, seed)
            report = _pictured(seed, agency, report, faults.picture_pages)
            world.reports[(agency.id, year)] = report
        if faults.on("non_reports"):
            world.non_reports.extend(_non_reports(seed, agency, years))
        _place_report_faults(world, agency)
    for k in range(1, epoch + 1):
        advance(world, k)
    return world


def _agency(seed: int, index: int, size: int, faults: Faults) -> Agency:
    rng = random.Random(f"{seed}:agency:{index}")
    group, position = divmod(index, 10)
    province = PROVINCES[group % len(PROVINCES)][0]
    city_name = place(group)
    county_name = place(group + 1000)
    if position == 0:
        name, level, code, parent = f"{city_name}市人民政府", "city", region_code(province, group + 1, 0), None
    elif position <= 5:
        dept = DEPARTMENTS[(group + position) % len(DEPARTMENTS)]
        name, level, code, parent = (
            f"{city_name}市{dept}",
            "department",
            region_code(province, group + 1, 0),
            group * 10,
        )
    elif position == 6:
        name, level, code, parent = (
            f"{county_name}县人民政府",
            "county",
            region_code(province, group + 1, 21),
            group * 10,
        )
    elif position <= 8:
        dept = DEPARTMENTS[(group + position * 3) % len(DEPARTMENTS)]
        name, level, code = f"{county_name}县{dept}", "department", region_code(province, group + 1, 21)
        parent = group * 10 + 6
    else:
        town = place(group + 2000)
        name, level, code, parent = (
            f"{county_name}县{town}镇人民政府",
            "township",
            region_code(province, group + 1, 21),
            group * 10 + 6,
        )
    family = FAMILIES[index] if index < len(FAMILIES) else rng.choices(FAMILIES, weights=(35, 25, 10, 15, 15))[0]
    chosen = frozenset(kind for kind in sorted(faults.enabled) if index in _fault_agencies(seed, kind, size))
    return Agency(
        id=_agency_id(index),
        index=index,
        name=name,
        level=level,
        region_code=code,
        parent=_agency_id(parent) if parent is not None and parent < size else None,
        family=family,
        host=address(index),
        reposts=position == 0 and index + 1 < size,
        meta_charset=rng.random() < 0.5,
        faults=chosen,
    )


def _agency_id(index: int) -> str:
    return f"sim-{index:04d}"


def _fault_agencies(seed: int, kind: str, size: int) -> set[int]:
    rng = random.Random(f"{seed}:fault:{kind}")
    return set(rng.sample(range(size), max(1, round(size * 0.08))))


def template_for(rng: random.Random, year: int) -> str:
    if year < 2019:
        return "legacy"
    if year < 2021 or rng.random() < 0.06:
        return "2019"  # 2019 tables in later years, by habit
    return "2021"


def title_for(rng: random.Random, name: str, year: int, template: str) -> str:
    if template == "legacy":
        pattern = rng.choice(("{n}{y}年政府信息公开工作年度报告", "{n}{y}年政务信息公开年度报告"))
    else:
        pattern = rng.choices(
            (
                "{n}{y}年政府信息公开工作年度报告",
                "{n}{y}年度政府信息公开工作年度报告",
                "{n}{y}年度政府信息公开年报",
                "{n}政府信息公开工作{y}年度报告",
                "{n}{y}年度政府信息公开工作报告",
            ),
            weights=(60, 12, 10, 9, 9),
        )[0]
    return pattern.format(n=name, y=year)


def _report(
    rng: random.Random, agency: Agency, year: int, previous: fig.Figures | None, seed: int = 0
) -> tuple[Report, fig.Figures | None]:
    template = template_for(rng, year)
    published = date(year + 1, rng.randint(1, 3), rng.randint(1, 28)).isoformat()
    published = _late(seed, agency, year) or published
    body = agency.name
    if template == "legacy":
        renderings = ("html",) if rng.random() < 0.8 else ("cover", "pdf")
        report = Report(
            agency=agency.id,
            year=year,
            template=template,
            title=title_for(rng, agency.name, year, template),
            publish_date=published,
            serial=_serial(agency, year, 0),
            figures=None,
            sections=tuple(prose.legacy_sections(rng, body, year)),
            legacy_stats=tuple(prose.legacy_stats(rng)),
            broken_rules=(),
            renderings=renderings,
            embed=rng.choice(EMBEDS[agency.family]),
            money_style="元",
            blank="&nbsp;",
            modified=published,
        )
        return report, previous
    scale = fig.SCALE_BY_LEVEL[agency.level]
    raw = fig.generate(rng, template, scale, previous)
    shown = raw
    style = rng.random()
    if style < 0.12:
        shown = fig.blank_zeros(shown)
    elif style < 0.2:
        shown = fig.blank_detail_totals(shown, template)
    # One agency in nine breaks a rule in its first templated report, so even small webs have some.
    forced = agency.index % 9 == 1 and (year == 2019 or previous is None)
    if forced or rng.random() < 0.03:
        rule = fig.RULE_BREAKS[(agency.index // 9) % 4] if forced else rng.choice(fig.RULE_BREAKS)
        shown = fig.break_rule(rng, shown, template, rule)
    report = Report(
        agency=agency.id,
        year=year,
        template=template,
        title=title_for(rng, agency.name, year, template),
        publish_date=published,
        serial=_serial(agency, year, 0),
        figures=shown,
        sections=tuple(prose.sections(rng, body, year, shown)),
        legacy_stats=(),
        broken_rules=tuple(fig.failed_rules(shown, template)),
        renderings=_renderings(rng),
        embed=rng.choice(EMBEDS[agency.family]),
        money_style=rng.choice(("元", "万元")),
        blank=rng.choice(("&nbsp;", "", "-")),
        modified=published,
        furniture=rng.random() < 0.15,
    )
    quirk, shown_title = _title_quirk(rng, report.title, year)
    word = rng.random() < 0.15
    return replace(report, title_quirk=quirk, shown_title=shown_title, word_markup=word), raw


def _pictured(seed: int, agency: Agency, report: Report, share: float) -> Report:
    """The report published as a page of pictures of its tables, for `share` of templated reports.

    Its own random stream, so that the rest of the world stays what it was without picture pages.
    """
    if share <= 0 or report.figures is None:
        return report
    if random.Random(f"{seed}:pictures:{agency.index}:{report.year}").random() >= share:
        return report
    return replace(report, renderings=(PICTURES,), furniture=True)


def _late(seed: int, agency: Agency, year: int) -> str | None:
    """One report in ten comes out after every statutory deadline (31 March), governments' included.

    Its own random stream, so that the rest of the world stays what it was before lateness existed.
    """
    rng = random.Random(f"{seed}:late:{agency.index}:{year}")
    if rng.random() >= 0.1:
        return None
    return date(year + 1, rng.randint(4, 6), rng.randint(1, 28)).isoformat()


def _title_quirk(rng: random.Random, title: str, year: int) -> tuple[str | None, str]:
    """Now and then the page prints the title badly (quirks.md "Labels, titles, years")."""
    draw = rng.random()
    if draw < 0.02 and "工作年度报告" in title:
        return "scrambled", title.replace("工作年度报告", " 工作告年度报》")
    if draw < 0.04:
        return "year_split", title.replace(f"{year}年度", "").replace(f"{year}年", "")
    if draw < 0.06:
        return "page_title_only", ""
    return None, title


def _renderings(rng: random.Random) -> tuple[str, ...]:
    draw = rng.random()
    if draw < 0.45:
        extra = (("pdf",) if rng.random() < 0.4 else ()) + (("docx",) if rng.random() < 0.15 else ())
        return ("html", *extra)
    if draw < 0.70:
        return ("cover", "pdf")
    if draw < 0.78:
        return ("cover", "docx")
    if draw < 0.85:
        return ("html", "image-pdf")
    if draw < 0.92:
        return ("cover", "text")
    return ("html", "pdf", "docx", "text")


def _serial(agency: Agency, year: int, slot: int) -> int:
    return 100000 + agency.index * 1000 + (year - 2000) * 10 + slot


def _non_reports(seed: int, agency: Agency, years: tuple[int, int]) -> list[NonReport]:
    rng = random.Random(f"{seed}:nonreport:{agency.index}")
    out = []
    for slot, pattern in enumerate(NON_REPORT_TITLES, start=5):
        if rng.random() < 0.5:
            continue
        year = rng.randint(years[0], years[1])
        day = date(year, rng.randint(4, 12), rng.randint(1, 28)).isoformat()
        out.append(NonReport(agency.id, pattern.format(y=year, name=agency.name), day, _serial(agency, year, slot)))
    return out


def _place_report_faults(world: World, agency: Agency) -> None:
    """Per-report faults go on the agency's newest report: its page is slow or fails, it has extras."""
    newest = next(iter(world.reports_of(agency.id)), None)
    if newest is None:
        return
    page_faults = tuple(k for k in ("slow", "server_errors") if k in agency.faults)
    # A page of pictures linking a document would no longer be one (its pictures are the report).
    extras = () if newest.pictured else tuple(k for k in ("mirrors", "oversized", "truncated") if k in agency.faults)
    world.reports[(agency.id, newest.year)] = replace(newest, page_faults=page_faults, extras=extras)


def advance(world: World, epoch: int) -> None:
    """Move the world from epoch-1 to `epoch`, recording in `world.changes` exactly what changed."""
    rng = random.Random(f"{world.seed}:epoch:{epoch}")
    before_urls = {key: world.report_urls(r) for key, r in world.reports.items()}
    changes: dict[str, Any] = {"added": [], "corrected": [], "withdrawn": [], "redesigned": [], "furniture_only": []}
    new_year = world.years[1] + epoch
    count = max(1, round(world.size * 0.25))
    for agency in sorted(rng.sample(world.agencies, min(count, world.size)), key=lambda a: a.index):
        latest = next(iter(world.reports_of(agency.id)), None)
        previous = latest.figures if latest is not None else None
        report, _raw = _report(
            random.Random(f"{world.seed}:report:{agency.index}:{new_year}"), agency, new_year, previous, world.seed
        )
        world.reports[(agency.id, new_year)] = _pictured(world.seed, agency, report, world.faults.picture_pages)
        changes["added"].append({"agency": agency.id, "year": new_year})
    added = {(c["agency"], c["year"]) for c in changes["added"]}
    candidates = sorted(k for k, r in world.reports.items() if k not in added and r.template != "legacy")
    corrected = rng.sample(candidates, min(len(candidates), max(1, world.size // 20)))
    for key in corrected:
        changes["corrected"].append(_correct(world, key, rng))
    remaining = [k for k in candidates if k not in corrected]
    for key in rng.sample(remaining, min(len(remaining), max(1, world.size // 50))):
        del world.reports[key]
        changes["withdrawn"].append({"agency": key[0], "year": key[1], "urls": [u["url"] for u in before_urls[key]]})
    redesigned = rng.choice(world.agencies)
    old_start = world.origin(redesigned.host) + world.layout(redesigned).listing(0)
    world.layout_versions[redesigned.id] += 1
    changes["redesigned"].append(
        {
            "agency": redesigned.id,
            "old_start_url": old_start,
            "new_start_url": world.origin(redesigned.host) + world.layout(redesigned).listing(0),
            "moved": [
                {"old": old["url"], "new": new["url"]}
                for key, report in sorted(world.reports.items())
                if report.agency == redesigned.id and key in before_urls
                for old, new in zip(before_urls[key], world.report_urls(report), strict=True)
                if old["url"] != new["url"]
            ],
        }
    )
    touched = added | set(corrected)
    for key, report in sorted(world.reports.items()):
        if report.furniture and key not in touched and report.agency != redesigned.id:
            pages = (u["url"] for u in world.report_urls(report) if u["kind"] in ("html", "cover"))
            changes["furniture_only"].extend(pages)  # the report's page and its repost show the counter
    for change in changes["added"]:
        change["urls"] = [u["url"] for u in world.report_urls(world.reports[(change["agency"], change["year"])])]
    world.epoch = epoch
    world.changes = changes


def _correct(world: World, key: tuple[str, int], rng: random.Random) -> dict[str, Any]:
    report = world.reports[key]
    figures = report.figures or {}
    table = {row: dict(cells) for row, cells in report.figures["active_disclosure"].items()}
    old = table["licensing"]["decisions"]
    new = (old or 0) + rng.randint(1, 9)
    table["licensing"]["decisions"] = new
    version = report.version + 1
    modified = (date.fromisoformat(report.publish_date) + timedelta(days=30 * version)).isoformat()
    world.reports[key] = replace(
        report, figures={**figures, "active_disclosure": table}, version=version, modified=modified
    )
    return {
        "agency": key[0],
        "year": key[1],
        "urls": [u["url"] for u in world.report_urls(world.reports[key])],
        "cells": [{"table": "active_disclosure", "row": "licensing", "column": "decisions", "old": old, "new": new}],
    }

"""A static, offline website of the catalog: coverage heat map, national trends, a page per agency.

Charts are Vega-Lite specifications (Altair) rendered to inline SVG by vl-convert, in this process:
the pages load nothing from the network. Every figure on an agency page links to the report's
original page on its own site, and each page lists what changed between the report's versions.
"""

from __future__ import annotations

import html
import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from nianbao.archive.codebook import WIDE_FIGURES, entries
from nianbao.archive.ledger import State
from nianbao.archive.reader import Catalog

STATE_COLOURS = {
    State.FOUND: "#2e7d32",
    State.LATE: "#f9a825",
    State.MISSING: "#c62828",
    State.WITHDRAWN: "#6a1b9a",
    State.NOT_DUE: "#9e9e9e",
}
TREND_FIGURES = ("applications_received", "applications_granted", "applications_processed")
_STYLE = (
    "body{font-family:sans-serif;margin:2em;max-width:72em}table{border-collapse:collapse}"
    "td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}th:first-child,td:first-child{text-align:left}"
)


def write_site(catalog: Catalog, out: Path) -> list[Path]:
    """Write index.html and agencies/<id>.html into `out`; the paths written."""
    catalog = catalog.snapshot()  # every table from the same publish
    ledger = catalog.table("ledger").to_pylist()
    wide = catalog.table("wide").to_pylist()
    versions = catalog.versions().to_pylist()
    names = {r["agency"]: r["agency_name"] or r["agency"] for r in ledger}
    (out / "agencies").mkdir(parents=True, exist_ok=True)
    written = [out / "index.html"]
    written[0].write_text(_index(ledger, wide, names), encoding="utf-8")
    by_agency: dict[str, list[dict]] = defaultdict(list)
    for row in wide:
        by_agency[row["agency"]].append(row)
    changes: dict[str, list[dict]] = defaultdict(list)
    for version in versions:
        changes[version["agency"]].append(version)
    for agency in sorted(names):
        path = out / "agencies" / f"{agency}.html"
        path.write_text(_agency_page(agency, names[agency], by_agency[agency], changes[agency]), encoding="utf-8")
        written.append(path)
    return written


def heat_map(ledger: Sequence[Mapping[str, Any]], names: Mapping[str, str]) -> str:
    """Agency × year, one square per ledger row coloured by its state, each linking to the agency's page."""
    import altair as alt
    import pandas as pd

    frame = pd.DataFrame(
        [
            {
                "agency": f"{names[r['agency']]} ({r['agency']})",
                "year": r["year"],
                "state": r["state"],
                "page": f"agencies/{r['agency']}.html",
            }
            for r in ledger
        ]
    )
    states = list(STATE_COLOURS)
    chart = (
        alt.Chart(frame, title="Coverage: agency × report year")
        .mark_rect(stroke="white")
        .encode(
            x=alt.X("year:O", title="report year"),
            y=alt.Y("agency:N", title=None),
            color=alt.Color("state:N", scale=alt.Scale(domain=states, range=[STATE_COLOURS[s] for s in states])),
            href="page:N",
            tooltip=["agency", "year", "state"],
        )
    )
    return _svg(chart)


def trends(wide: Sequence[Mapping[str, Any]]) -> str:
    """National totals per report year of the applications received, granted and processed."""
    import altair as alt
    import pandas as pd

    totals: dict[tuple[int, str], float] = defaultdict(float)
    for row in wide:
        for figure in TREND_FIGURES:
            if row[figure] is not None:
                totals[(row["year"], figure)] += row[figure]
    frame = pd.DataFrame([{"year": y, "figure": f, "total": t} for (y, f), t in sorted(totals.items())])
    if frame.empty:
        return "<p>No figures yet.</p>"
    chart = (
        alt.Chart(frame, title="Applications, all reports")
        .mark_line(point=True)
        .encode(x=alt.X("year:O", title="report year"), y=alt.Y("total:Q", title="applications"), color="figure:N")
    )
    return _svg(chart)


def _svg(chart: Any) -> str:
    import vl_convert

    return vl_convert.vegalite_to_svg(chart.to_json())


def _index(ledger: list[dict], wide: list[dict], names: Mapping[str, str]) -> str:
    counts: dict[str, int] = defaultdict(int)
    for row in ledger:
        counts[row["state"]] += 1
    summary = ", ".join(f"{state} {counts[state]}" for state in STATE_COLOURS if counts[state])
    agencies = "".join(
        f'<li><a href="agencies/{html.escape(a)}.html">{html.escape(names[a])}</a> ({html.escape(a)})</li>'
        for a in sorted(names)
    )
    body = (
        f"<h1>Government information-disclosure annual reports</h1><p>Ledger: {summary}.</p>"
        f'<section id="coverage">{heat_map(ledger, names)}</section>'
        f'<section id="trends">{trends(wide)}</section><h2>Agencies</h2><ul>{agencies}</ul>'
    )
    return _page("nianbao", body)


def _agency_page(agency: str, name: str, reports: list[dict], versions: list[dict]) -> str:
    reports = sorted(reports, key=lambda r: r["year"])
    labels = {e["wide_column"]: f"{e['row_label']} · {e['column_label']}" for e in entries() if e["wide_column"]}
    head = "".join(f"<th>{r['year']}</th>" for r in reports)
    rows = [
        "<tr><td>grade</td>" + "".join(f"<td>{html.escape(r['grade'] or '')}</td>" for r in reports) + "</tr>",
        "<tr><td>published</td>" + "".join(f"<td>{html.escape(r['publish_date'] or '')}</td>" for r in reports),
    ]
    for figure, *_ in WIDE_FIGURES:
        cells = "".join(f"<td>{_linked(r[figure], r['original_url'])}</td>" for r in reports)
        rows.append(f'<tr><td title="{html.escape(labels[figure])}">{figure}</td>{cells}</tr>')
    figures = f"<table><tr><th>figure</th>{head}</tr>{''.join(rows)}</table>"
    return _page(name, f"<h1>{html.escape(name)} <small>({html.escape(agency)})</small></h1>"
                 f'<p><a href="../index.html">all agencies</a></p><h2>Figures</h2>{figures}'
                 f"<h2>Versions</h2>{_changes(versions)}")  # fmt: skip


def _linked(value: float | None, url: str | None) -> str:
    if value is None:
        return ""
    shown = f"{value:g}"
    return f'<a href="{html.escape(url)}">{shown}</a>' if url else shown


def _changes(versions: list[dict]) -> str:
    items = []
    for v in sorted(versions, key=lambda v: (v["year"], v["version"])):
        diff = json.loads(v["diff"]) if v["diff"] else []
        what = "; ".join(f"{d['path']}: {d['old']} → {d['new']}" for d in diff[:20])
        more = f" (+{len(diff) - 20} more)" if len(diff) > 20 else ""
        seen = v["first_seen"].date().isoformat() if v["first_seen"] else ""
        items.append(f"<li>{v['year']} v{v['version']} {v['kind']} {seen} {html.escape(what)}{more}</li>")
    return f"<ul>{''.join(items)}</ul>"


def _page(title: str, body: str) -> str:
    return (
        f'<!doctype html><html lang="zh"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        f"<style>{_STYLE}</style></head><body>{body}</body></html>"
    )

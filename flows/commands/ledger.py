"""`nianbao ledger`: who published which report year, late, withdrawn — or not at all."""

from __future__ import annotations

import argparse
import sys

from nianbao.flows.commands.options import add_archive, add_years

EXAMPLE = """\
examples:
  nianbao ledger --archive ./nianbao-data --year 2024
  nianbao ledger --archive s3://nianbao/archive --year 2019-2024 --state missing --state late --region 44
  nianbao ledger --archive ./nianbao-data --csv > ledger.csv
"""
STATES = ("found", "late", "missing", "withdrawn", "not_due")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "ledger",
        help="for every registry agency and report year: found, late, missing, withdrawn or not due",
        description="Read the catalog (agencies from the registry the last harvest kept, reports) and print one "
        "line per agency and report year with its state. Late: first published after 31 January (departments) "
        "or 31 March (governments) of the following year, by the report's publish date, else by when it was "
        "first seen. Ends with a count per state on stderr.",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_archive(parser)
    add_years(parser, default="the years of the catalog's ledger")
    parser.add_argument("--state", action="append", choices=STATES, help="only rows in this state; repeatable")
    parser.add_argument("--region", action="append", metavar="PREFIX", help="region code prefix, e.g. 44; repeatable")
    parser.add_argument("--level", action="append", metavar="LEVEL", help="registry level, e.g. department")
    parser.add_argument("--csv", action="store_true", help="CSV on stdout instead of a table")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from datetime import date

    from nianbao import archive
    from nianbao.archive.ledger import ledger

    catalog = archive.open(args.archive).snapshot()  # every table from the same publish
    if args.year:
        agencies = catalog.table("agencies").to_pylist() or _agencies_of(catalog)
        rows = ledger(agencies, catalog.reports().to_pylist(), args.year, date.today())
    else:
        rows = sorted(catalog.table("ledger").to_pylist(), key=lambda r: (r["agency"], r["year"]))
    rows = [
        r
        for r in rows
        if (not args.state or r["state"] in args.state)
        and (not args.region or any((r["region_code"] or "").startswith(p) for p in args.region))
        and (not args.level or r["level"] in args.level)
    ]
    _write(rows, as_csv=args.csv)
    counts = {state: sum(r["state"] == state for r in rows) for state in STATES}
    print(" ".join(f"{state} {n}" for state, n in counts.items()), file=sys.stderr)
    return 0


def _agencies_of(catalog) -> list[dict]:  # type: ignore[no-untyped-def]
    """Without a kept registry, the agencies the catalog has reports of."""
    names = {r["agency"]: r for r in catalog.reports().to_pylist()}
    return [
        {"agency": a, "name": r["agency_name"], "level": r["level"], "region_code": r["region_code"]}
        for a, r in names.items()
    ]


COLUMNS = ("agency", "agency_name", "level", "region_code", "year", "state", "published", "basis", "deadline")


def _write(rows: list[dict], *, as_csv: bool) -> None:
    import csv

    if as_csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows([_text(r.get(c)) for c in COLUMNS] for r in rows)
        return
    for r in rows:
        when = f"{_text(r['published'])} ({r['basis']})" if r.get("published") else ""
        name = r.get("agency_name") or ""
        print(f"{r['agency']:<16} {name:<20} {r['year']}  {r['state']:<9} {when}".rstrip())


def _text(value: object) -> str:
    return "" if value is None else str(value)

"""Cells right per document, on every document that has a golden: the corpus and the parser fixtures.

    python -m benchmarks.accuracy [--corpus ../shared/corpus] [--tables 3,4]

A golden (`<name>.expected.json` beside `<name>.<ext>`) holding a table lists its cells; a cell is right
when the record has the same value at the same (table, row, column), blank (null) included. A table the
record lacks counts every golden cell of it wrong. Prints one line per document and the total, per
rendering too, so a change to the parser shows what it gained or cost.
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path

from nianbao.parsers import ParseError, parse

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "parsers" / "fixtures"
TABLES = {2: "active_disclosure", 3: "applications", 4: "review_litigation"}


def goldens(corpus: Path) -> list[tuple[Path, Path]]:
    found = []
    for folder in (corpus, FIXTURES, FIXTURES / "pdf", FIXTURES / "word"):
        for golden in sorted(folder.glob("*.expected.json")) if folder.is_dir() else ():
            stem = golden.name.removesuffix(".expected.json")
            document = next((p for p in folder.glob(f"{stem}.*") if p != golden), None)
            if document is not None:
                found.append((document, golden))
    return found


def score(document: Path, golden: Path, tables: list[str]) -> tuple[int, int, str]:
    expected = json.loads(golden.read_text(encoding="utf-8"))
    try:
        record = parse(document.read_bytes(), filename=document.name).to_dict()
        rendering = record["rendering"]
    except ParseError:
        record, rendering = {}, "unreadable"
    right = total = 0
    for table in tables:
        want = expected.get(table)
        if not isinstance(want, dict):
            continue
        got = record.get(table) or {}
        for row, columns in want.items():
            for column, value in columns.items():
                total += 1
                right += (got.get(row) or {}).get(column, "absent") == value
    return right, total, rendering


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--tables", default="2,3,4", help="which tables to count, e.g. 3,4 (default 2,3,4)")
    args = parser.parse_args(argv)
    tables = [TABLES[int(t)] for t in args.tables.split(",")]
    per_rendering: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    right_all = total_all = 0
    print(f"{'document':<40} {'rendering':<10} {'right':>6} {'cells':>6} {'share':>7}")
    for document, golden in goldens(args.corpus):
        right, total, rendering = score(document, golden, tables)
        if not total:
            continue
        right_all, total_all = right_all + right, total_all + total
        per_rendering[rendering][0] += right
        per_rendering[rendering][1] += total
        print(f"{document.name:<40} {rendering:<10} {right:>6} {total:>6} {right / total:>7.1%}")
    for rendering, (right, total) in sorted(per_rendering.items()):
        print(f"{'all ' + rendering:<40} {'':<10} {right:>6} {total:>6} {right / total:>7.1%}")
    if total_all:
        print(f"{'TOTAL':<40} {'':<10} {right_all:>6} {total_all:>6} {right_all / total_all:>7.1%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

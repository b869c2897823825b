"""OCR on the simulated web's 图片版: cells read right and seconds per report, engines side by side.

    python -m benchmarks.ocr [--reports 4] [--rapidocr]

For each report (both templates): the picture PDF through `parsers.parse` (Tesseract, the chosen
engine), cells right against the report's figures, wrong cells (a number that is not the figure's:
must be 0) and seconds. Then both engines' raw recognition of the same table pictures: how many of
the printed numbers and labels each finds, and seconds per picture. RapidOCR (`rapidocr` with
`onnxruntime`, not a project dependency) is measured only with `--rapidocr` when it is installed.
"""

from __future__ import annotations

import argparse
import io
import re
import subprocess
import sys
import time
from collections import Counter

import numpy as np
from PIL import Image

from nianbao.parsers import parse
from nianbao.parsers.readers import ocr
from nianbao.simweb import documents
from nianbao.simweb.grids import dense, report_grids
from nianbao.simweb.pictures import table_picture
from nianbao.simweb.world import build

_NUMBER = re.compile(r"-?[\d.]+元?")
TABLES = ("active_disclosure", "applications", "review_litigation")


def _cells(figures: dict, record: dict) -> tuple[int, int, int]:
    right = total = wrong = 0
    for table in TABLES:
        got = record[table] or {}
        for row, cells in figures[table].items():
            for column, value in cells.items():
                total += 1
                read = (got.get(row) or {}).get(column, "absent")
                right += read == value
                wrong += read not in (value, "absent")
    return right, total, wrong


def _found(texts: list[str], printed: list[str]) -> tuple[int, int, int, int]:
    numbers = Counter(c for c in printed if _NUMBER.fullmatch(c))
    got = Counter(t.replace(" ", "") for t in texts)
    labels = {c.replace(" ", "") for c in printed if not _NUMBER.fullmatch(c)}
    joined = "".join(t.replace(" ", "") for t in texts)
    hits = sum(min(n, got[k]) for k, n in numbers.items())
    return hits, sum(numbers.values()), sum(label in joined for label in labels), len(labels)


def _unruled(picture):  # type: ignore[no-untyped-def]
    cleaned, _, _ = ocr.without_rules(np.asarray(picture.convert("L")), 2.2)  # 20-pixel text: ~160 dpi
    return Image.fromarray(cleaned)


def _tesseract(picture) -> list[str]:  # type: ignore[no-untyped-def]
    """Tesseract on the whole picture (no cell finding), to compare engines on equal terms."""
    png = io.BytesIO()
    picture.save(png, format="PNG")
    command = ["tesseract", "stdin", "stdout", "-l", "chi_sim", "--psm", "6", "tsv"]
    done = subprocess.run(command, input=png.getvalue(), capture_output=True, check=True)
    rows = [line.split("\t") for line in done.stdout.decode().splitlines()[1:]]
    return [r[11] for r in rows if len(r) == 12 and r[0] == "5" and r[11].strip()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=int, default=4)
    parser.add_argument("--rapidocr", action="store_true", help="also measure RapidOCR (must be installed)")
    args = parser.parse_args(argv)
    if ocr.unavailable():
        print(f"cannot measure: {ocr.unavailable()}", file=sys.stderr)
        return 1
    world = build(seed=11, size=max(2, args.reports), years=(2019, 2023))
    reports = [r for _, r in sorted(world.reports.items()) if r.figures][: args.reports]
    print(f"{'report':28} {'template':8} {'right':>7} {'cells':>6} {'wrong':>6} {'seconds':>8}")
    totals = [0, 0, 0, 0.0]
    for report in reports:
        start = time.perf_counter()
        record = parse(documents.image_pdf(report), filename="report.pdf").to_dict()
        seconds = time.perf_counter() - start
        right, total, wrong = _cells(report.figures, record)
        totals = [totals[0] + right, totals[1] + total, totals[2] + wrong, totals[3] + seconds]
        name = f"{report.agency} {report.year}"
        print(f"{name:28} {report.template:8} {right:7} {total:6} {wrong:6} {seconds:8.1f}")
    right, total, wrong, seconds = totals
    print(f"{'all':28} {'':8} {right:7} {total:6} {wrong:6} {seconds:8.1f}  ({right / total:.1%} right)")

    engines = {"tesseract (whole picture)": _tesseract}
    if args.rapidocr:
        from rapidocr import RapidOCR  # type: ignore[import-not-found]

        engine = RapidOCR(params={"Global.log_level": "error"})
        engines["rapidocr"] = lambda picture: list(engine(picture).txts or ())
    # Both engines get the picture with its ruling lines erased (Tesseract's layout analysis reads
    # lines as text; RapidOCR does not mind them).
    pictures = [
        (_unruled(table_picture(grid)), [c for row in dense(grid) for c in row if c])
        for report in reports
        for grid in report_grids(report.figures, report.template, report.money_style, "")
    ]
    print(f"\nraw recognition of {len(pictures)} table pictures, ruling lines erased (no cell finding):")
    for name, recognise in engines.items():
        found = [0, 0, 0, 0]
        start = time.perf_counter()
        for picture, printed in pictures:
            found = [a + b for a, b in zip(found, _found(recognise(picture), printed), strict=True)]
        per = (time.perf_counter() - start) / len(pictures)
        print(f"  {name:26} numbers {found[0]}/{found[1]}  labels {found[2]}/{found[3]}  {per:.2f} s a picture")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Reports per second per rendering on the corpus, against the bare library load of the same bytes.

    python -m benchmarks.parse [--corpus ../shared/corpus] [--seconds 1.5] [--simweb-pdfs 4] [--clock wall|cpu]

For every corpus document: how many times per second `parsers.parse` turns it into a record (warm and
with its label caches cleared before each call), and how
many times per second the library under its reader merely loads the same bytes (lxml for HTML,
pdfplumber for PDF, python-docx for DOCX, a UTF-8 decode for text). The ratio is the parser's
overhead over that baseline, measured on the same machine in the same run.
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from nianbao.parsers import parse
from nianbao.parsers.cells import read_cell
from nianbao.parsers.labels import core, is_header, label_key, label_score, match_row, names_row, without_note
from nianbao.parsers.sniff import rendering_of
from nianbao.parsers.tables import _column_key

ROOT = Path(__file__).resolve().parents[1]

# Label and cell readings are memoised; repeating one document keeps them warm, a stream of new
# reports mostly does too (same template labels, small numbers). "cold" clears them before each parse.
_CACHES = (read_cell, core, is_header, label_key, label_score, match_row, names_row, without_note, _column_key)


def _cold_parse(data: bytes, name: str) -> None:
    for cached in _CACHES:
        cached.cache_clear()
    parse(data, filename=name)


def _lxml(data: bytes) -> None:
    import lxml.html

    lxml.html.document_fromstring(data)


def _decode(data: bytes) -> None:
    data.decode("utf-8", errors="replace").splitlines()


def _pdfplumber(data: bytes) -> None:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            page.extract_text()
            page.extract_tables()


def _pypdfium2_text(data: bytes) -> None:
    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    for page in document:
        page.get_textpage().get_text_range()
    document.close()


def _simweb_pdfs(count: int) -> list[tuple[str, bytes]]:
    """Text-layer PDFs of the simulated web (ruled tables, both templates): the corpus has one PDF."""
    from nianbao.simweb import documents
    from nianbao.simweb.world import build

    world = build(seed=3, size=max(2, count), years=(2019, 2023))
    reports = [r for _, r in sorted(world.reports.items()) if r.figures][:count]
    return [(f"simweb-{r.agency}-{r.year}-{r.template}.pdf", documents.pdf(r)) for r in reports]


def _python_docx(data: bytes) -> None:
    import docx

    document = docx.Document(io.BytesIO(data))
    for table in document.tables:
        for row in table.rows:
            [cell.text for cell in row.cells]


# Rendering -> (baseline name, baseline load). One entry per reader; add yours with its bare library load.
BASELINES: dict[str, tuple[str, Callable[[bytes], None]]] = {
    "html": ("lxml load", _lxml),
    "text": ("utf-8 decode", _decode),
    "pdf": ("pdfplumber text+tables", _pdfplumber),
    "docx": ("python-docx load", _python_docx),
}
# More baselines printed beside the first, as ratios to the parse rate.
EXTRA_BASELINES: dict[str, list[tuple[str, Callable[[bytes], None]]]] = {
    "pdf": [("pypdfium2 text", _pypdfium2_text)],
}


# Wall time by default; `--clock cpu` counts this process's CPU time, steadier on a shared machine.
CLOCKS = {"wall": time.perf_counter, "cpu": time.process_time}
_clock = time.perf_counter


def rate(work: Callable[[], object], seconds: float) -> float:
    """Calls per second, measured over at least `seconds` (and at least 3 calls) after one warm-up call."""
    work()
    calls, start = 0, _clock()
    while calls < 3 or _clock() - start < seconds:
        work()
        calls += 1
    return calls / (_clock() - start)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--seconds", type=float, default=1.5, help="measuring time per document and baseline")
    parser.add_argument("--simweb-pdfs", type=int, default=4, help="also measure this many simulated-web PDFs")
    parser.add_argument("--clock", choices=sorted(CLOCKS), default="wall", help="wall time or process CPU time")
    args = parser.parse_args(argv)
    global _clock
    _clock = CLOCKS[args.clock]
    paths = sorted(p for p in args.corpus.glob("*") if p.is_file() and not p.name.endswith(".json"))
    if not paths:
        print(f"no documents in {args.corpus}", file=sys.stderr)
        return 1
    documents = [(p.name, p.read_bytes()) for p in paths] + _simweb_pdfs(args.simweb_pdfs)
    per_rendering: dict[str, list[tuple[float, float, float]]] = defaultdict(list)
    print(f"{'document':32} {'rendering':9} {'parse/s':>9} {'cold/s':>8} {'baseline/s':>11}  ratio  baseline")
    for filename, data in documents:
        rendering = rendering_of(data, filename=filename)
        parsed = rate(lambda data=data, name=filename: parse(data, filename=name), args.seconds)
        cold = rate(lambda data=data, name=filename: _cold_parse(data, name), args.seconds)
        name, load = BASELINES.get(rendering, ("none", lambda _: None))
        base = rate(lambda data=data, load=load: load(data), args.seconds)
        per_rendering[rendering].append((parsed, cold, base))
        print(
            f"{filename:32} {rendering:9} {parsed:9.1f} {cold:8.1f} {base:11.1f} {base / parsed:6.1f}x  {name}",
            flush=True,
        )
        for extra_name, extra in EXTRA_BASELINES.get(rendering, []):
            extra_rate = rate(lambda data=data, load=extra: load(data), args.seconds)
            print(f"{'':32} {'':9} {'':9} {'':8} {extra_rate:11.1f} {extra_rate / parsed:6.1f}x  {extra_name}")
    print("\nper rendering (mean over documents; ratio = baseline rate / parse rate):")
    for rendering, rates in sorted(per_rendering.items()):
        parsed, cold, base = (sum(r[i] for r in rates) / len(rates) for i in range(3))
        print(
            f"  {rendering:6} {parsed:9.1f} reports/s (cold {cold:7.1f})   baseline {base:9.1f}/s   "
            f"overhead {base / parsed:5.1f}x (cold {base / cold:5.1f}x)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

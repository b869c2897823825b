"""Reports per second through the bounded parse worker, the way a harvest reads them, beside a fresh
worker process per document and beside parsing in the process itself.

    python -m benchmarks.parse_worker [--reports 100] [--rendering html]

For each rendering (a simulated web's detail pages and their text, `benchmarks.parse.stream_documents`),
the same distinct reports are read three ways, one after another in one thread, each way starting with
the parsers' memos empty: `parse_bounded` as the flows call it (one worker kept for the thread's
documents); the same with a fresh worker for every document (`_DOCUMENTS_PER_WORKER` = 1: how every
document was read before workers were kept); and `nianbao.parsers.parse` called in this process, with
no worker at all, its record turned into the dict a worker sends back (the floor).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable

from benchmarks.parse import clear_memos, stream_documents
from nianbao.flows import parse_worker
from nianbao.parsers import parse


def _rate(documents: list[tuple[str, bytes]], read: Callable[[str, bytes], object]) -> float:
    clear_memos()
    start = time.perf_counter()
    for name, data in documents:
        read(name, data)
    return len(documents) / (time.perf_counter() - start)


def _bounded(name: str, data: bytes) -> object:
    return parse_worker.parse_bounded(data, url=f"http://127.0.0.1/{name}", content_type=None, agency=None)


def _fresh_worker_each(name: str, data: bytes) -> object:
    kept, parse_worker._DOCUMENTS_PER_WORKER = parse_worker._DOCUMENTS_PER_WORKER, 1
    try:
        return _bounded(name, data)
    finally:
        parse_worker._DOCUMENTS_PER_WORKER = kept


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=int, default=100, help="distinct simulated reports per rendering")
    parser.add_argument("--rendering", choices=("html", "text"), help="measure only this rendering")
    args = parser.parse_args(argv)
    streams = stream_documents(args.reports)
    print(f"{'rendering':9} {'reports':>7} {'kept worker/s':>13} {'fresh worker/s':>14} {'in process/s':>12}")
    for rendering, documents in streams.items():
        if args.rendering not in (None, rendering):
            continue
        documents = documents[: args.reports]
        _bounded(*documents[0])  # the forkserver started, as in a harvest that has read one document
        kept = _rate(documents, _bounded)
        fresh = _rate(documents, _fresh_worker_each)
        floor = _rate(documents, lambda name, data: parse(data, filename=name).to_dict())
        print(f"{rendering:9} {len(documents):7} {kept:13.1f} {fresh:14.1f} {floor:12.1f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

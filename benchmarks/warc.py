"""WARC export benchmark: a generated local archive of captures written as WARC files, then indexed.

Each report URL is captured twice: once with a body (a response record) and once revalidated (a 304,
a server-not-modified revisit). The baseline in the same run is the floor any export pays: reading
every capture record and raw object and writing the bodies gzip-compressed to one file.

    python -m benchmarks.warc [--captures 2000] [--body-kb 40] [--dir /tmp/warc-bench]
"""

from __future__ import annotations

import argparse
import gzip
import random
import shutil
import tempfile
import time
from pathlib import Path

from nianbao import archive
from nianbao.archive.captures import Capture
from nianbao.archive.wacz import write_index
from nianbao.archive.warc import export


def fill(store: archive.Archive, captures: int, body_kb: int, seed: int = 13) -> None:
    rng = random.Random(seed)
    for n in range(captures // 2):
        # half compressible text, half noise: gzip has work to do, as with real HTML and PDF
        body = ("二〇二四年政府信息公开工作年度报告" * (body_kb * 16)).encode()[: body_kb * 512]
        body += rng.randbytes(body_kb * 512)
        url = f"http://www.example{n % 50}.gov.cn/ndbg/t{n}.html"
        headers = (("Content-Type", "text/html"), ("ETag", f'"{n}"'))
        common = {"agency": f"agency-{n % 50:03d}", "url": url, "protocol": "HTTP/1.1", "header_lines": headers}
        sha = store.put_raw(body, "text/html")
        store.add_capture(Capture(fetched_at="2026-01-01T00:00:00Z", status=200, sha256=sha, size=len(body), **common))
        store.add_capture(Capture(fetched_at="2026-02-01T00:00:00Z", status=304, **common))


def baseline(store: archive.Archive, target: Path) -> None:
    with gzip.open(target, "wb") as out:
        for _, capture in store.captures():
            if capture.sha256:
                out.write(store.get_raw(capture.sha256))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--captures", type=int, default=2000)
    parser.add_argument("--body-kb", type=int, default=40)
    parser.add_argument("--dir", type=Path)
    args = parser.parse_args()
    base = args.dir or Path(tempfile.mkdtemp(prefix="warc-bench-"))
    shutil.rmtree(base / "archive", ignore_errors=True)
    shutil.rmtree(base / "out", ignore_errors=True)
    store = archive.connect(str(base / "archive"))
    fill(store, args.captures, args.body_kb)
    start = time.perf_counter()
    baseline(store, base / "baseline.gz")
    floor = time.perf_counter() - start
    start = time.perf_counter()
    result = export(store, base / "out")
    exported = time.perf_counter() - start
    start = time.perf_counter()
    write_index(base / "out")
    indexed = time.perf_counter() - start
    size = sum(p.stat().st_size for p in (base / "out").glob("*.warc.gz"))
    print(f"{args.captures} captures ({args.captures // 2} bodies of {args.body_kb} KB, {args.captures // 2} 304s)")
    print(f"baseline (read captures and bodies, gzip bodies to one file): {floor:.2f} s")
    print(
        f"warc export: {exported:.2f} s ({args.captures / exported:.0f} captures/s, {exported / floor:.2f}× baseline)"
    )
    print(f"cdxj index: {indexed:.2f} s; WARC bytes: {size / 1e6:.1f} MB; records: {result.records}")


if __name__ == "__main__":
    main()

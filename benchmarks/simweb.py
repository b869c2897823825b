"""How fast the simulated web answers, beside a trivial asyncio server measured in the same run.

Starts `nianbao sim serve` with 1,000 agencies (no faults) in its own process, and a baseline server
(a static byte string over keep-alive HTTP/1.1, raw asyncio, bound to the same loopback hosts) in
another; the same aiohttp load generator (this process, N concurrent connections) hits each for a
bounded number of requests and time, and prints requests/second for listing pages, HTML report pages
and PDFs (after a warm-up that renders and caches them).

    python -m benchmarks.simweb [--agencies 1000] [--concurrency 32] [--requests 4000] [--seconds 15]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
import yaml

ROOT = Path(__file__).resolve().parents[1]
BASELINE_BODY = b"<html><body>" + "年报".encode() * 4000 + b"</body></html>"


def _baseline_server(hosts: list[str], ready: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    head = (
        f"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {len(BASELINE_BODY)}\r\n\r\n"
    ).encode()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                await reader.readuntil(b"\r\n\r\n")
                writer.write(head + BASELINE_BODY)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()

    async def main() -> None:
        # The same hosts as the simulated web, on one port, so that connection churn is alike.
        servers = [await asyncio.start_server(handle, hosts[0], 0)]
        port = servers[0].sockets[0].getsockname()[1]
        servers += [await asyncio.start_server(handle, host, port) for host in hosts[1:]]
        ready.put(port)
        await asyncio.gather(*(server.serve_forever() for server in servers))

    asyncio.run(main())


async def _load(urls: list[str], concurrency: int, requests: int, seconds: float) -> tuple[int, float, int]:
    """Fetch `urls` round-robin with `concurrency` workers; returns (requests, seconds, bytes)."""
    done, received = 0, 0
    deadline = time.monotonic() + seconds
    connector = aiohttp.TCPConnector(limit=concurrency, limit_per_host=0, force_close=False)
    async with aiohttp.ClientSession(connector=connector, auto_decompress=False) as session:

        async def worker(offset: int) -> None:
            nonlocal done, received
            index = offset
            while done < requests and time.monotonic() < deadline:
                async with session.get(urls[index % len(urls)]) as response:
                    received += len(await response.read())
                    if response.status != 200:
                        raise RuntimeError(f"{urls[index % len(urls)]} answered {response.status}")
                done += 1
                index += concurrency

        started = time.monotonic()
        await asyncio.gather(*(worker(i) for i in range(concurrency)))
        return done, time.monotonic() - started, received


def _measure(label: str, urls: list[str], args: argparse.Namespace) -> float:
    count, elapsed, size = asyncio.run(_load(urls, args.concurrency, args.requests, args.seconds))
    rate = count / elapsed
    print(f"  {label:<28} {rate:8.0f} req/s  ({count} requests in {elapsed:.1f} s, {size / count / 1024:.1f} KiB each)")
    return rate


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--agencies", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--requests", type=int, default=4000, help="at most this many requests per measurement")
    parser.add_argument("--seconds", type=float, default=15.0, help="at most this long per measurement")
    parser.add_argument("--pdfs", type=int, default=200, help="distinct PDFs in the PDF measurement")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        manifest_path, registry_path = Path(tmp) / "manifest.json", Path(tmp) / "registry.yaml"
        started = time.monotonic()
        command = [sys.executable, "-m", "nianbao", "sim", "serve", "--agencies", str(args.agencies)]
        command += ["--faults", "none", "--manifest-out", str(manifest_path), "--registry-out", str(registry_path)]
        server = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        try:
            line = server.stdout.readline() if server.stdout else ""
            if not line.startswith("serving"):
                raise SystemExit(f"nianbao sim serve did not start: {line!r}")
            print(f"simulated web: {args.agencies} agencies up in {time.monotonic() - started:.1f} s — {line.strip()}")
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
            registry = yaml.safe_load(registry_path.read_text(encoding="utf-8"))
            hosts = [host for entry in registry["agencies"] for host in entry["allowed_domains"]]
            context = multiprocessing.get_context("spawn")
            ready = context.Queue()
            baseline = context.Process(target=_baseline_server, args=(hosts, ready), daemon=True)
            baseline.start()
            baseline_port = ready.get(timeout=120)
            baseline_url = f"http://{hosts[0]}:{baseline_port}/"
            baseline_spread = [f"http://{host}:{baseline_port}/" for host in hosts]
            listings = [url for entry in registry["agencies"] for url in entry["start_urls"]]
            pages = [
                u["url"] for r in manifest["reports"] for u in r["urls"] if u["kind"] == "html" and not u["repost"]
            ]
            pdfs = [u["url"] for r in manifest["reports"] for u in r["urls"] if u["kind"] == "pdf"][: args.pdfs]
            bounds = f"≤{args.requests} requests or ≤{args.seconds:.0f} s each"
            print(f"load: aiohttp, {args.concurrency} connections, {bounds}")
            print("baseline (raw asyncio, one static 24 KiB page, same machine, same run):")
            base = _measure("static page, one host", [baseline_url], args)
            spread = _measure("static page, every host", baseline_spread, args)
            print("simulated web:")
            listing_rate = _measure("listing pages (every host)", listings, args)
            _measure("HTML report pages (first)", pages, args)
            _measure("HTML report pages (cached)", pages[: args.requests // 2], args)
            warm_started = time.monotonic()
            asyncio.run(_load(pdfs, args.concurrency, len(pdfs), 600))
            print(f"  (rendered {len(pdfs)} PDFs on first request in {time.monotonic() - warm_started:.1f} s)")
            pdf_rate = _measure("PDFs (cached)", pdfs, args)
            print("baseline again (the machine is shared: the spread shows the noise):")
            base = min(base, _measure("static page, one host", [baseline_url], args))
            spread = min(spread, _measure("static page, every host", baseline_spread, args))
            print(f"cached PDFs at {pdf_rate / base:.0%} of the slower one-host baseline run")
            print(f"listing pages at {listing_rate / spread:.0%} of the slower every-host baseline run")
            baseline.terminate()
        finally:
            server.terminate()
            server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())

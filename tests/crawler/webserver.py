"""A tiny loopback web server for crawler tests: fixed pages, ETag/304 support, a request log and a
count of simultaneous requests (to prove per-host politeness)."""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Page:
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    failures: list[int] = field(default_factory=list)  # statuses answered first, one per request
    sleep: float = 0.0  # seconds before answering this page


@dataclass
class Site:
    pages: dict[str, Page]
    delay: float = 0.0  # seconds each response takes
    log: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    active: int = 0
    peak: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Handler(BaseHTTPRequestHandler):
    site: Site

    def do_GET(self) -> None:
        site = self.site
        with site.lock:
            site.active += 1
            site.peak = max(site.peak, site.active)
            site.log.append((self.path, {k: v for k, v in self.headers.items()}))
        try:
            if site.delay:
                time.sleep(site.delay)
            page = site.pages.get(self.path)
            if page is None:
                self._send(404, b"<html><body>not found</body></html>", "text/html", {})
                return
            if page.sleep:
                time.sleep(page.sleep)
            with site.lock:
                failure = page.failures.pop(0) if page.failures else None
            if failure is not None:
                self._send(failure, b"busy", "text/plain", {})
                return
            etag = '"' + hashlib.sha256(page.body).hexdigest()[:16] + '"'
            if page.status == 200 and self.headers.get("If-None-Match") == etag:
                self._send(304, b"", None, {"ETag": etag})
                return
            self._send(page.status, page.body, page.content_type, {"ETag": etag, **page.headers})
        finally:
            with site.lock:
                site.active -= 1

    def _send(self, status: int, body: bytes, content_type: str | None, headers: dict[str, str]) -> None:
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        for name, value in headers.items():
            self.send_header(name, value)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if status != 304:
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        return


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        return  # a crawler that gave up (timeout, size cap) resets the connection: expected here


@contextmanager
def serve(site: Site, host: str = "127.0.0.1") -> Iterator[str]:
    """Serve `site` on an ephemeral loopback port; yields the base URL (no trailing slash)."""
    handler = type("Handler", (_Handler,), {"site": site})
    server = _Server((host, 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()

"""The HTTP/1.1 server: one asyncio loop, one listening socket per simulated host, all on one port.

Raw asyncio (not a framework) because the faults need control below HTTP: a body shorter than its
Content-Length, a connection that hangs then closes, a multi-gigabyte body streamed lazily.
"""

from __future__ import annotations

import asyncio
import hashlib
import threading
import time
from collections import Counter, OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime, formatdate, parsedate_to_datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from nianbao.simweb.errors import SimWebError
from nianbao.simweb.faults import Faults
from nianbao.simweb.manifest import manifest, manifest_json, registry, registry_yaml
from nianbao.simweb.site import Resource, Site, build_site, calendar_page
from nianbao.simweb.world import World, all_hosts, build

REASONS = {
    200: "OK",
    301: "Moved Permanently",
    302: "Found",
    304: "Not Modified",
    404: "Not Found",
    500: "Internal Server Error",
}
NOT_FOUND = (
    '<!DOCTYPE html><html><head><meta charset="utf-8"><title>404</title></head>'
    "<body><h1>404 页面不存在</h1><p>您访问的页面不存在或已被删除。</p></body></html>"
).encode()
SERVER_ERROR = (
    '<!DOCTYPE html><html><head><meta charset="utf-8"><title>500</title></head>'
    "<body><h1>500 服务器内部错误</h1></body></html>"
).encode()
CACHE_BYTES = 256 * 2**20
CHUNK = 64 * 1024
REQUEST_LOG = 1_000_000  # requests remembered for tests; a long demo run forgets the oldest


@dataclass(frozen=True)
class Request:
    """One request as the server saw it (for tests: politeness, forbidden fetches, retries)."""

    at: float
    url: str
    method: str
    status: int


@dataclass
class Traffic:
    requests: deque[Request] = field(default_factory=lambda: deque(maxlen=REQUEST_LOG))
    hits: Counter[str] = field(default_factory=Counter)
    active: Counter[str] = field(default_factory=Counter)
    peak: Counter[str] = field(default_factory=Counter)
    forbidden: list[str] = field(default_factory=list)
    failures: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)


class _Body:
    """A size-bounded LRU of rendered bodies with their ETags. The ETag of a body once rendered is kept
    after the body is evicted, as a real server answers a conditional request from a file's metadata:
    a revalidation of a large web (more bodies than the cache holds) then costs no rendering."""

    def __init__(self, limit: int) -> None:
        self._items: OrderedDict[Any, bytes] = OrderedDict()
        self._etags: dict[Any, str] = {}  # of every body ever rendered: tens of bytes each
        self._size = 0
        self._limit = limit
        self.renders = 0  # bodies rendered, for tests and benchmarks

    def etag(self, key: Any, render: Callable[[], bytes]) -> str:
        """The body's ETag, rendering the body only if it was never rendered."""
        return self._etags[key] if key in self._etags else self.get(key, render)[1]

    def get(self, key: Any, render: Callable[[], bytes]) -> tuple[bytes, str]:
        hit = self._items.get(key)
        if hit is not None:
            self._items.move_to_end(key)
            return hit, self._etags[key]
        body = render()
        self.renders += 1
        self._items[key] = body
        self._etags[key] = '"' + hashlib.sha1(body).hexdigest()[:20] + '"'
        self._size += len(body)
        while self._size > self._limit and len(self._items) > 1:
            _key, old = self._items.popitem(last=False)
            self._size -= len(old)
        return body, self._etags[key]


@lru_cache(maxsize=4096)
def _http_date(iso_day: str) -> str:
    return format_datetime(datetime.fromisoformat(iso_day).replace(tzinfo=UTC), usegmt=True)


class SimWeb:
    """A simulated government web on loopback, served from a background thread.

    `with SimWeb(seed=1, agencies=20, years=(2019, 2024)) as web:` binds one loopback address per
    host on one ephemeral port (or `port`), builds the world, and serves until the block ends.
    """

    def __init__(
        self,
        seed: int = 1,
        agencies: int = 20,
        years: tuple[int, int] = (2019, 2024),
        *,
        faults: Faults | None = None,
        epoch: int = 0,
        port: int = 0,
    ) -> None:
        self.seed, self.size, self.years = seed, agencies, years
        self.faults = faults if faults is not None else Faults()
        self._requested_port = port
        self._epoch = epoch
        # (world, site, generation), swapped as one object so a request never mixes two epochs.
        self._state: tuple[World, Site, int] | None = None
        self._cache = _Body(CACHE_BYTES)
        self.traffic = Traffic()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._servers: list[asyncio.base_events.Server] = []
        self._connections: set[asyncio.Task[None]] = set()
        self.port = 0

    # --- lifecycle -------------------------------------------------------------------------
    def start(self, before_serving: Callable[[SimWeb], None] | None = None) -> SimWeb:
        """Bind every host, build the world, call `before_serving` (e.g. write files), then answer."""
        hosts = all_hosts(self.size, self.faults)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="simweb", daemon=True)
        self._thread.start()
        try:
            self.port = self._call(self._bind(hosts, self._requested_port))
            self._install(
                build(self.seed, self.size, self.years, epoch=self._epoch, faults=self.faults, port=self.port)
            )
            if before_serving is not None:
                before_serving(self)
            self._call(self._start_serving())
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        if self._loop is None:
            return
        if self._loop.is_running():
            self._call(self._close())
            self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._loop.close()
        self._loop = None

    def __enter__(self) -> SimWeb:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- the truth -------------------------------------------------------------------------
    @property
    def world(self) -> World:
        return self._now()[0]

    @property
    def epoch(self) -> int:
        return self.world.epoch

    @property
    def manifest(self) -> dict[str, Any]:
        return manifest(*self._now()[:2])

    @property
    def registry(self) -> dict[str, Any]:
        return registry(*self._now()[:2])

    def manifest_json(self) -> str:
        return manifest_json(*self._now()[:2])

    def registry_yaml(self) -> str:
        return registry_yaml(*self._now()[:2])

    def write_manifest(self, path: str | Path) -> None:
        _write(Path(path), self.manifest_json())

    def write_registry(self, path: str | Path) -> None:
        _write(Path(path), self.registry_yaml())

    def base_url(self, agency: str) -> str:
        """`http://127.0.X.Y:PORT` of the agency's own host."""
        return self.world.origin(self.world.agency(agency).host)

    def start_urls(self, agency: str) -> list[str]:
        return list(self._site_now().start_urls[self.world.agency(agency).id])

    def advance_epoch(self) -> dict[str, Any]:
        """Move the web one epoch on; returns what changed (also the manifest's `changes`)."""
        world = build(self.seed, self.size, self.years, epoch=self.epoch + 1, faults=self.faults, port=self.port)
        self._install(world)
        return world.changes

    # --- traffic ---------------------------------------------------------------------------
    def hits(self, host: str | None = None) -> int:
        """Requests received, in all or by one host (an IP literal such as a mirror host)."""
        return sum(self.traffic.hits.values()) if host is None else self.traffic.hits[host]

    def peak_concurrency(self, host: str) -> int:
        """The most requests one host was answering at the same time."""
        return self.traffic.peak[host]

    @property
    def forbidden_hits(self) -> list[str]:
        """URLs requested that the manifest forbids (robots-disallowed, mirror hosts)."""
        return list(self.traffic.forbidden)

    def reset_traffic(self) -> None:
        self.traffic = Traffic()

    # --- internals -------------------------------------------------------------------------
    def _now(self) -> tuple[World, Site, int]:
        if self._state is None:
            raise SimWebError("the simulated web is not started: call start() or use it in a with block")
        return self._state

    def _site_now(self) -> Site:
        return self._now()[1]

    def _install(self, world: World) -> None:
        generation = self._state[2] + 1 if self._state else 1
        self._state = (world, build_site(world), generation)

    def _call(self, coroutine: Any) -> Any:
        assert self._loop is not None
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result()

    async def _bind(self, hosts: list[str], port: int) -> int:
        for _attempt in range(20):
            servers: list[asyncio.base_events.Server] = []
            try:
                for host in hosts:
                    server = await asyncio.start_server(
                        self._handler(host), host, port, start_serving=False, backlog=512, limit=65536
                    )
                    servers.append(server)
                    port = server.sockets[0].getsockname()[1]
                self._servers = servers
                return port
            except OSError as exc:
                for server in servers:
                    server.close()
                if self._requested_port:
                    raise SimWebError(f"cannot listen on {host}:{port}: {exc.strerror}") from exc
                port = 0
        raise SimWebError(f"found no port free on all {len(hosts)} loopback addresses after 20 tries")

    async def _start_serving(self) -> None:
        for server in self._servers:
            await server.start_serving()

    async def _close(self) -> None:
        for server in self._servers:
            server.close()
        for task in list(self._connections):
            task.cancel()
        await asyncio.gather(*self._connections, return_exceptions=True)

    def _handler(self, host: str) -> Callable[[asyncio.StreamReader, asyncio.StreamWriter], Any]:
        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            task = asyncio.current_task()
            assert task is not None
            self._connections.add(task)
            try:
                await self._connection(host, reader, writer)
            except (ConnectionError, asyncio.CancelledError):
                pass
            except Exception as exc:  # a bug of ours: keep serving, and let tests see it in traffic.errors
                self.traffic.errors.append(f"{host}: {type(exc).__name__}: {exc}")
            finally:
                self._connections.discard(task)
                writer.close()

        return handle

    async def _connection(self, host: str, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            try:
                head = await reader.readuntil(b"\r\n\r\n")
            except (asyncio.IncompleteReadError, asyncio.LimitOverrunError):
                return
            lines = head.decode("latin-1").split("\r\n")
            try:
                method, target, version = lines[0].split(" ", 2)
            except ValueError:
                return
            headers = {}
            for line in lines[1:]:
                name, _, value = line.partition(":")
                if name:
                    headers[name.strip().lower()] = value.strip()
            length = int(headers.get("content-length", "0") or 0)
            if length:
                await reader.readexactly(length)
            if target.startswith("http://"):
                target = "/" + target.split("/", 3)[3] if target.count("/") >= 3 else "/"
            keep = version == "HTTP/1.1" and headers.get("connection", "").lower() != "close"
            self.traffic.active[host] += 1
            self.traffic.peak[host] = max(self.traffic.peak[host], self.traffic.active[host])
            try:
                keep = await self._respond(host, method, target, headers, writer, keep)
            finally:
                self.traffic.active[host] -= 1
            if not keep:
                return

    async def _respond(
        self, host: str, method: str, target: str, headers: dict[str, str], writer: asyncio.StreamWriter, keep: bool
    ) -> bool:
        world, site, generation = self._now()
        url = world.origin(host) + target
        self.traffic.hits[host] += 1
        resource = site.routes.get((host, target))
        if resource is None and target.startswith("/calendar?month=") and host in site.trap_hosts:
            body = calendar_page(world, host, target.split("=", 1)[1])
            if body is not None:
                resource = Resource(render=lambda: body, content_type="text/html; charset=utf-8", modified="2000-01-01")
        if (resource is not None and resource.forbidden) or host in world.mirrors:
            self.traffic.forbidden.append(url)
        status = await self._status(resource, url)
        self.traffic.requests.append(Request(time.monotonic(), url, method, status))
        if status is None:  # a hang: say nothing, then drop the connection
            return False
        if resource is None or status in (404, 500):
            body = NOT_FOUND if resource is None else SERVER_ERROR if resource.status != 500 else resource.render()
            self._write_head(writer, status, "text/html; charset=utf-8", len(body), keep)
            writer.write(body if method != "HEAD" else b"")
            await writer.drain()
            return keep
        if resource.location is not None:
            self._write_head(
                writer,
                status,
                "text/html; charset=utf-8",
                0,
                keep,
                [("Location", world.origin(host) + resource.location)],
            )
            await writer.drain()
            return keep
        if "oversized" in resource.faults:
            return await self._oversized(writer, method)
        key = resource.cache_key or (generation, host, target)
        etag = self._cache.etag(key, resource.render)
        extra = [("ETag", etag), ("Last-Modified", _http_date(resource.modified))]
        if _not_modified(headers, etag, resource.modified):
            self._write_head(writer, 304, None, None, keep, extra)
            self.traffic.requests[-1] = Request(self.traffic.requests[-1].at, url, method, 304)
            await writer.drain()
            return keep
        body, _ = self._cache.get(key, resource.render)
        if "truncated" in resource.faults:
            self._write_head(writer, 200, resource.content_type, len(body) * 2, False, extra)
            if method != "HEAD":
                writer.write(body[: len(body) // 2 + 1])
            await writer.drain()
            return False
        self._write_head(writer, 200, resource.content_type, len(body), keep, extra)
        if method != "HEAD":
            writer.write(body)
        await writer.drain()
        return keep

    async def _status(self, resource: Resource | None, url: str) -> int | None:
        if resource is None:
            return 404
        if "hang" in resource.faults:
            await asyncio.sleep(self.faults.hang_seconds)
            return None
        if "slow" in resource.faults:
            await asyncio.sleep(self.faults.slow_seconds)
        if "flaky" in resource.faults and self.traffic.failures[url] < self.faults.transient_failures:
            self.traffic.failures[url] += 1
            return 500
        return resource.status

    async def _oversized(self, writer: asyncio.StreamWriter, method: str) -> bool:
        size = self.faults.oversize_bytes
        self._write_head(writer, 200, "application/pdf", size, False)
        if method == "HEAD":
            await writer.drain()
            return False
        chunk = b"%PDF-1.4\n" + b"0" * (CHUNK - 9)
        sent = 0
        while sent < size:
            piece = chunk[: size - sent]
            writer.write(piece)
            sent += len(piece)
            await writer.drain()
        return False

    def _write_head(
        self,
        writer: asyncio.StreamWriter,
        status: int,
        content_type: str | None,
        length: int | None,
        keep: bool,
        extra: list[tuple[str, str]] | None = None,
    ) -> None:
        lines = [f"HTTP/1.1 {status} {REASONS[status]}", f"Date: {_now_date(int(time.time()))}", "Server: simweb"]
        if content_type is not None:
            lines.append(f"Content-Type: {content_type}")
        if length is not None:
            lines.append(f"Content-Length: {length}")
        lines += [f"{k}: {v}" for k, v in extra or ()]
        lines.append("Connection: keep-alive" if keep else "Connection: close")
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))


@lru_cache(maxsize=2)
def _now_date(second: int) -> str:
    """The Date header, formatted once a second (the header is transport, not content)."""
    return formatdate(second, usegmt=True)


def _not_modified(headers: dict[str, str], etag: str, modified: str) -> bool:
    match = headers.get("if-none-match")
    if match is not None:
        return match.strip() == "*" or etag in (t.strip() for t in match.split(","))
    since = headers.get("if-modified-since")
    if since is None:
        return False
    try:
        return datetime.fromisoformat(modified).replace(tzinfo=UTC) <= parsedate_to_datetime(since)
    except (TypeError, ValueError):
        return False


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)

"""The served web at one epoch: every (host, target) the server answers, and the facts the manifest needs.

Bodies are rendered lazily: a resource holds a function, and documents carry a cache key that stays the
same across epochs while their content does, so expensive renderings happen once.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from html import escape
from typing import Any

from nianbao.simweb import documents, pages
from nianbao.simweb.layouts import PAGE_SIZE, Layout, repost_detail, repost_listing
from nianbao.simweb.pages import Item
from nianbao.simweb.world import Agency, NonReport, Report, World

HTML = "text/html; charset=utf-8"
GB_HTML = "text/html"  # the GB2312 family declares no charset in the header
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "image-pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "text": "text/plain; charset=utf-8",
}
RENDERERS: dict[str, Callable[[Report], bytes]] = {
    "pdf": documents.pdf,
    "image-pdf": documents.image_pdf,
    "docx": documents.docx,
    "text": documents.text,
}


@dataclass(frozen=True)
class Resource:
    """What the server answers for one (host, target)."""

    render: Callable[[], bytes]
    content_type: str
    modified: str
    cache_key: tuple[Any, ...] | None = None
    status: int = 200
    faults: tuple[str, ...] = ()
    location: str | None = None
    forbidden: bool = False


@dataclass
class Site:
    routes: dict[tuple[str, str], Resource] = field(default_factory=dict)
    trap_hosts: set[str] = field(default_factory=set)
    faults: list[dict[str, Any]] = field(default_factory=list)
    forbidden_urls: list[dict[str, str]] = field(default_factory=list)
    non_reports: list[dict[str, str]] = field(default_factory=list)
    start_urls: dict[str, list[str]] = field(default_factory=dict)
    hints: dict[str, dict[str, str]] = field(default_factory=dict)

    def add(self, host: str, target: str, resource: Resource) -> None:
        self.routes[(host, target)] = resource


def build_site(world: World) -> Site:
    site = Site()
    for agency in world.agencies:
        _agency_site(world, site, agency)
    for mirror in world.mirrors:
        site.add(mirror, "/robots.txt", _text_resource(b"User-agent: *\nDisallow:\n", "2000-01-01"))
    return site


def _lazy(encode: Callable[[str], bytes], render: Callable[..., str], *args: Any, **kwargs: Any) -> Callable[[], bytes]:
    """A body rendered only when first asked for (the server caches it)."""
    return lambda: encode(render(*args, **kwargs))


def _utf8(text: str) -> bytes:
    return text.encode("utf-8")


def _text_resource(body: bytes, modified: str, content_type: str = "text/plain; charset=utf-8") -> Resource:
    return Resource(render=lambda: body, content_type=content_type, modified=modified)


def _encoder(agency: Agency) -> tuple[Callable[[str], bytes], str, str | None]:
    """How the agency's HTML is encoded: (encode, Content-Type, the <meta> charset or None)."""
    if agency.family == "gb2312":
        return (lambda s: s.encode("gbk", "xmlcharrefreplace")), GB_HTML, ("gb2312" if agency.meta_charset else None)
    return (lambda s: s.encode("utf-8")), HTML, "utf-8"


def _href(layout: Layout, path: str, base: str) -> str:
    """Links as the family writes them: TRS-like sites use paths relative to the linking page's directory."""
    directory = base[: base.rindex("/") + 1]
    if layout.family in ("trs", "gb2312") and path.startswith(directory):
        return "./" + path[len(directory) :]
    return path


def _agency_site(world: World, site: Site, agency: Agency) -> None:
    layout = world.layout(agency)
    origin = world.origin(agency.host)
    encode, content_type, charset = _encoder(agency)
    items: list[Item] = []
    for report in world.reports_of(agency.id):
        items.append(_report_routes(world, site, agency, layout, report))
    for notice in (n for n in world.non_reports if n.agency == agency.id):
        items.append(_notice_routes(world, site, agency, layout, notice))
    items.sort(key=lambda i: i.date, reverse=True)
    items += _fault_items(world, site, agency)
    modified = _listing_modified(world, items)
    _listing_routes(site, agency, layout, items, modified, encode, content_type, charset)
    site.start_urls[agency.id] = [origin + layout.listing(0)]
    if agency.family == "jsonapi":
        site.hints[agency.id] = {"api": origin + layout.api_template()}
    for version in range(layout.version):  # every earlier start URL redirects to the current one
        old = Layout(agency.family, version, agency.index, agency.region_code).listing(0)
        if (agency.host, old) not in site.routes:
            moved = Resource(
                render=lambda: b"", content_type=HTML, modified=modified, status=301, location=layout.listing(0)
            )
            site.add(agency.host, old, moved)
    robots = b"User-agent: *\nDisallow: /internal/\n" if "robots" in agency.faults else b"User-agent: *\nDisallow:\n"
    site.add(agency.host, "/robots.txt", _text_resource(robots, "2000-01-01"))
    if agency.reposts:
        _repost_routes(world, site, agency)


def _listing_modified(world: World, items: list[Item]) -> str:
    """A listing's Last-Modified: its newest item, and after a move the epoch's date, because a
    withdrawal changes a listing without adding anything newer (a 304 then would hide it)."""
    newest = max((i.date for i in items), default=f"{world.years[0] + 1}-01-01")
    if world.epoch == 0:
        return newest
    return max(newest, f"{world.years[1] + world.epoch + 1}-06-30")


def _listing_routes(
    site: Site,
    agency: Agency,
    layout: Layout,
    items: list[Item],
    modified: str,
    encode: Callable[[str], bytes],
    content_type: str,
    charset: str | None,
) -> None:
    if not layout.paged():
        body = _lazy(encode, pages.listing_page, agency, layout.family, items, 0, 1, charset=charset)
        site.add(agency.host, layout.listing(0), Resource(body, content_type, modified))
        return
    count = max(1, math.ceil(len(items) / PAGE_SIZE))
    chunks = [items[n * PAGE_SIZE : (n + 1) * PAGE_SIZE] for n in range(count)]
    if layout.family == "jsonapi":
        first = _lazy(
            encode,
            pages.listing_page,
            agency,
            "jsonapi",
            chunks[0],
            0,
            count,
            api=layout.api_template(),
            charset=charset,
        )
        site.add(agency.host, layout.listing(0), Resource(first, content_type, modified))
        for n, chunk in enumerate(chunks, start=1):
            body = pages.api_page(chunk, n, count, len(items)).encode("utf-8")
            site.add(agency.host, layout.api(n), _text_resource(body, modified, "application/json; charset=utf-8"))
        return
    for n, chunk in enumerate(chunks):
        page = _lazy(encode, pages.listing_page, agency, layout.family, chunk, n, count, charset=charset)
        site.add(agency.host, layout.listing(n), Resource(page, content_type, modified))


def _report_routes(world: World, site: Site, agency: Agency, layout: Layout, report: Report) -> Item:
    origin = world.origin(agency.host)
    encode, content_type, charset = _encoder(agency)
    page_path = world.page_path(report)
    links, pictures = [], []
    for number, path in enumerate(world.picture_paths(report), start=1):
        pictures.append(_href(layout, path, page_path))  # the page's <img> sources, in the tables' order
        key = ("doc", report.agency, report.year, report.version, f"picture-{number}")
        picture = Resource(partial(documents.table_png, report, number), "image/png", report.modified, cache_key=key)
        site.add(agency.host, path, picture)
    if report.pictured:
        for path, body in pages.furniture_pictures().items():
            site.add(agency.host, path, Resource(partial(bytes, body), "image/png", "2000-01-01"))
    for rendering in report.attachments():
        path = world.attachment_path(report, rendering)
        links.append(pages.attachment_link(rendering, _href(layout, path, page_path), report))
        site.add(agency.host, path, _document(report, rendering))
        if rendering == "pdf" and report.embed == "iframe":
            viewer = pages.viewer_page(path).encode("utf-8")
            site.add(agency.host, f"/viewer.html?file={path}", _text_resource(viewer, report.modified, HTML))
    links += _extra_links(world, site, agency, layout, report)
    for fault in report.page_faults:
        entry: dict[str, Any] = {"url": origin + page_path, "kind": fault}
        if fault == "slow":
            entry["seconds"] = world.faults.slow_seconds
        else:
            entry["kind"], entry["failures"] = "transient_error", world.faults.transient_failures
        site.faults.append(entry)
    body = _lazy(encode, pages.report_page, world, agency, report, links, charset=charset, pictures=pictures)
    faults = tuple("flaky" if f == "server_errors" else f for f in report.page_faults)
    site.add(agency.host, page_path, Resource(body, content_type, report.modified, faults=faults))
    return Item(report.display_title or report.title, _href(layout, page_path, layout.listing(0)), report.publish_date)


def _document(report: Report, rendering: str) -> Resource:
    key = ("doc", report.agency, report.year, report.version, rendering)
    return Resource(partial(RENDERERS[rendering], report), CONTENT_TYPES[rendering], report.modified, cache_key=key)


def _extra_links(world: World, site: Site, agency: Agency, layout: Layout, report: Report) -> list[str]:
    """Links that must not be followed or that fail: mirror copies, an oversized and a truncated PDF."""
    links = []
    origin = world.origin(agency.host)
    if "mirrors" in report.extras and world.mirrors:
        mirror = world.mirrors[agency.index % len(world.mirrors)]
        path = f"/mirror/{agency.id}/{report.year}.html"
        copy = _lazy(_utf8, pages.report_page, world, agency, report, [])
        site.add(mirror, path, Resource(copy, HTML, report.modified))
        links.append(f'<p>镜像：<a href="{world.origin(mirror)}{path}">{escape(report.title)}（镜像站）</a></p>')
    if "oversized" in report.extras:
        path = layout.attachment(report.publish_date, report.serial * 10 + 7, "pdf")
        site.add(agency.host, path, Resource(lambda: b"", "application/pdf", report.modified, faults=("oversized",)))
        site.faults.append({"url": origin + path, "kind": "oversized", "content_length": world.faults.oversize_bytes})
        href = _href(layout, path, world.page_path(report))
        links.append(f'<p>附件：<a href="{href}">{escape(report.title)}（高清扫描版）.pdf</a></p>')
    if "truncated" in report.extras:
        path = layout.attachment(report.publish_date, report.serial * 10 + 8, "pdf")
        resource = _document(report, "pdf")
        site.add(
            agency.host,
            path,
            Resource(resource.render, "application/pdf", report.modified, resource.cache_key, faults=("truncated",)),
        )
        site.faults.append({"url": origin + path, "kind": "truncated"})
        href = _href(layout, path, world.page_path(report))
        links.append(f'<p>附件：<a href="{href}">{escape(report.title)}（打印版）.pdf</a></p>')
    return links


def _notice_routes(world: World, site: Site, agency: Agency, layout: Layout, notice: NonReport) -> Item:
    encode, content_type, _charset = _encoder(agency)
    path = layout.notice(notice.date, notice.serial)
    body = _lazy(encode, pages.notice_page, agency, notice.title, notice.date)
    site.add(agency.host, path, Resource(body, content_type, notice.date))
    site.non_reports.append({"agency": agency.id, "url": world.origin(agency.host) + path, "title": notice.title})
    return Item(notice.title, _href(layout, path, layout.listing(0)), notice.date)


def _fault_items(world: World, site: Site, agency: Agency) -> list[Item]:
    """Listing entries that lead into the agency's faults; none of them is a report."""
    origin = world.origin(agency.host)
    serial = 900000 + agency.index
    day = f"{world.years[1] + 1}-03-31"
    name = agency.name
    items = []

    def message(title: str, text: str, links: str = "") -> Callable[[], bytes]:
        return _lazy(_utf8, pages.message_page, agency, title, text, links)

    if "robots" in agency.faults:
        path = f"/internal/draft_{serial}.html"
        pdf_link = f'<a href="/internal/draft_{serial}.pdf">征求意见稿.pdf</a>'
        site.add(
            agency.host,
            path,
            Resource(message("内部资料", "内部征求意见稿，请勿转载。", pdf_link), HTML, day, forbidden=True),
        )
        site.add(
            agency.host,
            f"/internal/draft_{serial}.pdf",
            Resource(lambda: b"%PDF-1.4\n%%EOF\n", "application/pdf", day, forbidden=True),
        )
        site.forbidden_urls.append({"url": origin + "/internal/", "match": "prefix", "reason": "robots"})
        items.append(Item(f"{name}政府信息公开工作年度报告（征求意见稿）", path, day))
    if "not_found" in agency.faults:
        path = f"/old/t_{serial}.html"
        site.faults.append({"url": origin + path, "kind": "not_found", "status": 404})
        items.append(Item(f"{name}{world.years[0] - 1}年政府信息公开工作年度报告", path, day))
    if "server_errors" in agency.faults:
        path = f"/error/{serial}.html"
        site.add(agency.host, path, Resource(message("系统错误", "服务器内部错误"), HTML, day, status=500))
        site.faults.append({"url": origin + path, "kind": "server_error", "status": 500})
        items.append(Item("政务公开工作通知", path, day))
    if "timeouts" in agency.faults:
        path = f"/hang/{serial}.html"
        site.add(agency.host, path, Resource(lambda: b"", HTML, day, faults=("hang",)))
        site.faults.append({"url": origin + path, "kind": "timeout", "seconds": world.faults.hang_seconds})
        items.append(Item("政府信息公开指南", path, day))
    if "redirect_loops" in agency.faults:
        a, b = f"/redirect/{serial}_a.html", f"/redirect/{serial}_b.html"
        site.add(agency.host, a, Resource(lambda: b"", HTML, day, status=302, location=b))
        site.add(agency.host, b, Resource(lambda: b"", HTML, day, status=302, location=a))
        site.faults.append({"url": origin + a, "kind": "redirect_loop"})
        items.append(Item("政府信息公开制度", a, day))
    if "calendar_trap" in agency.faults:
        site.trap_hosts.add(agency.host)
        site.forbidden_urls.append({"url": origin + "/calendar", "match": "prefix", "reason": "trap"})
        items.append(Item("公开日历", f"/calendar?month={world.years[1]}-01", day))
    if "soft_404" in agency.faults:
        path = f"/notice/{serial}.html"
        site.add(agency.host, path, Resource(message("页面不存在", "您访问的页面不存在或已被删除。"), HTML, day))
        site.faults.append({"url": origin + path, "kind": "soft_404", "status": 200})
        items.append(Item(f"{name}{world.years[0] - 2}年政府信息公开工作年度报告", path, day))
    return items


def calendar_page(world: World, host: str, month: str) -> bytes | None:
    """The calendar trap: every month links the next, for ever. None for a malformed month."""
    try:
        year, number = (int(p) for p in month.split("-"))
    except ValueError:
        return None
    if not 1 <= number <= 12:
        return None
    nxt = f"{year + number // 12}-{number % 12 + 1:02d}"
    agency = world.agencies[_host_index(host)]
    links = f'<a href="/calendar?month={nxt}">下一月</a>'
    return pages.message_page(agency, f"公开日历 {month}", "本月无公开事项。", links).encode("utf-8")


def _host_index(host: str) -> int:
    _, _, third, fourth = (int(p) for p in host.split("."))
    return (third - 1) * 250 + fourth - 1


def _repost_routes(world: World, site: Site, parent: Agency) -> None:
    """The parent portal's 部门年报 column: its departments' reports, same content, its own URLs."""
    items = []
    for child in world.children(parent.id):
        for report in world.reports_of(child.id):
            path = repost_detail(child.id, report.year)
            body = _lazy(_utf8, pages.report_page, world, child, report, [], portal=parent)
            site.add(parent.host, path, Resource(body, HTML, report.modified))
            items.append(Item(report.display_title or report.title, path, report.publish_date))
    items.sort(key=lambda i: i.date, reverse=True)
    modified = _listing_modified(world, items)
    listing = _lazy(_utf8, pages.listing_page, parent, "repost", items, 0, 1)
    site.add(parent.host, repost_listing(), Resource(listing, HTML, modified))
    site.start_urls[parent.id].append(world.origin(parent.host) + repost_listing())


def manifest_facts(site: Site) -> dict[str, Any]:
    return {"faults": site.faults, "forbidden_urls": site.forbidden_urls, "non_reports": site.non_reports}

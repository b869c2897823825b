"""Page objects: what a fetched page means for discovery. Pure: (bytes, URL, content type, hints) → Findings.

A listing page yields report links, more listing pages (columns, year/department sub-columns,
pagination) and gateways toward the disclosure section; a report page yields its attachments; a JSON
listing yields report links from its items. The spider decides what to fetch; these functions only read.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from lxml import etree

from nianbao.archive.decoding import page_text
from nianbao.crawler.agencies import ApiHint, Hints
from nianbao.crawler.links import (
    MAX_LINKS_PER_PAGE,
    PICTURE_EXTENSIONS,
    Link,
    absolute,
    extract_links,
    is_document_url,
    parse_html,
    viewer_target,
)
from nianbao.crawler.pagination import is_sibling_page, trs_pages
from nianbao.crawler.titles import is_column_link, is_gateway_link, is_report_link, is_report_title, year_label

_TITLE_KEYS = ("title", "name", "doctitle", "bt", "titlename", "subject", "wjmc", "filename")
_URL_KEYS = ("url", "link", "href", "docurl", "path", "fileurl", "pageurl", "detailurl", "linkurl")
_TOTAL_PAGE_KEYS = ("totalpages", "pagecount", "totalpage", "pages", "page_count", "total_pages")
_EMBEDDED_VIA = ("iframe", "embed", "object", "viewer")
# A report published as pictures of its pages (one <img> per page, no table, no document attached):
# the pictures are the report. Page furniture (logos, banners, QR codes, buttons) is told apart by
# the names sites give it, in the file name or in the class/id of an element around it.
_FURNITURE = re.compile(
    r"(?:^|[^a-z])(?:logo|banner|icon|qr|qrcode|ewm|erweima|share|btn|button|nav|navbar|head|header|foot|footer|top)(?:[^a-z]|$)",
    re.IGNORECASE,
)
_PICTURES_MAX_NUMBERS = 40  # digit runs in a page's text: a report with its tables as text has hundreds
_MAX_PICTURES = 60
# A paged endpoint named in a script (`var listApi = "/api/gknb/list?page={page}&size=6"`): the later
# pages of listings whose first page alone is static.
_SCRIPT_API = re.compile(
    r"""["']((?:https?://[^"'\s]+)?/[^"'\s]*(?:api|json|list|query|search)[^"'\s]*?[?&]"""
    r"""(?:page|pageNo|pageNum|pageIndex|curPage)=(?:\{page\}|\d+)[^"'\s]*)["']""",
    re.IGNORECASE,
)
_PAGE_VALUE = re.compile(r"([?&](?:page|pageNo|pageNum|pageIndex|curPage)=)\d+", re.IGNORECASE)
# A "200 OK" that says the page is gone; only short pages qualify (a report may quote such words).
_SOFT_404 = re.compile(r"页面不存在|页面已删除|找不到(该|您要的)?页面|访问的页面不存在|404\s*Not\s*Found", re.I)
_SOFT_404_MAX_TEXT = 600
_SOFT_404_MAX_BYTES = 30_000


@dataclass(frozen=True)
class Findings:
    reports: tuple[Link, ...] = ()
    listings: tuple[Link, ...] = ()
    gateways: tuple[Link, ...] = ()
    attachments: tuple[Link, ...] = ()
    problems: tuple[str, ...] = ()
    total_pages: int | None = None  # what a JSON listing says about its page count
    apis: tuple[str, ...] = ()  # JSON listing endpoints named in the page's scripts, with {page}
    fingerprint: str = field(default="")  # equal fingerprints: the same page again (stop paginating)


def is_json(body: bytes, content_type: str | None) -> bool:
    if content_type and "json" in content_type.lower():
        return True
    return body.lstrip()[:1] in (b"{", b"[") and not body.lstrip().startswith(b"<")


def read_listing(body: bytes, url: str, content_type: str | None, hints: Hints) -> Findings:
    """A page of (or on the way to) a report column."""
    text = page_text(body, content_type)
    doc = parse_html(text)
    links = extract_links(doc, url)
    problems: tuple[str, ...] = ()
    if len(links) > MAX_LINKS_PER_PAGE:
        links = links[:MAX_LINKS_PER_PAGE]
        problems = (f"{url} holds more than {MAX_LINKS_PER_PAGE} links; only the first {MAX_LINKS_PER_PAGE} were read",)
    reports = _hinted_reports(doc, url, hints) if hints.report_selector else _reports(links)
    if hints.report_selector and not reports:
        problems += (f"hints.report_selector {hints.report_selector!r} matched no report link on {url}",)
    report_urls = {link.url for link in reports}
    listings: list[Link] = []
    gateways: list[Link] = []
    directory = urlsplit(url).path.rsplit("/", 1)[0] + "/"
    for link in links:
        if link.url in report_urls or is_document_url(link.url) or link.via not in ("a", "area", "onclick", "data"):
            continue
        if is_sibling_page(url, link):
            listings.append(Link(link.url, link.text, "page"))
        elif is_column_link(link.text, link.url) or _year_subcolumn(link, directory):
            listings.append(Link(link.url, link.text, "column"))
        elif is_gateway_link(link.text, link.url):
            gateways.append(link)
    listings.extend(Link(page, "", "page") for page in trs_pages(text, url) if page != url)
    apis = _script_apis(doc, url)
    return Findings(
        reports=tuple(reports),
        listings=_unique(listings),
        gateways=_unique(gateways),
        problems=problems,
        apis=apis,
        fingerprint=_fingerprint([*(link.url for link in (*reports, *listings, *gateways)), *apis]),
    )


def read_report(body: bytes, url: str, content_type: str | None) -> Findings:
    """A report page (or a cover letter, or a viewer): the documents it carries or embeds."""
    doc = parse_html(page_text(body, content_type))
    attachments = [
        link
        for link in extract_links(doc, url)
        if link.url != url
        and (is_document_url(link.url) or link.via in _EMBEDDED_VIA)
        and viewer_target(link.url) is None  # the document itself is listed right after its viewer
    ]
    if not attachments and doc is not None:
        attachments = report_pictures(doc, url)
    return Findings(attachments=_unique(attachments))


def report_pictures(doc: etree._Element, url: str) -> list[Link]:
    """The pictures of a report published as pictures: none when the page has a table, numbers enough
    to be the report itself, or no picture that is not page furniture."""
    if next(doc.iter("table"), None) is not None:
        return []
    if len(re.findall(r"\d+", doc.text_content())) >= _PICTURES_MAX_NUMBERS:
        return []
    pictures = []
    for image in doc.iter("img"):
        # A lazily loaded picture names itself in data-original/data-src; its src is a placeholder.
        source = image.get("data-original") or image.get("data-src") or image.get("src") or ""
        picture = absolute(url, source)
        if picture is None or not urlsplit(picture).path.lower().endswith(PICTURE_EXTENSIONS):
            continue
        around = [image, *image.iterancestors()]
        names = " ".join(f"{e.get('class') or ''} {e.get('id') or ''}" for e in around)
        if _FURNITURE.search(urlsplit(picture).path.rsplit("/", 1)[-1]) or _FURNITURE.search(names):
            continue
        pictures.append(Link(picture, " ".join((image.get("alt") or "").split()), "img"))
    return pictures[:_MAX_PICTURES]


def soft_404(body: bytes, content_type: str | None) -> str | None:
    """Why a page that answered 200 is really a "not found" page, or None."""
    if len(body) > _SOFT_404_MAX_BYTES:
        return None
    page = page_text(body, content_type)
    if not _SOFT_404.search(page):  # most pages: no need to parse them a second time
        return None
    doc = parse_html(page)
    text = " ".join(doc.text_content().split()) if doc is not None else ""
    match = _SOFT_404.search(text) if len(text) <= _SOFT_404_MAX_TEXT else None
    return f"soft 404: the page answers 200 but says {match.group(0)}" if match else None


def read_json_listing(body: bytes, url: str, api: ApiHint | None) -> Findings:
    """A JSON listing: report links from its items, and its page count when it states one."""
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return Findings(problems=(f"{url}: expected a JSON listing, got unparseable JSON",))
    items = _dotted(document, api.items) if api and api.items else _find_items(document)
    if not isinstance(items, list):
        return Findings(problems=(f"{url}: no list of items found in the JSON listing",))
    reports: list[Link] = []
    for item in items:
        if not isinstance(item, dict):
            continue
        title = _field(item, api.title_field if api else None, _TITLE_KEYS)
        target = _field(item, api.url_field if api else None, _URL_KEYS)
        link = absolute(url, target) if target else None
        if link and title and is_report_title(title):
            reports.append(Link(link, " ".join(title.split()), "json"))
    return Findings(
        reports=_unique(reports),
        total_pages=_total_pages(document),
        fingerprint=_fingerprint(_item_keys(items)),
    )


def _reports(links: Iterable[Link], *, require_title: bool = True) -> list[Link]:
    by_url: dict[str, Link] = {}
    for link in links:
        if (
            link.via != "script"
            and (is_report_link(link.text, link.url) or not require_title)
            and link.url not in by_url
        ):
            by_url[link.url] = link
    return list(by_url.values())


def _hinted_reports(doc: etree._Element | None, url: str, hints: Hints) -> list[Link]:
    if doc is None or not hints.report_selector:
        return []
    return _reports(extract_links(doc, url, roots=doc.cssselect(hints.report_selector)), require_title=False)


def _script_apis(doc: etree._Element | None, url: str) -> tuple[str, ...]:
    if doc is None:
        return ()
    templates = []
    for script in doc.iter("script"):
        for found in _SCRIPT_API.findall(script.text or ""):
            template = absolute(url, _PAGE_VALUE.sub(r"\g<1>{page}", found).replace("%7Bpage%7D", "{page}"))
            if template and "{page}" in template:
                templates.append(template)
    return tuple(dict.fromkeys(templates))


def _unique(links: Iterable[Link]) -> tuple[Link, ...]:
    by_url: dict[str, Link] = {}
    for link in links:
        by_url.setdefault(link.url, link)
    return tuple(by_url.values())


def _fingerprint(urls: Iterable[str]) -> str:
    """What a page offers to follow; empty when it offers nothing (then there is nothing to repeat)."""
    unique = sorted(set(urls))
    return hashlib.sha256("\n".join(unique).encode()).hexdigest() if unique else ""


def _dotted(document: Any, path: str) -> Any:
    for part in path.split("."):
        if isinstance(document, dict):
            document = document.get(part)
        elif isinstance(document, list) and part.isdigit() and int(part) < len(document):
            document = document[int(part)]
        else:
            return None
    return document


def _find_items(document: Any) -> list[Any] | None:
    """The first list of objects that carry a title-like and a URL-like field (breadth first)."""
    queue = [document]
    while queue:
        node = queue.pop(0)
        if isinstance(node, list):
            if any(_is_item(item) for item in node):
                return node
            queue.extend(node)
        elif isinstance(node, dict):
            queue.extend(node.values())
    return [] if isinstance(document, dict | list) else None


def _is_item(item: Any) -> bool:
    return isinstance(item, dict) and bool(_field(item, None, _TITLE_KEYS)) and bool(_field(item, None, _URL_KEYS))


def _year_subcolumn(link: Link, directory: str) -> bool:
    return year_label(link.text) is not None and urlsplit(link.url).path.startswith(directory)


def _field(item: dict[str, Any], named: str | None, candidates: tuple[str, ...]) -> str | None:
    if named:
        value = item.get(named)
        return value if isinstance(value, str) else None
    lowered = {str(key).lower(): value for key, value in item.items()}
    for key in candidates:
        value = lowered.get(key)
        if isinstance(value, str) and value.strip():
            return value
    return None


def _total_pages(document: Any) -> int | None:
    queue = [document]
    while queue:
        node = queue.pop(0)
        if isinstance(node, dict):
            for key, value in node.items():
                if str(key).lower() in _TOTAL_PAGE_KEYS and isinstance(value, int) and not isinstance(value, bool):
                    return value
            queue.extend(value for value in node.values() if isinstance(value, dict))
    return None


def _item_keys(items: list[Any]) -> list[str]:
    return [json.dumps(item, sort_keys=True, ensure_ascii=False) for item in items]

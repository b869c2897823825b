"""Every link a page offers, wherever it hides: href, iframe/frame, embed/object, onclick,
window.open / location in scripts, data-* attributes, and the `file=` of a PDF viewer.

Pure: (text, page URL) → links. The page objects in `crawler.pages` decide which to follow.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import parse_qsl, urljoin, urlsplit, urlunsplit

import lxml.html
from lxml import etree

from nianbao.crawler.titles import normalise

DOCUMENT_EXTENSIONS = (".pdf", ".doc", ".docx", ".wps", ".xls", ".xlsx", ".ofd", ".rtf", ".txt", ".zip", ".rar")
PICTURE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".gif", ".bmp", ".tif", ".tiff", ".webp")  # a report's page as a picture
_JS_URL = re.compile(
    r"""(?:window\.open|location(?:\.href)?\s*=|location\.assign|location\.replace|open(?:File|Pdf|Doc|Url)?)\s*\(?\s*['"]([^'"\s]+)['"]"""
    r"""|['"]([^'"\s<>]+?\.(?:pdf|docx?|wps|xlsx?|ofd|rtf)(?:\?[^'"\s<>]*)?)['"]""",
    re.IGNORECASE,
)
_VIEWER_PARAMS = ("file", "url", "src", "path", "pdf", "filepath", "fileurl")
_DATA_ATTRIBUTES = ("data-url", "data-href", "data-file", "data-src")
# Only the elements that can carry a link, in document order (one XPath pass instead of every node).
_LINKING = etree.XPath(
    "descendant-or-self::*[self::a or self::area or self::iframe or self::frame or self::embed or self::object"
    " or @onclick or @data-url or @data-href or @data-file or @data-src]"
)
_NOT_NAVIGABLE = ("javascript:", "mailto:", "tel:", "data:", "#")
MAX_LINKS_PER_PAGE = 5_000
"""Links read from one page: a report column lists tens a page; a page with hundreds of thousands is
a trap or a dump, and reading them all would hold the crawl for minutes. The cut is recorded."""


@dataclass(frozen=True)
class Link:
    url: str  # absolute, fragment removed
    text: str  # link text (or title attribute when longer), whitespace-normalised
    via: str  # a | area | iframe | embed | object | onclick | script | data | viewer | json | img


def parse_html(text: str) -> etree._Element | None:
    if not text.strip():
        return None
    try:
        return lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError):
        return None


def extract_links(
    doc: etree._Element | None,
    page_url: str,
    roots: Iterable[etree._Element] | None = None,
    limit: int = MAX_LINKS_PER_PAGE,
) -> list[Link]:
    """The links of a parsed page (or of the `roots` subtrees) in document order, viewer-wrapped
    documents unwrapped right after their viewer; at most `limit` + 1 (more than `limit`: the page was cut)."""
    if doc is None:
        return []
    base = _base_url(doc, page_url)
    found: list[Link | None] = []
    for root in [doc] if roots is None else roots:
        for element in _LINKING(root):
            found.extend(_element_links(element, element.tag.lower(), base))
            if len(found) > limit:
                break
    if roots is None:
        for script in doc.iter("script"):
            found.extend(_link(base, url, "", "script") for url in _js_urls(script.text or ""))
    links: list[Link] = []
    for link in found:
        if link is None:
            continue
        links.append(link)
        inner = viewer_target(link.url)
        if inner:
            links.append(Link(inner, link.text, "viewer"))
    return list(dict.fromkeys(links))


def is_document_url(url: str) -> bool:
    return urlsplit(url).path.lower().endswith(DOCUMENT_EXTENSIONS)


def viewer_target(url: str) -> str | None:
    """The document a viewer URL shows (`viewer.html?file=/a/b.pdf`), resolved against the viewer."""
    for name, value in parse_qsl(urlsplit(url).query, keep_blank_values=False):
        if name.lower() in _VIEWER_PARAMS and urlsplit(value).path.lower().endswith(DOCUMENT_EXTENSIONS):
            return absolute(url, value)
    return None


def absolute(base: str, href: str) -> str | None:
    href = href.strip()
    if not href or href.lower().startswith(_NOT_NAVIGABLE):
        return None
    joined = urlsplit(urljoin(base, href))
    if joined.scheme not in ("http", "https") or not joined.hostname:
        return None
    return urlunsplit((joined.scheme, joined.netloc, joined.path or "/", joined.query, ""))


def _element_links(element: etree._Element, tag: str, base: str) -> list[Link | None]:
    text = _text(element)
    links: list[Link | None] = []
    if tag in ("a", "area"):
        links.append(_link(base, element.get("href", ""), text, tag))
    elif tag in ("iframe", "frame", "embed"):
        links.append(_link(base, element.get("src", ""), text, "iframe" if tag != "embed" else "embed"))
    elif tag == "object":
        links.append(_link(base, element.get("data", ""), text, "object"))
        for param in element.iter("param"):
            if (param.get("name") or "").lower() in ("src", "movie", "filename", "url"):
                links.append(_link(base, param.get("value", ""), text, "object"))
    for attribute in _DATA_ATTRIBUTES:
        if element.get(attribute):
            links.append(_link(base, element.get(attribute, ""), text, "data"))
    onclick = element.get("onclick")
    if onclick:
        links.extend(_link(base, url, text, "onclick") for url in _js_urls(onclick))
    if tag == "a" and (element.get("href") or "").lower().startswith("javascript:"):
        links.extend(_link(base, url, text, "onclick") for url in _js_urls(element.get("href", "")))
    return links


def _link(base: str, href: str, text: str, via: str) -> Link | None:
    url = absolute(base, href)
    return Link(url, text, via) if url else None


def _text(element: etree._Element) -> str:
    text = " ".join(element.text_content().split())
    title = " ".join((element.get("title") or "").split())
    truncated = text.endswith(("...", "…", "……"))
    return title if title and (truncated or len(normalise(title)) >= len(normalise(text))) else text


def _js_urls(code: str) -> list[str]:
    return [first or second for first, second in _JS_URL.findall(code)]


def _base_url(doc: etree._Element, page_url: str) -> str:
    for base in doc.iter("base"):
        href = base.get("href")
        if href:
            return urljoin(page_url, href.strip())
    return page_url

"""The other pages of a listing: TRS `createPageHTML(n, …)` scripts, `index_N.html`, `_N.shtml`,
`?page=N` and kin, `/N.html`, and numbered or 下一页 links. Pure: (page text, links, URL) → URLs.

Where pagination stops (a repeated page, a page cap) is the spider's business, not this module's.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urljoin, urlsplit

from nianbao.crawler.links import Link
from nianbao.crawler.titles import normalise

_CREATE_PAGE = re.compile(r"createPageHTML\s*\(([^)]*)\)")
_ARG = re.compile(r"""\s*(?:(['"])(.*?)\1|([\w.-]+))\s*""")
_NAV_TEXT = re.compile(
    r"^(\d{1,4}|下一?页|上一?页|首页|尾页|末页|最后一?页|第\d+页|>|>>|»|›|<|<<|«|‹|next|prev(ious)?|last|first)$", re.I
)
_PAGE_PARAMS = {"page", "pageno", "pagenum", "pageindex", "curpage", "currentpage", "p", "pn", "pagenumber", "page_no"}
_NUMBERED_FILE = re.compile(r"^(?P<stem>[A-Za-z]*)_(?P<n>\d{1,4})\.(?P<ext>s?html?|jsp)$")
_DIGIT_FILE = re.compile(r"^\d{1,4}\.s?html?$")
_INDEX_FILE = re.compile(r"^(?P<stem>[A-Za-z]*)\.(?P<ext>s?html?|jsp)$")
_HTML_EXTENSIONS = ("html", "shtml", "htm", "jsp")


def trs_pages(text: str, page_url: str) -> list[str]:
    """Pages announced by TRS `createPageHTML(count, current, "index", "html")` (any argument order)."""
    urls: list[str] = []
    for call in _CREATE_PAGE.finditer(text):
        args = [(quoted or bare) for _, quoted, bare in _ARG.findall(call.group(1))]
        numbers = [int(arg) for arg in args if arg.isdigit()]
        words = [arg for arg in args if not arg.isdigit()]
        if not numbers:
            continue
        prefix, extension = "index", "html"
        for index, word in enumerate(words[:-1]):
            if words[index + 1].lower() in _HTML_EXTENSIONS:
                prefix, extension = word, words[index + 1]
        count = numbers[0]
        urls.append(urljoin(page_url, f"{prefix}.{extension}"))
        urls.extend(urljoin(page_url, f"{prefix}_{n}.{extension}") for n in range(1, count))
    return urls


def hinted_page(page_url: str, template: str, page: int) -> str:
    """Page `page` of a listing whose pages follow a registry hint such as `index_{n}.html`."""
    return urljoin(page_url, template.replace("{n}", str(page)))


def is_sibling_page(page_url: str, link: Link) -> bool:
    """True when `link` is another page of the same listing as `page_url`."""
    here, there = urlsplit(page_url), urlsplit(link.url)
    if there.netloc != here.netloc or link.url == page_url:
        return False
    if there.path == here.path and _page_param(there.query) is not None:
        return _without_page(there.query) == _without_page(here.query)
    if _directory(there.path) != _directory(here.path):
        return False
    name, current = _filename(there.path), _filename(here.path)
    if _NAV_TEXT.match(normalise(link.text)) and (name == "" or name.lower().endswith(_HTML_EXTENSIONS)):
        return True
    numbered = _NUMBERED_FILE.match(name)
    if numbered:
        return numbered.group("stem") == _stem(current)
    return bool(_DIGIT_FILE.match(name) and (current == "" or _DIGIT_FILE.match(current) or _stem(current) == "index"))


def _page_param(query: str) -> str | None:
    for name, value in parse_qsl(query, keep_blank_values=True):
        if name.lower() in _PAGE_PARAMS and value.isdigit():
            return value
    return None


def _without_page(query: str) -> list[tuple[str, str]]:
    return sorted((k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k.lower() not in _PAGE_PARAMS)


def _directory(path: str) -> str:
    return path.rsplit("/", 1)[0] if "/" in path else ""


def _filename(path: str) -> str:
    return path.rsplit("/", 1)[-1]


def _stem(name: str) -> str:
    if name == "":
        return "index"
    numbered = _NUMBERED_FILE.match(name)
    if numbered:
        return numbered.group("stem")
    plain = _INDEX_FILE.match(name)
    return plain.group("stem") if plain else name

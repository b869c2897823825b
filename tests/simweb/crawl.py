"""A reference crawl of one agency's site for the tests: follows every way the families link reports."""

from __future__ import annotations

import json
import re
from html import unescape
from urllib.parse import urljoin, urlsplit

from tests.simweb.http import get

LINKS = re.compile(r"""(?:href|src|data)="([^"#]+)"|window\.open\('([^']+)'\)""")
VIEWER_FILE = re.compile(r"""[?&]file=([^"&']+)""")
PAGER = re.compile(r"createPageHTML\((\d+),")
SKIP = ("/internal/", "/calendar", "/redirect/", "/hang/", "/error/", "/old/", "/notice/", "javascript:")


def decode(body: bytes, content_type: str) -> str:
    if "charset=utf-8" in content_type:
        return body.decode("utf-8")
    return body.decode("gb18030")


def crawl(
    start_urls: list[str], hints: dict[str, str] | None = None, limit: int = 200, skip: frozenset[str] = frozenset()
) -> dict[str, int]:
    """Every same-host URL reachable from the start URLs (robots section, known traps and `skip` left out)."""
    host = urlsplit(start_urls[0]).netloc
    queue = list(start_urls)
    if hints and "api" in hints:
        queue += _api_links(hints["api"])
    seen: dict[str, int] = {}
    while queue and len(seen) < limit:
        url = queue.pop(0)
        if url in seen or url in skip or urlsplit(url).netloc != host or any(s in url for s in SKIP):
            continue
        answer = get(url)
        for _retry in range(3):  # transient 500s succeed on a retry, as a polite crawler would find
            if answer.status != 500:
                break
            answer = get(url)
        seen[url] = answer.status
        content_type = answer.headers.get("content-type", "")
        if answer.status != 200 or not content_type.startswith("text/html"):
            continue
        text = decode(answer.body, content_type)
        for groups in LINKS.findall(text):
            link = next(g for g in groups if g)
            queue.append(urljoin(url, unescape(link)))
        queue += [urljoin(url, f) for f in VIEWER_FILE.findall(text)]
        pager = PAGER.search(text)
        if pager:
            queue += [urljoin(url, f"index_{n}.html") for n in range(1, int(pager.group(1)))]
    return seen


def _api_links(template: str) -> list[str]:
    out, page, pages = [], 1, 1
    while page <= pages:
        data = json.loads(get(template.format(page=page)).body)
        pages = data["pages"]
        out += [urljoin(template, item["url"]) for item in data["data"]]
        page += 1
    return out

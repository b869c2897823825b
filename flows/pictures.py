"""A report published as pictures: its picture captures, grouped by the page that shows them, in that
page's order.

Many county sites publish a report as a page holding one `<img>` per page of the report and nothing
else; the crawler fetches those pictures as the page's attachments (crawler/pages.py::report_pictures).
Read one by one, no reading would hold the report's tables, and a table cut across two pictures would
never be whole: settlement reads the pictures of one page together, as one document whose pages are
the pictures in the order the page shows them (not by URL, nor by the order they were fetched in).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from urllib.parse import urlsplit

from nianbao.archive.captures import Capture, CaptureKind
from nianbao.crawler.links import PICTURE_EXTENSIONS
from nianbao.crawler.pages import read_report
from nianbao.parsers.record import ReportRecord

Body = tuple[Capture, str]  # a capture and the sha256 of its body
ReadPictures = Callable[[Sequence[Body]], ReportRecord]  # one reading of a report's pictures, in order
RawBody = Callable[[str], bytes]  # sha256 -> the stored body


def is_picture(capture: Capture) -> bool:
    """A picture fetched as a page's attachment (by its content type, else by its URL's extension)."""
    if capture.kind != CaptureKind.ATTACHMENT:
        return False
    content_type = (capture.content_type or "").split(";")[0].strip().lower()
    if content_type:
        return content_type.startswith("image/")
    return urlsplit(capture.url).path.lower().endswith(PICTURE_EXTENSIONS)


def picture_sets(bodies: Sequence[Body], raw: RawBody) -> tuple[list[Body], list[list[Body]]]:
    """(the other bodies, the pictures of each page among `bodies`, each page's in its order).

    A picture whose linking page is not among `bodies` has no order to be read in: it stays among the
    others and is read alone, as before pages of pictures were read together.
    """
    pages = {
        url: (capture, sha256)
        for capture, sha256 in bodies
        if not is_picture(capture)
        for url in {capture.url, capture.final_url or capture.url}
    }
    others: list[Body] = []
    shown: dict[str, list[Body]] = defaultdict(list)
    for capture, sha256 in bodies:
        if is_picture(capture) and capture.referrer in pages:
            shown[capture.referrer].append((capture, sha256))
        else:
            others.append((capture, sha256))
    sets = [in_page_order(pictures, page_order(*pages[url], raw)) for url, pictures in sorted(shown.items())]
    return others, sets


def page_order(page: Capture, sha256: str, raw: RawBody) -> list[str]:
    """The picture URLs of a report page in the order its `<img>` elements come, as the crawler read it."""
    try:
        findings = read_report(raw(sha256), page.final_url or page.url, page.content_type)
    except Exception:  # a page that cannot be read again gives no order; its pictures keep theirs by URL
        return []
    return [link.url for link in findings.attachments]


def in_page_order(pictures: Sequence[Body], order: Sequence[str]) -> list[Body]:
    """`pictures` in the page's order; any the page does not show (it changed since) after them, by URL."""
    position = {url: n for n, url in enumerate(order)}
    return sorted(pictures, key=lambda body: (position.get(body[0].url, len(order)), body[0].url))

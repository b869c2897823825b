"""The text of a page's bytes, by the project's one charset detector (`parsers.charsets.decode`).

The crawler reads listing and report pages for their links before anything is parsed, and may reach
the parsers only through the archive (crawler -> archive -> parsers): the detector is offered here
rather than written a second time. The archive keeps the bytes as they came; this is only a reading.
"""

from __future__ import annotations

from nianbao.parsers.charsets import decode
from nianbao.parsers.errors import ParseError


def page_text(body: bytes, content_type: str | None = None) -> str:
    """The page as text: byte-order mark, declared charset (header, then <meta>), UTF-8, then a guess."""
    try:
        return decode(body, content_type=content_type)[0]
    except ParseError:  # bytes that are text in no encoding hold no links either: read what can be read
        return body.decode("utf-8", errors="replace")

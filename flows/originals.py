"""The stored originals of a report: every own-site rendering of its latest content version, as files."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from nianbao.archive import Archive
from nianbao.flows.errors import FlowError
from nianbao.parsers.sniff import picture_format, rendering_of

EXTENSIONS = {"pdf": "pdf", "docx": "docx", "doc": "doc", "html": "html", "text": "txt"}
ROLE_ORDER = ("page", "attachment", "variant")  # a report's own renderings; reposts are other sites' copies


class NoOriginal(FlowError):
    """The archive holds no stored original of that report (or none in the rendering asked for)."""


@dataclass(frozen=True)
class Original:
    url: str
    rendering: str  # one of parsers.sniff.RENDERINGS, from the bytes
    data: bytes

    def file_name(self, agency: str, year: int) -> str:
        extension = EXTENSIONS.get(self.rendering) or picture_format(self.data) or "img"
        return f"{agency}-{year}.{extension}"


def originals(archive: Archive, agency: str, year: int) -> list[Original]:
    """The report's own-site renderings with a stored body, page first, in the order the version lists them."""
    content = archive.holding(agency, year).content  # a withdrawn report: what it was
    if content is None:
        raise NoOriginal(f"{archive.url} holds no report {agency}/{year}")
    own = [link for link in content.captures if link.agency == agency and link.sha256 and link.role in ROLE_ORDER]
    own.sort(key=lambda link: ROLE_ORDER.index(link.role))
    found = []
    for link in own:
        data = archive.get_raw(link.sha256)
        found.append(Original(link.url, rendering_of(data, url=link.url), data))
    return found


def pick(found: list[Original], agency: str, year: int, rendering: str | None) -> Original:
    """The first original, or the first in `rendering`; the error lists what there is."""
    chosen = [o for o in found if rendering is None or o.rendering == rendering]
    if not chosen:
        have = ", ".join(sorted({o.rendering for o in found})) or "none"
        raise NoOriginal(f"report {agency}/{year} has no stored {rendering or 'original'}; renderings held: {have}")
    return chosen[0]


def write(original: Original, agency: str, year: int, out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    path = out / original.file_name(agency, year)
    path.write_bytes(original.data)
    return path

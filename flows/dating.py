"""When a report was published, for renderings that do not say so themselves.

A PDF, DOCX or text rendering rarely carries its publish date in a form the parser reads; the page
that lists it usually does. The first of these that gives a date wins:

1. the rendering's own publish date (an HTML page's 发布日期/成文日期 field, read by the parser);
2. the page that links to it: the report's own-site HTML page in the same report group;
3. the report's own date line (落款): a line near the end of its text that is only a date (perhaps
   after the issuing body's name), dated after the end of the report year.

Document metadata (a DOCX's dcterms:created, a PDF's CreationDate) is not used: it is the day the
file was made from a template or converted, often before the report was written or long after.
"""

from __future__ import annotations

import re
from dataclasses import replace

from nianbao.flows.identity import ReportGroup
from nianbao.parsers.record import ReportRecord

_DATE_LINE = re.compile(r"^[^\d。，；]{0,40}?((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*$")
_TAIL_LINES = 6  # a 落款 is the last thing in a report; a date further up is a date in the prose


def dated(record: ReportRecord, group: ReportGroup) -> ReportRecord:
    """`record` with its publish date filled from the linking page or its date line, when it has none."""
    if record.publish_date:
        return record
    date = page_date(group) or date_line(record)
    return replace(record, publish_date=date) if date else record


def page_date(group: ReportGroup) -> str | None:
    """The publish date of the report's own-site page: the page role first, then any linking referrer."""
    own = [(doc, role) for doc, role in group.members if doc.capture.agency == group.agency and role != "repost"]
    referrers = {doc.capture.referrer for doc, _ in own}
    for wanted in (lambda doc, role: role == "page", lambda doc, role: doc.capture.url in referrers):
        for doc, role in own:
            if wanted(doc, role) and doc.record.publish_date:
                return doc.record.publish_date
    return None


def date_line(record: ReportRecord) -> str | None:
    """The ISO date of the report's closing date line, if it has one dated after its report year."""
    text = "\n".join(s.text for s in record.sections[-2:])
    lines = [line.strip() for line in text.splitlines() if line.strip()][-_TAIL_LINES:]
    for line in reversed(lines):
        match = _DATE_LINE.match(line)
        if match is None:
            continue
        year, month, day = (int(g) for g in match.groups())
        if (record.year is None or year > record.year) and 1 <= month <= 12 and 1 <= day <= 31:
            return f"{year:04d}-{month:02d}-{day:02d}"
    return None

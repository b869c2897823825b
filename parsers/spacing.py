"""Whitespace in Chinese text: collapse it, and drop it between two CJK characters.

Chinese is written without spaces, so a space between two CJK characters is an artefact of line
wrapping, `&nbsp;` padding or Word's span soup (社会公益<br>组织), never meaning.
"""

from __future__ import annotations

import re
from functools import lru_cache

_CJK = "\u2e80-\u9fff\u3000-\u303f\uf900-\ufaff\uff00-\uffef“”‘’《》"
_SPACES = re.compile(r"[\s\u3000\xa0\u200b\ufeff]+")
# A space, then the characters either side of it checked: a search led by the space skips the text fast,
# one led by a look-behind tries every character.
_BETWEEN_CJK = re.compile(f" (?<=[{_CJK}] )(?=[{_CJK}])")
_INVISIBLE = ("\u200b", "\ufeff")  # what _SPACES collapses and str.split does not (it takes str.isspace)


def clean(text: str) -> str:
    """One line: runs of whitespace become one space, spaces between CJK characters disappear."""
    return _clean(text) if len(text) <= _MEMO_LENGTH else _clean.__wrapped__(text)


# Cells and labels repeat within a report and across reports (the template's wording): their clean form
# is remembered; long paragraphs are not worth keeping.
_MEMO_LENGTH = 200


@lru_cache(maxsize=65536)
def _clean(text: str) -> str:
    if _INVISIBLE[0] in text or _INVISIBLE[1] in text:
        return _BETWEEN_CJK.sub("", _SPACES.sub(" ", text)).strip()
    # The usual text: str.split's whitespace is \s, so runs collapse and the ends go in one C call.
    collapsed = " ".join(text.split())
    return _BETWEEN_CJK.sub("", collapsed) if " " in collapsed else collapsed


def is_clean(text: str) -> bool:
    """Whether `clean(text)` is `text` itself, decided by C-level scans (no memo, no new string): no
    whitespace but single spaces inside it (a printable text holds no other whitespace, and neither
    zero-width space nor BOM), none of them between two CJK characters."""
    if not text.isprintable():
        return False
    if " " not in text:
        return True
    return text[0] != " " and text[-1] != " " and "  " not in text and not _BETWEEN_CJK.search(text)

"""`clean` collapses whitespace with str.split where it may (its whitespace is `\\s`), and drops spaces
between CJK characters with a search led by the space: the same text as the regular expressions alone."""

from __future__ import annotations

import random
import re

from nianbao.parsers import spacing

_LOOKED_BEHIND = re.compile(f"(?<=[{spacing._CJK}]) (?=[{spacing._CJK}])")


def _by_expressions(text: str) -> str:
    return _LOOKED_BEHIND.sub("", spacing._SPACES.sub(" ", text)).strip()


def test_str_split_whitespace_is_what_the_spaces_expression_collapses_but_two_invisible_characters():
    collapsed = {chr(i) for i in range(0x110000) if spacing._SPACES.fullmatch(chr(i))}
    assert collapsed == {chr(i) for i in range(0x110000) if chr(i).isspace()} | set(spacing._INVISIBLE)


def test_clean_gives_the_expressions_text():
    spaces = [chr(i) for i in range(0x3100) if chr(i).isspace()] + list(spacing._INVISIBLE)
    alphabet = [*spaces, *"ab中文，“”《》1  ", "\uff01", "\u2e80", "\u9fff", "\ua000"]
    rng = random.Random(5)
    for _ in range(20000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 10)))
        assert spacing._clean.__wrapped__(text) == _by_expressions(text), repr(text)

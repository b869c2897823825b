"""Section headings are found by a search led by the numeral; it finds what the look-behind-led form finds."""

from __future__ import annotations

import random
import re

from nianbao.parsers import sections


def test_the_numeral_led_heading_search_matches_the_look_behind_led_one():
    numerals = sections._NUMERALS
    looked_behind = re.compile(rf"(?<![第\d{numerals}])([{numerals}])\s*[、.．]\s*")
    rng = random.Random(3)
    alphabet = list("一二三十第1、.．\n 情况a")
    for _ in range(20000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        expected = [(m.span(), m.groups()) for m in looked_behind.finditer(text)]
        assert [(m.span(), m.groups()) for m in sections._HEADING.finditer(text)] == expected, text

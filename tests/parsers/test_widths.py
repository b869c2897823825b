"""`widths.nfkc` is NFKC (every character of the Basic Multilingual Plane alone, and random mixes of
full-width forms, combining marks, compatibility characters and CJK text), and `widths.char_map` is
`str.translate`."""

from __future__ import annotations

import random
import unicodedata

import pytest

from nianbao.parsers.widths import char_map, nfkc


def test_every_bmp_character_alone_normalises_as_nfkc() -> None:
    for code in range(0x10000):
        if 0xD800 <= code <= 0xDFFF:  # surrogates are no characters
            continue
        char = chr(code)
        assert nfkc(char) == unicodedata.normalize("NFKC", char), hex(code)


def test_mixed_text_normalises_as_nfkc() -> None:
    pool = (
        [chr(c) for c in range(0xFF01, 0xFF5F)]  # full-width ASCII forms
        + list("\u3000\u0301\u0308\u0327\u20dd\u3099\u309a")  # ideographic space, combining marks
        + list("①㈠⑴²ｶﾞﾟ\uf900\ufa10\u2126ﬁ・。、")  # compatibility characters, half-width kana
        + list("行政规范性文件abc 0123()（）：:，,")
    )
    rng = random.Random(7)
    for _ in range(20_000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 24)))
        assert nfkc(text) == unicodedata.normalize("NFKC", text), ascii(text)


def test_a_char_map_translates_as_str_translate() -> None:
    table = {"、": ".", "【": "(", "】": ")", "“": "", "”": ""}
    mapped, translation = char_map(table), str.maketrans(table)
    rng = random.Random(11)
    pool = [*table, *"行政规范性文件 (1).", "\u3000"]
    for _ in range(5_000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 16)))
        assert mapped(text) == text.translate(translation)


def test_a_char_map_whose_replacement_holds_a_key_is_refused() -> None:
    with pytest.raises(ValueError, match="replacement holds"):
        char_map({"、": "。", "。": "."})

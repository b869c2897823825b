"""Word's automatic list numbers, which python-docx leaves out of a paragraph's text.

A heading typed as a numbered list reads "总体情况" without its "一、"; the section splitter and the
row labels (（三）不予公开, 1.属于国家秘密) need the number. This renders the common formats of
numbering.xml in document order; exotic formats fall back to Arabic digits.
"""

from __future__ import annotations

from docx.document import Document as WordDocument
from docx.oxml import parse_xml
from docx.oxml.ns import nsmap, qn
from lxml.etree import _Element

_CHINESE_DIGITS = "〇一二三四五六七八九"
_LEVELS = 9


class Numbering:
    """Counts list items as paragraphs are read in document order and renders their numbers."""

    def __init__(self, word: WordDocument) -> None:
        try:
            root = word.part.numbering_part.element
        except NotImplementedError:  # python-docx's way of saying the document has no numbering part
            root = parse_xml(f'<w:numbering xmlns:w="{nsmap["w"]}"/>')
        self._abstract_of = {
            num.get(qn("w:numId")): _val(num.find(qn("w:abstractNumId"))) for num in root.iterchildren(qn("w:num"))
        }
        self._levels: dict[tuple[str, int], tuple[int, str, str]] = {}
        for abstract in root.iterchildren(qn("w:abstractNum")):
            for level in abstract.iterchildren(qn("w:lvl")):
                start = _val(level.find(qn("w:start")))
                self._levels[(abstract.get(qn("w:abstractNumId")), int(level.get(qn("w:ilvl"), "0")))] = (
                    int(start) if start and start.isdigit() else 1,
                    _val(level.find(qn("w:numFmt"))) or "decimal",
                    _val(level.find(qn("w:lvlText"))) or "",
                )
        self._style_numbers = {
            style.get(qn("w:styleId")): style.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
            for style in word.styles.element.iterchildren(qn("w:style"))
        }
        self._counters: dict[str, list[int | None]] = {}

    def prefix(self, paragraph: _Element) -> str:
        """The rendered number of a numbered paragraph ("一、", "（二）", "3."), else ""."""
        reference = self._reference(paragraph)
        if reference is None:
            return ""
        abstract, level = reference
        if (abstract, level) not in self._levels:
            return ""
        counters = self._counters.setdefault(abstract, [None] * _LEVELS)
        start = self._levels[(abstract, level)][0]
        current = counters[level]
        counters[level] = start if current is None else current + 1
        for deeper in range(level + 1, _LEVELS):
            counters[deeper] = None
        _, fmt, text = self._levels[(abstract, level)]
        if fmt in ("bullet", "none"):
            return ""
        for index in range(level + 1):
            value = counters[index] if counters[index] is not None else self._start(abstract, index)
            text = text.replace(f"%{index + 1}", _format(value, self._format_of(abstract, index)))
        return text

    def _reference(self, paragraph: _Element) -> tuple[str, int] | None:
        properties = paragraph.find(qn("w:pPr"))
        numbers = properties.find(qn("w:numPr")) if properties is not None else None
        if numbers is None and properties is not None:
            style = _val(properties.find(qn("w:pStyle")))
            numbers = self._style_numbers.get(style) if style else None
        if numbers is None:
            return None
        num_id = _val(numbers.find(qn("w:numId")))
        level = _val(numbers.find(qn("w:ilvl")))
        abstract = self._abstract_of.get(num_id) if num_id and num_id != "0" else None
        if abstract is None:
            return None
        return abstract, min(int(level), _LEVELS - 1) if level and level.isdigit() else 0

    def _start(self, abstract: str, level: int) -> int:
        return self._levels.get((abstract, level), (1, "decimal", ""))[0]

    def _format_of(self, abstract: str, level: int) -> str:
        return self._levels.get((abstract, level), (1, "decimal", ""))[1]


def _val(element: _Element | None) -> str | None:
    return element.get(qn("w:val")) if element is not None else None


def _format(value: int, fmt: str) -> str:
    if fmt in ("chineseCounting", "chineseCountingThousand", "chineseLegalSimplified", "taiwaneseCounting"):
        return _chinese(value)
    if fmt == "ideographDigital":
        return "".join(_CHINESE_DIGITS[int(d)] for d in str(value))
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese") and 1 <= value <= 20:
        return chr(0x2460 + value - 1)
    if fmt == "decimalFullWidth":
        return "".join(chr(0xFF10 + int(d)) for d in str(value))
    if fmt in ("upperLetter", "lowerLetter") and value >= 1:
        letter = chr(ord("A") + (value - 1) % 26) * ((value - 1) // 26 + 1)
        return letter if fmt == "upperLetter" else letter.lower()
    if fmt in ("upperRoman", "lowerRoman") and 1 <= value < 4000:
        return _roman(value) if fmt == "upperRoman" else _roman(value).lower()
    if fmt == "decimalZero":
        return f"{value:02d}"
    return str(value)


def _chinese(value: int) -> str:
    """一 … 十, 十一 … 九十九: list numbers in reports never go further."""
    if not 0 < value < 100:
        return str(value)
    tens, units = divmod(value, 10)
    if tens == 0:
        return _CHINESE_DIGITS[units]
    head = "" if tens == 1 else _CHINESE_DIGITS[tens]
    return head + "十" + (_CHINESE_DIGITS[units] if units else "")


def _roman(value: int) -> str:
    numerals = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"))
    numerals += ((40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
    result = ""
    for amount, numeral in numerals:
        count, value = divmod(value, amount)
        result += numeral * count
    return result

"""Property: how a report spells its labels and digits does not change the numbers read.

Every label cell of the `|`-flattened fixture is respelled (full-width or ASCII brackets, 、 for .,
spaces and no-break spaces inside words, dropped enumeration prefixes, straight quotes) and every
digit may turn full-width; the tables must come out exactly as the golden says.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from nianbao.parsers import parse

FIXTURE = Path(__file__).parent / "fixtures" / "pipe-rows.txt"
GOLDEN = json.loads(FIXTURE.with_name("pipe-rows.expected.json").read_text(encoding="utf-8"))
_FULL_WIDTH_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")


def _respell(label: str, draw) -> str:
    if draw(st.booleans()):
        label = label.replace("（", "(").replace("）", ")")
    if draw(st.booleans()):
        label = re.sub(r"^(\d)\.", r"\1、", label)
    if draw(st.booleans()):
        label = re.sub(r"^(（[一二三四五六七]）|\d\.)", "", label)
    if draw(st.booleans()):
        label = label.replace("“", '"').replace("”", '"')
    if len(label) > 2 and draw(st.booleans()):
        at = draw(st.integers(1, len(label) - 1))
        label = label[:at] + draw(st.sampled_from([" ", "\u00a0", "\u3000 "])) + label[at:]
    return label


@settings(max_examples=40, deadline=None, database=None)
@given(st.data())
def test_respelled_labels_and_full_width_digits_read_the_same(data):
    lines = []
    for line in FIXTURE.read_text(encoding="utf-8").splitlines():
        if line.startswith("| ") and not line.startswith("| |"):
            label, rest = line[2:].split(" |", 1)
            if data.draw(st.booleans()):
                rest = rest.translate(_FULL_WIDTH_DIGITS)
            line = f"| {_respell(label, data.draw)} |{rest}"
        lines.append(line)
    record = parse("\n".join(lines).encode(), filename="respelled.txt").to_dict()
    for key in ("active_disclosure", "applications", "review_litigation"):
        assert record[key] == GOLDEN[key], key

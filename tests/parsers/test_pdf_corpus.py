"""End to end on the real PDF: parse() must reproduce the hand-read ground truth cell for cell."""

import json
from pathlib import Path

from nianbao.parsers import parse


def test_huaian_pdf_reproduces_the_expected_record(corpus_dir: Path) -> None:
    expected = json.loads((corpus_dir / "huaian-2024.expected.json").read_text(encoding="utf-8"))
    record = parse((corpus_dir / "huaian-2024.pdf").read_bytes(), filename="huaian-2024.pdf").to_dict()
    for key, value in expected.items():
        assert record[key] == value, key
    assert record["rendering"] == "pdf"
    assert record["title"] == "淮安市人民政府2024年政府信息公开工作年度报告"
    headings = [section["heading"][:2] for section in record["sections"] if section["heading"]]
    assert headings == [
        "一、",
        "二、",
        "三、",
        "四、",
        "五、",
        "六、",
    ]
    failed = [check for check in record["checks"] if check["passed"] is False]
    assert failed == []
    assert record["warnings"] == []

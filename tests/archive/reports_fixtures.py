"""Report records and captures for archive tests, built directly with parsers.record."""

from __future__ import annotations

import hashlib

from nianbao.archive.captures import Capture
from nianbao.parsers.record import ReportRecord, Section, freeze_table
from nianbao.parsers.templates import TEMPLATE_2021

TEXT = (
    "一、总体情况\n2024年，本局认真贯彻落实《中华人民共和国政府信息公开条例》，"
    "全年主动公开政府信息1234条，政府网站访问量56万人次。\n"
)


def applications(**overrides: float | None) -> dict[str, dict[str, float | None]]:
    """Table 3 of the 2021 template: every cell 1 except the (row.column) overrides."""
    table = {row.key: {column: 1 for column in row.columns} for row in TEMPLATE_2021.table("applications").rows}
    for path, value in overrides.items():
        row, column = path.split("__")
        table[row][column] = value
    return table


def record(
    agency_name: str = "某某市生态环境局",
    year: int = 2024,
    text: str = TEXT,
    metadata: dict[str, str] | None = None,
    **cells: float | None,
) -> ReportRecord:
    return ReportRecord(
        agency=agency_name,
        year=year,
        title=f"{agency_name}{year}年政府信息公开工作年度报告",
        template="2021",
        rendering="html",
        publish_date=f"{year + 1}-01-20",
        sections=(Section("一、总体情况", text),),
        applications=freeze_table(applications(**cells)),
        metadata=metadata or {"索引号": "000-2025-0001", "发布机构": agency_name},
    )


def capture(agency: str, url: str, fetched_at: str, body: bytes | None = b"<html/>", status: int = 200) -> Capture:
    return Capture(
        agency=agency,
        url=url,
        fetched_at=fetched_at,
        status=status,
        sha256=hashlib.sha256(body).hexdigest() if body is not None else None,
        size=len(body) if body is not None else None,
        kind="report",
    )

"""Tables 2, 3 and 4 laid out as the national templates print them: merged cells and all.

A grid is a list of rows, each a list of cells with row/column spans, shared by every rendering
(HTML, PDF, DOCX, text) so that they all show the same table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from nianbao.parsers.templates import APPLICANT_COLUMNS, REVIEW_COLUMNS, TEMPLATES
from nianbao.simweb.figures import Figures, result_rows

NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"


@dataclass(frozen=True)
class Cell:
    text: str
    rowspan: int = 1
    colspan: int = 1
    header: bool = False


Grid = list[list[Cell]]


def number(value: Any, blank: str) -> str:
    """A cell value as printed: blank spelling for None, no trailing zeros on amounts."""
    if value is None:
        return blank
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".")
    return str(value)


def _yuan(amount_wan_yuan: float | None, blank: str) -> str:
    if amount_wan_yuan is None:
        return blank
    return f"{round(amount_wan_yuan * 10000)}元"


def _h(text: str, rowspan: int = 1, colspan: int = 1) -> Cell:
    return Cell(text, rowspan, colspan, header=True)


def active_grid(figures: Figures, template: str, money_style: str, blank: str) -> Grid:
    table = figures["active_disclosure"]
    spec = TEMPLATES[template].table("active_disclosure")

    def label(row: str) -> Cell:
        return Cell(spec.row(row).labels[0])

    def val(row: str, column: str, colspan: int = 1) -> Cell:
        return Cell(number(table[row][column], blank), colspan=colspan)

    if template == "2021":
        return [
            [_h("第二十条第（一）项", colspan=4)],
            [_h("信息内容"), _h("本年制发件数"), _h("本年废止件数"), _h("现行有效件数")],
            *[
                [label(r), val(r, "issued"), val(r, "repealed"), val(r, "in_force")]
                for r in ("rules", "normative_documents")
            ],
            [_h("第二十条第（五）项", colspan=4)],
            [_h("信息内容"), _h("本年处理决定数量", colspan=3)],
            [label("licensing"), val("licensing", "decisions", 3)],
            [_h("第二十条第（六）项", colspan=4)],
            [_h("信息内容"), _h("本年处理决定数量", colspan=3)],
            *[[label(r), val(r, "decisions", 3)] for r in ("penalties", "coercion")],
            [_h("第二十条第（八）项", colspan=4)],
            [_h("信息内容"), _h("本年收费金额（单位：万元）", colspan=3)],
            [label("fees"), val("fees", "amount_wan_yuan", 3)],
        ]
    items = [_h("信息内容"), _h("上一年项目数量"), _h("本年增/减"), _h("处理决定数量")]
    amount = table["procurement"]["amount_wan_yuan"]
    if money_style == "元":
        amount_header, amount_cell = "采购总金额", _yuan(amount, blank)
    else:
        amount_header, amount_cell = "采购总金额（单位：万元，保留4位小数）", number(amount, blank)
    return [
        [_h("第二十条第（一）项", colspan=4)],
        [_h("信息内容"), _h("本年新制作数量"), _h("本年新公开数量"), _h("对外公开总数量")],
        *[
            [label(r), val(r, "new_made"), val(r, "new_published"), val(r, "total_published")]
            for r in ("rules", "normative_documents")
        ],
        [_h("第二十条第（五）项", colspan=4)],
        items,
        *[
            [label(r), val(r, "previous_count"), val(r, "change"), val(r, "decisions")]
            for r in ("licensing", "other_services")
        ],
        [_h("第二十条第（六）项", colspan=4)],
        items,
        *[
            [label(r), val(r, "previous_count"), val(r, "change"), val(r, "decisions")]
            for r in ("penalties", "coercion")
        ],
        [_h("第二十条第（八）项", colspan=4)],
        [_h("信息内容"), _h("上一年项目数量"), _h("本年增/减", colspan=2)],
        [label("fees"), val("fees", "previous_count"), val("fees", "change", 2)],
        [_h("第二十条第（九）项", colspan=4)],
        [_h("信息内容"), _h("采购项目数量"), _h(amount_header, colspan=2)],
        [label("procurement"), val("procurement", "projects"), Cell(amount_cell, colspan=2)],
    ]


_GROUPS = (
    ("（三）不予公开", ("withheld_",)),
    ("（四）无法提供", ("unavailable_",)),
    ("（五）不予处理", ("not_processed_",)),
)


def applications_grid(figures: Figures, template: str, blank: str) -> Grid:
    table = figures["applications"]
    spec = TEMPLATES[template].table("applications")
    columns = [c.key for c in APPLICANT_COLUMNS]

    def values(row: str) -> list[Cell]:
        return [Cell(number(table[row].get(c), blank)) for c in columns]

    results = result_rows(template)
    grid: Grid = [
        [_h(NOTE, rowspan=3, colspan=3), _h("申请人情况", colspan=7)],
        [_h("自然人", rowspan=2), _h("法人或其他组织", colspan=5), _h("总计", rowspan=2)],
        [_h(c.labels[0]) for c in APPLICANT_COLUMNS[1:6]],
        [Cell(spec.row("new_received").labels[0], colspan=3), *values("new_received")],
        [Cell(spec.row("carried_over").labels[0], colspan=3), *values("carried_over")],
    ]
    first = True
    index = 0
    while index < len(results):
        row = results[index]
        lead = [_h("三、本年度办理结果", rowspan=len(results) + 1)] if first else []
        first = False
        group = next((g for g in _GROUPS if row.startswith(g[1])), None)
        if group is None and template == "2021" and row.startswith("other_") and row != "other_handling":
            group = ("（六）其他处理", ("other_",))
        if group is None:
            grid.append([*lead, Cell(spec.row(row).labels[0], colspan=2), *values(row)])
            index += 1
            continue
        members = [r for r in results[index:] if r.startswith(group[1])]
        for offset, member in enumerate(members):
            head = [Cell(group[0], rowspan=len(members))] if offset == 0 else []
            grid.append([*(lead if offset == 0 else []), *head, Cell(spec.row(member).labels[0]), *values(member)])
        index += len(members)
    grid.append([Cell(spec.row("total_processed").labels[0], colspan=2), *values("total_processed")])
    grid.append([Cell(spec.row("carried_forward").labels[0], colspan=3), *values("carried_forward")])
    return grid


def review_grid(figures: Figures, blank: str) -> Grid:
    table = figures["review_litigation"]
    labels = [c.labels[0] for c in REVIEW_COLUMNS]
    keys = [c.key for c in REVIEW_COLUMNS]
    return [
        [_h("行政复议", colspan=5), _h("行政诉讼", colspan=10)],
        [*[_h(label, rowspan=2) for label in labels], _h("未经复议直接起诉", colspan=5), _h("复议后起诉", colspan=5)],
        [_h(label) for label in labels * 2],
        [
            Cell(number(table[g][k], blank))
            for g in ("review", "litigation_direct", "litigation_after_review")
            for k in keys
        ],
    ]


def report_grids(figures: Figures, template: str, money_style: str, blank: str) -> tuple[Grid, Grid, Grid]:
    return (
        active_grid(figures, template, money_style, blank),
        applications_grid(figures, template, blank),
        review_grid(figures, blank),
    )


def legacy_grid(stats: tuple[tuple[str, str, int, int], ...]) -> Grid:
    return [
        [_h("指标名称"), _h("计量单位"), _h("本年度"), _h("历年累计")],
        *[[Cell(name), Cell(unit), Cell(str(year)), Cell(str(total))] for name, unit, year, total in stats],
    ]


def placed(grid: Grid) -> list[tuple[int, int, Cell]]:
    """Each cell with the row and column of its top-left position, spans taken into account."""
    width = sum(c.colspan for c in grid[0])
    taken = [[False] * width for _ in grid]
    out = []
    for r, row in enumerate(grid):
        col = 0
        for cell in row:
            while taken[r][col]:
                col += 1
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    taken[r + dr][col + dc] = True
            out.append((r, col, cell))
            col += cell.colspan
    return out


def dense(grid: Grid) -> list[list[str | None]]:
    """The grid expanded to one entry per position; positions covered by a span hold None."""
    width = sum(c.colspan for c in grid[0])
    out: list[list[str | None]] = [[None] * width for _ in grid]
    for r, col, cell in placed(grid):
        out[r][col] = cell.text
    return out

"""One Excel workbook of the catalog: a sheet per table, header frozen, filters on, columns sized."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pyarrow as pa

from nianbao.archive.errors import ArchiveError

EXCEL_ROWS = 1_048_575  # one sheet, less its header row
MAX_WIDTH = 60  # characters; a URL or a JSON diff should not push the next column off screen
_SAMPLE = 200  # rows looked at to size a column


def write(path: Path, tables: Mapping[str, pa.Table]) -> None:
    """Write `tables` (flat: no lists, no timestamps) as the sheets of one workbook at `path`."""
    import pandas as pd
    from openpyxl.utils import get_column_letter

    for name, table in tables.items():
        if table.num_rows > EXCEL_ROWS:
            raise ArchiveError(
                f"{name} has {table.num_rows} rows, more than an Excel sheet holds; "
                "narrow it with --year/--agency or export csv/parquet"
            )
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for name, table in tables.items():
            frame = table.to_pandas()
            frame.to_excel(writer, index=False, sheet_name=name)
            sheet = writer.sheets[name]
            sheet.freeze_panes = "A2"
            columns = max(len(frame.columns), 1)
            sheet.auto_filter.ref = f"A1:{get_column_letter(columns)}{len(frame) + 1}"
            for index, column in enumerate(frame.columns, start=1):
                sample = [str(v) for v in frame[column].head(_SAMPLE) if v is not None]
                width = max([len(str(column)), *(_display_width(v) for v in sample)]) + 2
                sheet.column_dimensions[get_column_letter(index)].width = min(width, MAX_WIDTH)


def _display_width(text: str) -> int:
    """Chinese characters take two columns of a sheet."""
    return sum(2 if ord(char) > 0x2E80 else 1 for char in text)

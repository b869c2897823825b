"""Tables drawn as pictures, the way a 图片版 report prints them: ruled cells, merged cells, Chinese text.

The text needs a CJK font: WenQuanYi Micro Hei (Debian's fonts-wqy-microhei, installed by
`infra/bootstrap --with-system-packages`). Without it the cells are drawn as grey bars, which no
reader can read back (the picture still has the table's shape).
"""

from __future__ import annotations

from functools import cache

from PIL import Image, ImageDraw, ImageFont

from nianbao.simweb.grids import Grid, placed

FONT_FILES = ("wqy-microhei.ttc", "NotoSansCJK-Regular.ttc", "NotoSerifCJK-Regular.ttc")
TEXT_SIZE = 20  # pixels: 9-point print scanned at ~160 dpi
_ROW = 40
_PAD = 6
_MARGIN = 10


@cache
def cjk_font(size: int = TEXT_SIZE) -> ImageFont.FreeTypeFont | None:
    """The first CJK font found (Pillow looks through the system's font folders), else None."""
    for name in FONT_FILES:
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return None


def _widths(columns: int) -> list[int]:
    """Label columns wide, value columns narrow, as the templates print them."""
    labels = {10: (70, 150, 330), 4: (330,), 15: ()}.get(columns, ())
    value = 100 if columns <= 4 else 90
    return list(labels) + [value] * (columns - len(labels))


def _wrapped(text: str, width: int, font: ImageFont.FreeTypeFont) -> list[str]:
    lines = [""]
    for char in text:
        if lines[-1] and font.getlength(lines[-1] + char) > width:
            lines.append("")
        lines[-1] += char
    return lines


def table_picture(grid: Grid) -> Image.Image:
    """The grid as a greyscale picture with ruled cells; merged cells drawn once, text centred."""
    font = cjk_font()
    columns = sum(cell.colspan for cell in grid[0])
    widths = _widths(columns)
    lefts = [_MARGIN + sum(widths[:i]) for i in range(columns + 1)]
    laid = placed(grid)
    lines = {}
    heights = [_ROW] * len(grid)
    for r, col, cell in laid:
        room = lefts[col + cell.colspan] - lefts[col] - 2 * _PAD
        wrapped = _wrapped(cell.text, room, font) if font and cell.text else [cell.text]
        lines[(r, col)] = wrapped
        need = len(wrapped) * (TEXT_SIZE + 6) + 2 * _PAD
        if cell.rowspan == 1:
            heights[r] = max(heights[r], need)
    tops = [_MARGIN + sum(heights[:i]) for i in range(len(grid) + 1)]
    image = Image.new("L", (lefts[-1] + _MARGIN, tops[-1] + _MARGIN), 255)
    draw = ImageDraw.Draw(image)
    for r, col, cell in laid:
        box = (lefts[col], tops[r], lefts[col + cell.colspan], tops[r + cell.rowspan])
        draw.rectangle(box, outline=0, width=2)
        wrapped = lines[(r, col)]
        if not cell.text:
            continue
        if font is None:
            draw.rectangle((box[0] + 8, box[1] + 8, box[0] + 8 + min(44, 4 * len(cell.text)), box[1] + 16), fill=90)
            continue
        block = len(wrapped) * (TEXT_SIZE + 6) - 6
        y = (box[1] + box[3] - block) / 2
        for line in wrapped:
            x = (box[0] + box[2] - font.getlength(line)) / 2
            draw.text((x, y), line, fill=0, font=font)
            y += TEXT_SIZE + 6
    return image

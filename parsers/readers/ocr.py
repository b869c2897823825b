"""OCR of pages without a text layer (scans, 图片版): Tesseract with its Simplified Chinese model.

A picture of a page becomes what a text page gives (`PageObjects`): the ruling lines of its tables
as edges, found as long runs of dark pixels, and the words Tesseract recognises as characters with
their boxes and confidences, in points. The PDF reader then finds cells, lines and paragraphs exactly
as on a text page, so a scanned table keeps its merged cells and every cell its confidence.

Why Tesseract (Debian's tesseract-ocr + tesseract-ocr-chi-sim, run as a subprocess: the Python
wrappers only wrap that same command) over RapidOCR on onnxruntime (its wheel ships its models):
on 12 table pictures of the simulated web with their ruling lines erased (`python -m benchmarks.ocr
--rapidocr`), both found 790 of the 794 printed numbers; RapidOCR found more whole labels (167 vs 146
of 269) but took 3x as long (20.6 s against 6.6 s a picture on a loaded 2-core machine), and it adds
~180 MB of wheels (onnxruntime, OpenCV, models) where Tesseract adds ~45 MB of system packages.
Recognising each cell alone closes most of the label gap: 97.9% of cells right end to end, none wrong.
The table's own arithmetic (checks) is the verdict on what OCR read.

Tesseract is found on PATH at call time; without it (or without chi_sim) `unavailable()` says why
and the reader falls back to a `needs_ocr` warning.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import replace
from functools import cache

import numpy as np
from PIL import Image

from nianbao.parsers.readers.pdf_objects import Char, PageObjects, find_tables

ENGINE = "tesseract"
LANGUAGE = "chi_sim"
DPI = 200  # Tesseract reads 9-point print well from ~200 dpi up
MAX_PIXELS = 12_000_000  # a page is rendered at no more than this (an A4 page at 200 dpi is 3.9 M)
TIMEOUT_SECONDS = 120  # one page; a hang or a pathological picture costs that page
_DARK = 160  # grey level below which a pixel is ink
_RULE_INCHES = 0.25  # a dark run this long is a ruling line, not a stroke of a character
_BRIDGE_SHARE = 3  # a run from one horizontal rule to another is a rule from a third of that length
_BRIDGE_REACH = 2  # pixels: how far short of a horizontal rule a bridging run may end
_TSV_FIELDS = 12
_INSET = 2  # pixels: a cell is cropped inside its ruling lines
_PAD = 12  # pixels of white around each region
_MIN_INK = 12  # dark pixels: fewer is a speck, not text
MIN_SKEW_DEGREES = 0.2  # a smaller tilt leaves ruling lines whole at 200 dpi
MAX_SKEW_DEGREES = 6.0  # a scan fed in askew; more is a turned page, which orientation() handles
_SKEW_SIDE = 900  # pixels: the small copy the tilt is measured on
_COARSE_STEP = 0.5  # degrees between the angles of the coarse tilt search
# A level page's rows are at least this much sharper at 0° than at ±_COARSE_STEP (2.3-5.8 on the
# simulated web's pictures, 1.7 or more with a tilt of 0.1°); a tilt of 0.2° gives at most 1.5, 0.3° under 1.
_LEVEL_PEAK = 2.0
_LEGIBLE_CONFIDENCE = 0.6  # a word Tesseract is this sure of was read upright
_LEGIBLE_SHARE = 0.5  # of the words: fewer legible ones and the page is asked which way up it is
_MIN_WORDS_TO_TURN = 20  # a snippet with fewer words is not worth four readings (nor can OSD tell)
_MIN_ORIENTATION_CONFIDENCE = 2.0  # Tesseract's OSD confidence below which it is a guess
_RULE_RESIDUE = re.compile(r"[|｜丨¦]+")  # what is left of a ruling line, read as a word


# Tesseract reads the dot of an enumeration (3.补正后…) as "3,", "3.," or "3。": one dot it is.
_ENUMERATION_NOISE = re.compile(r"^(\d{1,2})[.,，、。．·]+(?=\D)")


def tidy(text: str) -> str:
    """A recognised cell's text with the enumeration punctuation Tesseract garbles put right."""
    return _ENUMERATION_NOISE.sub(r"\1.", text)


class OcrError(Exception):
    """OCR could not run on a page (engine missing, crashed or timed out)."""


@cache
def unavailable() -> str | None:
    """Why OCR cannot run here, or None when it can."""
    binary = shutil.which("tesseract")
    if binary is None:
        return "Tesseract is not installed (Debian: tesseract-ocr tesseract-ocr-chi-sim)"
    try:
        listed = subprocess.run([binary, "--list-langs"], capture_output=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"Tesseract does not run: {exc}"
    if LANGUAGE not in listed.stdout.decode(errors="replace").split():
        return f"Tesseract has no {LANGUAGE} model (Debian: tesseract-ocr-chi-sim)"
    return None


def render_scale(width: float, height: float) -> float:
    """Pixels per point: DPI, lowered for pages so large that the picture would exceed MAX_PIXELS."""
    scale = DPI / 72
    area = max(width * height, 1.0)
    return min(scale, (MAX_PIXELS / area) ** 0.5)


def page_objects(picture: Image.Image, scale: float) -> PageObjects:
    """The page's ruling lines and recognised words, in points (`scale` pixels per point).

    A scan fed in askew is straightened first (a tilt of a few degrees breaks every ruling line into
    pieces); a page that reads as gibberish is asked which way up it is and read again turned.
    """
    grey = np.asarray(picture.convert("L"))
    tilt = skew(grey)
    if abs(tilt) >= MIN_SKEW_DEGREES:
        grey = turned(grey, tilt)
    objects = _objects(grey, scale)
    if legible(objects.chars) or len(objects.chars) < _MIN_WORDS_TO_TURN:
        return replace(objects, turned=tilt if abs(tilt) >= MIN_SKEW_DEGREES else 0.0)
    # Tesseract's script and orientation detection is asked once; trying every way up by reading
    # the page three more times would cost a noisy page (or a sheet of random marks) four readings.
    upright = orientation(grey)
    if not upright:
        return objects
    again = _objects(turned(grey, upright), scale)
    if len(_legible_words(again.chars)) <= len(_legible_words(objects.chars)):
        return objects
    return replace(again, turned=upright + tilt)


def _objects(grey: np.ndarray, scale: float) -> PageObjects:
    cleaned, horizontal, vertical = without_rules(grey, scale)
    edges = [_edge("h", start / scale, end / scale, row / scale) for row, start, end in horizontal]
    edges += [_edge("v", start / scale, end / scale, column / scale) for column, start, end in vertical]
    height, width = grey.shape
    boxes = [
        tuple(round(v * scale) for v in box)
        for table in find_tables(tuple(edges), width / scale, height / scale)
        for box in table.cells
    ]
    words = _recognise(cleaned, boxes, scale)
    return PageObjects(
        chars=tuple(words),
        edges=tuple(edges),
        drawn=len(edges),
        images=1,
        unmapped=0,
        glyphs=len(words),
        width=width / scale,
        height=height / scale,
    )


def skew(grey: np.ndarray) -> float:
    """The page's tilt in degrees (counter-clockwise positive), within ±MAX_SKEW_DEGREES.

    Projection profile: turned back by the right angle, the ink of ruling lines and text lines falls
    into few rows, so the rows' ink counts vary most. Coarse then fine, on a small copy of the page.
    """
    small = Image.fromarray(grey)
    small.thumbnail((_SKEW_SIDE, _SKEW_SIDE))
    ink = Image.fromarray(((np.asarray(small) < _DARK) * 255).astype(np.uint8))
    if not np.asarray(ink).any():
        return 0.0

    def sharpness(angle: float) -> float:
        return _sharpness(ink, angle)

    if _level(sharpness):
        return 0.0
    coarse = max(np.arange(-MAX_SKEW_DEGREES, MAX_SKEW_DEGREES + 0.01, _COARSE_STEP), key=sharpness)
    fine = max(np.arange(coarse - _COARSE_STEP, coarse + _COARSE_STEP + 0.01, 0.05), key=sharpness)
    return round(float(fine), 2)


def _sharpness(ink: Image.Image, angle: float) -> float:
    """How much the ink counts of the rows vary with the picture turned back by `angle`."""
    rows = np.asarray(ink.rotate(-angle, resample=Image.BILINEAR, fillcolor=0), dtype=np.float32).sum(axis=1)
    return float(np.var(rows))


def _level(sharpness: Callable[[float], float]) -> bool:
    """Whether the page is level, from five measurements where the search takes 46: sharper at 0°
    than at ±MIN_SKEW_DEGREES, and a clear peak over ±_COARSE_STEP.

    A page tilted away from 0° by more than MIN_SKEW_DEGREES fails one or the other: its 0° lies on
    the flank of its peak (the nearer neighbour is sharper) or off it (no clear peak), and it is
    searched in full as before.
    """
    at_zero = sharpness(0.0)
    if at_zero < max(sharpness(-MIN_SKEW_DEGREES), sharpness(MIN_SKEW_DEGREES)):
        return False
    return at_zero >= _LEVEL_PEAK * max(sharpness(-_COARSE_STEP), sharpness(_COARSE_STEP))


def turned(grey: np.ndarray, degrees: float) -> np.ndarray:
    """The picture turned back by `degrees` (counter-clockwise positive), on white."""
    picture = Image.fromarray(grey)
    if degrees % 90 == 0:
        return np.asarray(picture.rotate(-degrees, expand=True))
    straight = np.asarray(picture.rotate(-degrees, resample=Image.BICUBIC, expand=True, fillcolor=255))
    # Turning smears each ruling line over two rows of grey; crisp ink is what the line finder and
    # the line eraser expect (Tesseract binarises its input anyway).
    return np.where(straight < _DARK, 0, 255).astype(np.uint8)


def legible(words: tuple[Char, ...]) -> bool:
    """Whether OCR read the page upright: most words recognised with some confidence."""
    if not words:
        return True  # a page with no words is blank, not sideways
    return len(_legible_words(words)) >= _LEGIBLE_SHARE * len(words)


def _legible_words(words: tuple[Char, ...]) -> list[Char]:
    return [w for w in words if (w.confidence or 0.0) >= _LEGIBLE_CONFIDENCE]


def orientation(grey: np.ndarray) -> int:
    """Degrees the page's text is turned (0, 90, 180, 270; clockwise) by Tesseract's script and
    orientation detection; 0 when it cannot tell or OSD is not installed."""
    if unavailable() is not None:
        return 0
    buffer = io.BytesIO()
    Image.fromarray(grey).save(buffer, format="PNG", dpi=(DPI, DPI))
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    try:
        done = subprocess.run(
            ["tesseract", "stdin", "stdout", "--psm", "0"],
            input=buffer.getvalue(),
            capture_output=True,
            timeout=TIMEOUT_SECONDS,
            env=env,
        )
    except subprocess.TimeoutExpired:
        return 0
    found = dict(re.findall(r"^([A-Za-z ]+): ([\d.]+)$", done.stdout.decode(errors="replace"), flags=re.M))
    if float(found.get("Orientation confidence", 0)) < _MIN_ORIENTATION_CONFIDENCE:
        return 0
    return int(float(found.get("Rotate", 0))) % 360


def without_rules(grey: np.ndarray, scale: float) -> tuple[np.ndarray, list, list]:
    """The picture with its ruling lines erased, and the lines: (row, start, end) runs each way."""
    dark = grey < _DARK
    minimum = max(8, int(_RULE_INCHES * 72 * scale))
    horizontal = _runs(dark, minimum)
    vertical = _vertical_rules(dark, horizontal, minimum)
    cleaned = grey.copy()
    # A ruling line's anti-aliased fringe reads as "|" or "一": blank one pixel either side as well.
    for row, start, end in horizontal:
        cleaned[max(0, row - 1) : row + 2, max(0, start - 1) : end + 1] = 255
    for column, start, end in vertical:
        cleaned[max(0, start - 1) : end + 1, max(0, column - 1) : column + 2] = 255
    return cleaned, horizontal, vertical


def _regions(cleaned: np.ndarray, boxes: list[tuple[int, ...]]) -> list[tuple[int, int, np.ndarray]]:
    """(left, top, pixels) of every cell with ink, and of the page outside the cells when it has ink.

    Each cell is recognised alone: read as one block, a wrapped label beside a one-line number
    loses the number.
    """
    regions = []
    rest = cleaned.copy()
    for x0, top, x1, bottom in boxes:
        inner = cleaned[top + _INSET : bottom - _INSET, x0 + _INSET : x1 - _INSET]
        rest[top:bottom, x0:x1] = 255
        if inner.size and (inner < _DARK).sum() >= _MIN_INK:
            regions.append((x0 + _INSET, top + _INSET, inner))
    if (rest < _DARK).sum() >= _MIN_INK:
        regions.append((0, 0, rest))
    return regions


def _vertical_rules(
    dark: np.ndarray, horizontal: list[tuple[int, int, int]], minimum: int
) -> list[tuple[int, int, int]]:
    """(column, start, end) of the vertical ruling lines: every long run, and the shorter runs that
    bridge two horizontal rules.

    A table row standing alone (the last row of a table cut across two pictures) is shorter than a
    ruling line's length: its vertical rules are found by running from its top rule to its bottom
    rule, which no stroke of a character inside a padded cell does.
    """
    runs = _runs(dark.T, max(8, minimum // _BRIDGE_SHARE))
    long = [run for run in runs if run[2] - run[1] >= minimum]
    short = np.array([run for run in runs if run[2] - run[1] < minimum], dtype=np.int64).reshape(-1, 3)
    if not horizontal or not len(short):
        return long
    ruled = np.zeros(dark.shape, dtype=bool)
    for row, start, end in horizontal:
        ruled[row, start:end] = True
    near = ruled.copy()  # a rule's ends may stop a pixel or two short of the line they meet in a scan
    for shift in range(1, _BRIDGE_REACH + 1):
        near[shift:] |= ruled[:-shift]
        near[:-shift] |= ruled[shift:]
    column, start, end = short[:, 0], short[:, 1], short[:, 2]
    # Both ends on a rule, the middle off one: a run from one rule to another, not through a thick one.
    bridging = near[start, column] & near[end - 1, column] & ~ruled[(start + end) // 2, column]
    return sorted(long + [tuple(run) for run in short[bridging].tolist()])


def _runs(mask: np.ndarray, minimum: int) -> list[tuple[int, int, int]]:
    """(row, start, end) of every run of True at least `minimum` long, row by row."""
    padded = np.pad(mask, ((0, 0), (1, 1))).astype(np.int8)
    steps = np.diff(padded, axis=1)
    rows, starts = np.nonzero(steps == 1)
    _, ends = np.nonzero(steps == -1)
    keep = ends - starts >= minimum
    return list(zip(rows[keep].tolist(), starts[keep].tolist(), ends[keep].tolist(), strict=True))


def _edge(orientation: str, start: float, end: float, at: float) -> dict:
    if orientation == "h":
        return {"orientation": "h", "x0": start, "x1": end, "top": at, "bottom": at, "width": end - start, "height": 0}
    return {"orientation": "v", "x0": at, "x1": at, "top": start, "bottom": end, "width": 0, "height": end - start}


def _recognise(cleaned: np.ndarray, boxes: list[tuple[int, ...]], scale: float) -> list[Char]:
    """Tesseract's words (TSV output, level 5) with boxes in points and confidence 0..1.

    All regions go to one Tesseract process as the pages of one TIFF (a process per cell costs more
    than its recognition); each page is padded white, as Tesseract wants a margin.
    """
    reason = unavailable()
    if reason is not None:
        raise OcrError(reason)
    regions = _regions(cleaned, boxes)
    if not regions:
        return []
    frames = [Image.fromarray(np.pad(pixels, _PAD, constant_values=255)) for _, _, pixels in regions]
    tiff = io.BytesIO()
    frames[0].save(tiff, format="TIFF", save_all=True, append_images=frames[1:])
    # One thread: Tesseract's OpenMP threads only contend on a shared 2-core machine.
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    command = ["tesseract", "stdin", "stdout", "-l", LANGUAGE, "--psm", "6", "tsv"]
    try:
        done = subprocess.run(command, input=tiff.getvalue(), capture_output=True, timeout=TIMEOUT_SECONDS, env=env)
    except subprocess.TimeoutExpired as exc:
        raise OcrError(f"Tesseract took more than {TIMEOUT_SECONDS} s") from exc
    if done.returncode != 0:
        raise OcrError(f"Tesseract failed: {done.stderr.decode(errors='replace').strip()[:200]}")
    table = done.stdout.decode("utf-8", errors="replace").splitlines()[1:]
    rows = [fields for fields in (line.split("\t") for line in table) if len(fields) == _TSV_FIELDS]
    # A Chinese word's box is its glyphs' ink ("一" is a flat box): words take their line's top and bottom.
    lines = {tuple(f[1:5]): (int(f[7]), int(f[7]) + int(f[9])) for f in rows if f[0] == "4"}
    words = []
    for fields in rows:
        text = fields[11].strip()
        if fields[0] != "5" or not text or _RULE_RESIDUE.fullmatch(text):
            continue
        region_left, region_top, _ = regions[int(fields[1]) - 1]
        left, width = int(fields[6]) + region_left - _PAD, int(fields[8])
        top, bottom = lines.get(tuple(fields[1:5]), (int(fields[7]), int(fields[7]) + int(fields[9])))
        top, bottom = top + region_top - _PAD, bottom + region_top - _PAD
        confidence = max(0.0, min(1.0, float(fields[10]) / 100))
        words.append(
            Char(
                text,
                left / scale,
                (left + width) / scale,
                top / scale,
                bottom / scale,
                (bottom - top) / scale,
                confidence,
            )
        )
    return words

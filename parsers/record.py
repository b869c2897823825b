"""The canonical report record: what every reader of every rendering produces.

Keys follow shared/spec/annual-report-format.md. Tables are nested mappings
`{row_key: {column_key: value}}` where a value is an int count, a float amount, or None (blank in the
source, kept distinct from 0). A table that could not be read is None, with a warning saying why.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from types import MappingProxyType
from typing import Any, NamedTuple

PARSER_VERSION = "0.3.2"  # 0.3.2: HTML5 parsing (lexbor), 首页 link menus dropped, run-together under pinyin

Value = int | float | None
Table = Mapping[str, Mapping[str, Value]]


@dataclass(frozen=True)
class Section:
    heading: str
    text: str


class Check:
    """One consistency rule applied to one scope (a column, a row or a group).

    `passed` is None when the rule is not applicable (its checked total or all its addends blank).
    `detail` says why, for people; a report gets dozens of checks whose texts are mostly never read,
    so it may be given as a function that writes it, called the first time it is read (then kept).
    A check compares, hashes, prints and pickles as its four values.
    """

    __slots__ = ("_detail", "passed", "rule", "scope")

    def __init__(self, rule: str, scope: str, passed: bool | None, detail: str | Callable[[], str]) -> None:
        self.rule = rule
        self.scope = scope
        self.passed = passed
        self._detail = detail

    @property
    def detail(self) -> str:
        if not isinstance(self._detail, str):
            self._detail = self._detail()
        return self._detail

    def _values(self) -> tuple[str, str, bool | None, str]:
        return self.rule, self.scope, self.passed, self.detail

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "scope": self.scope, "passed": self.passed, "detail": self.detail}

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Check):
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        return f"Check(rule={self.rule!r}, scope={self.scope!r}, passed={self.passed!r}, detail={self.detail!r})"

    def __reduce__(self) -> tuple[type[Check], tuple[str, str, bool | None, str]]:
        return Check, self._values()


@dataclass(frozen=True)
class Warning:
    """Something a reader of the record should know; `code` is stable, `message` is for people."""

    code: str
    message: str


class Provenance(NamedTuple):
    """Where one value of a table came from: enough to go from a number to its place in the original.

    `source_table`, `source_row`, `source_column` are 0-based positions in the rendering's own tables as
    the reader saw them (the dense grid, spans expanded); None when the value was not read from a grid.
    `method` is one of parsers.document.Method's values.

    A named tuple, not a frozen dataclass: a record carries one per value read (hundreds per report),
    and a frozen dataclass costs five times as much to build.
    """

    table: str
    row: str
    column: str
    method: str
    rendering: str
    source_table: int | None = None
    source_row: int | None = None
    source_column: int | None = None
    page: int | None = None
    bbox: tuple[float, float, float, float] | None = None
    confidence: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return dict(_FIELDS_OF(self))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Provenance:
        # Positional, in field order: a settle reads back hundreds per body, keywords cost twice as much.
        values = [data.get(name) for name in PROVENANCE_FIELDS]
        if values[_BBOX] is not None:
            values[_BBOX] = tuple(values[_BBOX])
        return cls._make(values)


class Provenances(Sequence[Provenance]):
    """A record's provenance, written the first time it is read.

    A report has hundreds of values, each with its provenance; a parse alone never reads them (the
    record's dict and the catalog do), so the mapping hands over a function that writes them. Compares,
    hashes, prints and pickles as the tuple it stands for.
    """

    __slots__ = ("_items", "_write")

    def __init__(self, write: Callable[[], tuple[Provenance, ...]]) -> None:
        self._write: Callable[[], tuple[Provenance, ...]] | None = write
        self._items: tuple[Provenance, ...] = ()

    def _tuple(self) -> tuple[Provenance, ...]:
        if self._write is not None:
            self._items, self._write = self._write(), None
        return self._items

    def __getitem__(self, index):  # type: ignore[override]  # an index or a slice, as a tuple takes
        return self._tuple()[index]

    def __len__(self) -> int:
        return len(self._tuple())

    def __iter__(self) -> Iterator[Provenance]:
        return iter(self._tuple())

    def __contains__(self, item: object) -> bool:
        return item in self._tuple()

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Provenances):
            other = other._tuple()
        return self._tuple() == other if isinstance(other, tuple) else NotImplemented

    def __hash__(self) -> int:
        return hash(self._tuple())

    def __repr__(self) -> str:
        return repr(self._tuple())

    def __reduce__(self) -> tuple[type[tuple], tuple[tuple[Provenance, ...]]]:
        return tuple, (self._tuple(),)


PROVENANCE_FIELDS = (
    "table", "row", "column", "method", "rendering", "source_table", "source_row", "source_column",
    "page", "bbox", "confidence",
)  # fmt: skip
_BBOX = PROVENANCE_FIELDS.index("bbox")
_FIELDS_OF = partial(zip, PROVENANCE_FIELDS)  # a provenance's (field, value) pairs


@dataclass(frozen=True)
class ReportRecord:
    agency: str | None
    year: int | None
    title: str | None
    template: str
    rendering: str
    publish_date: str | None = None
    sections: tuple[Section, ...] = ()
    active_disclosure: Table | None = None
    applications: Table | None = None
    review_litigation: Table | None = None
    checks: tuple[Check, ...] = ()
    warnings: tuple[Warning, ...] = ()
    metadata: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    parser_version: str = PARSER_VERSION
    provenance: Sequence[Provenance] = ()  # a tuple, or `Provenances` (written when first read)

    def to_dict(self) -> dict[str, Any]:
        return {
            "agency": self.agency,
            "year": self.year,
            "title": self.title,
            "template": self.template,
            "rendering": self.rendering,
            "publish_date": self.publish_date,
            "metadata": dict(self.metadata),
            "sections": [{"heading": s.heading, "text": s.text} for s in self.sections],
            "active_disclosure": thaw_table(self.active_disclosure),
            "applications": thaw_table(self.applications),
            "review_litigation": thaw_table(self.review_litigation),
            "checks": [c.to_dict() for c in self.checks],
            "warnings": [{"code": w.code, "message": w.message} for w in self.warnings],
            "parser_version": self.parser_version,
            "provenance": list(map(dict, map(_FIELDS_OF, self.provenance))),  # each `Provenance.to_dict`, C-level
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ReportRecord:
        return cls(
            agency=data.get("agency"),
            year=data.get("year"),
            title=data.get("title"),
            template=data["template"],
            rendering=data.get("rendering", "unknown"),
            publish_date=data.get("publish_date"),
            sections=tuple(Section(s["heading"], s["text"]) for s in data.get("sections", ())),
            active_disclosure=freeze_table(data.get("active_disclosure")),
            applications=freeze_table(data.get("applications")),
            review_litigation=freeze_table(data.get("review_litigation")),
            checks=tuple(Check(c["rule"], c["scope"], c["passed"], c["detail"]) for c in data.get("checks", ())),
            warnings=tuple(Warning(w["code"], w["message"]) for w in data.get("warnings", ())),
            metadata=MappingProxyType(dict(data.get("metadata", {}))),
            parser_version=data.get("parser_version", PARSER_VERSION),
            # Read back when first read: a settle reads hundreds of records back to compare their
            # content, and their provenance was most of each read.
            provenance=Provenances(partial(_read_provenance, data.get("provenance", ()))),
        )

    def tables(self) -> dict[str, Table | None]:
        return {
            "active_disclosure": self.active_disclosure,
            "applications": self.applications,
            "review_litigation": self.review_litigation,
        }


def _read_provenance(items: Sequence[Mapping[str, Any]]) -> tuple[Provenance, ...]:
    return tuple(Provenance.from_dict(p) for p in items)


def freeze_table(table: Mapping[str, Mapping[str, Value]] | None) -> Table | None:
    if table is None:
        return None
    return MappingProxyType({row: MappingProxyType(dict(cols)) for row, cols in table.items()})


def freeze_own_table(table: Mapping[str, dict[str, Value]] | None) -> Table | None:
    """`freeze_table` of a table whose row dicts its caller made and hands over (the mapping's): each row is
    wrapped as it is, not copied first."""
    if table is None:
        return None
    return MappingProxyType(dict(zip(table, map(MappingProxyType, table.values()), strict=True)))


def thaw_table(table: Table | None) -> dict[str, dict[str, Value]] | None:
    if table is None:
        return None
    return {row: dict(cols) for row, cols in table.items()}

"""Which hostile and faulty behaviours the web shows, and how hard they bite."""

from __future__ import annotations

from dataclasses import dataclass, field

from nianbao.simweb.errors import SimWebError

FAULT_KINDS = (
    "robots",  # robots.txt disallows /internal/, which holds report-like links
    "not_found",  # a listing item whose link answers 404
    "server_errors",  # a listing item answering 500 for ever; a report page failing N times, then 200
    "slow",  # a report page answered after `slow_seconds`
    "timeouts",  # a listing item that hangs `hang_seconds`, then closes without an answer
    "redirect_loops",  # /redirect/a.html -> b.html -> a.html
    "calendar_trap",  # /calendar?month=YYYY-MM, each month linking the next, for ever
    "soft_404",  # 200 with 页面不存在
    "oversized",  # an attachment whose Content-Length is far over any sane cap
    "truncated",  # an attachment whose body ends before its Content-Length
    "mirrors",  # links to copies on mirror hosts that must never be contacted
    "non_reports",  # 函 and 工作要点 items in the report column
)


@dataclass(frozen=True)
class Faults:
    """Switches for each fault kind (all on by default) and their bounds."""

    enabled: frozenset[str] = field(default_factory=lambda: frozenset(FAULT_KINDS))
    slow_seconds: float = 2.0
    hang_seconds: float = 60.0
    transient_failures: int = 2
    oversize_bytes: int = 2**31
    # The share of templated reports published as a page of pictures only (one <img> per table, no
    # text of the tables). Off by default: each picture costs a harvest seconds of OCR.
    picture_pages: float = 0.0

    @classmethod
    def none(cls) -> Faults:
        return cls(enabled=frozenset())

    @classmethod
    def parse(cls, spec: str) -> Faults:
        """`all`, `none`, or a comma-separated list of fault kinds (see FAULT_KINDS)."""
        spec = spec.strip()
        if spec == "all":
            return cls()
        if spec in ("none", ""):
            return cls.none()
        names = frozenset(part.strip().replace("-", "_") for part in spec.split(","))
        unknown = sorted(names - set(FAULT_KINDS))
        if unknown:
            raise SimWebError(
                f"unknown fault kind(s) {', '.join(unknown)}: expected all, none or {', '.join(FAULT_KINDS)}"
            )
        return cls(enabled=names)

    def on(self, kind: str) -> bool:
        return kind in self.enabled

    def to_dict(self) -> dict[str, object]:
        return {
            "enabled": sorted(self.enabled),
            "slow_seconds": self.slow_seconds,
            "hang_seconds": self.hang_seconds,
            "transient_failures": self.transient_failures,
            "oversize_bytes": self.oversize_bytes,
            "picture_pages": self.picture_pages,
        }

"""Site families: where each kind of page lives, per family and per redesign.

A layout turns the model (reports, non-reports, listing pages) into paths on the agency's host. A
redesign (layout version 1) moves every page to a new scheme; the old start URL then redirects.
"""

from __future__ import annotations

from dataclasses import dataclass

FAMILIES = ("trs", "jcms", "platform", "jsonapi", "gb2312")
PAGE_SIZE = 6


@dataclass(frozen=True)
class Layout:
    family: str
    version: int
    agency_index: int
    region_code: str

    @property
    def _prefix(self) -> str:
        if self.family == "trs":
            return ("/zfxxgk/zfxxgknb/", "/zwgk/zfxxgkndbg/")[self.version % 2]
        if self.family == "gb2312":
            return ("/xxgknb/", "/gknb/")[self.version % 2]
        if self.family == "jsonapi":
            return ("/gknb/", "/ndbg/")[self.version % 2]
        return ""

    @property
    def _column(self) -> int:
        return 1000 + self.agency_index * 7 + self.version

    def listing(self, page: int) -> str:
        """Path of listing page `page` (0 = the first page, the start URL)."""
        if self.family == "trs":
            return f"{self._prefix}index.html" if page == 0 else f"{self._prefix}index_{page}.html"
        if self.family == "gb2312":
            return f"{self._prefix}index.htm" if page == 0 else f"{self._prefix}index_{page}.htm"
        if self.family == "jcms":
            base = f"/col/col{self._column}/index.html"
            return base if page == 0 else f"{base}?pageNo={page + 1}"
        if self.family == "platform":
            return self._platform("List") + f"?area={self.region_code}"
        return f"{self._prefix}index.html"

    def api_template(self) -> str:
        """The JSON listing endpoint of the jsonapi family, with a `{page}` slot (pages start at 1)."""
        return f"/api{self._prefix}list?page={{page}}&size={PAGE_SIZE}"

    def api(self, page: int) -> str:
        return self.api_template().format(page=page)

    def paged(self) -> bool:
        """Whether the listing is split into pages (the platform lists every year on one page)."""
        return self.family != "platform"

    def detail(self, year: int, date: str, serial: int) -> str:
        yyyymm, yyyymmdd = date[:4] + date[5:7], date.replace("-", "")
        if self.family == "trs":
            return f"{self._prefix}{yyyymm}/t{yyyymmdd}_{serial}.html"
        if self.family == "gb2312":
            return f"{self._prefix}{date[:4]}/{serial}.htm"
        if self.family == "jcms":
            y, m, d = (int(p) for p in date.split("-"))
            return f"/art/{y}/{m}/{d}/art_{self._column}_{serial}.html"
        if self.family == "platform":
            return self._platform("") + f"?area={self.region_code}&fbtime={year}"
        return f"/content/post_{serial}.html" if self.version == 0 else f"/content/{serial}.html"

    def notice(self, date: str, serial: int) -> str:
        """Path of a non-report article in the same column (a 函, a 工作要点)."""
        if self.family == "platform":
            return self._platform("Content") + f"?id={serial}"
        return self.detail(0, date, serial)

    def attachment(self, date: str, serial: int, ext: str) -> str:
        yyyymm, yyyymmdd = date[:4] + date[5:7], date.replace("-", "")
        if self.family == "trs":
            return f"{self._prefix}{yyyymm}/P0{yyyymmdd}{serial}.{ext}"
        if self.family == "gb2312":
            return f"{self._prefix}{date[:4]}/{serial}.{ext}"
        if self.family == "jcms":
            return f"/picture/{self.version}/{yyyymmdd}{serial}.{ext}"
        if self.family == "platform":
            return f"/xxgk/file/{self.version}/{serial}.{ext}"
        return f"/uploads/{self.version}/{serial}.{ext}"

    def _platform(self, suffix: str) -> str:
        if self.version % 2 == 0:
            return f"/xxgk/xxgkAnnualReport{suffix}.jsp"
        return f"/gkpt/annualReport{suffix}.do"


def repost_listing() -> str:
    """The parent portal's column of its departments' reports (one page)."""
    return "/bmnb/index.html"


def repost_detail(agency_id: str, year: int) -> str:
    return f"/bmnb/{agency_id}/{year}.html"

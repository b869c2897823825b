"""HTML pages in the shapes real portals serve: listings, report pages, covers, furniture and all."""

from __future__ import annotations

import json
from dataclasses import dataclass
from html import escape

from nianbao.simweb.grids import Grid, legacy_grid, report_grids
from nianbao.simweb.world import Agency, Report, World

LISTING_WIDTH = 26  # characters a TRS-like listing shows of a title
_WIDGETS = (
    '<div class="share">分享到：<a href="javascript:;" class="wx">微信</a> '
    '<a href="javascript:;" class="wb">微博</a> <a href="javascript:;" class="qq">QQ空间</a></div>'
)
_TOOLBAR = '<div class="toolbar"><a href="javascript:;">长者版</a> | <a href="javascript:;">无障碍</a></div>'


@dataclass(frozen=True)
class Item:
    """One entry of a listing: its title, the link as the page writes it, and a date."""

    title: str
    href: str
    date: str


def shell(agency: Agency, title: str, crumbs: tuple[str, ...], body: str, *, charset: str | None = "utf-8") -> str:
    meta = f'<meta charset="{charset}">' if charset else ""
    trail = " &gt; ".join(["<a href='/'>首页</a>", *(escape(c) for c in crumbs)])
    return (
        f"<!DOCTYPE html><html><head>{meta}<title>{escape(title)}_{escape(agency.name)}</title></head><body>"
        f'{_TOOLBAR}<div class="header"><h1 class="site">{escape(agency.name)}</h1></div>'
        f'<div class="crumbs">当前位置：{trail}</div><div class="main">{body}</div>'
        f'<div class="footer">主办：{escape(agency.name)} 网站标识码：{agency.region_code}0001</div></body></html>'
    )


_WORD_TD = ' valign="center" style="border:solid windowtext 1.0pt;padding:0cm 5.4pt 0cm 5.4pt"'
_WORD_SPAN = '<span style="font-family:宋体;font-size:10.5pt">'


def html_table(grid: Grid, split_labels: bool, word: bool = False) -> str:
    """A template table as HTML; `word` writes it as Word-pasted markup (MsoNormal, labels split over spans)."""
    rows = []
    for row in grid:
        cells = []
        for cell in row:
            attrs = (f' rowspan="{cell.rowspan}"' if cell.rowspan > 1 else "") + (
                f' colspan="{cell.colspan}"' if cell.colspan > 1 else ""
            )
            text = cell.text if cell.text == "&nbsp;" else escape(cell.text)
            if word:
                cells.append(
                    f'<td{attrs}{_WORD_TD}><p class="MsoNormal" align="center">{_word_text(cell.text)}</p></td>'
                )
                continue
            if split_labels and cell.header and 5 <= len(cell.text) <= 8:
                text = escape(cell.text[:3]) + "<br />" + escape(cell.text[3:])
            cells.append(f'<td{attrs} nowrap="nowrap"><p align="center">{text}</p></td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
    table = (
        '<table class="MsoNormalTable" border="0" cellspacing="0" cellpadding="0">'
        if word
        else ('<table align="center" border="1" cellspacing="0" cellpadding="0">')
    )
    return table + "<tbody>" + "".join(rows) + "</tbody></table>"


def _word_text(text: str) -> str:
    """Cell text as Word pastes it: numbers in a lang span, labels broken over two styled spans."""
    if text in ("", "&nbsp;", "-") or text.lstrip("-").replace(".", "").isdigit():
        return f'<span lang="EN-US">{text or "&nbsp;"}</span>'
    middle = len(text) // 2
    return f"{_WORD_SPAN}{escape(text[:middle])}</span>{_WORD_SPAN}{escape(text[middle:])}</span>"


def report_body(report: Report) -> str:
    """The report itself: opening, sections 一 … 六 with tables 2-4 after their headings."""
    parts = [
        f"<p style='text-align:center;font-weight:bold;'>{escape(report.display_title)}</p>",
        f"<p>本年度报告根据《中华人民共和国政府信息公开条例》要求编制。本报告所列数据统计期限自{report.year}年1月1日起至{report.year}年12月31日止。</p>",
    ]
    split = report.serial % 3 == 0
    if report.figures is None:
        for heading, text in report.sections:
            parts.append(f"<p>{escape(heading)}</p><p>{escape(text)}</p>")
        parts.append("<p>政府信息公开情况统计表</p>" + html_table(legacy_grid(report.legacy_stats), split))
        return "".join(parts)
    tables = dict(
        zip((1, 2, 3), report_grids(report.figures, report.template, report.money_style, report.blank), strict=True)
    )
    for number, (heading, text) in enumerate(report.sections):
        parts.append(f"<p><strong>{escape(heading)}</strong></p><p>{escape(text)}</p>")
        if number in tables:
            parts.append(html_table(tables[number], split, report.word_markup))
    return "".join(parts)


def _metadata(agency: Agency, report: Report) -> str:
    return (
        '<table class="xxgk-meta"><tr>'
        f"<td>索引号：</td><td>{agency.region_code}/{report.year + 1}-{report.serial % 100000:05d}</td>"
        f"<td>发布机构：</td><td>{escape(agency.name)}</td></tr><tr>"
        f"<td>成文日期：</td><td>{report.publish_date}</td><td>发布日期：</td><td>{report.publish_date}</td></tr></table>"
    )


def _metadata_lines(report: Report) -> str:
    """The metadata as lines, not a table: a page of pictures holds no table at all."""
    return f'<div class="xxgk-meta"><span>发布日期：{report.publish_date}</span></div>'


def attachment_link(rendering: str, href: str, report: Report) -> str:
    name = escape(report.title)
    if rendering == "image-pdf":
        return f'<p><a href="{href}">{name}（图片版）.pdf</a></p>'
    if rendering == "docx":
        return f'<p>附件：<a href="{href}">{name}.docx</a></p>'
    if rendering == "text":
        return f'<p>附件：<a href="{href}">{name}（文本版）.txt</a></p>'
    if report.embed == "onclick":
        return f'<p><a href="javascript:void(0)" onclick="window.open(\'{href}\')">{name}.pdf</a></p>'
    if report.embed == "iframe":
        return f'<iframe src="/viewer.html?file={href}" width="100%" height="800"></iframe>'
    if report.embed == "embed":
        return f'<embed src="{href}" type="application/pdf" width="100%" height="800">'
    if report.embed == "object":
        return f'<object data="{href}" type="application/pdf" width="100%" height="800"></object>'
    return f'<p>附件：<a href="{href}">{name}.pdf</a></p>'


_PAGE_LOGO = "/images/site_logo.png"  # page furniture around a report published as pictures
_PAGE_QR = "/images/wx_code.png"


def furniture_pictures() -> dict[str, bytes]:
    """The small pictures every page of pictures shows around the report: the site's logo, a QR code."""
    return {_PAGE_LOGO: _png(160, 40, 3), _PAGE_QR: _png(86, 86, 7)}


def _png(width: int, height: int, stripe: int) -> bytes:
    import io

    from PIL import Image, ImageDraw

    picture = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(picture)
    for x in range(0, width, stripe * 2):
        draw.rectangle((x, 0, x + stripe - 1, height - 1), fill=40)
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    return buffer.getvalue()


def pictures_body(report: Report, pictures: list[str]) -> str:
    """A report page made of pictures: one <img> per table, in order, between a logo and a QR code."""
    images = "".join(
        f'<p style="text-align:center"><img src="{href}" alt="" width="640" border="0"></p>' for href in pictures
    )
    return (
        f'<p class="logo-line"><img src="{_PAGE_LOGO}" alt="网站标志"></p>{images}'
        f'<div class="ewm"><img src="{_PAGE_QR}" alt="扫一扫在手机打开当前页"></div>'
    )


def report_page(
    world: World,
    agency: Agency,
    report: Report,
    links: list[str],
    *,
    charset: str | None = "utf-8",
    portal: Agency | None = None,
    pictures: list[str] | None = None,
) -> str:
    """The detail page: full report or a cover, plus attachment links, metadata block and furniture.
    A pictured report's page shows `pictures` (the <img> sources of its tables) and nothing else.

    With `portal` the page is a repost on that (parent) portal: always the full report, its furniture.
    """
    full = report.full_page or portal is not None
    body = report_body(report) if full else f"<p>{escape(report.display_title)}详见附件。</p>"
    if report.pictured and portal is None:  # the pictures are the report: no text, no table, no metadata table
        body = pictures_body(report, pictures or [])
    note = f"<p class='source'>来源：{escape(agency.name)}</p>" if portal is not None else ""
    views = 37 + report.serial % 500 + world.epoch * 13
    counter = f'<div class="views">浏览次数：{views}</div>' if report.furniture else ""
    heading = f'<h2 class="title">{escape(report.display_title)}</h2>' if report.display_title else ""
    if report.title_quirk == "year_split":
        heading += f'<p class="subtitle">（{report.year}年度）</p>'
    crumbs = ("政府信息公开", "政府信息公开年报")
    if report.title_quirk == "page_title_only":
        crumbs += (report.title,)
    metadata = _metadata(agency, report) if not (report.pictured and portal is None) else _metadata_lines(report)
    content = f'{metadata}{heading}{note}{counter}<div class="TRS_Editor">{body}</div>{"".join(links)}{_WIDGETS}'
    return shell(portal or agency, report.title, crumbs, content, charset=charset)


def listing_page(
    agency: Agency,
    family: str,
    items: list[Item],
    page: int,
    pages: int,
    *,
    api: str = "",
    charset: str | None = "utf-8",
) -> str:
    entries = "".join(
        f'<li><a href="{escape(i.href)}" target="_blank" title="{escape(i.title)}">'
        f"{escape(_shortened(family, i.title))}</a><span>{i.date}</span></li>"
        for i in items
    )
    body = f'<div class="column-title">政府信息公开年报</div><ul class="list">{entries}</ul>'
    if family == "trs":
        body += f'<script type="text/javascript">createPageHTML({pages}, {page}, "index", "html");</script>'
    elif family == "jcms":
        pager = "".join(f'<a href="?pageNo={n}">{n}</a> ' for n in range(1, pages + 1) if n != page + 1)
        body += f'<div class="pager">共{pages}页 {pager}</div>'
    elif family == "gb2312":
        nxt = f'<a href="index_{page + 1}.htm">下一页</a>' if page + 1 < pages else ""
        prev = "" if page == 0 else f'<a href="{"index.htm" if page == 1 else f"index_{page - 1}.htm"}">上一页</a>'
        body += f'<div class="pager">{prev} {nxt} 共{pages}页</div>'
    elif family == "jsonapi":
        body += (
            f'<div id="pager" data-pages="{pages}"></div><script>var listApi = "{api}";'
            "function loadPage(p){fetch(listApi + '?page=' + p + '&size=6').then(function(r){return r.json();})"
            ".then(render);}</script>"
        )
    return shell(agency, "政府信息公开年报", ("政府信息公开", "政府信息公开年报"), body, charset=charset)


def _shortened(family: str, title: str) -> str:
    """TRS-like listings cut long titles to fit the column; the full title stays in title=."""
    if family == "trs" and len(title) > LISTING_WIDTH:
        return title[: LISTING_WIDTH - 2] + "..."
    return title


def api_page(items: list[Item], page: int, pages: int, total: int) -> str:
    rows = [{"title": i.title, "url": i.href, "publishDate": i.date} for i in items]
    return json.dumps({"code": 0, "page": page, "pages": pages, "total": total, "data": rows}, ensure_ascii=False)


def notice_page(agency: Agency, title: str, day: str) -> str:
    body = f'<h2 class="title">{escape(title)}</h2><p>发布日期：{day}</p><p>根据工作安排，现将有关事项函告如下。</p>'
    return shell(agency, title, ("政府信息公开", "通知公告"), body)


def message_page(agency: Agency, title: str, text: str, links: str = "") -> str:
    return shell(agency, title, (title,), f"<h2>{escape(title)}</h2><p>{escape(text)}</p>{links}")


def viewer_page(path: str) -> str:
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>PDF预览</title></head><body>'
        f'<div id="viewerContainer"></div><script src="/pdfjs/pdf.js"></script><script>'
        'var DEFAULT_URL = new URLSearchParams(location.search).get("file")'
        f' || "{escape(path)}";</script></body></html>'
    )

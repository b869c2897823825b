"""HTML reader: the article of a government page as paragraphs and dense table grids.

Pages arrive whole (CMS chrome, breadcrumbs, share widgets, 长者版/无障碍 links, a metadata block) or as
bare fragments, in any encoding, sometimes pasted from Word at thirty times the size of their text.
The reader keeps the title, the metadata block (索引号 / 发布机构 / 发布日期 …, it names the issuing body)
and the article; it drops the furniture.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from functools import lru_cache
from itertools import compress, repeat

from selectolax.lexbor import LexborHTMLParser, LexborNode

from nianbao.parsers.charsets import decode
from nianbao.parsers.document import Block, Document, TableBlock, TextBlock
from nianbao.parsers.errors import ParseError
from nianbao.parsers.limits import check_html_nesting, check_html_size
from nianbao.parsers.pinyin import drop_pinyin, pinyin_warning
from nianbao.parsers.readers import text as text_reader
from nianbao.parsers.spacing import clean

METADATA_KEYS = (
    "索引号",
    "发布机构",
    "发文机关",
    "发文单位",
    "成文日期",
    "发布日期",
    "发布时间",
    "公开日期",
    "生成日期",
    "主题分类",
    "信息分类",
    "发文字号",
    "文号",
    "有效性",
    "公开方式",
    "公开范围",
    "信息来源",
    "来源",
    "标题",
    "名称",
    "主题词",
)
_META_NAMES = {"articletitle": "标题", "pubdate": "发布日期", "contentsource": "来源"}
_KEY = re.compile("(" + "|".join(sorted(METADATA_KEYS, key=len, reverse=True)) + r")\s*[:：]")
_KEY_WORD = re.compile("|".join(METADATA_KEYS))
_KEY_ONLY = re.compile("^(" + "|".join(METADATA_KEYS) + r")\s*[:：]?$")

_DROP_TAGS = frozenset(
    {"script", "style", "noscript", "template", "iframe", "object", "embed", "select", "button", "input",
     "textarea", "nav", "header", "footer", "aside", "xml", "svg", "link", "meta", "head", "title", "map"}
)  # fmt: skip
# Class and id words marking furniture (a word of the value, between separators) and a breadcrumb (anywhere).
_CHROME_MARKERS = (
    "nav", "navbar", "menu", "breadcrumb", "breadcrumbs", "crumb", "crumbs", "share", "bdshare", "jiathis", "footer",
    "foot", "topbar", "toolbar", "sidebar", "qrcode", "ewm", "erweima", "wza", "fontsize", "print", "position",
    "location", "dqwz", "search", "login", "copyright", "bottom", "related", "pager",
)  # fmt: skip
_CRUMB_MARKERS = ("crumb", "position", "location", "dqwz")
_CHROME = re.compile(r"(^|[\s_-])(" + "|".join(_CHROME_MARKERS) + r")([\s_-]|$)", re.I)
_CRUMB_MARKER = re.compile("|".join(_CRUMB_MARKERS), re.I)
_CHROME_WORDS = (
    "长者版", "无障碍", "关闭窗口", "关闭本页", "打印本页", "【打印】", "分享到", "扫一扫", "返回顶部", "收藏本页",
    "版权所有", "ICP备", "网站标识码", "网站地图", "联系我们", "当前位置", "您现在的位置", "您的位置", "您当前所在",
    "上一篇", "下一篇", "相关链接", "相关文章", "相关阅读", "我要纠错", "【关闭】",
)  # fmt: skip
_CHROME_TEXT = re.compile("|".join(map(re.escape, _CHROME_WORDS)) + r"|字体[:：]?\s*[【\[]?大")
# The same words and keys in the raw text, whatever whitespace clean() would drop between their characters:
# where an element's cleaned text holds one, its raw text holds the loose form.
_GAP = r"[\s\u200b\ufeff]*"


def _trie(words: list[str], first: bool = True) -> list[str]:
    """The loose forms of `words` (none empty) as alternatives sharing their common starts (发布机构 and
    发布日期 as 发G布G(?:机G构|日G期)): a search tries one alternative per distinct character where the
    plain list tries every word, and the first characters stay a set the search skips text with."""
    rests: dict[str, list[str]] = {}
    for word in words:
        rests.setdefault(word[0], []).append(word[1:])
    alternatives = []
    for head, after in rests.items():
        longer = [rest for rest in after if rest]
        below = _trie(longer, first=False) if longer else []
        if below and len(longer) < len(after):  # a word ends at `head`, longer ones go on
            below.append("")
        inner = "" if not below else below[0] if len(below) == 1 else "(?:" + "|".join(below) + ")"
        alternatives.append(("" if first else _GAP) + re.escape(head) + inner)
    return alternatives


# Where a metadata key (colon or not) or a furniture word may stand, in one search of the page's text: a
# superset of where _KEY_WORD, the keys with their colon, and the furniture words (_CHROME_TEXT) stand
# in an element's cleaned text. Any such match is a match of this pattern at the same start.
_WORDS_LOOSE = re.compile(
    "|".join(_trie([*METADATA_KEYS, *_CHROME_WORDS])) + f"|字{_GAP}体{_GAP}(?:[:：]{_GAP})?(?:[【\\[]{_GAP})?大"
)
_CRUMB_TEXT = re.compile(r"^\s*(当前位置|您现在的位置|您的位置|您当前所在位置|您所在的位置)")
_CRUMB_SEP = re.compile(r"\s*(?:>|»|＞|›|→|/)\s*")
_BLOCK_TAGS = frozenset(
    {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "section", "article",
     "blockquote", "pre", "center", "address", "figure", "figcaption", "form", "main", "body", "html", "caption",
     "tr", "td", "th", "table", "tbody", "thead", "tfoot"}
)  # fmt: skip
_TEXT_TAGS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6"})  # article text, whatever its class says
_LINE_BREAK = "\u2028"
# Control characters, which no report prints and the HTML5 parser keeps in the text (a cell "\x0212" would
# not read as 12). Pages rarely hold any: a search for each (memchr in C) says so for a
# fifth of what one regex pass over the page costs; the regex then removes them.
_CONTROL_CHARS = (*map(chr, (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20))), "\ufffe", "\uffff")
_CONTROL = re.compile("[" + "".join(map(re.escape, _CONTROL_CHARS)) + "]")
_TITLE_SEP = re.compile(r"\s*(?:_|\||--|—|－|-\s)\s*")
_REPORTISH = re.compile(r"报告|年报")
# Counted in the text as it came: a cut page opens more tables than it closes. One search finds both: each
# is a pass over the whole page, stopping at every `<`.
_TABLE_TAG = re.compile("<(?:/table|table)", re.I)

_SPAN = re.compile(r"\s*(\d+)")
MAX_SPAN = 50  # a colspan/rowspan beyond this is an authoring error or hostile; real reports stay under 25
MAX_CELLS = 100_000


def read(data: bytes, *, url: str | None = None, content_type: str | None = None) -> Document:
    check_html_size(data, url or "the page")
    text, charset_warning = decode(data, content_type=content_type)
    text, pinyin = drop_pinyin(text)
    parser = _parse(text, url)
    warnings: list[tuple[str, str]] = []
    if charset_warning:
        warnings.append(("charset_guessed", charset_warning))
    if pinyin:
        warnings.append(pinyin_warning(pinyin))
    page = _Page(parser)
    if page.holds_nothing():
        raise ParseError(f"{url or 'the page'} holds no HTML: no element and no text, only comments")
    metadata = page.meta_tags()
    html_title = page.html_title()
    metadata.update({k: v for k, v in page.metadata().items() if k not in metadata})
    crumb = page.breadcrumb_title()
    # A page with no <table> (a legacy report's, an e-book's page) may print its tables as lines of text,
    # which the text reader's finders read as they read a text rendering's, from the lines as the page
    # printed them (`clean` drops the spaces between Chinese words): its flow keeps them as well.
    flow = _LinesFlow(page) if not page._table_indices else _Flow(page)
    flow.read(page.body())
    if not flow.tables:
        # Tables, but none a grid (layout, one-column boxes): the page is read again for its lines.
        found = text_reader.tables_in_lines(flow.lines if isinstance(flow, _LinesFlow) else _printed_lines(page))
        flow.blocks = found or flow.blocks
    blocks = tuple(flow.blocks)
    warnings.extend(flow.warnings)
    if _opens_more_tables(text):
        blocks = _cut_last_row(blocks, flow.last_row_extent)
        warnings.append(("truncated", f"{url or 'the page'} ends inside a table: its last row is incomplete"))
    if flow.images and not any(isinstance(b, TableBlock) for b in blocks):
        warnings.append(("images", f"the article holds {flow.images} images and no tables: tables may be images"))
    title = metadata.get("标题") or _report_part(html_title) or crumb or _title_in_body(blocks) or html_title
    return Document(blocks=blocks, rendering="html", title=title, metadata=metadata, warnings=tuple(warnings))


def _opens_more_tables(text: str) -> bool:
    found = _TABLE_TAG.findall(text)
    closed = sum(1 for tag in found if tag[1] == "/")
    return len(found) - closed > closed


def _parse(text: str, url: str | None) -> LexborHTMLParser:
    if any(c in text for c in _CONTROL_CHARS):
        text = _CONTROL.sub("", text)
    if not text or text.isspace():  # as `not text.strip()`, without copying the page
        raise ParseError(f"{url or 'the page'} holds no HTML")
    check_html_nesting(text, url or "the page")  # lexbor's time grows with the square of a deep nesting
    # lexbor (through selectolax) builds the HTML5 tree of the page, as a browser does, in about half the
    # time libxml2 takes; the walk below reads it once into plain lists.
    return LexborHTMLParser(text)


def _report_part(title: str | None) -> str | None:
    """`上海市…年度报告_上海市人民政府` -> the part naming the report."""
    if not title:
        return None
    parts = [p for p in _TITLE_SEP.split(title) if p]
    return next((p for p in parts if _REPORTISH.search(p)), None)


_META_TAGS = frozenset({"td", "th", "li", "p", "div", "span", "dt", "dd", "label", "em", "b", "strong", "font"})
_CRUMB_TAGS = frozenset({"div", "p", "span", "ul", "td", "nav"})
_NEVER_CHROME = frozenset({"body", "html", "tbody", "tr", "td", "th"})
_BLOCK_HOLDERS = frozenset({"table", "dl", "ul", "div", "p"})
_INLINE_BREAKS = frozenset({"br", "p", "div", "li"})
_NOT_MENUS = _TEXT_TAGS | _NEVER_CHROME | {"a", "table", ""}
_MENU_CHARS = 300
_MENU_OPENER = re.compile("(?:网站)?首页")
_MENU_SEPARATORS = " \t\n\r\f\xa0\u3000|｜/／·•-—>»›"
_DROPPED = frozenset({*_DROP_TAGS, ""})  # "": a comment (and what lexbor reads as one: <?…?>, <![CDATA[…]]>)
_TEXT_NODE = "-text"
_IMPLIED = frozenset({"html", "head", "body", ""})  # what an HTML5 parser makes of a page, and comments

# The cells spanning more than one row or column: Word writes rowspan=1 colspan=1 on many cells, which
# the selector (matched in C) leaves out.
_SPANNING = "[rowspan]:not([rowspan='1']),[colspan]:not([colspan='1'])"


def _walk(root: LexborNode) -> tuple[str, list[str], list[int], list[int], list[int], list[int], list[int]]:
    """The subtree of `root` in document order: the page's text (its text nodes joined), and per element or
    comment its tag ("" for a comment), its text's start and end in that text, its parent's index (-1 for
    the root), the index after its subtree, and its node's place in the parser's memory (`mem_id`, which
    names the node a selector finds).

    A loop over child and next links with a stack of the open elements: each element's end is known when
    its last child is left, and each node is asked for its tag once (selectolax's traverse() gives no
    ends). Only the open elements' nodes are held: a node object per element kept for the page's life
    made work for the garbage collector at every page."""
    tags: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    parents: list[int] = []
    afters: list[int] = []
    places: list[int] = []
    pieces: list[str] = []
    add = pieces.append
    offset = 0
    parent = -1
    stack: list[int] = []  # the open elements' indices, innermost last
    open_nodes: list[LexborNode] = []  # and their nodes
    node: LexborNode | None = root
    while node is not None:
        tag = node.tag
        if tag == _TEXT_NODE:
            text = node.text_content
            if text:
                add(text)
                offset += len(text)
        else:
            index = len(tags)
            if tag is None or tag[0] == "-":  # a comment or another node holding no text of the page
                tag = ""
            tags.append(tag)
            starts.append(offset)
            ends.append(offset)
            parents.append(parent)
            afters.append(index + 1)
            places.append(node.mem_id)
            child = node.child if tag else None
            if child is not None:
                stack.append(index)
                open_nodes.append(node)
                parent = index
                node = child
                continue
        if not stack:  # the root had no children
            break
        next_node = node.next
        while next_node is None:  # the innermost open element has ended, and maybe its ancestors
            closed = stack.pop()
            closed_node = open_nodes.pop()
            ends[closed] = offset
            afters[closed] = len(tags)
            parent = parents[closed]
            if not stack:  # the root has ended
                break
            next_node = closed_node.next
        node = next_node
    return "".join(pieces), tags, starts, ends, parents, afters, places


class _Page:
    """The tree as parsed, read in one walk: every element's text (its text nodes', as a slice of the page's
    whole text), its parent, and the comments and dropped tags (script, head, title, meta …); then the
    few elements the metadata, breadcrumb and furniture passes must look at closely, found from the
    page's whole text.

    Asking each element for its text re-reads its whole subtree (tens of thousands of calls on a portal
    page); here each text node is read once, and no element is asked anything unless a word it must
    hold for a verdict occurs in its text: a search of the page's whole text finds each such word once,
    and the elements whose text overlaps it are that place's ancestors and the elements starting inside
    it (`_overlapping`). The HTML5 parser gives tags in lower case, so tags are compared as they come.
    Every verdict is about the tree as parsed: the tree is never changed (the flow skips the furniture,
    see _Flow), and no furniture verdict depends on what a removal would change.

    The nodes (elements and comments, in document order) are indices into parallel lists of plain
    values: per node its text's start and end in the page's text (`_starts`, `_ends`), its parent's
    index (`_parents`, -1 for the root), its tag (`_tags`, "" for a comment) and the index after its
    subtree (`_afters`; a leaf's is its own plus one). Ints and strings are no work for the garbage
    collector, where a tuple per node made every page's hundreds of nodes collector work at first sight.
    """

    def __init__(self, parser: LexborHTMLParser) -> None:
        text, tags, starts, ends, parents, afters, places = _walk(parser.root)
        self.text = text
        self._starts, self._ends, self._parents, self._tags, self._afters = starts, ends, parents, tags, afters
        self._places = places
        self._parser = parser
        self._index_of: dict[int, int] | None = None  # node's mem_id -> index, made when first asked
        self._table_indices = tables = _indices(tags, "table", 0, len(tags))
        # The cells with a rowspan or colspan over 1, by node: the grid asks a cell's by its node.
        self._spans = self._spanning() if tables else {}
        chrome_named, crumb_named = self._marked()
        # Comments and the elements of _DROP_TAGS (a page's <head>, mostly), found in one C-level pass.
        dropped = list(compress(range(len(tags)), map(_DROPPED.__contains__, tags)))

        titles = [i for i in dropped if tags[i] == "title" and i]
        self.title = (clean(text[starts[titles[0]] : ends[titles[0]]]) or None) if titles else None

        # The elements a key or furniture word may stand in, their verdicts given by their own text below.
        worded = self._overlapping(_WORDS_LOOSE)
        self.metadata_candidates: list[int] = []
        for i in sorted(worded):
            a, b = starts[i], ends[i]
            if tags[i] in _META_TAGS and b - a <= 600 and _KEY_WORD.search(text, a, b):
                self.metadata_candidates.append(i)

        self.crumb_candidates: list[tuple[int, bool]] = []
        for i in sorted(crumb_named | self._starting_before("位", 40)):
            a, b = starts[i], ends[i]
            if tags[i] not in _CRUMB_TAGS or b - a > 600:
                continue
            marked = i in crumb_named
            # Every breadcrumb opener (当前位置, 您的位置 …) has 位置, whatever spaces cleaning drops.
            head = min(a + 40, b)
            if marked or (text.find("位", a, head) >= 0 and _CRUMB_TEXT.match(clean(text[a:head]))):
                self.crumb_candidates.append((i, marked))

        # Furniture: what the parser drops, and elements a marker, a metadata block or furniture words
        # may make furniture (no other element can be, see _is_chrome).
        holding_table: set[int] = set()  # the nodes with a <table> below them, up the parents
        for table in tables:
            ancestor = parents[table]
            while ancestor >= 0 and ancestor not in holding_table:
                holding_table.add(ancestor)
                ancestor = parents[ancestor]
        furniture = {i for i in dropped if i}
        for i in chrome_named | worded:
            tag = tags[i]
            # An element holding no key and no furniture word is furniture by its marker alone, which
            # neither a text tag nor a table can be (_is_chrome): most marked elements, Word's
            # <p class=MsoNormal>, are let go without cleaning their text.
            if i not in worded and (tag in _TEXT_TAGS or tag == "table"):
                continue
            a, b = starts[i], ends[i]
            if (
                tag
                and i
                and tag not in _NEVER_CHROME
                and b - a <= 1200
                and i not in holding_table
                and _is_chrome(tag, i in chrome_named, text[a:b])
            ):
                furniture.add(i)
        furniture.update(self._link_menus(holding_table))
        self.removed = frozenset(furniture)
        self.removed_in_order = sorted(furniture)

    def _link_menus(self, holding_table: set[int]) -> set[int]:
        """Menus of links opening with 首页 (a portal's top bar: 首页 | 政务公开 | 互动交流), whatever their
        class: an element that is no text tag, no table part and no link, of at most _MENU_CHARS
        characters, holding no table, whose text opens with 首页 or 网站首页 and whose words are all
        links (three <a> or more, nothing between them but separators). A sentence about a site's home
        page (在门户网站首页开设专栏) is no link list, and a breadcrumb opens with 当前位置."""
        found: set[int] = set()
        tags, starts, ends, afters, text = self._tags, self._starts, self._ends, self._afters, self.text
        for i in self._starting_before("首页", 40):
            a, b = starts[i], ends[i]
            if not i or tags[i] in _NOT_MENUS or b - a > _MENU_CHARS or i in holding_table:
                continue
            links = _indices(tags, "a", i + 1, afters[i])
            if len(links) < 3 or not _MENU_OPENER.match(clean(text[a : min(a + 40, b)])):
                continue
            between, cursor = [], a
            for link in links:
                between.append(text[cursor : starts[link]])
                cursor = ends[link]
            between.append(text[cursor:b])
            if not "".join(between).strip(_MENU_SEPARATORS):
                found.add(i)
        return found

    def holds_nothing(self) -> bool:
        """No text and no element but the <html>, <head> and <body> an HTML5 parser makes of anything."""
        return (not self.text or self.text.isspace()) and set(self._tags) <= _IMPLIED

    def _index(self, node: LexborNode) -> int | None:
        """The index of a node the parser gave (a selector's match), by its place in the parser's memory."""
        if self._index_of is None:
            self._index_of = dict(zip(self._places, range(len(self._places)), strict=True))
        return self._index_of.get(node.mem_id)

    def _spanning(self) -> dict[int, list[int]]:
        """The cells with a rowspan or colspan over 1 (the few cells a grid must spread), each with its
        [rowspan, colspan], found once per page by a selector."""
        spans: dict[int, list[int]] = {}
        for node in self._parser.css(_SPANNING):
            index = self._index(node)
            if index is None:
                continue
            attributes = node.attributes
            pair = [_span(attributes.get("rowspan")), _span(attributes.get("colspan"))]
            if pair != [1, 1]:
                spans[index] = pair
        return spans

    def _marked(self) -> tuple[set[int], set[int]]:
        """The nodes whose class or id marks them as furniture (_chrome_marker), and those marking a
        breadcrumb (_crumb_marker): no other element's marker can count (see _is_chrome).

        Each attribute is judged alone, which finds a marker exactly where searching "class id" does (no
        marker word holds a separator), and each distinct value once (a memo): a page repeats a few values
        (Word's MsoNormal on every paragraph), and a site's template repeats them from page to page. The
        elements with either attribute are found by a selector, matched in C; only those with a marker
        are looked for among the nodes."""
        chrome: set[int] = set()
        crumb: set[int] = set()
        for node in self._parser.css("[class],[id]"):
            attributes = node.attributes
            marks = [_markers(value) for value in (attributes.get("class"), attributes.get("id")) if value]
            if not any(marks):
                continue
            index = self._index(node)
            if index is None:
                continue
            if any(m and m[0] for m in marks):
                chrome.add(index)
            if any(m and m[1] for m in marks):
                crumb.add(index)
        return chrome, crumb

    def _overlapping(self, pattern: re.Pattern[str]) -> set[int]:
        """The nodes whose text overlaps a match of `pattern` in the page's whole text.

        A superset of the nodes whose own text holds a match (the pattern has no anchors or look-arounds:
        where an element's text has a match, the whole text has one overlapping it). Those overlapping
        the match at [a, b) are the ancestors of the innermost element holding position a, and the
        elements starting inside (a, b).
        """
        found: set[int] = set()
        starts, ends, parents = self._starts, self._ends, self._parents
        for match in pattern.finditer(self.text):
            a, b = match.span()
            first_after = bisect_right(starts, a)
            found.update(range(first_after, bisect_left(starts, b, first_after)))
            node = first_after - 1  # the last element starting at or before a (-1: none)
            while node >= 0 and ends[node] <= a:  # up to the innermost element holding position a
                node = parents[node]
            # A node already found has its ancestors found too (each was found with its ancestors, or
            # started inside a match whose innermost holder's ancestors are its own): the walk stops there.
            while node >= 0 and node not in found:
                found.add(node)
                node = parents[node]
        return found

    def _starting_before(self, word: str, within: int) -> set[int]:
        """The nodes whose text holds `word` in its first `within` characters."""
        found: set[int] = set()
        starts, ends, text = self._starts, self._ends, self.text
        position = text.find(word)
        while position >= 0:
            for i in range(bisect_left(starts, position - within + 1), bisect_right(starts, position)):
                if ends[i] > position:
                    found.add(i)
            position = text.find(word, position + 1)
        return found

    def meta_tags(self) -> dict[str, str]:
        found = {}
        for meta in self._parser.css("meta"):
            attributes = meta.attributes
            key = _META_NAMES.get((attributes.get("name") or "").lower())
            value = clean(attributes.get("content") or "")
            if key and value:
                found[key] = value
        return found

    def html_title(self) -> str | None:
        return self.title

    def metadata(self) -> dict[str, str]:
        """索引号 / 发布机构 / 发布日期 … pairs, as `key：value` text or as a label cell and its neighbour."""
        found: dict[str, str] = {}
        # Reverse document order visits inner elements before their ancestors: the tightest text wins.
        for node in reversed(self.metadata_candidates):
            line = self._inline_text(node)
            if not line or len(line) > 150:
                continue
            only = _KEY_ONLY.match(line)
            if only:
                neighbour = self._next_sibling(node)
                value = self._inline_text(neighbour) if neighbour is not None else ""
                if value and not _KEY.match(value) and len(value) <= 80:
                    found.setdefault(only.group(1), value)
                continue
            pieces = _KEY.split(line)
            for key, value in zip(pieces[1::2], pieces[2::2], strict=False):
                value = value.strip(" ：:")
                if value and len(value) <= 80:
                    found.setdefault(key, value)
        return found

    def breadcrumb_title(self) -> str | None:
        for node, marked in self.crumb_candidates:
            line = self._inline_text(node)
            if len(line) > 200 or not (_CRUMB_TEXT.match(line) or marked):
                continue
            last = [p for p in _CRUMB_SEP.split(line) if p][-1:] or [""]
            if _REPORTISH.search(last[0]) and len(last[0]) >= 8:
                return last[0]
        return None

    def _inline_text(self, node: int) -> str:
        """A node's text with line breaks as spaces (labels split over <br>/<p>/<span> read whole): its
        slice of the page's text, a space where a <br>/<p>/<div>/<li> below it starts, and no text of a
        dropped tag's own (a <script>'s, a <style>'s) nor of a comment."""
        starts, ends, tags, afters, text = self._starts, self._ends, self._tags, self._afters, self.text
        parts: list[str] = []
        cursor = starts[node]
        for j in range(node, afters[node]):
            tag = tags[j]
            if tag in _DROP_TAGS:  # its text before its first child is not the page's
                parts.append(text[cursor : starts[j]])
                cursor = starts[j + 1] if j + 1 < afters[j] else ends[j]
            elif j != node and tag in _INLINE_BREAKS:
                parts.append(text[cursor : starts[j]])
                parts.append(" ")
                cursor = starts[j]
        parts.append(text[cursor : ends[node]])
        return clean("".join(parts))

    def _next_sibling(self, node: int) -> int | None:
        """The element or comment after a node under the same parent."""
        after, parent = self._afters[node], self._parents[node]
        return after if parent >= 0 and after < self._afters[parent] else None

    def body(self) -> int:
        """The node the article's flow starts from: the root's <body>, else the root."""
        tags, afters = self._tags, self._afters
        i = 1
        while i < len(tags):  # the root's children, one subtree at a time
            if tags[i] == "body":
                return i
            i = afters[i]
        return 0


def _row_cells(tr: int, page: _Page) -> list[int]:
    """A <tr>'s <td>/<th> children's nodes, in document order."""
    tags, afters = page._tags, page._afters
    cells: list[int] = []
    j, stop = tr + 1, afters[tr]
    while j < stop:
        if tags[j] in _CELL_TAGS:
            cells.append(j)
        j = afters[j]
    return cells


def _indices(tags: list[str], tag: str, first: int, after: int) -> list[int]:
    """The nodes of one tag among `first`..`after`, by C-level searches of the tags (string comparisons)."""
    found: list[int] = []
    try:
        i = tags.index(tag, first, after)
        while True:
            found.append(i)
            i = tags.index(tag, i + 1, after)
    except ValueError:
        return found


def _is_chrome(tag: str, marked: bool, raw: str) -> bool:
    """Page furniture: short, and marked as such by its class/id or its words, or a metadata block.

    Asked of elements of at most 1200 characters that hold no table and are no table part; `marked`: its
    class or id holds a furniture marker (_chrome_marker). In order:
    longer than 300 characters (cleaned) is no furniture; a metadata block (two keys or more) is; a
    table is not; a furniture class/id is; a short text with furniture words is.
    """
    text = clean(raw)
    if len(text) > 300:
        return False
    if tag in _BLOCK_HOLDERS and ("：" in text or ":" in text) and len({m.group(1) for m in _KEY.finditer(text)}) >= 2:
        return True  # the metadata block, already read into Document.metadata
    if tag == "table":
        return False
    if marked and tag not in _TEXT_TAGS:
        return True
    return len(text) <= 40 and _chrome_words(text)


# Class names and short texts repeat down a page (MsoNormal, a cell's 0): their verdicts are remembered.
@lru_cache(maxsize=4096)
def _chrome_marker(css_class: str | None, element_id: str | None) -> bool:
    return bool(_CHROME.search(f"{css_class or ''} {element_id or ''}"))


@lru_cache(maxsize=4096)
def _markers(value: str) -> tuple[bool, bool] | tuple[()]:
    """Whether a class or id value alone marks furniture and a breadcrumb; () when neither."""
    is_chrome, is_crumb = _chrome_marker(value, None), _crumb_marker(value, None)
    return (is_chrome, is_crumb) if is_chrome or is_crumb else ()


@lru_cache(maxsize=4096)
def _crumb_marker(css_class: str | None, element_id: str | None) -> bool:
    return bool(_CRUMB_MARKER.search(f"{css_class or ''} {element_id or ''}"))


@lru_cache(maxsize=16384)
def _chrome_words(text: str) -> bool:
    return bool(_CHROME_TEXT.search(text))


def _cut_last_row(blocks: tuple[Block, ...], extent: int) -> tuple[Block, ...]:
    """A page cut inside a table: its last row ends where the page does, not at the table's width.

    Padding that row would claim blank cells the page never had; the row becomes a grid of its own,
    as long as what was printed, so the cells after the cut are absent rather than blank.
    """
    last = max((i for i, b in enumerate(blocks) if isinstance(b, TableBlock)), default=None)
    if last is None:
        return blocks
    table = blocks[last]
    assert isinstance(table, TableBlock)
    if not table.rows or not 0 < extent < len(table.rows[-1]):
        return blocks
    head = (TableBlock(table.rows[:-1]),) if len(table.rows) > 1 else ()
    return (*blocks[:last], *head, TableBlock((table.rows[-1][:extent],)), *blocks[last + 1 :])


def _title_in_body(blocks: tuple[Block, ...]) -> str | None:
    for block in blocks[:8]:
        text = block.text if isinstance(block, TextBlock) else ""
        if len(text) <= 80 and re.search(r"\d{4}\s*年", text) and _REPORTISH.search(text):
            return text
    return None


class _Flow:
    """Walks the article in reading order, cutting text into paragraphs at block boundaries.

    It reads the page's nodes and whole text as the page walk left them, not the tree: the text between
    two places where something happens (a block opens or closes, a <br>, a table, furniture) is one
    slice of the page's text. Furniture is skipped whole, its tail kept where it stood, which is what
    removing it from the tree would leave.
    """

    def __init__(self, page: _Page) -> None:
        self.blocks: list[Block] = []
        self.warnings: list[tuple[str, str]] = []
        self.images = 0
        self.last_row_extent = 0  # real cells in the last row of the last table, before padding
        self.tables = 0  # grids read (one-column tables are paragraphs, not grids)
        self._page = page
        self._buffer: list[str] = []

    def read(self, top: int) -> None:
        page = self._page
        removed, text, add = page.removed, page.text, self._buffer.append
        starts, ends, tags, afters = page._starts, page._ends, page._tags, page._afters
        cursor = starts[top]
        blocks: list[int] = []  # the open block elements' nodes, innermost last
        i, stop = top, afters[top]
        while i < stop:
            while blocks and afters[blocks[-1]] <= i:  # blocks ending before this node: their text is complete
                end = ends[blocks.pop()]
                add(text[cursor:end])
                cursor = end
                self._flush()
            tag = tags[i]
            if i in removed or tag == "br" or (tag == "table" and not self._is_layout(i)):
                add(text[cursor : starts[i]])
                if tag == "br" and i not in removed:
                    add(_LINE_BREAK)
                elif tag == "table" and i not in removed:
                    self._flush()
                    self._table(i)
                cursor = ends[i]  # its tail follows, as it would after a removal
                i = afters[i]
                continue
            if tag == "img":
                self.images += 1
            elif tag in _BLOCK_TAGS:
                add(text[cursor : starts[i]])
                cursor = starts[i]
                self._flush()
                blocks.append(i)
            i += 1
        while blocks:
            end = ends[blocks.pop()]
            add(text[cursor:end])
            cursor = end
            self._flush()

    def _flush(self) -> None:
        joined = "".join(self._buffer)
        self._buffer.clear()
        # Most flushes (a block opening or closing next to another) hold nothing or only the whitespace
        # between tags, which cleaning drops whole (the line break too is whitespace).
        if joined.isspace() or not joined:
            return
        for line in joined.split(_LINE_BREAK):  # cut at <br>: a paragraph each, unless cleaning leaves nothing
            text = clean(line)
            if text:
                self._paragraph(line, text)

    def _paragraph(self, line: str, text: str) -> None:
        """One paragraph: its line as the page printed it, and that line cleaned."""
        self.blocks.append(TextBlock(text))

    def _is_layout(self, table: int) -> bool:
        """A table holding tables (left after the furniture) lays out the page; its cells are flow, not data."""
        page = self._page
        # The tables inside it are the <table> nodes after it and before the end of its subtree.
        indices = page._table_indices
        inside = indices[bisect_right(indices, table) : bisect_left(indices, page._afters[table])]
        return any(not _under_removed(i, table, page) for i in inside)

    def _table(self, table: int) -> None:
        rows, self.last_row_extent, truncated = _grid(table, self._page)
        if truncated:
            self.warnings.append(("table_truncated", f"a table exceeds {MAX_CELLS} cells; the rest was dropped"))
        if rows and len(rows[0]) == 1:  # a one-column table is a box of paragraphs
            self.blocks.extend(TextBlock(row[0]) for row in rows if row[0])
        elif rows:
            self.blocks.append(TableBlock(rows))
            self.tables += 1


def _printed_lines(page: _Page) -> list[str]:
    """The page's text lines as printed (`_LinesFlow`)."""
    flow = _LinesFlow(page)
    flow.read(page.body())
    return flow.lines


class _LinesFlow(_Flow):
    """A flow that keeps, beside each paragraph, its line as the page printed it, whitespace runs as one
    space (a table printed as lines of text is read from them)."""

    def __init__(self, page: _Page) -> None:
        super().__init__(page)
        self.lines: list[str] = []

    def _paragraph(self, line: str, text: str) -> None:
        self.lines.append(" ".join(line.split()))
        super()._paragraph(line, text)

    def _table(self, table: int) -> None:
        before = len(self.blocks)
        super()._table(table)
        self.lines.extend(block.text for block in self.blocks[before:] if isinstance(block, TextBlock))


def _under_removed(node: int, top: int, page: _Page) -> bool:
    """Whether a node or one of its ancestors below `top` is furniture."""
    removed, parents = page.removed, page._parents
    while node != top:
        if node in removed:
            return True
        node = parents[node]
    return False


@lru_cache(maxsize=1024)  # a page's spans are a few values ("2", "3"), asked of every spanning cell
def _span(value: str | None) -> int:
    """A colspan/rowspan attribute's value, 1 when absent or unreadable, at most MAX_SPAN."""
    if not value:
        return 1
    match = value if value.isascii() and value.isdigit() else (m.group(1) if (m := _SPAN.match(value)) else None)
    return max(1, min(int(match), MAX_SPAN)) if match else 1


def _rows(table: int, page: _Page) -> list[list[int]]:
    """Per <tr> of the table (furniture left out), its <td>/<th> children's nodes, in document order."""
    first, after = table + 1, page._afters[table]
    ordered = page.removed_in_order
    trs = _indices(page._tags, "tr", first, after)
    if bisect_left(ordered, first) == bisect_left(ordered, after):  # the usual table: each <tr>'s children
        return [_row_cells(tr, page) for tr in trs]
    # Rare: furniture inside the table.
    return [
        [cell for cell in _row_cells(tr, page) if not _under_removed(cell, table, page)]
        for tr in trs
        if not _under_removed(tr, table, page)
    ]


_CELL_TAGS = frozenset({"td", "th"})


def _cell_text(cell: int, page: _Page) -> str:
    """A cell's text with line breaks as spaces, furniture left out (as `_inline_text` reads it once
    the furniture is gone): its slice of the page's text, a space where a <br>/<p>/<div>/<li> starts.
    Asked of cells with children other than one leading child (`_grid` reads those as a leaf)."""
    starts, ends, tags, afters = page._starts, page._ends, page._tags, page._afters
    removed, text = page.removed, page.text
    parts: list[str] = []
    cursor = starts[cell]
    j, stop = cell + 1, afters[cell]
    while j < stop:
        if j in removed:  # all of it goes (comments and <script> too), its tail stays
            parts.append(text[cursor : starts[j]])
            cursor = ends[j]
            j = afters[j]
            continue
        if tags[j] in _INLINE_BREAKS:
            parts.append(text[cursor : starts[j]])
            parts.append(" ")
            cursor = starts[j]
        j += 1
    parts.append(text[cursor : ends[cell]])
    return clean("".join(parts))


def _grid(table: int, page: _Page) -> tuple[tuple[tuple[str, ...], ...], int, bool]:
    """The dense grid of a table (each cell a merged cell covers holds the merged cell's text), how
    many cells its last row really has (before padding), and whether it was cut at MAX_CELLS.

    Read from the page's nodes, one pass over the cells; a cell with no span whose text is its own or one
    leading child's (most of them) takes the short way.
    """
    trs = _rows(table, page)
    height = len(trs)
    spanning = page._spans  # the few cells with a rowspan or colspan, and their spans
    starts, ends, afters, page_text = page._starts, page._ends, page._afters, page.text
    removed = page.removed
    filled: list[dict[int, str]] = [{} for _ in trs]  # per row: column -> text
    count = 0
    truncated = False
    for r, cells in enumerate(trs):
        row, c = filled[r], 0
        for node in cells:
            while c in row:
                c += 1
            # The usual cell has no child, or one child from its first character (Word's <td><p>69</p></td>,
            # where a break would only put a space before all the text, which cleaning drops): its text is
            # its whole slice of the page's text.
            child = node + 1
            after = afters[node]
            if after == child or (after == child + 1 and starts[child] == starts[node] and child not in removed):
                text = _clean_cell(page_text[starts[node] : ends[node]])
            else:
                text = _cell_text(node, page)
            span = spanning.get(node)
            if span is None:  # one cell, at a free column
                if count >= MAX_CELLS:
                    truncated = True
                    break
                row[c] = text
                count += 1
                c += 1
                continue
            rowspan = min(span[0], height - r)
            colspan = span[1]
            if count + rowspan * colspan > MAX_CELLS:
                truncated = True
                break
            columns = range(c, c + colspan)
            for target in filled[r : r + rowspan]:
                for column in columns:
                    if column not in target:
                        target[column] = text
                        count += 1
            c += colspan
    used = [row for row in filled if row]
    if not used:
        return (), 0, truncated
    width = max(map(max, used)) + 1
    # A row of blank cells is kept: a table 4 left blank prints its one data row that way, and blank
    # (not reported) is not missing. Only a <tr> with no cells at all is no row.
    blank = repeat("")  # endless, so one serves every row
    # Most rows hold every column, placed left to right: their texts are the dict's values as they stand.
    columns = list(range(width))
    rows = tuple([tuple(row.values()) if list(row) == columns else tuple(map(row.get, columns, blank)) for row in used])
    return rows, max(used[-1]) + 1, truncated


# Cell texts repeat within a page and across pages (the template's labels, 0, blanks): their clean form
# is remembered in one call, without the wrapper's frame.
_clean_cell = lru_cache(maxsize=65536)(clean)

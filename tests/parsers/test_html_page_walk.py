"""The HTML reader asks only the elements whose text holds a word their verdict needs (parsers.readers.html._Page).

These tests hold that shortcut to the plain definition: on pages mixing furniture words, metadata keys,
breadcrumbs, class markers and whitespace between characters, the elements it picks for the furniture,
metadata and breadcrumb passes are exactly those that asking every element picks.
"""

import random

from selectolax.lexbor import LexborHTMLParser, LexborNode

from nianbao.parsers.readers import html
from nianbao.parsers.spacing import clean

_WORDS = [
    "长者版", "关闭 窗口", "打印本页", "【打印】", "字体：【大", "字 体 大", "版权所有", "ICP备", "当前位置",
    "您现在的位置", "上一篇", "相关\u3000链接", "索引号：", "发布机构：", "发布 日期 ：", "来源:", "标题", "名称：",
    "2019年政府信息公开工作年度报告", "首页", " > ", "0", "行政许可", "本年新\n制作", "位", "单位", "\xa0", "\u200b",
    " ", "\n", "ICP", "备", "网站首页", " | ",
]  # fmt: skip
_TAGS = ["div", "p", "span", "td", "table", "tr", "li", "ul", "nav", "b", "font", "label", "dd", "br", "script", "h1"]
_TAGS += ["o:p", "a", "a", "a"]
_CLASSES = [None, None, None, "nav", "crumb", "position", "MsoNormal", "share", "", "location dqwz", "footer-x"]


_LINK_WORDS = ["首页", "网站首页", "政务公开", "互动交流", "当前位置", "2019年政府信息公开工作年度报告"]
_BETWEEN = ["", " | ", "\n", "\xa0", "/", "、", " 和 "]


def _menu(rng: random.Random) -> str:
    """A bar of links, most of them opening with 首页 and separated by bars or spaces, some not a menu."""
    links = [rng.choice(_LINK_WORDS[:2] if k == 0 and rng.random() < 0.7 else _LINK_WORDS) for k in range(5)]
    count = rng.randint(2, 5)
    return "".join(f"<a>{word}</a>" + rng.choice(_BETWEEN) for word in links[:count])


def _node(rng: random.Random, depth: int) -> str:
    if rng.random() < 0.05:
        tag = rng.choice(["div", "ul", "span", "p"])
        return f"<{tag}>{_menu(rng)}</{tag}>"
    if depth > 5 or rng.random() < 0.3:
        return "".join(rng.choice(_WORDS) for _ in range(rng.randint(0, 4)))
    tag, css = rng.choice(_TAGS), rng.choice(_CLASSES)
    attributes = (f' class="{css}"' if css is not None else "") + (' id="nav"' if rng.random() < 0.05 else "")
    inner = "".join(_node(rng, depth + 1) for _ in range(rng.randint(0, 4)))
    inner += "<!-- c -->" if rng.random() < 0.1 else ""
    return f"<{tag}{attributes}>{inner}</{tag}>" + (rng.choice(_WORDS) if rng.random() < 0.4 else "")


def _pages(count: int) -> list[LexborHTMLParser]:
    rng = random.Random(10)
    pages = []
    for _ in range(count):
        body = "".join(_node(rng, 0) for _ in range(rng.randint(1, 6)))
        pages.append(html._parse(f"<html><head><title>t</title></head><body>{body}</body></html>", None))
    return pages


def _nodes(parser: LexborHTMLParser) -> list[LexborNode]:
    """The elements and comments of the page, in document order: the nodes the reader's walk indexes."""
    return [node for node in parser.root.traverse(include_text=True) if node.tag != "-text"]


def _asking_every_element(parser: LexborHTMLParser) -> tuple[list[int], list[int], list[tuple[int, bool]]]:
    nodes = _nodes(parser)
    index = {node.mem_id: i for i, node in enumerate(nodes)}
    holding = set()
    for node in nodes:
        if node.tag == "table":
            ancestor = node.parent
            while ancestor is not None and ancestor.mem_id in index:
                holding.add(index[ancestor.mem_id])
                ancestor = ancestor.parent
    furniture, metadata, crumbs = [], [], []
    menus = _link_menus(nodes, holding)
    for i, node in enumerate(nodes):
        tag = node.tag if node.is_element_node else ""
        text = node.text(deep=True) if tag else ""  # every text node below it, as text_content() gives
        attributes = node.attributes if tag else {}
        css_class, element_id = attributes.get("class"), attributes.get("id")
        if tag in html._META_TAGS and len(text) <= 600 and html._KEY_WORD.search(text):
            metadata.append(i)
        if tag in html._CRUMB_TAGS and len(text) <= 600:
            marker = (css_class is not None or element_id is not None) and html._crumb_marker(css_class, element_id)
            if marker or ("位" in text[:40] and html._CRUMB_TEXT.match(clean(text[:40]))):
                crumbs.append((i, bool(marker)))
        if i == 0:
            continue
        named = css_class is not None or element_id is not None
        marked = named and html._chrome_marker(css_class, element_id)
        if (
            not tag
            or tag in html._DROP_TAGS
            or (
                tag not in html._NEVER_CHROME
                and len(text) <= 1200
                and i not in holding
                and html._is_chrome(tag, marked, text)
            )
            or i in menus
        ):
            furniture.append(i)
    return furniture, metadata, crumbs


def _link_menus(nodes: list[LexborNode], holding: set[int]) -> set[int]:
    """The elements whose text opens with (网站)首页 and whose words are all links, three or more."""
    menus = set()
    for i, node in enumerate(nodes):
        tag = node.tag if node.is_element_node else ""
        if not i or tag in html._NOT_MENUS or i in holding:
            continue
        text = node.text(deep=True)
        links = [n for n in node.traverse() if n.tag == "a" and n.mem_id != node.mem_id]
        outside = "".join(
            n.text_content or "" for n in node.traverse(include_text=True) if n.tag == "-text" and not _under_a(n, node)
        )
        if (
            len(text) <= html._MENU_CHARS
            and len(links) >= 3
            and html._MENU_OPENER.match(clean(text[:40]))
            and not outside.strip(html._MENU_SEPARATORS)
        ):
            menus.add(i)
    return menus


def _under_a(text_node: LexborNode, top: LexborNode) -> bool:
    node = text_node.parent
    while node is not None and node.mem_id != top.mem_id:
        if node.tag == "a":
            return True
        node = node.parent
    return False


def test_the_elements_asked_are_those_asking_every_element_finds():
    pages = _pages(300)
    picked = {"furniture": 0, "metadata": 0, "crumbs": 0, "menus": 0}
    for parser in pages:
        page = html._Page(parser)
        furniture, metadata, crumbs = _asking_every_element(parser)
        assert page.removed_in_order == furniture
        assert page.metadata_candidates == metadata
        assert page.crumb_candidates == crumbs
        picked["furniture"] += len(furniture)
        picked["metadata"] += len(metadata)
        picked["crumbs"] += len(crumbs)
        picked["menus"] += len(_link_menus(_nodes(parser), set()))
    assert min(picked.values()) >= 20, picked  # the pages do exercise every pass


def test_the_walk_gives_each_node_its_text_parent_and_subtree():
    for parser in _pages(100):
        page = html._Page(parser)
        nodes = _nodes(parser)
        index = {node.mem_id: i for i, node in enumerate(nodes)}
        assert page._tags == [node.tag if node.is_element_node else "" for node in nodes]
        for i, node in enumerate(nodes):
            assert page.text[page._starts[i] : page._ends[i]] == (node.text(deep=True) if node.is_element_node else "")
            parent = node.parent
            assert page._parents[i] == (index[parent.mem_id] if i else -1)
            below = node.traverse(include_text=True) if node.is_element_node else [node]
            subtree = [n for n in below if n.tag != "-text"]
            assert page._afters[i] == i + len(subtree)


_MARKER_PARTS = ["nav", "NAV", "menu", "crumb", "position", "Mso", "x", "", " ", "  ", "-", "_", "\n", "dqwz", "share"]


def test_the_marked_elements_are_those_whose_class_and_id_mark_them():
    # Values next to each other in the page (nav then menu, a value ending in a separator) must not hide
    # each other's markers: each element's verdict is its own "class id" search.
    rng = random.Random(12)
    for _ in range(200):
        elements = []
        for _ in range(rng.randint(1, 8)):
            attributes = ""
            for name in ("class", "id"):
                if rng.random() < 0.6:
                    value = "".join(rng.choice(_MARKER_PARTS) for _ in range(rng.randint(0, 3)))
                    attributes += f' {name}="{value}"'
            elements.append(f"<div{attributes}>t</div>")
        parser = html._parse(f"<html><body>{''.join(elements)}</body></html>", None)
        chrome, crumb = html._Page(parser)._marked()
        for i, node in enumerate(_nodes(parser)):
            attributes = node.attributes if node.is_element_node else {}
            css_class, element_id = attributes.get("class"), attributes.get("id")
            if css_class is None and element_id is None:
                assert i not in chrome and i not in crumb
                continue
            assert (i in chrome) == html._chrome_marker(css_class, element_id), (css_class, element_id)
            assert (i in crumb) == html._crumb_marker(css_class, element_id)

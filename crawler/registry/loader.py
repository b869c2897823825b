"""Reading registry YAML strictly: a key given twice is an error, and aliases cannot multiply the document.

PyYAML's safe loader keeps the last of two equal keys (a second `agencies:` block silently replaces the
first) and expands aliases without bound (a few hundred bytes of nested aliases stand for billions of
nodes). Neither has an option to refuse, so this loader checks both on the composed node graph, before
any Python object is built.
"""

from __future__ import annotations

from typing import Any

import yaml

from nianbao.crawler.errors import RegistryError

# Nodes the document stands for once every alias is expanded. A registry of 100,000 agencies is about
# two million; an alias bomb is billions.
MAX_EXPANDED_NODES = 20_000_000
_MERGE = "tag:yaml.org,2002:merge"


# libyaml's parser where PyYAML was built with it: the pure-Python scanner took seconds for a
# 1,000-agency registry, which every crawl process and every batch of a harvest reads.
_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _StrictLoader(_SafeLoader):  # type: ignore[valid-type,misc]
    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[tuple[str, str], yaml.Mark] = {}
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == _MERGE:
                continue
            key = (key_node.tag, key_node.value)
            if key in seen:
                line = key_node.start_mark.line + 1
                first = seen[key].line + 1
                raise RegistryError(f"line {line}: key {key_node.value!r} given twice (first on line {first})")
            seen[key] = key_node.start_mark
        return super().construct_mapping(node, deep=deep)


def load_yaml(text: str, source: str) -> Any:
    """The document in `text`; RegistryError names `source` for a duplicate key or an alias bomb."""
    loader = _StrictLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        expanded = _expanded_size(node, {})
        if expanded > MAX_EXPANDED_NODES:
            raise RegistryError(f"its aliases expand to more than {MAX_EXPANDED_NODES:,} nodes ({expanded:,}); refused")
        return loader.construct_document(node)
    except RegistryError as exc:
        raise RegistryError(f"{source}: {exc}") from None
    finally:
        loader.dispose()


def _expanded_size(node: yaml.Node, memo: dict[int, int]) -> int:
    """How many nodes `node` stands for with every alias expanded (shared nodes counted once per use)."""
    known = memo.get(id(node))
    if known is not None:
        if known < 0:
            raise RegistryError(f"line {node.start_mark.line + 1}: an alias refers to a node that contains it")
        return known
    if isinstance(node, yaml.ScalarNode):
        return 1
    memo[id(node)] = -1  # being counted: meeting it again below means a cycle
    children = node.value if isinstance(node, yaml.SequenceNode) else [part for pair in node.value for part in pair]
    size = 1 + sum(_expanded_size(child, memo) for child in children)
    memo[id(node)] = size
    return size

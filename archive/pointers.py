"""Small mutable pointers (a report's head, a URL's validators) moved by compare-and-swap.

The one compare-and-swap loop of the archive: read the pointer with its token, compute the new value,
write it only if the token still holds, and on a lost race read again. A caller that already read the
pointer passes what it read, so the common, uncontended case costs one conditional write and no read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nianbao.archive.errors import ConflictError, NotFound
from nianbao.archive.stores import Store

_ATTEMPTS = 50

# What a pointer holds, decoded, and the token its write must present; (None, None) when absent.
Read = tuple[Any, str | None]


def read(store: Store, key: str, decode: Callable[[bytes], Any]) -> Read:
    try:
        data, token = store.get_with_token(key)
    except NotFound:
        return None, None
    return decode(data), token


def swap(
    store: Store,
    key: str,
    decode: Callable[[bytes], Any],
    update: Callable[[Any], bytes | None],
    first: Read | None = None,
) -> bool:
    """Apply `update` (current value → new bytes, or None to leave it) until a write sticks; True when written."""
    current = first if first is not None else read(store, key, decode)
    for _ in range(_ATTEMPTS):
        value, token = current
        data = update(value)
        if data is None:
            return False
        try:
            store.put_if_match(key, data, token)
        except ConflictError:
            current = read(store, key, decode)
            continue
        return True
    raise ConflictError(f"{key} in {store.url}: gave up after {_ATTEMPTS} concurrent updates")

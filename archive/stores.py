"""The storage protocol every backend implements, and the choice of backend by URL.

Only immutable objects and small mutable pointers are stored (and derived catalog files, deleted once
no manifest lists them): immutable objects are written with
put-if-absent, pointers with compare-and-swap on an opaque token (an S3 ETag, a local content hash).
No reader ever sees a partially written object.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Protocol
from urllib.parse import unquote, urlparse

from nianbao.archive.errors import StoreUnavailable

if TYPE_CHECKING:
    import pyarrow.fs


class Store(Protocol):
    url: str

    def put_if_absent(self, key: str, data: bytes, content_type: str | None = None) -> bool:
        """Write `data` at `key` unless something is there; True when this call created it."""
        ...

    def get(self, key: str) -> bytes:
        """The object's bytes; NotFound when absent."""
        ...

    def get_with_token(self, key: str) -> tuple[bytes, str]:
        """The object's bytes and the token a later `put_if_match` must present."""
        ...

    def put_if_match(self, key: str, data: bytes, token: str | None) -> str:
        """Replace the object if its token is still `token` (None: only if absent); the new token.

        Raises ConflictError when another writer got there first.
        """
        ...

    def exists(self, key: str) -> bool: ...

    def delete(self, key: str) -> None:
        """Remove derived data no pointer names any more (catalog files); absent is fine."""
        ...

    def list(self, prefix: str) -> Iterator[str]:
        """Every key starting with `prefix`, in lexical order (paginated underneath)."""
        ...

    def arrow(self) -> tuple[pyarrow.fs.FileSystem, str]:
        """A pyarrow filesystem on the same storage and the base path of this store in it."""
        ...

    def check(self, *, create: bool) -> None:
        """StoreUnavailable (one line) unless the archive can be used now; `create`: a writer may make it."""
        ...


def absolute_url(url: str) -> str:
    """The same archive URL with a relative directory made absolute (against the working directory now).

    Resolved once, at the edge, so that a process started elsewhere reaches the same archive.
    """
    parsed = urlparse(url)
    if parsed.scheme == "file":
        return Path(unquote(parsed.path)).resolve().as_uri()
    if parsed.scheme and len(parsed.scheme) > 1:
        return url
    return str(Path(url).resolve())


def open_store(url: str) -> Store:
    """`s3://bucket/prefix` (AWS configuration from the environment) or `file:///dir` / a plain path."""
    parsed = urlparse(url)
    if parsed.scheme == "s3":
        from nianbao.archive.s3 import S3Store

        if not parsed.netloc:
            raise StoreUnavailable(f"archive URL {url!r} names no bucket; expected s3://bucket/prefix")
        return S3Store(parsed.netloc, parsed.path.strip("/"))
    from nianbao.archive.local import LocalStore

    if parsed.scheme == "file":
        return LocalStore(Path(unquote(parsed.path)))
    if parsed.scheme and len(parsed.scheme) > 1:  # one letter is a Windows drive, not a scheme
        raise StoreUnavailable(f"archive URL {url!r}: unknown scheme {parsed.scheme!r}; expected s3:// or file://")
    return LocalStore(Path(url))

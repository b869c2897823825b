"""The local-directory backend: the embedded default, safe across threads and processes.

Objects are written to a temporary file under `.tmp/`, flushed, then linked (put-if-absent) or
renamed (compare-and-swap, under an advisory lock) into place, so a write killed halfway leaves
only an invisible temporary file. Names starting with a dot are reserved for this bookkeeping.
Opening a store creates nothing: the directory and its bookkeeping appear with the first write, so a
mistyped path given to a reading command leaves no trace.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyarrow.fs

from nianbao.archive.errors import ConflictError, InvalidKey, NotFound, StoreUnavailable

_TMP = ".tmp"
_LOCKS = ".locks"


class LocalStore:
    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.url = self.root.as_uri()
        self._ready = False

    def _prepare(self) -> None:
        """The bookkeeping directories, made by the first write (never by opening or reading)."""
        if self._ready:
            return
        try:
            (self.root / _TMP).mkdir(parents=True, exist_ok=True)
            (self.root / _LOCKS).mkdir(exist_ok=True)
        except OSError as exc:
            raise StoreUnavailable(f"cannot use {self.root} as an archive: {exc.strerror}") from exc
        self._ready = True

    def check(self, *, create: bool) -> None:
        """Usable as an archive: an existing directory, or (`create`) one that can be made and written."""
        if self.root.is_dir():
            if create and not os.access(self.root, os.W_OK | os.X_OK):
                raise StoreUnavailable(f"cannot write to the archive {self.root}: permission denied")
            return
        if self.root.exists():
            raise StoreUnavailable(f"the archive {self.root} is not a directory")
        if not create:
            raise StoreUnavailable(f"no archive at {self.root}: the directory does not exist")
        parent = next(p for p in self.root.parents if p.exists())
        if not parent.is_dir() or not os.access(parent, os.W_OK | os.X_OK):
            raise StoreUnavailable(f"cannot create the archive {self.root}: {parent} is not a writable directory")

    def put_if_absent(self, key: str, data: bytes, content_type: str | None = None) -> bool:
        path = self._path(key)
        tmp = self._write_temp(data, key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            os.link(tmp, path)
        except FileExistsError:
            return False
        except OSError as exc:
            raise StoreUnavailable(f"cannot write {key} in {self.url}: {exc.strerror}") from exc
        finally:
            os.unlink(tmp)
        return True

    def get(self, key: str) -> bytes:
        path = self._path(key)
        try:
            return path.read_bytes()
        except FileNotFoundError as exc:
            raise NotFound(f"{key} is not in {self.url}") from exc
        except OSError as exc:
            raise StoreUnavailable(f"cannot read {key} in {self.url}: {exc.strerror}") from exc

    def get_with_token(self, key: str) -> tuple[bytes, str]:
        data = self.get(key)
        return data, _token(data)

    def put_if_match(self, key: str, data: bytes, token: str | None) -> str:
        path = self._path(key)
        with self._lock(key):
            try:
                current = _token(path.read_bytes())
            except FileNotFoundError:
                current = None
            except OSError as exc:
                raise StoreUnavailable(f"cannot read {key} in {self.url}: {exc.strerror}") from exc
            if current != token:
                raise ConflictError(f"{key} in {self.url} changed since it was read (expected token {token})")
            tmp = self._write_temp(data, key)
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                os.replace(tmp, path)
            except OSError as exc:
                os.unlink(tmp)
                raise StoreUnavailable(f"cannot write {key} in {self.url}: {exc.strerror}") from exc
        return _token(data)

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def delete(self, key: str) -> None:
        try:
            self._path(key).unlink(missing_ok=True)
        except OSError as exc:
            raise StoreUnavailable(f"cannot delete {key} in {self.url}: {exc.strerror}") from exc

    def list(self, prefix: str) -> Iterator[str]:
        head, _, _ = prefix.rpartition("/")
        base = self.root / head if head else self.root
        if not base.is_dir():
            return
        found = []
        for dirpath, dirnames, filenames in os.walk(base):
            rel = Path(dirpath).relative_to(self.root).as_posix()
            dirnames[:] = [d for d in dirnames if not d.startswith(".")]
            for name in filenames:
                key = name if rel == "." else f"{rel}/{name}"
                if key.startswith(prefix) and not name.startswith("."):
                    found.append(key)
        yield from sorted(found)

    def arrow(self) -> tuple[pyarrow.fs.FileSystem, str]:
        return pyarrow.fs.LocalFileSystem(), self.root.as_posix()

    def _path(self, key: str) -> Path:
        parts = key.split("/")
        if not key or any(not p or p.startswith(".") for p in parts):
            raise InvalidKey(f"{key!r} is not a valid archive key (empty segment or leading dot)")
        return self.root.joinpath(*parts)

    def _write_temp(self, data: bytes, key: str) -> str:
        self._prepare()
        try:
            fd, tmp = tempfile.mkstemp(dir=self.root / _TMP)
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
        except OSError as exc:
            raise StoreUnavailable(f"cannot write {key} in {self.url}: {exc.strerror}") from exc
        return tmp

    @contextmanager
    def _lock(self, key: str) -> Iterator[None]:
        self._prepare()
        lock_path = self.root / _LOCKS / hashlib.sha256(key.encode()).hexdigest()
        try:
            fd = os.open(lock_path, os.O_CREAT | os.O_RDWR, 0o644)
        except OSError as exc:
            raise StoreUnavailable(f"cannot lock {key} in {self.url}: {exc.strerror}") from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)


def _token(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()

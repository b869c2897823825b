"""The store contract, run against the local directory and a real S3 server (moto) over HTTP."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlparse

import pytest

from nianbao.archive.errors import ConflictError, InvalidKey, NotFound, StoreUnavailable
from nianbao.archive.local import LocalStore
from nianbao.archive.stores import Store, open_store


def test_put_if_absent_writes_once(store: Store) -> None:
    assert store.put_if_absent("a/b/one", b"first") is True
    assert store.put_if_absent("a/b/one", b"second") is False
    assert store.get("a/b/one") == b"first"


def test_get_missing_raises_not_found_naming_the_key(store: Store) -> None:
    with pytest.raises(NotFound, match="nothing/here"):
        store.get("nothing/here")
    assert store.exists("nothing/here") is False


def test_exists_after_write(store: Store) -> None:
    store.put_if_absent("x/y", b"1")
    assert store.exists("x/y") is True


def test_compare_and_swap(store: Store) -> None:
    token = store.put_if_match("ptr/head.json", b"v1", None)
    with pytest.raises(ConflictError):
        store.put_if_match("ptr/head.json", b"v1-again", None)
    data, read_token = store.get_with_token("ptr/head.json")
    assert (data, read_token) == (b"v1", token)
    new_token = store.put_if_match("ptr/head.json", b"v2", token)
    with pytest.raises(ConflictError):
        store.put_if_match("ptr/head.json", b"stale", token)
    assert store.get_with_token("ptr/head.json") == (b"v2", new_token)


def test_concurrent_compare_and_swap_loses_no_increment(store: Store) -> None:
    store.put_if_match("counter", b"0", None)

    def bump(times: int) -> None:
        for _ in range(times):
            while True:
                data, token = store.get_with_token("counter")
                try:
                    store.put_if_match("counter", str(int(data) + 1).encode(), token)
                    break
                except ConflictError:
                    continue

    threads = [threading.Thread(target=bump, args=(10,)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert store.get("counter") == b"40"


def test_list_by_prefix_is_sorted_and_paginates(store: Store) -> None:
    wanted = [f"many/{i:04d}" for i in range(1005)]  # more than one S3 page of 1000
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda key: store.put_if_absent(key, b""), wanted))
    store.put_if_absent("manyother/x", b"")
    store.put_if_absent("other/x", b"")
    assert list(store.list("many/")) == wanted
    assert list(store.list("many")) == [*wanted, "manyother/x"]
    assert list(store.list("absent/")) == []


def test_arrow_filesystem_sees_the_same_objects(store: Store) -> None:
    store.put_if_absent("dir/file.txt", b"through arrow")
    fs, base = store.arrow()
    with fs.open_input_stream(f"{base}/dir/file.txt") as stream:
        assert stream.read() == b"through arrow"


def test_local_rejects_keys_that_escape_the_root(tmp_path: Path) -> None:
    store = LocalStore(tmp_path)
    for bad in ("../x", "a//b", ".tmp/x", ""):
        with pytest.raises(InvalidKey):
            store.put_if_absent(bad, b"")


def test_unknown_scheme_and_missing_bucket_are_clear_errors(s3_endpoint: str) -> None:
    with pytest.raises(StoreUnavailable, match="unknown scheme"):
        open_store("ftp://host/x")
    with pytest.raises(StoreUnavailable, match="s3://no-such-bucket-here"):
        open_store("s3://no-such-bucket-here/p").put_if_absent("k", b"")


_SLOW_WRITER = """
import sys, time
from pathlib import Path
from nianbao.archive import local

class SlowFile:
    # Stands in for a disk that takes a while: the bytes go out in pieces.
    def __init__(self, raw): self.raw = raw
    def write(self, data):
        for i in range(0, len(data), 1024):
            self.raw.write(data[i:i + 1024]); self.raw.flush(); time.sleep(0.01)
    def __getattr__(self, name): return getattr(self.raw, name)
    def __enter__(self): return self
    def __exit__(self, *exc): self.raw.close()

real_fdopen = local.os.fdopen
local.os.fdopen = lambda fd, mode: SlowFile(real_fdopen(fd, mode))
store = local.LocalStore(Path(sys.argv[1]))
print("writing", flush=True)
store.put_if_absent("raw/big", b"x" * 1024 * 1024)
"""


def test_local_write_killed_halfway_leaves_nothing_visible(tmp_path: Path) -> None:
    root = tmp_path / "archive"
    writer = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(_SLOW_WRITER), str(root)],
        stdout=subprocess.PIPE,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert writer.stdout.readline() == b"writing\n"
    tmp_dir = root / ".tmp"
    deadline = time.monotonic() + 10
    while not (tmp_dir.is_dir() and any(f.stat().st_size > 0 for f in tmp_dir.iterdir())):  # made by the write
        assert time.monotonic() < deadline, "the writer never started writing"
        time.sleep(0.01)
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait()
    store = LocalStore(root)
    assert any(f.stat().st_size > 0 for f in tmp_dir.iterdir()), "the partial write was in progress"
    assert store.exists("raw/big") is False
    assert list(store.list("")) == []
    assert store.put_if_absent("raw/big", b"whole") is True
    assert store.get("raw/big") == b"whole"


def test_s3_upload_cut_off_halfway_leaves_nothing_visible(s3_url: str, s3_endpoint: str) -> None:
    store = open_store(s3_url)
    bucket = urlparse(s3_url).netloc
    host, port = urlparse(s3_endpoint).netloc.split(":")
    # Announce 1 MB, send 64 kB, hang up: what a client killed mid-PUT does to the server.
    with socket.create_connection((host, int(port))) as sock:
        sock.sendall(
            f"PUT /{bucket}/archive/raw/big HTTP/1.1\r\nHost: {host}:{port}\r\n"
            f"Content-Length: {1024 * 1024}\r\n\r\n".encode()
            + b"x" * 65536
        )
    # An aborted multipart upload: parts sent, never completed.
    import boto3

    client = boto3.client("s3")
    upload = client.create_multipart_upload(Bucket=bucket, Key="archive/raw/multi")
    client.upload_part(
        Bucket=bucket, Key="archive/raw/multi", UploadId=upload["UploadId"], PartNumber=1, Body=b"y" * 1024
    )
    client.abort_multipart_upload(Bucket=bucket, Key="archive/raw/multi", UploadId=upload["UploadId"])
    time.sleep(0.2)
    assert store.exists("raw/big") is False
    assert store.exists("raw/multi") is False
    assert list(store.list("")) == []
    assert store.put_if_absent("raw/big", b"whole") is True

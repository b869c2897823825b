"""The S3 backend (AWS S3, MinIO, Ceph, moto, ...) through boto3.

Endpoint, region and credentials come from the standard AWS configuration (environment,
~/.aws/config, `AWS_ENDPOINT_URL`), read once when the store is opened. Put-if-absent is
`IfNoneMatch="*"`, compare-and-swap is `IfMatch=<ETag>`; S3 makes an object visible only when its
upload completes, so an interrupted write leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

import boto3
import botocore.exceptions
import pyarrow.fs
from botocore.config import Config

from nianbao.archive.errors import ConflictError, NotFound, StoreUnavailable

_MISSING = {"NoSuchKey", "404", "NotFound"}
_PRECONDITION = {"PreconditionFailed", "412"}
# S3 answers 409 when two conditional writes to one key race; the loser must re-read, like a 412.
_RACE = {"ConditionalRequestConflict", "409"}
_RACE_ATTEMPTS = 5


@dataclass(frozen=True)
class Patience:
    """How long one S3 call may take: an endpoint that never answers costs seconds, not the minutes of
    the OS's TCP timeouts. Standard-mode retries back off exponentially; 3 attempts ride out a restart
    or a throttle burst. The read timeout bounds each wait for bytes, not a whole (multipart) upload."""

    connect_timeout: float = 5
    read_timeout: float = 10
    attempts: int = 3

    def config(self) -> Config:
        retries: Any = {"mode": "standard", "max_attempts": self.attempts}
        return Config(connect_timeout=self.connect_timeout, read_timeout=self.read_timeout, retries=retries)


# The preflight asks once and waits little: it answers "can this run start", not "is S3 slow".
CHECK = Patience(connect_timeout=3, read_timeout=5, attempts=1)


class S3Store:
    def __init__(self, bucket: str, prefix: str, patience: Patience = Patience()) -> None:
        self.bucket = bucket
        self.prefix = f"{prefix}/" if prefix else ""
        self.url = f"s3://{bucket}/{prefix}".rstrip("/")
        self._session = boto3.session.Session()
        with self._translate("connect to"):
            self._client = self._session.client("s3", config=patience.config())

    def check(self, *, create: bool) -> None:
        """One quick HeadBucket: the endpoint answers, the credentials are accepted, the bucket exists."""
        with self._translate("connect to"):
            client = self._session.client("s3", config=CHECK.config())
        endpoint = client.meta.endpoint_url
        try:
            client.head_bucket(Bucket=self.bucket)
        except botocore.exceptions.ClientError as exc:
            status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
            reason = {
                404: f"bucket {self.bucket!r} does not exist",
                403: "access denied: the credentials were refused or may not use this bucket",
                400: "the request was refused: check the region and the credentials",
            }.get(status, f"HTTP {status} {exc.response.get('Error', {}).get('Code', '')}".strip())
            raise StoreUnavailable(f"cannot use the archive {self.url} at {endpoint}: {reason}") from None
        except botocore.exceptions.NoCredentialsError:
            raise StoreUnavailable(f"cannot use the archive {self.url}: no AWS credentials configured") from None
        except botocore.exceptions.BotoCoreError as exc:
            raise StoreUnavailable(f"cannot reach the archive {self.url} at {endpoint}: {exc}") from None

    def put_if_absent(self, key: str, data: bytes, content_type: str | None = None) -> bool:
        extra = {"ContentType": content_type} if content_type else {}
        for _ in range(_RACE_ATTEMPTS):
            try:
                with self._translate(f"write {key} in"):
                    self._client.put_object(Bucket=self.bucket, Key=self._key(key), Body=data, IfNoneMatch="*", **extra)
            except ConflictError:
                # 412: it exists. 409: a racing write was in flight and may yet fail, so look.
                if self.exists(key):
                    return False
                continue
            return True
        raise ConflictError(f"cannot write {key} in {self.url}: {_RACE_ATTEMPTS} racing writes, none landed")

    def get(self, key: str) -> bytes:
        return self.get_with_token(key)[0]

    def get_with_token(self, key: str) -> tuple[bytes, str]:
        with self._translate(f"read {key} in"):
            response = self._client.get_object(Bucket=self.bucket, Key=self._key(key))
            return response["Body"].read(), response["ETag"]

    def put_if_match(self, key: str, data: bytes, token: str | None) -> str:
        condition = {"IfMatch": token} if token is not None else {"IfNoneMatch": "*"}
        with self._translate(f"replace {key} in"):
            response = self._client.put_object(Bucket=self.bucket, Key=self._key(key), Body=data, **condition)
        return response["ETag"]

    def exists(self, key: str) -> bool:
        try:
            with self._translate(f"look up {key} in"):
                self._client.head_object(Bucket=self.bucket, Key=self._key(key))
        except NotFound:
            return False
        return True

    def delete(self, key: str) -> None:
        # boto3, not pyarrow: pyarrow's S3 delete_file leaves a directory-marker object behind.
        with self._translate(f"delete {key} in"):
            self._client.delete_object(Bucket=self.bucket, Key=self._key(key))

    def list(self, prefix: str) -> Iterator[str]:
        paginator = self._client.get_paginator("list_objects_v2")
        with self._translate(f"list {prefix!r} in"):
            for page in paginator.paginate(Bucket=self.bucket, Prefix=self._key(prefix)):
                for item in page.get("Contents", ()):
                    yield item["Key"][len(self.prefix) :]

    def arrow(self) -> tuple[pyarrow.fs.FileSystem, str]:
        credentials = self._session.get_credentials()
        options: dict[str, Any] = {"region": self._client.meta.region_name or "us-east-1"}
        if credentials is not None:
            frozen = credentials.get_frozen_credentials()
            options.update(access_key=frozen.access_key, secret_key=frozen.secret_key, session_token=frozen.token)
        endpoint = urlparse(self._client.meta.endpoint_url)
        if not endpoint.netloc.endswith("amazonaws.com"):
            options.update(endpoint_override=endpoint.netloc, scheme=endpoint.scheme)
        fs = pyarrow.fs.S3FileSystem(**options)
        return fs, f"{self.bucket}/{self.prefix}".rstrip("/")

    def _key(self, key: str) -> str:
        return self.prefix + key

    @contextmanager
    def _translate(self, action: str) -> Iterator[None]:
        try:
            yield
        except botocore.exceptions.ClientError as exc:
            error = exc.response.get("Error", {})
            code = str(error.get("Code", ""))
            status = str(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", ""))
            message = f"cannot {action} {self.url}: {code} {error.get('Message', '')}".strip()
            if code in _MISSING or (status == "404" and code != "NoSuchBucket"):
                raise NotFound(message) from exc
            if code in _PRECONDITION | _RACE or status in _PRECONDITION | _RACE:
                raise ConflictError(message) from exc
            raise StoreUnavailable(message) from exc
        except botocore.exceptions.BotoCoreError as exc:
            raise StoreUnavailable(f"cannot {action} {self.url}: {exc}") from exc

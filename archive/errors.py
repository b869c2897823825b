"""The errors the archive raises; botocore and OSError never leave this package.

Every message names the store URL or key involved and what was expected.
"""


class ArchiveError(Exception):
    """Base of everything the archive raises: the store cannot do what was asked."""


class StoreUnavailable(ArchiveError):
    """The store cannot be reached or used: bad URL, missing bucket, refused credentials, I/O error."""


class NotFound(ArchiveError):
    """The key does not exist in the store."""


class ConflictError(ArchiveError):
    """A conditional write lost: the object changed (or appeared) since it was read."""


class IntegrityError(ArchiveError):
    """Bytes read back do not hash to the sha256 they are stored under."""


class InvalidKey(ArchiveError):
    """A key or key segment (agency id, year) that the layout cannot hold."""

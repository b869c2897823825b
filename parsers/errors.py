"""The one error the parsers raise: the input cannot be read as a report at all.

A report that reads but has missing tables or failed consistency rules is not an error: it is a
record with warnings and findings.
"""


class ParseError(Exception):
    """The bytes are not a readable document (empty, corrupt, encrypted, unsupported format)."""

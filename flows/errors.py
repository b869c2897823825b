"""The errors the flows raise to the CLI; each names the agency, file or archive it is about.

A failure of one agency or one report is not an exception: it is counted and listed in the run's
summary, and the run goes on. These errors stop a run before it starts.
"""


class FlowError(Exception):
    """Base of the flows' errors: the run could not start or its inputs are wrong."""


class SelectionError(FlowError):
    """The registry subset asked for is empty or names an agency the registry does not have."""


class NothingStored(FlowError):
    """A reparse found no stored report matching its filters (names the archive and the filters)."""

"""The simulated web's one documented error: it cannot be built or served as asked.

Raised for bad sizes or year ranges, unknown fault names, and addresses or ports that cannot be bound;
the message names the value and what was expected.
"""


class SimWebError(Exception):
    """The simulated web cannot be generated or served with the given settings."""

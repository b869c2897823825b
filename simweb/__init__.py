"""A deterministic simulated government web, served on loopback, that knows its own ground truth."""

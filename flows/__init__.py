"""Prefect flows, the dedupe and versioning decisions, and the `nianbao` command line."""

"""The starter registry shipped with nianbao: real agencies, each unverified until a live run confirms it."""

from pathlib import Path

STARTER_REGISTRY = Path(__file__).with_name("agencies.yaml")

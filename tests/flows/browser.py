"""A real headless browser for the analyst pages: Debian's Chromium, driven from its command line."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run")


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    assert found, "Chromium is missing: run `bash infra/bootstrap --with-system-packages`"
    return found


def _run(*args: str) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory(prefix="nianbao-chromium-") as profile:
        command = [chromium(), *FLAGS, f"--user-data-dir={profile}", *args]
        return subprocess.run(command, capture_output=True, timeout=120, check=True)


def dom(url: str) -> str:
    """The page's DOM after it loaded and ran, as the browser serialises it."""
    return _run("--virtual-time-budget=5000", "--dump-dom", url).stdout.decode("utf-8")


def screenshot(url: str, path: Path, size: str = "1280,1600") -> Path:
    _run(f"--window-size={size}", f"--screenshot={path}", url)
    return path

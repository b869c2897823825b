"""Screenshots of what an analyst sees, for the README: the report site and Datasette, in headless Chromium.

    python docs/screenshots.py --archive ./nianbao-data --out docs/screenshots

Writes report-index.png (coverage heat map and trends), report-agency.png (the first agency's page) and
browse-wide.png (the wide table in Datasette with its facets). Needs Chromium (`bash infra/bootstrap
--with-system-packages`) and a catalog (`nianbao demo` makes one). The images are not kept in the
repository; run this to make them.
"""

from __future__ import annotations

import argparse
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1280,1400"]


def shoot(url: str, path: Path) -> None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        sys.exit("screenshots: Chromium not found; run `bash infra/bootstrap --with-system-packages`")
    with tempfile.TemporaryDirectory() as profile:
        command = [browser, *FLAGS, f"--user-data-dir={profile}", f"--screenshot={path}", url]
        subprocess.run(command, check=True, capture_output=True, timeout=120)
    print(path)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--archive", default="./nianbao-data")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "screenshots")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    nianbao = [sys.executable, "-m", "nianbao"]
    with tempfile.TemporaryDirectory() as scratch:
        site = Path(scratch) / "site"
        subprocess.run([*nianbao, "report", "--archive", args.archive, "--out", str(site)], check=True)
        shoot((site / "index.html").as_uri(), args.out / "report-index.png")
        first = sorted((site / "agencies").glob("*.html"))[0]
        shoot(first.as_uri(), args.out / "report-agency.png")
        port = free_port()
        db = Path(scratch) / "nianbao.db"
        command = [*nianbao, "browse", "--archive", args.archive, "--db", str(db), "--port", str(port)]
        server = subprocess.Popen(command)
        try:
            url = f"http://127.0.0.1:{port}/nianbao/wide"
            for _ in range(180):
                try:
                    urllib.request.urlopen(url, timeout=5).close()
                    break
                except OSError:
                    time.sleep(0.5)
            shoot(url, args.out / "browse-wide.png")
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()

"""`nianbao browse`: the catalog in Datasette — tables, facets, canned queries, in a web browser."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from nianbao.flows.commands.options import add_archive

EXAMPLE = """\
examples:
  nianbao browse --archive ./nianbao-data                    # then open http://127.0.0.1:8001/
  nianbao browse --archive s3://nianbao/archive --port 8080 --db catalog.db
  nianbao browse --archive ./nianbao-data --db catalog.db --build-only   # just the SQLite file
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "browse",
        help="serve the catalog in Datasette (facets on region, level, year, grade; canned queries)",
        description="Copy the catalog (every table and the codebook) into a SQLite file with sqlite-utils, "
        "with Datasette metadata (table and column descriptions from the codebook, facets, canned queries: "
        "coverage, late_publishers, failing_checks, trends), and serve it with Datasette until interrupted.",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_archive(parser)
    parser.add_argument("--db", type=Path, help="the SQLite file to build (default: a temporary one)")
    parser.add_argument("--host", default="127.0.0.1", help="address to serve on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8001, help="port to serve on (default 8001)")
    parser.add_argument("--build-only", action="store_true", help="build the SQLite file and metadata, serve nothing")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from nianbao import archive
    from nianbao.archive.browsing import DATABASE, build, metadata

    with tempfile.TemporaryDirectory(prefix="nianbao-browse-") as scratch:
        db = args.db or Path(scratch) / f"{DATABASE}.db"
        rows = build(archive.open(args.archive), db)
        meta = metadata()
        meta["databases"] = {db.stem: meta["databases"][DATABASE]}  # Datasette names a database after its file
        meta_path = db.with_name(f"{db.stem}.metadata.json")
        meta_path.write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
        print(f"{db}: " + ", ".join(f"{n} {t}" for t, n in rows.items()), file=sys.stderr)
        if args.build_only:
            return 0
        print(f"serving http://{args.host}:{args.port}/ (Ctrl-C stops)", file=sys.stderr)
        serve(db, meta, args.host, args.port)
    return 0


def serve(db: Path, meta: dict, host: str, port: int) -> None:
    """Datasette in this process (so that stopping this command stops the server, and the file goes)."""
    import asyncio

    import uvicorn
    from datasette.app import Datasette

    datasette = Datasette([str(db)], metadata=meta, settings={"sql_time_limit_ms": 5000})
    asyncio.run(datasette.invoke_startup())
    uvicorn.run(datasette.app(), host=host, port=port, log_level="warning", lifespan="on")

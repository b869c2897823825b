"""Parsing one document in a process of its own, bounded in wall time and memory.

The parsers are pure but the bytes are a stranger's: a hostile or broken file may take minutes or
gigabytes. Each document is parsed in a child process (forked from a forkserver that has the parsers
imported, so a child starts in milliseconds and inherits no lock of the flow's threads) whose address
space is capped with RLIMIT_AS and whose wall time the parent enforces by killing it. Whatever happens
in the child comes back as a `ParseError` with the reason, so one hostile file costs one failed
capture, never the harvest or the agency's other reports.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from multiprocessing import spawn
from multiprocessing.connection import Connection
from typing import Any

from nianbao.parsers.errors import ParseError
from nianbao.parsers.readers import READER_MODULES
from nianbao.parsers.record import ReportRecord

_CONTEXT = multiprocessing.get_context("forkserver")
# Every reader is imported once, in the forkserver: a child that imports the PDF reader itself (numpy,
# pdfplumber, pdfium) spent ~0.5 s of its life on the imports, most of each PDF's parse.
_CONTEXT.set_forkserver_preload(["nianbao.parsers", *dict.fromkeys(READER_MODULES.values())])


@dataclass(frozen=True)
class ParseBounds:
    """Limits of one document's parse. The defaults are far above any real report (the largest real PDFs
    parse in seconds, in a few hundred MB) and far below what a hostile file would take."""

    seconds: float = 180.0
    memory_bytes: int = 3 << 30

    @classmethod
    def from_environment(cls) -> ParseBounds:
        """NIANBAO_PARSE_SECONDS and NIANBAO_PARSE_MEMORY_MB override the defaults (read once, at start)."""
        seconds = os.environ.get("NIANBAO_PARSE_SECONDS")
        memory = os.environ.get("NIANBAO_PARSE_MEMORY_MB")
        return cls(
            seconds=float(seconds) if seconds else cls.seconds,
            memory_bytes=int(memory) << 20 if memory else cls.memory_bytes,
        )


BOUNDS = ParseBounds.from_environment()


def parse_bounded(
    data: bytes,
    *,
    url: str | None,
    content_type: str | None,
    agency: str | None,
    bounds: ParseBounds = BOUNDS,
    ocr: bool = True,
) -> dict[str, Any]:
    """The record of `data` as a dict, parsed in a bounded child process; ParseError with the reason.
    `ocr=False` leaves picture-only pages for later (see nianbao.parsers.parse)."""
    return _bounded(_work, (data, url, content_type, agency, bounds.memory_bytes, ocr), url or "the document", bounds)


def parse_pictures_bounded(
    pictures: Sequence[tuple[bytes, str]], *, agency: str | None, bounds: ParseBounds = BOUNDS
) -> dict[str, Any]:
    """The record of a report published as `pictures` (bytes, URL) read as one document in the order
    given (nianbao.parsers.parse_pictures), in a bounded child process; ParseError with the reason.
    The wall-time bound is per picture: each costs seconds of OCR."""
    where = pictures[0][1] if pictures else "the pictures"
    scaled = replace(bounds, seconds=bounds.seconds * max(1, len(pictures)))
    return _bounded(_work_pictures, (tuple(pictures), agency, bounds.memory_bytes), where, scaled)


def _bounded(target: Callable[..., None], args: tuple[Any, ...], where: str, bounds: ParseBounds) -> dict[str, Any]:
    receiver, sender = _CONTEXT.Pipe(duplex=False)
    child = _CONTEXT.Process(target=target, args=(sender, *args), name="nianbao-parse", daemon=True)
    child.start()
    sender.close()
    try:
        if not receiver.poll(bounds.seconds):
            raise ParseError(f"{where}: parsing took longer than {bounds.seconds:g} s (the limit); stopped")
        try:
            kind, value = receiver.recv()
        except EOFError:
            child.join(5)
            raise ParseError(f"{where}: the parser process ended without an answer ({_ending(child)})") from None
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join(5)
    if kind == "record":
        return value
    raise ParseError(value)


def _work(
    sender: Connection,
    data: bytes,
    url: str | None,
    content_type: str | None,
    agency: str | None,
    memory: int,
    ocr: bool = True,
) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    from nianbao.parsers import parse

    _answer(sender, lambda: parse(data, url=url, content_type=content_type, agency=agency, ocr=ocr), url, memory)


def _work_pictures(
    sender: Connection, pictures: tuple[tuple[bytes, str], ...], agency: str | None, memory: int
) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    from nianbao.parsers import parse_pictures

    where = pictures[0][1] if pictures else None
    _answer(sender, lambda: parse_pictures(pictures, agency=agency), where, memory)


def _answer(sender: Connection, read: Callable[[], ReportRecord], url: str | None, memory: int) -> None:
    """Send what `read` gives back to the parent: ("record", dict) or ("error", the reason)."""
    try:
        answer = ("record", read().to_dict())
    except ParseError as exc:
        answer = ("error", str(exc))
    except MemoryError:
        answer = ("error", f"{url or 'the document'}: parsing needed more than {memory >> 20} MB (the limit); stopped")
    except RecursionError:
        answer = ("error", f"{url or 'the document'}: nested too deeply to parse")
    except Exception as exc:  # a reader's bug on strange bytes is this document's failure, not the run's
        if _peak_address_space() > memory * 0.9:  # C libraries (lxml, pdfium) fail allocations in their own words
            reason = f"parsing needed more than {memory >> 20} MB (the limit); stopped ({type(exc).__name__})"
        else:
            reason = f"the parser failed: {type(exc).__name__}: {exc}"
        answer = ("error", f"{url or 'the document'}: {reason}"[:2000])
    sender.send(answer)
    sender.close()


def _peak_address_space() -> int:
    """The most address space this process has held (VmPeak), in bytes; 0 where /proc is not there."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmPeak:"):
                    return int(line.split()[1]) << 10
    except OSError:
        pass
    return 0


def _ending(child: multiprocessing.process.BaseProcess) -> str:
    code = child.exitcode
    if code is not None and code < 0:
        return f"killed by signal {-code}, most likely out of memory"
    return f"exit status {code}"


def _without_main_module(prepare: Callable[[str], dict[str, Any]]) -> Callable[[str], dict[str, Any]]:
    """multiprocessing's preparation of a child, less the re-import of the parent's `__main__` module for
    parse children. multiprocessing runs the parent's main module again in every forkserver child (as
    `__mp_main__`) unless it is a package's `__main__`; in a flow run started by a Prefect worker or by
    `nianbao serve` that module is `prefect.engine`, seconds of imports for every document parsed. The
    child's target (`_work`) lives in this module and needs nothing from `__main__`; multiprocessing has
    no option for this, hence the wrapper, which leaves every other process as it was."""

    def prepared(name: str) -> dict[str, Any]:
        data = prepare(name)
        if name == "nianbao-parse":  # the name parse_bounded gives its children
            data.pop("init_main_from_name", None)
            data.pop("init_main_from_path", None)
        return data

    return prepared


spawn.get_preparation_data = _without_main_module(spawn.get_preparation_data)

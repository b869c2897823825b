"""Parsing documents in a worker process, each document bounded in wall time and memory.

The parsers are pure but the bytes are a stranger's: a hostile or broken file may take minutes or
gigabytes. Documents are parsed in a child process (forked from a forkserver that has the parsers
imported, so a child starts in milliseconds and inherits no lock of the flow's threads) whose address
space is capped with RLIMIT_AS and whose wall time per document the parent enforces by killing it.
Whatever happens in the child comes back as a `ParseError` with the reason, so one hostile file costs
one failed capture, never the harvest or the agency's other reports.

Each thread that parses keeps its worker for the documents it reads next (`_Worker`): a fresh process
per document cost several times the parse itself, and it started with the parsers' memos empty, so
every template label, header and small number was worked out again for every report. A worker is
replaced after a document it was stopped on (wall time), one it failed on other than by a ParseError
(memory, a reader's bug: its state is not trusted after that), once its address space has grown by
half the room its cap left it (so a failure later is not blamed on memory an earlier document took),
and after `_DOCUMENTS_PER_WORKER` documents.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import resource
import threading
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import partial
from multiprocessing import spawn
from multiprocessing.connection import Connection
from typing import Any

from nianbao.parsers import parse, parse_pictures
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
_DOCUMENTS_PER_WORKER = 1000  # then a fresh process: its memos and heap start small again
_LOCAL = threading.local()  # per thread: its worker per memory cap (`_worker`)


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
    read = partial(parse, data, url=url, content_type=content_type, agency=agency, ocr=ocr)
    return _bounded((read, url), url or "the document", bounds)


def parse_pictures_bounded(
    pictures: Sequence[tuple[bytes, str]], *, agency: str | None, bounds: ParseBounds = BOUNDS
) -> dict[str, Any]:
    """The record of a report published as `pictures` (bytes, URL) read as one document in the order
    given (nianbao.parsers.parse_pictures), in a bounded child process; ParseError with the reason.
    The wall-time bound is per picture: each costs seconds of OCR."""
    where = pictures[0][1] if pictures else "the pictures"
    scaled = replace(bounds, seconds=bounds.seconds * max(1, len(pictures)))
    read = partial(parse_pictures, tuple(pictures), agency=agency)
    return _bounded((read, pictures[0][1] if pictures else None), where, scaled)


# What a worker is asked: the read to run (a parse of the bytes it holds, pickled by reference to the
# parser's function), and the URL its errors name (None: "the document").
_Request = tuple[Callable[[], ReportRecord], str | None]


def _bounded(request: _Request, where: str, bounds: ParseBounds) -> dict[str, Any]:
    """The answer of this thread's worker to one request."""
    kind, value = _worker(bounds.memory_bytes).ask(request, where, bounds.seconds)
    if kind == "record":
        return value
    raise ParseError(value)


def _worker(memory: int) -> _Worker:
    """This thread's worker with this memory cap, started when there is none or the last one is done."""
    workers: dict[int, _Worker] | None = getattr(_LOCAL, "workers", None)
    if workers is None:
        workers = _LOCAL.workers = {}
    worker = workers.get(memory)
    if worker is None or not worker.usable():
        worker = workers[memory] = _Worker(memory)
    return worker


class _Worker:
    """A parse process serving one thread's requests in turn, over a pipe; stopped with its thread's
    worker table (a finalizer), or when the parent exits (a daemon)."""

    def __init__(self, memory: int) -> None:
        self.connection, child_end = _CONTEXT.Pipe()
        self.process = _CONTEXT.Process(target=_serve, args=(child_end, memory), name="nianbao-parse", daemon=True)
        self.process.start()
        child_end.close()
        self.served = 0
        self.done = False  # stopped, or the child said it will take no more requests
        # Stopped when its thread's table of workers goes; at the parent's exit multiprocessing ends it (a daemon).
        weakref.finalize(self, _stop, self.process, self.connection).atexit = False

    def usable(self) -> bool:
        return not self.done and self.served < _DOCUMENTS_PER_WORKER and self.process.is_alive()

    def ask(self, request: _Request, where: str, seconds: float) -> tuple[str, Any]:
        self.served += 1
        try:
            self.connection.send(request)
            if not self.connection.poll(seconds):
                self.stop()
                raise ParseError(f"{where}: parsing took longer than {seconds:g} s (the limit); stopped")
            kind, value, last = self.connection.recv()
        except (EOFError, BrokenPipeError, ConnectionResetError):
            self.process.join(5)
            ending = _ending(self.process)
            self.stop()
            raise ParseError(f"{where}: the parser process ended without an answer ({ending})") from None
        if last:
            self.stop()
        return kind, value

    def stop(self) -> None:
        self.done = True
        _stop(self.process, self.connection)


def _stop(process: multiprocessing.process.BaseProcess, connection: Connection) -> None:
    connection.close()
    if process.is_alive():
        process.kill()
    process.join(5)


def _serve(connection: Connection, memory: int) -> None:
    """The worker: answers requests until its parent closes the pipe, or until an answer says it was the
    last (see the module's docstring for when)."""
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    # The imported modules' objects live as long as the worker: set apart from the collector, whose full
    # collections would otherwise walk all of them again and again as the memos grow. (No collection
    # first: it would cost a fresh worker tens of milliseconds, for the little garbage a fork leaves.)
    gc.freeze()
    start = _peak_address_space()  # the forkserver's imports: what every worker starts with
    room = memory - start
    while True:
        try:
            read, url = connection.recv()
        except (EOFError, OSError):
            return
        answer, trusted = _answer(read, url, memory)
        last = not trusted or _peak_address_space() - start > room // 2
        connection.send((*answer, last))
        if last:
            return


def _answer(read: Callable[[], ReportRecord], url: str | None, memory: int) -> tuple[tuple[str, Any], bool]:
    """What `read` gives back, ("record", dict) or ("error", the reason), and whether the worker may go on
    (not after a failure other than a ParseError: its state is not trusted after that)."""
    try:
        return ("record", read().to_dict()), True
    except ParseError as exc:
        return ("error", str(exc)), True
    except MemoryError:
        reason = f"parsing needed more than {memory >> 20} MB (the limit); stopped"
        return ("error", f"{url or 'the document'}: {reason}"), False
    except RecursionError:
        return ("error", f"{url or 'the document'}: nested too deeply to parse"), False
    except Exception as exc:  # a reader's bug on strange bytes is this document's failure, not the run's
        if _peak_address_space() > memory * 0.9:  # C libraries (lxml, pdfium) fail allocations in their own words
            reason = f"parsing needed more than {memory >> 20} MB (the limit); stopped ({type(exc).__name__})"
        else:
            reason = f"the parser failed: {type(exc).__name__}: {exc}"
        return ("error", f"{url or 'the document'}: {reason}"[:2000]), False


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

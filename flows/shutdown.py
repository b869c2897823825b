"""Stopping a long-running command on Ctrl-C within seconds, with one line and no traceback.

A terminal's Ctrl-C reaches the whole process group, the temporary Prefect server included: it stops
first, and Prefect's own shutdown then spends over a minute retrying calls to it, printing tracebacks.
So the first interrupt starts a short grace period for a clean stop (enough against a live server),
silences the shutdown's errors, and ends the process when the grace period is over.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

GRACE_SECONDS = 7.0
INTERRUPTED = 130  # the shell's status for a process ended by SIGINT


class Interrupted(Exception):
    """The command was stopped by Ctrl-C or SIGTERM (raised after a clean stop within the grace period)."""


@contextmanager
def bounded_shutdown(command: str, grace: float = GRACE_SECONDS) -> Iterator[None]:
    """Run the body; on SIGINT/SIGTERM say so once, stop it, and exit within `grace` seconds whatever happens."""
    stopping = threading.Event()

    def stop(signum: int, frame: FrameType | None) -> None:
        if stopping.is_set():
            return  # a second Ctrl-C while stopping changes nothing: the deadline holds
        stopping.set()
        print(f"nianbao {command}: interrupted, stopping", file=sys.stderr, flush=True)
        logging.disable(logging.CRITICAL)  # the shutdown's complaints about a server that is gone
        deadline = threading.Timer(grace, _end_now)
        deadline.daemon = True
        deadline.start()
        raise KeyboardInterrupt

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    except BaseException:
        if stopping.is_set():
            _quiet()
            raise Interrupted from None
        raise
    else:
        if stopping.is_set():  # the body caught the interrupt itself (Prefect's serve may) and returned
            raise Interrupted
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _quiet() -> None:
    """What the interrupted shutdown still prints (threads, atexit hooks) goes nowhere."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stderr.fileno())


def _end_now() -> None:
    _quiet()
    os._exit(INTERRUPTED)

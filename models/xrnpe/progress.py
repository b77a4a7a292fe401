# SPDX-License-Identifier: Apache-2.0
"""Progress of a long command on stderr: the one progress UI of the ``xrnpe`` command line
(``xrnpe matmul --engine rtl`` and ``xrnpe verify exhaustive``).

Messages ("building ...", "job i/n ...") are lines ``xrnpe: <message>`` whatever stderr is.
A run that counts its work (``total``: the pairs of a verification) also reports how far it
is: off a terminal as a plain line (done, rate, ETA) every ``interval`` seconds and at the
end.  On a terminal (and with rich installed) a live line stays below the messages: a spinner
with the label and the current step, the elapsed time and, when counting, a bar with done,
rate and ETA; so a long silent simulation still shows it is alive.
"""

from __future__ import annotations

import sys
import time

PROG = "xrnpe"


def duration(s: float) -> str:
    """A time span for people: seconds, minutes or hours."""
    if s < 90:
        return f"{s:.0f} s"
    if s < 5400:
        return f"{s / 60:.1f} min"
    return f"{s / 3600:.2f} h"


def rate(r: float, unit: str = "pairs") -> str:
    """Units per second, in millions from 10^5 up."""
    return f"{r / 1e6:.2f} M {unit}/s" if r >= 1e5 else f"{r:,.0f} {unit}/s"


class Progress:
    """Messages, the current step and (with ``total``) counted work of one command.

    ``label`` names the run; ``total`` the units to do (None: not counted); ``unit`` their
    name; ``stream`` defaults to stderr.  Call it with a step's message (the live line shows
    the step), :meth:`message` for a plain message, :meth:`update` for finished units.
    """

    def __init__(
        self,
        label: str,
        total: int | None = None,
        *,
        unit: str = "pairs",
        stream=None,
        interval: float = 15.0,
    ):
        self.stream = stream or sys.stderr
        self.label, self.total, self.unit, self.interval = label, total, unit, interval
        self.done = 0
        self.t0 = self.last = time.monotonic()  # the first counted line after `interval`
        self._live = self._task = None
        if getattr(self.stream, "isatty", lambda: False)():
            self._start_live()

    def _start_live(self) -> None:
        try:
            from rich.console import Console
            from rich.progress import BarColumn, SpinnerColumn, TextColumn, TimeElapsedColumn
            from rich.progress import Progress as Live
        except ImportError:
            return
        columns = [SpinnerColumn(), TextColumn("{task.description}")]
        if self.total is not None:
            columns += [BarColumn(), TextColumn("{task.fields[counts]}")]
        else:
            columns.append(TimeElapsedColumn())
        self._live = Live(*columns, console=Console(file=self.stream), transient=True)
        self._task = self._live.add_task(self.label, total=self.total, counts="")
        self._live.start()

    def __call__(self, msg: str) -> None:
        """A step: its message, and the live line names it."""
        if self._live is not None:
            self._live.update(self._task, description=f"{self.label}: {msg}")
        self.message(msg)

    def message(self, msg: str) -> None:
        if self._live is not None:
            self._live.console.print(f"{PROG}: {msg}", highlight=False, markup=False)
        else:
            print(f"{PROG}: {msg}", file=self.stream, flush=True)

    def restart(self) -> None:
        """Start the clock (and the count) now, e.g. after a build: the rate excludes it."""
        self.t0 = self.last = time.monotonic()
        self.done = 0
        if self._live is not None:
            self._live.reset(self._task, total=self.total, description=self.label, counts="")

    def update(self, units: int, note: str = "") -> None:
        """``units`` more done; ``note`` (e.g. mismatches so far) goes with the count."""
        self.done += units
        if self._live is not None:
            self._live.update(self._task, advance=units, counts=self.counts(note))
            return
        now = time.monotonic()
        if now - self.last >= self.interval or self.done >= (self.total or 0):
            self.last = now
            self.message(self.line(note))

    def counts(self, note: str = "") -> str:
        """Done of total, rate, elapsed time and ETA."""
        total = self.total or 0
        elapsed = max(1e-9, time.monotonic() - self.t0)
        speed = self.done / elapsed
        left = total - self.done
        eta = duration(left / speed) if speed > 0 and left > 0 else "0 s"
        pct = 100.0 * self.done / total if total else 100.0
        return (
            f"{self.done:,}/{total:,} {self.unit} ({pct:.1f}%), {rate(speed, self.unit)}, "
            f"elapsed {duration(elapsed)}, ETA {eta}" + (f", {note}" if note else "")
        )

    def line(self, note: str = "") -> str:
        return f"{self.label}: {self.counts(note)}"

    def close(self) -> None:
        if self._live is not None:
            self._live.stop()
            self._live = None


__all__ = ["Progress", "duration", "rate"]

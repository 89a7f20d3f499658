"""Error kinds a user can tell apart, each with a stable exit code (as VROOM does).

* :class:`InputError` (exit 2): a file or an option is wrong; the message says where and how
  to fix it.
* :class:`RoutingError` (exit 3): the inputs are valid but no route can be built (for
  example the office is not on the road network).
* anything else is a bug (exit 1).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

EXIT_INTERNAL = 1
EXIT_INPUT = 2
EXIT_ROUTING = 3


@dataclass(frozen=True, slots=True, kw_only=True)
class Problem:
    """One thing wrong with an input: where it is and how to fix it.

    Parameters
    ----------
    source
        The file (or option) the problem is in.
    message
        What is wrong and how to fix it.
    row
        1-based data row (the header is row 1 in a spreadsheet, so data starts at 2), if any.
    field
        The column or option name, if any.
    """

    source: str
    message: str
    row: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = self.source
        if self.row is not None:
            where += f", row {self.row}"
        if self.field is not None:
            where += f", field '{self.field}'"
        return f"{where}: {self.message}"


class VisitplanError(Exception):
    """Base class of the errors a user is meant to see (never with a traceback)."""

    exit_code = EXIT_INTERNAL


class InputError(VisitplanError, ValueError):
    """A file or an option is wrong; carries every problem found, not just the first."""

    exit_code = EXIT_INPUT

    def __init__(self, problems: Iterable[Problem] | str, *, source: str = "input") -> None:
        if isinstance(problems, str):
            problems = [Problem(source=source, message=problems)]
        self.problems: tuple[Problem, ...] = tuple(problems)
        if not self.problems:
            msg = "InputError needs at least one problem."
            raise ValueError(msg)
        super().__init__(self._render())

    def _render(self) -> str:
        if len(self.problems) == 1:
            return str(self.problems[0])
        lines = [f"{len(self.problems)} problems found:"]
        lines += [f"  - {problem}" for problem in self.problems]
        return "\n".join(lines)


class RoutingError(VisitplanError):
    """Valid inputs from which no route can be built."""

    exit_code = EXIT_ROUTING


class InternalError(VisitplanError):
    """A bug: the program broke one of its own promises (please report it)."""

    exit_code = EXIT_INTERNAL

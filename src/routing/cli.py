"""The ``visitplan`` command: parse options, run the pipeline, map errors to exit codes.

Exit codes: 0 ok, 1 internal error, 2 bad input, 3 no route possible, 4 a checked plan
breaks rules. Only the command modules print.

Other packages add commands through the ``visitplan.commands`` entry-point group, so this
package never imports them (``territory`` adds ``month``).
"""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Sequence
from importlib.metadata import entry_points
from typing import Any, NoReturn

import click

from routing.bench.cli import bench_command
from routing.commands import check_command, day_command, demo_command
from routing.errors import EXIT_INTERNAL, VisitplanError
from routing.generate_command import generate_command


class _Group(click.Group):
    """A group whose commands turn our errors into a message and an exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except VisitplanError as error:
            _fail(str(error), error.exit_code)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except Exception as error:
            if ctx.obj and ctx.obj.get("debug"):
                traceback.print_exc()
            message = f"internal error: {error!r}. Please report it (rerun with --debug)."
            _fail(message, EXIT_INTERNAL)


def _fail(message: str, code: int) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


@click.group(cls=_Group)
@click.option("--debug", is_flag=True, help="Show tracebacks and debug logs.")
@click.version_option(package_name="visitplan")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Plan customer managers' retailer visits (拜访日程) on real road networks."""
    ctx.obj = {"debug": debug}
    logging.basicConfig(
        level=logging.DEBUG if debug else logging.WARNING, format="%(levelname)s %(message)s"
    )


def _register_plugins(group: click.Group) -> None:
    for entry in entry_points(group="visitplan.commands"):
        command = entry.load()
        group.add_command(command, entry.name)


cli.add_command(day_command, "day")
cli.add_command(check_command, "check")
cli.add_command(demo_command, "demo")
cli.add_command(generate_command, "generate")
cli.add_command(bench_command, "bench")
_register_plugins(cli)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code instead of exiting when embedded."""
    try:
        cli.main(args=list(argv) if argv is not None else None, prog_name="visitplan")
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
    return 0

"""The command line: ``rhetoric-shift build``, ``rhetoric-shift compare`` and ``rhetoric-shift formats``.

Every user mistake (a missing path, a broken manifest, an unknown target, an option out of
range, an ``--out`` that would overwrite an input) prints one line ``error: <file or option>:
<problem>`` and exits with status 2; nothing prints a traceback. SIGINT, SIGTERM and SIGHUP print
one line and exit with 130, 143 and 129; a closed pipe (``compare ... | head``) ends quietly.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from rhetoric_shift.errors import InputError

DEFAULT_INPUT = Path("seeds")
MAX_SEED = 2**32 - 1  # numpy's random seeds


class _Parser(argparse.ArgumentParser):
    """argparse, but a mistake is one ``InputError`` line instead of the usage text and an exit."""

    def error(self, message: str):  # type: ignore[override]
        raise InputError(self.prog, f"{message}; see `{self.prog} --help`")


def _int_in(low: int, high: int | None, hint: str = "") -> Callable[[str], int]:
    """An argparse type: a whole number from ``low`` to ``high`` (None: no upper bound)."""
    allowed = f"a whole number from {low} to {high}" if high is not None else f"a whole number of at least {low}"

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = None
        if value is None or value < low or (high is not None and value > high):
            raise argparse.ArgumentTypeError(f"must be {allowed}, got {text!r}{hint}")
        return value

    return parse


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="rhetoric-shift", description="Attributed statements from foreign-policy texts, and how positions move.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    build = commands.add_parser("build", help="read files and folders and write the statement table")
    build.add_argument("inputs", nargs="*", type=Path, help="files and folders (default: seeds/)")
    build.add_argument("--out", type=Path, required=True, help="the Parquet file to write")
    build.add_argument("--manifest", type=Path, help="manifest.toml to apply (default: the one beside the inputs)")
    build.add_argument("--targets", type=Path, help="a targets lexicon TOML replacing the bundled one")
    build.add_argument("--speakers", type=Path, help="a speakers TOML replacing the bundled one")
    build.add_argument("--topics", type=_int_in(1, None, "; leave it out to choose the number by stability"), help="number of topic clusters (default: chosen by stability across subsamples)")
    build.add_argument("--random-state", type=_int_in(0, MAX_SEED), default=0, help="seed for topic clustering (default 0)")
    build.add_argument("--no-enrich", action="store_true", help="segment only; leave the analysis columns neutral")
    build.add_argument("--quiet", action="store_true", help="print only problems and the summary; no progress bars")
    build.add_argument("--actors", type=_actor_list, help="keep only these actors (ISO codes), e.g. RUS,USA")
    build.add_argument("--years", type=_year_range, help="keep only these periods, e.g. 2014-2017 or 2017")
    build.add_argument("--dask", metavar="ADDRESS", help="run on a Dask scheduler at ADDRESS, or local:N for N local worker processes")
    build.add_argument("--workers", type=_int_in(1, None), help="local worker processes (default: one per processor)")

    commands.add_parser("formats", help="list the input formats the segmenter knows and how each is detected")

    compare = commands.add_parser("compare", help="print position cards for one target across periods")
    compare.add_argument("table", type=Path, help="a statement table written by `build`")
    compare.add_argument("--target", required=True, help="a target label, e.g. Ukraine")
    compare.add_argument("--periods", type=int, nargs="+", required=True, help="two or more years, e.g. 2014 2017")
    compare.add_argument("--by", choices=["remark", "report"], default="remark",
                         help="count each unique remark once (default), or every report")
    compare.add_argument("--who", choices=["officials", "all"], default="officials",
                         help="count officials' statements, direct and reported (default), or every statement "
                              "(headlines, narration and questions too)")
    compare.add_argument("--actor", action="append", default=[], metavar="ACTOR",
                         help="only statements of this actor, e.g. RUS (repeat for several)")
    compare.add_argument("--outlet", action="append", default=[], metavar="OUTLET",
                         help="only statements of this outlet, e.g. RT (repeat for several)")
    compare.add_argument("--json", action="store_true", help="print the comparison as JSON")
    return parser


def _actor_list(value: str) -> list[str]:
    actors = [a.strip().upper() for a in value.split(",") if a.strip()]
    if not actors:
        raise argparse.ArgumentTypeError(f"expected ISO codes separated by commas, e.g. RUS,USA; got {value!r}")
    return actors


def _year_range(value: str) -> tuple[int, int]:
    first, _, last = value.partition("-")
    try:
        years = (int(first), int(last or first))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected YEAR or FIRST-LAST, e.g. 2014-2017; got {value!r}") from None
    if years[0] > years[1]:
        raise argparse.ArgumentTypeError(f"the first year comes after the last in {value!r}")
    return years


class Stopped(BaseException):
    """SIGTERM (or SIGINT) received: unwinds like KeyboardInterrupt, so files being written are cleaned up."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def run() -> None:
    """The ``rhetoric-shift`` command: ``main`` with the process's arguments, then exit with its status."""
    status = main()
    # The interpreter's last collections would scan every object still alive (the modules of
    # scikit-learn, scipy and pandas) only to free them at exit: 0.1-0.2 s of every command.
    gc.freeze()
    sys.exit(status)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 success, 2 a user's mistake, 128 + N on signal N)."""
    with _signals_raise():
        try:
            args = _parser().parse_args(argv)
            commands = {"build": run_build, "compare": run_compare, "formats": lambda _: run_formats()}
            status = commands[args.command](args)
            sys.stdout.flush()  # a closed pipe shows here, not in the interpreter's last flush
            return status
        except InputError as exc:
            for line in exc.details:  # e.g. one line per skipped file
                print(line)
            print(f"error: {exc}", file=sys.stderr)
            return 2
        except (KeyboardInterrupt, Stopped) as exc:
            signum = exc.signum if isinstance(exc, Stopped) else signal.SIGINT
            try:  # after SIGHUP the terminal may be gone
                print(f"error: stopped by {signal.Signals(signum).name} before finishing; run the command again", file=sys.stderr)
            except OSError:
                pass
            return 128 + signum
        except BrokenPipeError:
            _quiet_stdout()
            return 128 + signal.SIGPIPE
        except MemoryError:
            print("error: out of memory; build fewer or smaller files at a time", file=sys.stderr)
            return 1


@contextmanager
def _signals_raise() -> Iterator[None]:
    """While the command runs, SIGTERM and SIGHUP raise ``Stopped``: their default would kill the
    process at once and leave a half-written temporary table beside the old one. A SIGHUP that is
    ignored (``nohup``) stays ignored."""
    def stop(signum, frame):
        raise Stopped(signum)

    wanted = [signal.SIGTERM]
    if hasattr(signal, "SIGHUP") and signal.getsignal(signal.SIGHUP) is signal.SIG_DFL:
        wanted.append(signal.SIGHUP)
    try:
        previous = {signum: signal.signal(signum, stop) for signum in wanted}
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _quiet_stdout() -> None:
    """After a closed pipe, point stdout at /dev/null so the interpreter's final flush stays quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # stdout replaced (tests) or already gone
        pass


def run_build(args: argparse.Namespace) -> int:
    """Build and write the table; a signal during either leaves the previous table and report as they were."""
    from rhetoric_shift.build import build_table, report_path, write_table
    from rhetoric_shift.engine import make_engine
    from rhetoric_shift.read import check_output

    _check_utf8_name(args.out, "--out")
    inputs = args.inputs or [DEFAULT_INPUT]
    if not args.inputs and not DEFAULT_INPUT.is_dir():
        raise InputError(DEFAULT_INPUT, "no inputs given and no seeds/ folder here; name the files or folders to build")
    check_output(args.out, inputs, manifest=args.manifest, also_read=[args.targets, args.speakers], companions=[report_path(args.out)])
    try:
        engine = make_engine(args.dask, args.workers)
    except ImportError:
        raise InputError("--dask", "Dask is not installed; install it with `pip install 'dask[distributed]'` or build without --dask") from None
    except (ValueError, OSError, TimeoutError) as exc:
        raise InputError("--dask", f"{exc}; give a scheduler address (tcp://HOST:8786) or local:N") from None
    try:
        result = build_table(
            inputs,
            args.manifest,
            enrich=not args.no_enrich,
            targets_file=args.targets,
            speakers_file=args.speakers,
            n_topics=args.topics,
            random_state=args.random_state,
            actors=args.actors,
            years=args.years,
            engine=engine,
            progress=not args.quiet,
        )
    finally:
        engine.close()
    try:
        report_file = write_table(result, args.out)
    except OSError as exc:
        raise InputError(args.out, f"cannot be written ({(exc.strerror or str(exc)).lower()}); choose a writable place with free space") from None
    for line in result.report.lines():
        if not args.quiet or not line.startswith("used"):
            print(line)
    table = result.table
    periods = ", ".join(str(p) for p in sorted(table["period"].unique()))
    print(
        f"wrote {args.out}: {len(table)} statements from {table['doc_id'].nunique()} documents "
        f"(periods {periods}); report {report_file}"
    )
    return 0


def _check_utf8_name(path: Path, what: str) -> None:
    """Parquet files are opened by name in UTF-8: a name with other bytes (a Latin-1 "è") cannot be."""
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        raise InputError(path, f"the name is not valid UTF-8, so the table cannot be opened by it; give {what} a UTF-8 name") from None


def run_formats() -> int:
    from rhetoric_shift.formats import describe

    for name, summary, cue in describe():
        print(f"{name:11} {summary}\n{'':11} detected by: {cue}")
    return 0


def run_compare(args: argparse.Namespace) -> int:
    from rhetoric_shift.build import read_table
    from rhetoric_shift.compare import compare_positions, format_comparison
    from rhetoric_shift.query import actors, filter_table, sources

    if len(set(args.periods)) < 2:
        raise InputError(args.table, f"--periods needs two or more different years to compare, got {' '.join(map(str, args.periods))}")
    _check_utf8_name(args.table, "the table")
    table = read_table(args.table)
    for flag, wanted, allowed in (("--actor", args.actor, actors(table)), ("--outlet", args.outlet, sources(table))):
        unknown = [w for w in wanted if w not in allowed]
        if unknown:
            raise InputError(args.table, f"unknown {flag} {', '.join(unknown)}; allowed: {', '.join(allowed)}")
    rows = filter_table(table, actors=args.actor, sources=args.outlet)
    filters = {"actor": list(args.actor), "outlet": list(args.outlet)}
    try:
        comparison = compare_positions(rows, args.target, args.periods, by=args.by, who=args.who, filters=filters)
    except ValueError as exc:
        raise InputError(args.table, str(exc)) from None
    if args.json:
        print(json.dumps(comparison.to_dict(), indent=2, ensure_ascii=False))
    else:
        print(format_comparison(comparison))
    return 0

"""The command line: ``rhetoric-shift build``, ``rhetoric-shift compare`` and ``rhetoric-shift formats``.

Every user mistake (a missing path, a broken manifest, an unknown target) prints one line
``error: <file>: <problem>`` and exits with status 2; nothing prints a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from rhetoric_shift.errors import InputError

DEFAULT_INPUT = Path("seeds")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="rhetoric-shift", description="Attributed statements from foreign-policy texts, and how positions move.")
    commands = parser.add_subparsers(dest="command", required=True)

    build = commands.add_parser("build", help="read files and folders and write the statement table")
    build.add_argument("inputs", nargs="*", type=Path, help="files and folders (default: seeds/)")
    build.add_argument("--out", type=Path, required=True, help="the Parquet file to write")
    build.add_argument("--manifest", type=Path, help="manifest.toml to apply (default: the one beside the inputs)")
    build.add_argument("--targets", type=Path, help="a targets lexicon TOML replacing the bundled one")
    build.add_argument("--speakers", type=Path, help="a speakers TOML replacing the bundled one")
    build.add_argument("--topics", type=int, help="number of topic clusters (default: chosen by silhouette)")
    build.add_argument("--random-state", type=int, default=0, help="seed for topic clustering (default 0)")
    build.add_argument("--no-enrich", action="store_true", help="segment only; leave the analysis columns neutral")
    build.add_argument("--quiet", action="store_true", help="print only problems and the summary")

    commands.add_parser("formats", help="list the input formats the segmenter knows and how each is detected")

    compare = commands.add_parser("compare", help="print position cards for one target across periods")
    compare.add_argument("table", type=Path, help="a statement table written by `build`")
    compare.add_argument("--target", required=True, help="a target label, e.g. Ukraine")
    compare.add_argument("--periods", type=int, nargs="+", required=True, help="two or more years, e.g. 2014 2017")
    compare.add_argument("--by", choices=["report", "remark"], default="report", help="count every report, or each unique remark once")
    compare.add_argument("--json", action="store_true", help="print the comparison as JSON")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 success, 2 a user's mistake)."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "build":
            return run_build(args)
        if args.command == "formats":
            return run_formats()
        return run_compare(args)
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def run_build(args: argparse.Namespace) -> int:
    from rhetoric_shift.build import build_table, write_table

    inputs = args.inputs or [DEFAULT_INPUT]
    if not args.inputs and not DEFAULT_INPUT.is_dir():
        raise InputError(DEFAULT_INPUT, "no inputs given and no seeds/ folder here; name the files or folders to build")
    result = build_table(
        inputs,
        args.manifest,
        enrich=not args.no_enrich,
        targets_file=args.targets,
        speakers_file=args.speakers,
        n_topics=args.topics,
        random_state=args.random_state,
    )
    report_file = write_table(result, args.out)
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


def run_formats() -> int:
    from rhetoric_shift.formats import describe

    for name, summary, cue in describe():
        print(f"{name:11} {summary}\n{'':11} detected by: {cue}")
    return 0


def run_compare(args: argparse.Namespace) -> int:
    from rhetoric_shift.build import read_table
    from rhetoric_shift.compare import compare_positions, format_comparison

    if len(args.periods) < 2:
        raise InputError(args.table, f"--periods needs two or more years to compare, got {args.periods[0]}")
    table = read_table(args.table)
    try:
        comparison = compare_positions(table, args.target, args.periods, by=args.by)
    except ValueError as exc:
        raise InputError(args.table, str(exc)) from None
    if args.json:
        print(json.dumps(comparison.to_dict(), indent=2, ensure_ascii=False))
    else:
        print(format_comparison(comparison))
    return 0

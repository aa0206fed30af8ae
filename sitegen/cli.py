"""The command line: the only place that prints problems and chooses exit codes.

Exit status: 0 success, 1 errors in site.toml or the content, 2 a wrong command line.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import traceback
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path

from sitegen import __version__
from sitegen.errors import BuildFailed, Problem, sort_problems
from sitegen.engine import build
from sitegen.parallel import default_jobs
from sitegen.pipeline import check
from sitegen.report import BuildReport
from sitegen.resolve import BuildOptions
from sitegen.write import OutputRefused, check_output_dir

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2


def parse_now(text: str) -> datetime:
    """--now accepts ISO 8601 ('2021-11-02T10:00+01:00') or a Unix timestamp."""
    try:
        if text.isdigit():
            return datetime.fromtimestamp(int(text), timezone.utc)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date and time: {text!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def build_now(args: argparse.Namespace) -> datetime:
    if getattr(args, "now", None):
        return args.now
    env = os.environ.get("SITEGEN_NOW")
    if env:
        return parse_now(env)
    return datetime.now(timezone.utc)


def _site_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--site", type=Path, default=Path("."), metavar="DIR",
                        help="the site's folder, holding site.toml (default: here)")


def _visibility_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--drafts", action="store_true", help="include drafts, marked as such")
    parser.add_argument("--future", action="store_true",
                        help="include articles under embargo (dated in the future)")
    parser.add_argument("--now", type=parse_now, metavar="WHEN",
                        help="pretend the build runs at this moment (ISO 8601); "
                        "also SITEGEN_NOW")


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sitegen", description="Build a bilingual news site from Markdown.")
    parser.add_argument("--version", action="version", version=f"sitegen {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    build_cmd = commands.add_parser("build", help="build the site into the output folder",
                                    description="Build the site into OUT, atomically.")
    _site_arg(build_cmd)
    build_cmd.add_argument("--out", type=Path, metavar="DIR",
                           help="output folder (default: DIR/build)")
    _visibility_args(build_cmd)
    build_cmd.add_argument("-j", "--jobs", type=int, default=0, metavar="N",
                           help="processes to render with (default: all cores)")
    build_cmd.add_argument("--clean", action="store_true",
                           help="ignore the cache in .sitegen-cache/ and rebuild everything")
    build_cmd.add_argument("-q", "--quiet", action="store_true", help="print only problems")

    check_cmd = commands.add_parser("check", help="check the content, write nothing",
                                    description="Validate everything a build would.")
    _site_arg(check_cmd)
    _visibility_args(check_cmd)
    check_cmd.add_argument("--format", choices=("text", "json"), default="text",
                           help="how to print the findings")
    check_cmd.add_argument("--strict", action="store_true", help="warnings fail the run too")
    return parser


def print_problems(problems: Sequence[Problem]) -> None:
    for problem in sort_problems(problems):
        print(problem.format(), file=sys.stderr)


def _options(args: argparse.Namespace) -> BuildOptions:
    return BuildOptions(now=build_now(args), drafts=args.drafts, future=args.future)


def run_build(args: argparse.Namespace) -> int:
    site = args.site
    out = args.out or site / "build"
    try:
        check_output_dir(out, site)
        result = build(site, out, _options(args), jobs=args.jobs or default_jobs(),
                       clean=args.clean)
    except OutputRefused as exc:
        print(f"sitegen: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BuildFailed as failed:
        print_problems(failed.problems)
        errors = sum(p.is_error for p in failed.problems)
        print(f"\nBuild failed: {errors} error(s). The previous output was left as it was.",
              file=sys.stderr)
        return EXIT_CONTENT
    print_problems(result.problems)
    if not args.quiet:
        print(result.summary())
        print(f"Open {Path(out).resolve() / 'index.html'}")
    return EXIT_OK


def run_check(args: argparse.Namespace) -> int:
    problems: list[Problem]
    try:
        result: BuildReport | None = check(args.site, _options(args))
        problems = list(result.problems) if result else []
    except BuildFailed as failed:
        problems = failed.problems
    problems = sort_problems(problems)
    errors = sum(p.is_error for p in problems)
    warnings = len(problems) - errors
    if args.format == "json":
        print(json.dumps({"errors": errors, "warnings": warnings,
                          "problems": [p.as_dict() for p in problems]},
                         ensure_ascii=False, indent=2))
    else:
        print_problems(problems)
        print(f"{errors} error(s), {warnings} warning(s)")
    return EXIT_CONTENT if errors or (args.strict and warnings) else EXIT_OK


COMMANDS = {"build": run_build, "check": run_check}


def main(argv: Sequence[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except KeyboardInterrupt:
        print("\nstopped", file=sys.stderr)
        return 130
    except Exception:  # a bug in sitegen, not the editor's fault: say so plainly
        if os.environ.get("SITEGEN_DEBUG"):
            traceback.print_exc()
        print("sitegen: internal error (a bug in sitegen, not in your content); "
              "run again with SITEGEN_DEBUG=1 and report what it prints", file=sys.stderr)
        return EXIT_CONTENT

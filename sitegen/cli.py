"""The command line: the only place that prints problems and chooses exit codes.

Exit status: 0 success, 1 errors in site.toml or the content, 2 a wrong command line
(or no site where it points), 3 a bug in sitegen. Findings go to stderr as
`path:line: message`; summaries, paths and JSON to stdout. The grammar of the command
line is in sitegen/cli_parser.py.
"""

from __future__ import annotations

import argparse
import errno
import json
import os
import platform
import signal
import sys
import traceback
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sitegen import __version__
from sitegen.cli_parser import make_parser, parse, parse_now
from sitegen.deploy.cli import run_ci, run_deploy
from sitegen.engine import build
from sitegen.errors import BuildFailed, Problem, sort_problems
from sitegen.parallel import default_jobs
from sitegen.progress import ProgressBar, Timeline, fan_out
from sitegen.report import BuildReport
from sitegen.resolve import BuildOptions

# The checker, scaffolding and live preview are imported by their own commands, so that
# `sitegen build` (above all a no-op one) loads none of them.
if TYPE_CHECKING:
    from sitegen.review import Review
    from sitegen.serve import BuildOutcome
from sitegen.write import MARKER, OutputRefused, check_output_dir

EXIT_OK, EXIT_CONTENT, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
__all__ = ["main", "make_parser"]


class UsageError(Exception):
    """What the command line points at is not there (exit 2): the message says what, the
    hint how to point at the right thing."""

    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.message, self.hint = message, hint


def build_now(args: argparse.Namespace) -> datetime:
    if getattr(args, "now", None):
        return args.now
    env = os.environ.get("SITEGEN_NOW")
    if env:
        try:
            return parse_now(env)
        except argparse.ArgumentTypeError as exc:
            raise UsageError(f"SITEGEN_NOW: {exc}",
                             "write it as 2026-12-02T09:00+01:00, or unset it") from None
    return datetime.now(UTC)


SITE_HINT = ("run sitegen in the site's folder (the one with site.toml), or point at it: "
             "sitegen {command} --site PATH/TO/SITE")


def require_site(args: argparse.Namespace) -> None:
    """Every command works on a site: a --site (or current folder) without site.toml is
    a mistake in the command line, not in the content, and is said so before anything
    is read or written."""
    site: Path | None = getattr(args, "site", None)
    if site is None or (site / "site.toml").is_file():
        return
    hint = SITE_HINT.format(command=args.command)
    shown = str(site) if site != Path(".") else f"this folder ({Path.cwd()})"
    if not site.exists():
        raise UsageError(f"there is no folder {shown}", hint)
    if not site.is_dir():
        raise UsageError(f"{shown} is a file, not a site's folder", hint)
    raise UsageError(f"there is no site.toml in {shown}, so it is not a site's folder", hint)


def print_problems(problems: Sequence[Problem]) -> None:
    for problem in sort_problems(problems):
        print(problem.format(), file=sys.stderr)


def _options(args: argparse.Namespace) -> BuildOptions:
    return BuildOptions(now=build_now(args), drafts=args.drafts, future=args.future,
                        preview_secret=preview_secret())


def preview_secret() -> str | None:
    """The secret embargo previews' addresses are made from: the environment only."""
    from sitegen.resolve.previews import SECRET_VARIABLE

    return os.environ.get(SECRET_VARIABLE) or None


def _print_timings(timeline: Timeline, report: BuildReport | None,
                   last: str = "copy files and publish") -> None:
    for label, seconds in timeline.phases(last):
        print(f"  {label:<46}{seconds * 1000:8.0f} ms")
    if report is not None:
        pages = sum(report.pages.values())
        articles = ", ".join(f"{n} {lang}" for lang, n in report.articles.items())
        print(f"  {pages} pages, {report.feeds} feeds; articles: {articles or 'none'}; "
              f"{report.people} people, {report.clusters} clusters, "
              f"{report.files} file(s) copied as-is")
        if report.parser_line():
            print(f"  {report.parser_line()}")


def run_build(args: argparse.Namespace) -> int:
    site = args.site
    out = args.out or site / "build"
    bar = ProgressBar(enabled=False if args.quiet else None)
    timeline = Timeline()
    try:
        check_output_dir(out, site)
        try:
            result = build(site, out, _options(args), jobs=args.jobs or default_jobs(),
                           clean=args.clean, search=not args.no_search,
                           on_page=fan_out(bar, timeline))
        finally:
            bar.close()
            timeline.finish()
    except OutputRefused as exc:
        print(f"sitegen: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BuildFailed as failed:
        print_problems(failed.problems)
        errors = sum(p.is_error for p in failed.problems)
        kept = ("The previous output was left as it was." if (out / MARKER).is_file()
                else "Nothing was written.")
        print(f"\nBuild failed: {errors} error(s). {kept}", file=sys.stderr)
        return EXIT_CONTENT
    print_problems(result.problems)
    if not args.quiet:
        if args.verbose:
            print("Steps:")
            _print_timings(timeline, result)
        print(result.summary())
        print(f"Built into {Path(out).resolve()}. To look at it: {preview_command(args)} "
              "(then open http://127.0.0.1:8000/)")
    return EXIT_OK


def preview_command(args: argparse.Namespace) -> str:
    """`sitegen serve` as the editor runs sitegen: the program as typed (the site's
    pages use addresses from its root, so a file opened from disk shows no styles)."""
    typed = sys.argv[0] if Path(sys.argv[0]).name == "sitegen" else "sitegen"
    site = "" if Path(args.site) == Path(".") else f" --site {args.site}"
    return f"{typed} serve{site}"


def _check(args: argparse.Namespace) -> tuple[list[Problem], Review, Timeline]:
    from sitegen.review import Review, review_site

    """The build's findings, then (when it builds) the reviewer's."""
    options = _options(args)
    bar = ProgressBar(enabled=False if args.quiet or args.format == "json" else None,
                      label="Checking")
    timeline = Timeline()
    try:
        result, review = review_site(args.site, options, fan_out(bar, timeline))
        problems = list(result.problems)
    except BuildFailed as failed:
        problems, review = list(failed.problems), Review()
    finally:
        bar.close()
        timeline.finish()
    return sort_problems([*problems, *review.warnings]), review, timeline


def run_check(args: argparse.Namespace) -> int:
    problems, review, timeline = _check(args)
    errors = sum(p.is_error for p in problems)
    warnings = len(problems) - errors
    notes = list(review.notes)
    if args.format == "json":
        print(json.dumps({"errors": errors, "warnings": warnings,
                          "problems": [p.as_dict() for p in problems],
                          "notes": [{**p.as_dict(), "severity": "note"} for p in notes]},
                         ensure_ascii=False, indent=2))
    else:
        print_problems(problems)
        if args.verbose:
            for note in notes:
                print(note.format().replace("warning: ", "note: ", 1), file=sys.stderr)
        if not args.quiet:
            if args.verbose:
                print("Steps:")
                _print_timings(timeline, None, "review: translations, people, links...")
            print(f"{errors} error(s), {warnings} warning(s)")
            more = "" if args.verbose else " (--verbose lists them)"
            stories = [note for note in notes if note.code == "one-language"]
            if stories:
                from sitegen.scaffold import language_name

                by_language: dict[str, int] = {}
                for note in stories:
                    lang = language_name(note.path.split("/")[1])
                    by_language[lang] = by_language.get(lang, 0) + 1
                counts = ", ".join(f"{n} in {lang}" for lang, n in sorted(by_language.items()))
                print(f"Stories in one language only: {counts}{more}")
            texts = len(notes) - len(stories)
            if texts:
                print(f"Texts of people and organisations not in every language: {texts}"
                      f"{more}")
    return EXIT_CONTENT if errors or (args.strict and warnings) else EXIT_OK


class ServePrinter:
    """What the terminal shows while serving: each build's outcome, problems in full."""

    def __init__(self, quiet: bool, verbose: bool):
        self.quiet, self.verbose = quiet, verbose
        self._shown: set[Problem] = set()

    def ready(self, url: str, site: Path, preview: bool) -> None:
        if self.quiet:
            return
        what = ("drafts and embargoed articles shown, with a banner" if preview
                else "exactly what build publishes")
        print(f"Serving {site} at {url} ({what})", flush=True)
        print("Watching content/, themes/, static/ and site.toml; press Ctrl-C to stop.",
              flush=True)

    def built(self, outcome: BuildOutcome) -> None:
        from sitegen.serve.watch import describe

        new = [p for p in outcome.problems if p not in self._shown]
        if outcome.failed:
            print_problems(outcome.problems)
            errors = sum(p.is_error for p in outcome.problems)
            print(f"Build failed: {errors} error(s). The browser shows them too; the preview "
                  "comes back when the file is fixed and saved.", file=sys.stderr, flush=True)
            self._shown = set()
            return
        print_problems(new)
        self._shown = set(outcome.problems)
        if self.quiet:
            return
        ms = outcome.seconds * 1000
        if outcome.changes:
            print(f"{describe(outcome.changes)}: rebuilt in {ms:.0f} ms", flush=True)
        elif outcome.report is not None:
            pages = sum(outcome.report.pages.values())
            print(f"Built {pages} pages in {ms:.0f} ms", flush=True)


def _stop_on_signals() -> None:
    """`kill`, or the terminal closing (SIGHUP), stops the server as Ctrl-C does:
    cleanly, a build under way left undone (its transaction aborted). Processes forked to render
    inherit the handler and just end, without a KeyboardInterrupt traceback each (a
    Ctrl-C in the terminal reaches them too)."""
    main_pid = os.getpid()

    def handler(signum: int, frame: object) -> None:
        if os.getpid() != main_pid:
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        raise KeyboardInterrupt

    try:
        signal.signal(signal.SIGTERM, handler)
        signal.signal(signal.SIGINT, handler)
        signal.signal(signal.SIGHUP, handler)
    except ValueError:  # not the main thread (tests calling main() from a thread)
        pass


def run_serve(args: argparse.Namespace) -> int:
    from sitegen.serve import ServeOptions, serve
    from sitegen.serve.session import ServeError

    site = args.site
    printer = ServePrinter(args.quiet, args.verbose)
    options = ServeOptions(site, args.host, args.port, preview=not args.no_drafts,
                           log_requests=args.verbose, preview_secret=preview_secret())
    _stop_on_signals()
    try:
        serve(options, now=lambda: build_now(args),
              on_ready=lambda url: printer.ready(url, site.resolve(), options.preview),
              on_build=printer.built)
    except ServeError as exc:
        print(f"sitegen serve: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        if not args.quiet:
            print("\nStopped.", file=sys.stderr)
    return EXIT_OK


def run_new(args: argparse.Namespace) -> int:
    from sitegen.scaffold import ScaffoldFailed, create_article, create_translation
    from sitegen.scaffold_entries import create_entry

    try:
        if args.kind == "translation":
            created = create_translation(args.site, args.translate, build_now(args), args.to,
                                         args.title)
        elif args.kind == "article":
            created = create_article(args.site, args.lang, args.title, build_now(args),
                                     args.author, args.contact, args.cluster, args.draft)
        else:
            created = create_entry(args.site, args.kind, args.id, args.name)
    except (ScaffoldFailed, BuildFailed) as failed:
        print_problems(failed.problems)
        return EXIT_CONTENT
    if created.original_edited:
        print(f"{args.site / created.original_edited}: added translation_key: "
              f"{created.translation_key}", file=sys.stderr)
    print(args.site / created.path)
    if created.hint:
        print(f"    hint: {created.hint}", file=sys.stderr)
    return EXIT_OK


def run_status(args: argparse.Namespace) -> int:
    from sitegen.config import load_config
    from sitegen.status import as_json, as_text, gather

    status, problems = gather(args.site, build_now(args), preview_secret())
    config, _ = load_config(args.site)
    if status is None or config is None:
        print_problems(problems)
        return EXIT_CONTENT
    if args.format == "json":
        print(json.dumps(as_json(status, config), ensure_ascii=False, indent=2))
    else:
        print(as_text(status, config))
    return EXIT_OK


def run_next_change(args: argparse.Namespace) -> int:
    from sitegen.status import iso, next_change

    moment, problems = next_change(args.site, build_now(args))
    if any(p.is_error and p.path == "site.toml" for p in problems):
        print_problems(problems)
        return EXIT_CONTENT
    if moment is not None:
        print(iso(moment))
    return EXIT_OK


COMMANDS = {"build": run_build, "check": run_check, "serve": run_serve, "new": run_new,
            "status": run_status, "next-change": run_next_change, "deploy": run_deploy,
            "ci": run_ci}


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(argv, list(COMMANDS))
    try:
        require_site(args)
        return COMMANDS[args.command](args)
    except UsageError as exc:
        print(f"sitegen {args.command}: {exc.message}", file=sys.stderr)
        if exc.hint:
            print(f"    hint: {exc.hint}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("\nstopped", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `sitegen check | head`: the reader has all it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_CONTENT
    except OSError as exc:
        if exc.errno not in SYSTEM_TROUBLE:
            report_bug(exc)
            return EXIT_INTERNAL
        print(system_trouble(exc), file=sys.stderr)
        return EXIT_CONTENT
    except Exception as exc:  # a bug in sitegen, not the editor's fault: say so plainly
        report_bug(exc)
        return EXIT_INTERNAL


# What the machine, not sitegen, is to blame for: a full disk, a read-only folder.
SYSTEM_TROUBLE = {errno.ENOSPC: "there is no space left on the disk",
                  errno.EDQUOT: "the disk quota is used up",
                  errno.EROFS: "the folder is on a read-only disk",
                  errno.EACCES: "sitegen may not write there (permissions)",
                  errno.EPERM: "sitegen may not write there (permissions)"}


def system_trouble(exc: OSError) -> str:
    where = f" {exc.filename}" if exc.filename else ""
    return (f"sitegen: cannot write{where}: {SYSTEM_TROUBLE[exc.errno]} "
            f"({exc.strerror}). Nothing was changed: the previous output, if there was "
            "one, is as it was.\n"
            "    hint: free some space, or check that you may write to the site's folder "
            "and its build/ folder, then run the command again")


def version_line() -> str:
    """What a bug report needs to say which sitegen it is about."""
    return (f"sitegen {__version__}, Python {platform.python_version()}, "
            f"{platform.system() or 'unknown system'}")


def report_bug(exc: Exception) -> None:
    """An internal error: no traceback unless asked for (SITEGEN_DEBUG=1), but what to
    put in a bug report."""
    debug = bool(os.environ.get("SITEGEN_DEBUG"))
    if debug:
        traceback.print_exc()
    what = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    print("sitegen: internal error: this is a bug in sitegen, not a mistake in your "
          "content or command (exit status 3).\n"
          f"    error: {what}\n"
          f"    version: {version_line()}\n"
          "    hint: please report it to whoever maintains sitegen for you, with the "
          "command you ran and the lines above"
          + ("." if debug else
             "; run the same command again with SITEGEN_DEBUG=1 in front "
             "(SITEGEN_DEBUG=1 sitegen ...) and add the traceback it prints."),
          file=sys.stderr)

"""The command line: the only place that prints problems and chooses exit codes.

Exit status: 0 success, 1 errors in site.toml or the content, 2 a wrong command line.
Findings go to stderr as `path:line: message`; summaries, paths and JSON to stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import traceback
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sitegen import __version__
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
from sitegen.write import OutputRefused, check_output_dir

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2


def parse_now(text: str) -> datetime:
    """--now accepts ISO 8601 ('2021-11-02T10:00+01:00') or a Unix timestamp."""
    try:
        if text.isdigit():
            return datetime.fromtimestamp(int(text), UTC)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date and time: {text!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def build_now(args: argparse.Namespace) -> datetime:
    if getattr(args, "now", None):
        return args.now
    env = os.environ.get("SITEGEN_NOW")
    if env:
        return parse_now(env)
    return datetime.now(UTC)


def _site_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--site", type=Path, default=Path("."), metavar="DIR",
                        help="the site's folder, holding site.toml (default: here)")


def _visibility_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--drafts", action="store_true", help="include drafts, marked as such")
    parser.add_argument("--future", action="store_true",
                        help="include articles under embargo (dated in the future)")
    _now_arg(parser)


def _now_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--now", type=parse_now, metavar="WHEN",
                        help="pretend the build runs at this moment (ISO 8601); "
                        "also SITEGEN_NOW")


def _verbosity_args(parser: argparse.ArgumentParser, quiet_help: str) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("-q", "--quiet", action="store_true", help=quiet_help)
    group.add_argument("-v", "--verbose", action="store_true",
                       help="also print each step's timing and the counts")


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"a port is a number from 1 to 65535, not {port}")
    return port


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
    build_cmd.add_argument("--no-search", action="store_true",
                           help="skip the search index (quicker; the search page finds "
                           "nothing new)")
    build_cmd.add_argument("--clean", action="store_true",
                           help="ignore the cache in .sitegen-cache/ and rebuild everything")
    _verbosity_args(build_cmd, "print only problems")

    check_cmd = commands.add_parser(
        "check", help="check the content and review it, write nothing",
        description="Report every error a build would, and the reviewer's warnings: "
        "stories whose translation is missing, contacts without phone or e-mail, people "
        "and clusters no article uses, links that lead nowhere, images over 1 MB and "
        "summaries over 300 characters.")
    _site_arg(check_cmd)
    _visibility_args(check_cmd)
    check_cmd.add_argument("--format", choices=("text", "json"), default="text",
                           help="how to print the findings")
    check_cmd.add_argument("--strict", action="store_true", help="warnings fail the run too")
    _verbosity_args(check_cmd, "print only the findings, without the count")

    serve_cmd = commands.add_parser(
        "serve", help="preview the site in a browser, rebuilt on every save",
        description="Build the site, serve it, and rebuild on every save in content/, "
        "themes/, static/ or site.toml; open tabs reload themselves. Drafts and articles "
        "under embargo are shown with a banner unless --no-drafts. Stop with Ctrl-C.")
    _site_arg(serve_cmd)
    serve_cmd.add_argument("--host", default="127.0.0.1",
                           help="address to listen on (default: 127.0.0.1, this computer "
                           "only)")
    serve_cmd.add_argument("--port", type=_port, default=8000,
                           help="port to listen on (default: 8000; 0 picks a free one)")
    serve_cmd.add_argument("--no-drafts", action="store_true",
                           help="preview exactly what build would publish: no drafts, "
                           "no embargoed articles")
    _verbosity_args(serve_cmd, "print only problems")

    new_cmd = commands.add_parser(
        "new", help="start an article, or its translation",
        description="Create content/LANG/YEAR/slug.md with the front matter filled in, or "
        "with --translate the other language's version of an article. Prints the path. "
        "Never overwrites a file.")
    _site_arg(new_cmd)
    new_cmd.add_argument("lang", nargs="?", metavar="LANG", help="the language: da, no, ...")
    new_cmd.add_argument("title", nargs="?", metavar="TITLE", help="the title, in quotes")
    for option, what in (("--author", "person"), ("--contact", "person"),
                         ("--cluster", "cluster")):
        new_cmd.add_argument(option, action="append", default=[], metavar="ID",
                             help=f"a {what} id (repeat for more)")
    new_cmd.add_argument("--draft", action="store_true", help="mark it 'draft: true'")
    new_cmd.add_argument("--translate", type=Path, metavar="PATH",
                         help="make the other language's version of this article")
    new_cmd.add_argument("--to", metavar="LANG",
                         help="with --translate: the language (needed with 3+ languages)")
    status_cmd = commands.add_parser(
        "status", help="what is not public yet, and when it will be",
        description="List drafts, stories under embargo (with their lift time in local "
        "time, the languages held and their preview addresses), articles dated in the "
        "future, links waiting for an embargo, and the next moment the clock alone "
        "changes the site. Writes nothing; exits 0.")
    _site_arg(status_cmd)
    _now_arg(status_cmd)
    status_cmd.add_argument("--format", choices=("text", "json"), default="text",
                            help="how to print it")

    next_cmd = commands.add_parser(
        "next-change", help="when the clock alone next changes the site (for schedulers)",
        description="Print the next moment (ISO 8601, UTC) at which the site changes "
        "without an edit: an embargo lifting, an article's date arriving, an article "
        "leaving the news sitemap. Prints nothing when there is none. Exits 0.")
    _site_arg(next_cmd)
    _now_arg(next_cmd)
    return parser


def check_new_args(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """What argparse cannot say alone about `new`: exit 2 with usage."""
    if args.command != "new":
        return
    if args.translate:
        if args.lang or args.title or args.author or args.contact or args.cluster \
                or args.draft:
            parser.error("new --translate PATH takes no LANG, TITLE, --author, --contact, "
                         "--cluster or --draft (they come from the original; use --to LANG)")
    elif not (args.lang and args.title):
        parser.error('new needs LANG and "TITLE", e.g. sitegen new da "Ny direktør", '
                     "or --translate PATH")
    elif args.to:
        parser.error("--to goes with --translate")


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
              f"{report.copied} file(s) copied")


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
        print(f"\nBuild failed: {errors} error(s). The previous output was left as it was.",
              file=sys.stderr)
        return EXIT_CONTENT
    print_problems(result.problems)
    if not args.quiet:
        if args.verbose:
            print("Steps:")
            _print_timings(timeline, result)
        print(result.summary())
        print(f"Open {Path(out).resolve() / 'index.html'}")
    return EXIT_OK


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
    if not (site / "site.toml").is_file():
        print_problems([Problem("site.toml", None, "site.toml not found",
                                f"run sitegen in the site's folder, or pass --site DIR "
                                f"({site})")])
        return EXIT_CONTENT
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

    try:
        if args.translate:
            created = create_translation(args.site, args.translate, build_now(args), args.to)
        else:
            created = create_article(args.site, args.lang, args.title, build_now(args),
                                     args.author, args.contact, args.cluster, args.draft)
    except (ScaffoldFailed, BuildFailed) as failed:
        print_problems(failed.problems)
        return EXIT_CONTENT
    if created.original_edited:
        print(f"{args.site / created.original_edited}: added translation_key: "
              f"{created.translation_key}", file=sys.stderr)
    print(args.site / created.path)
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
            "status": run_status, "next-change": run_next_change}


def main(argv: Sequence[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    check_new_args(parser, args)
    try:
        return COMMANDS[args.command](args)
    except KeyboardInterrupt:
        print("\nstopped", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `sitegen check | head`: the reader has all it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_CONTENT
    except Exception:  # a bug in sitegen, not the editor's fault: say so plainly
        if os.environ.get("SITEGEN_DEBUG"):
            traceback.print_exc()
        print("sitegen: internal error (a bug in sitegen, not in your content); "
              "run again with SITEGEN_DEBUG=1 and report what it prints", file=sys.stderr)
        return EXIT_CONTENT

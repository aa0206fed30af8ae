"""The command line's grammar: every command, option and usage message.

Kept apart from sitegen/cli.py (which runs the commands) so that either stays short.
Everything wrong with the command line itself ends here, with the usage of the command
it concerns and exit status 2, as argparse does; `parse` adds what argparse does not
say by itself: the command meant by a misspelt one, and the usage of the subcommand
(not of `sitegen`) for an option it does not know.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from sitegen import __version__
from sitegen.errors import did_you_mean

# `sitegen new person ID "Name"` and `sitegen new organisation ID "Name"`: words that
# can never be a language's folder (site.toml's codes are 2 or 3 lower-case letters).
ENTRY_KINDS = {"person": "person", "organisation": "organisation",
               "organization": "organisation"}

NEW_USAGE = """\
sitegen new [--site DIR] LANG "TITLE" [--author ID] [--contact ID] [--cluster ID] [--draft]
       sitegen new [--site DIR] --translate PATH [--title "TITLE"] [--to LANG]
       sitegen new [--site DIR] person ID "NAME"
       sitegen new [--site DIR] organisation ID "NAME\""""


def parse_now(text: str) -> datetime:
    """--now accepts ISO 8601 ('2021-11-02T10:00+01:00') or a Unix timestamp."""
    try:
        if text.isdigit():
            return datetime.fromtimestamp(int(text), UTC)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date and time: {text!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _port(text: str) -> int:
    """0 is a port too: the system picks a free one, and `serve` prints which."""
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(
            f"a port is a number from 1 to 65535, or 0 for any free one; not {port}")
    return port


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


def _command(commands: argparse._SubParsersAction, name: str,
             **kwargs: str) -> argparse.ArgumentParser:
    """A subcommand that remembers its own parser, for its own usage in errors."""
    parser: argparse.ArgumentParser = commands.add_parser(name, **kwargs)
    parser.set_defaults(command_parser=parser)
    return parser


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sitegen", description="Build a bilingual news site from Markdown.",
        epilog="Exit status: 0 success, 1 errors in the content or site.toml, 2 a wrong "
        "command line or no site, 3 a bug in sitegen.")
    parser.add_argument("--version", action="version", version=f"sitegen {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    build_cmd = _command(commands, "build", help="build the site into the output folder",
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

    check_cmd = _command(
        commands, "check", help="check the content and review it, write nothing",
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

    serve_cmd = _command(
        commands, "serve", help="preview the site in a browser, rebuilt on every save",
        description="Build the site, serve it, and rebuild on every save in content/, "
        "themes/, static/ or site.toml; open tabs reload themselves. Drafts and articles "
        "under embargo are shown with a banner unless --no-drafts. Stop with Ctrl-C.")
    _site_arg(serve_cmd)
    serve_cmd.add_argument("--host", default="127.0.0.1",
                           help="address to listen on (default: 127.0.0.1, this computer "
                           "only)")
    serve_cmd.add_argument("--port", type=_port, default=8000,
                           help="port to listen on, 1 to 65535 (default: 8000); 0 picks a "
                           "free one, shown in the 'Serving' line")
    serve_cmd.add_argument("--no-drafts", action="store_true",
                           help="preview exactly what build would publish: no drafts, "
                           "no embargoed articles")
    _verbosity_args(serve_cmd, "print only problems")

    _new_command(commands)

    status_cmd = _command(
        commands, "status", help="what is not public yet, and when it will be",
        description="List drafts, stories under embargo (with their lift time in local "
        "time, the languages held and their preview addresses), articles dated in the "
        "future, links waiting for an embargo, and the next moment the clock alone "
        "changes the site. Writes nothing; exits 0.")
    _site_arg(status_cmd)
    _now_arg(status_cmd)
    status_cmd.add_argument("--format", choices=("text", "json"), default="text",
                            help="how to print it")

    next_cmd = _command(
        commands, "next-change",
        help="when the clock alone next changes the site (for schedulers)",
        description="Print the next moment (ISO 8601, UTC) at which the site changes "
        "without an edit: an embargo lifting, an article's date arriving, an article "
        "leaving the news sitemap. Prints nothing when there is none. Exits 0.")
    _site_arg(next_cmd)
    _now_arg(next_cmd)

    from sitegen.deploy.cli import add_parsers  # deploy and ci: their own module
    add_parsers(commands)
    return parser


def _new_command(commands: argparse._SubParsersAction) -> None:
    new_cmd = _command(
        commands, "new", usage=NEW_USAGE,
        help="start an article, its translation, a person or an organisation",
        description="Create content/LANG/YEAR/slug.md with the front matter filled in; "
        "with --translate, the other language's version of an article; with person or "
        "organisation, content/people/ID.md or content/clusters/ID.md with every field "
        "listed. Prints the path. Never overwrites a file.")
    _site_arg(new_cmd)
    new_cmd.add_argument("words", nargs="*", metavar="WHAT",
                         help='LANG "TITLE" for an article (da, no, ...), or person ID '
                         '"NAME", or organisation ID "NAME"; an ID is lower case with '
                         "'-', e.g. kurt-bennetsen")
    for option, what in (("--author", "person"), ("--contact", "person"),
                         ("--cluster", "cluster")):
        new_cmd.add_argument(option, action="append", default=[], metavar="ID",
                             help=f"a {what} id (repeat for more)")
    new_cmd.add_argument("--draft", action="store_true", help="mark it 'draft: true'")
    new_cmd.add_argument("--translate", type=Path, metavar="PATH",
                         help="make the other language's version of this article")
    new_cmd.add_argument("--title", metavar='"TITLE"',
                         help="with --translate: the title in the other language; the "
                         "file name and web address are made from it")
    new_cmd.add_argument("--to", metavar="LANG",
                         help="with --translate: the language (needed with 3+ languages)")


def check_new_args(args: argparse.Namespace) -> None:
    """What argparse cannot say alone about `new`: which of its forms was meant (set as
    args.kind, with args.lang and args.title, or args.id and args.name), or exit 2 with
    its usage."""
    if args.command != "new":
        return
    parser: argparse.ArgumentParser = args.command_parser
    words = [" ".join(word.split()) for word in args.words]
    article_options = args.author or args.contact or args.cluster or args.draft
    args.lang = args.id = args.name = None
    if args.translate:
        args.kind = "translation"
        if words or article_options:
            parser.error("new --translate PATH takes no LANG, TITLE, --author, --contact, "
                         "--cluster or --draft (they come from the original; use --to LANG "
                         'and --title "TITLE")')
        if args.title is not None:
            args.title = " ".join(args.title.split())
            if not args.title:
                parser.error("--title needs the title in the other language, in quotes")
        return
    if args.to or args.title is not None:
        parser.error(f"{'--to' if args.to else '--title'} goes with --translate PATH")
    kind = ENTRY_KINDS.get(words[0].lower()) if words else None
    if kind:
        args.kind = kind
        if article_options:
            parser.error(f"new {words[0]} takes no --author, --contact, --cluster or --draft")
        if len(words) != 3:
            parser.error(f'new {words[0]} needs an ID and a "NAME", e.g. '
                         f"{_entry_example(words)}")
        args.id, args.name = words[1], words[2]
        return
    args.kind = "article"
    if len(words) > 2:
        parser.error(f'the title is one argument: put it in quotes, e.g. sitegen new '
                     f'{words[0]} "{" ".join(words[1:])}"')
    if len(words) != 2:
        parser.error('new needs LANG and "TITLE", e.g. sitegen new da "Ny direktør", '
                     'or --translate PATH, or person ID "NAME", or organisation ID "NAME"')
    args.lang, args.title = words


def _entry_example(words: Sequence[str]) -> str:
    """The command as it should have been: from a name given alone, its id."""
    from sitegen.slugs import is_slug, slugify

    person = ENTRY_KINDS[words[0].lower()] == "person"
    given = words[1] if len(words) == 2 else ""
    if given and not is_slug(given) and slugify(given):
        return f'sitegen new {words[0]} {slugify(given)} "{given}"'
    if given:
        return f'sitegen new {words[0]} {given} "{"Full Name" if person else "Full name"}"'
    example = "kurt-bennetsen \"Kurt Bennetsen\"" if person else \
        "green-hub-denmark \"Green Hub Denmark\""
    return f"sitegen new {words[0]} {example}"


def _unknown_command(parser: argparse.ArgumentParser, argv: Sequence[str],
                     commands: Sequence[str]) -> None:
    """A misspelt command: exit 2 naming the one probably meant, and all of them."""
    word = next((a for a in argv if not a.startswith("-")), None)
    if word is None or word in commands:
        return
    close = next((c for c in commands if c.startswith(word)), None) if len(word) > 2 \
        else None
    close = close or did_you_mean(word, commands)
    meant = f" (did you mean '{close}'?)" if close else ""
    parser.error(f"unknown command '{word}'{meant}\nthe commands are: {', '.join(commands)} "
                 "(sitegen --help says what each does)")


def _unknown_options(args: argparse.Namespace, extra: Sequence[str]) -> None:
    """Arguments the command does not know: exit 2 with that command's own usage."""
    parser: argparse.ArgumentParser = args.command_parser
    known = [s[2:] for action in parser._actions for s in action.option_strings
             if s.startswith("--")]
    words = []
    for word in extra:
        close = did_you_mean(word.split("=", 1)[0][2:], known) if word.startswith("--") \
            else None
        words.append(f"{word} (did you mean '--{close}'?)" if close else word)
    what = "argument" if len(extra) == 1 else "arguments"
    parser.error(f"unrecognized {what}: {' '.join(words)}")


def parse(argv: Sequence[str] | None, commands: Sequence[str]) -> argparse.Namespace:
    """The command line as a Namespace, or SystemExit(2) with a usage message."""
    parser = make_parser()
    arguments = list(sys.argv[1:] if argv is None else argv)
    _unknown_command(parser, arguments, commands)
    args, extra = parser.parse_known_args(arguments)
    if extra:
        _unknown_options(args, extra)
    check_new_args(args)
    return args

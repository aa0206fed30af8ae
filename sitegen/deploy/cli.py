"""The command line of publishing: `sitegen deploy`, `sitegen ci init` and `sitegen ci due`.

Kept out of sitegen/cli.py and sitegen/cli_parser.py, which only register these
(`add_parsers`) and call them (`run_deploy`, `run_ci`). Light on purpose: boto3 is
imported by the deploy itself, never by `sitegen build`. Exit status as everywhere: 0
done, 1 a problem with the site, the build or the bucket (said with a hint), 2 a wrong
command line.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sitegen.cli_parser import _command, _site_arg, _verbosity_args
from sitegen.errors import sort_problems

if TYPE_CHECKING:
    from sitegen.deploy.plan import Plan

EXIT_OK, EXIT_PROBLEM = 0, 1
LISTED = 50  # a plan lists its files up to this many (all with --verbose)


def add_parsers(commands: argparse._SubParsersAction) -> None:
    """Register `deploy` and `ci` with sitegen's command line."""
    deploy = _command(
        commands, "deploy", help="publish the build to an S3-compatible bucket",
        description="Upload what changed in the build (by content, not by date) to the "
        "bucket of site.toml's [deploy], in a safe order: media and assets, pages, feeds "
        "and sitemaps, the manifest, then deletions. Writes the changed URLs to a file and "
        "runs the purge command, if site.toml has one. Credentials come from "
        "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY or the AWS credential files. "
        "Refuses a build that is not complete (a preview, a failed build). "
        "docs/publishing.md has the details.")
    _site_arg(deploy)
    deploy.add_argument("--out", type=Path, metavar="DIR",
                        help="the build to publish (default: DIR/build)")
    deploy.add_argument("--dry-run", action="store_true",
                        help="print what would be uploaded and deleted; change nothing")
    deploy.add_argument("--allow-deletes", action="store_true",
                        help="delete even more than max_delete_percent of the site")
    deploy.add_argument("--no-purge", action="store_true",
                        help="do not run site.toml's purge_command")
    deploy.add_argument("--changed-urls", type=Path, metavar="FILE",
                        help="where to write the changed URLs (default: site.toml's "
                        "changed_urls, else .sitegen-cache/deploy/changed-urls.txt)")
    _verbosity_args(deploy, "print only problems")

    ci = _command(commands, "ci", help="continuous integration: write a workflow, or ask "
                  "whether a scheduled run has anything to publish",
                  description="`ci init github` or `ci init gitlab` writes the workflow "
                  "that checks every pull request and publishes the main branch and, every "
                  "5 minutes, what an embargo lifts. `ci due` says whether a scheduled run "
                  "has anything to publish.")
    # Not required by argparse, so that `ci --bogus` gets ci's own usage like every
    # command; run_ci says when the action is missing.
    actions = ci.add_subparsers(dest="ci_command", metavar="ACTION")
    init = actions.add_parser("init", help="write the CI workflow for GitHub or GitLab",
                              description="Write .github/workflows/sitegen.yml (github) or "
                              ".gitlab-ci.yml (gitlab) in the site's folder.")
    init.set_defaults(command_parser=init)
    init.add_argument("provider", choices=("github", "gitlab"), help="where the repository is")
    _site_arg(init)
    init.add_argument("--branch", default="main", help="the branch that is published "
                      "(default: main)")
    init.add_argument("--install", metavar="COMMAND",
                      help="the shell command that installs sitegen into .venv/ (default: "
                      "from this repository's pyproject.toml, else requirements.txt, else "
                      "sitegen from PyPI)")
    init.add_argument("--force", action="store_true", help="replace an existing workflow")
    due = actions.add_parser("due", help="print yes if a scheduled run has anything to "
                             "publish, no otherwise",
                             description="Compare the sources and the clock with the last "
                             "deploy from this folder (.sitegen-cache/deploy/): yes when the "
                             "content changed, an embargo lifted or an article's date came, "
                             "or there is no record; no otherwise. The reason goes to "
                             "stderr. Exits 0.")
    due.set_defaults(command_parser=due)
    _site_arg(due)
    due.add_argument("--wait", type=int, default=0, metavar="SECONDS",
                     help="if the next change is at most this far away, wait for it and "
                     "say yes (so that an embargo lifts on the minute)")


def _fail(command: str, message: str, hint: str = "") -> int:
    print(f"sitegen {command}: {message}", file=sys.stderr)
    if hint:
        print(f"    hint: {hint}", file=sys.stderr)
    return EXIT_PROBLEM


def run_deploy(args: argparse.Namespace) -> int:
    from sitegen.deploy.bucket import DeployError
    from sitegen.deploy.run import Options, deploy
    from sitegen.deploy.settings import load_deploy

    site: Path = args.site
    out: Path = args.out or site / "build"
    config, settings, problems = load_deploy(site)
    if config is None or settings is None:
        for problem in sort_problems(problems):
            print(problem.format(), file=sys.stderr)
        return EXIT_PROBLEM
    options = Options(dry_run=args.dry_run, allow_deletes=args.allow_deletes,
                      purge=not args.no_purge, changed_urls=args.changed_urls)
    quiet = args.quiet
    say = (lambda text: None) if quiet else (lambda text: print(text, flush=True))
    say(f"{'Plan for' if args.dry_run else 'Deploying'} {_shown(out, site)} to "
        f"{settings.where}")
    try:
        outcome = deploy(site, out, config, settings, options, datetime.now(UTC), say)
    except DeployError as exc:
        return _fail("deploy", exc.message, exc.hint)
    for note in outcome.notes:
        print(f"note: {note}", file=sys.stderr)
    plan = outcome.plan
    if args.dry_run:
        if not quiet:
            _print_plan(plan, args.verbose)
        if outcome.refused:
            return _fail("deploy", f"the deploy would be refused: {outcome.refused}",
                         "run it with --allow-deletes if the deletions are meant")
        return EXIT_OK
    if quiet:
        return EXIT_OK
    if plan.nothing_to_do:
        print(f"Nothing to deploy: the bucket already holds this build "
              f"({plan.unchanged} files), in {outcome.seconds:.1f} s")
    else:
        from sitegen.deploy.run import size_text

        print(f"Deployed in {outcome.seconds:.1f} s: {len(plan.uploads)} file(s) uploaded "
              f"({size_text(plan.upload_bytes)}), {len(plan.deletes)} deleted, "
              f"{plan.unchanged} unchanged")
    if outcome.changed_urls is not None:
        print(f"Changed URLs ({outcome.urls}): {_shown(outcome.changed_urls, site, False)}")
    return EXIT_OK


def _print_plan(plan: Plan, verbose: bool) -> None:
    from sitegen.deploy.run import size_text

    phases = ", ".join(f"{count} {name}" for name, count, _ in plan.phase_counts() if count)
    print(f"Would upload {len(plan.uploads)} file(s), {size_text(plan.upload_bytes)}"
          f"{' (' + phases + ')' if phases else ''}; delete {len(plan.deletes)}; "
          f"{plan.unchanged} unchanged")
    if plan.uploads and (verbose or len(plan.uploads) <= LISTED):
        for upload in plan.uploads:
            print(f"  upload  {upload.reason:<10} {upload.rel}  "
                  f"({size_text(upload.entry.size)})")
    if plan.deletes and (verbose or len(plan.deletes) <= LISTED):
        for rel in plan.deletes:
            print(f"  delete  {'':<10} {rel}")
    if not verbose and (len(plan.uploads) > LISTED or len(plan.deletes) > LISTED):
        print("  (--verbose lists every file)")
    if plan.nothing_to_do:
        print("Nothing to deploy: the bucket already holds this build.")


def _shown(path: Path, site: Path, folder: bool = True) -> str:
    try:
        text = path.resolve().relative_to(site.resolve()).as_posix()
    except ValueError:
        text = str(path)
    return text + "/" if folder else text


def run_ci(args: argparse.Namespace) -> int:
    if args.ci_command is None:
        args.command_parser.error("say what to do: sitegen ci init github (or gitlab), or "
                                  "sitegen ci due")
    if args.ci_command == "init":
        from sitegen.deploy.ci import CiError, init

        try:
            written, advice = init(args.site, args.provider, args.branch, args.install,
                                   args.force)
        except CiError as exc:
            return _fail("ci init", exc.message, exc.hint)
        print(written)
        print(advice, file=sys.stderr)
        return EXIT_OK
    from sitegen.deploy.due import due

    answer, reason = due(args.site, datetime.now(UTC), args.wait)
    print("yes" if answer else "no", flush=True)
    print(reason, file=sys.stderr)
    return EXIT_OK

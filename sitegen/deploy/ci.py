"""`sitegen ci init github|gitlab`: the editors' repository's CI workflow.

One workflow does three things:

- on every pull (merge) request: `sitegen check --strict`, so that a mistake is seen
  before the merge;
- on the main branch: restore `.sitegen-cache/` (the build stays incremental), ask
  `sitegen ci due`, and if something is due build and deploy; save the cache;
- every 5 minutes, the same job: `ci due` says yes only when the sources changed or the
  clock has reached the next change (`sitegen next-change`'s moment, kept by the last
  deploy), and with `--wait 240` it waits for a change due within 4 minutes, so that an
  embargo lifts on its minute rather than up to 5 minutes late.

All logic is in sitegen's commands; the workflows hold plain shell steps, which
tests/test_deploy_ci.py runs as written in a fresh clone against a real object store.
Credentials come from the CI's secret store (GitHub's repository secrets, GitLab's
masked CI/CD variables), never from the repository.
"""

from __future__ import annotations

import json
import shlex
from pathlib import Path

from sitegen import __version__

WAIT = 240  # seconds: a scheduled run waits for a change due before the next run


class CiError(Exception):
    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.message, self.hint = message, hint


def repository_root(site: Path) -> Path:
    """The git repository the site is in (workflows live at its root), or the site."""
    site = site.resolve()
    for folder in (site, *site.parents):
        if (folder / ".git").exists():
            return folder
    return site


def default_install(root: Path, site: Path) -> str:
    """How CI gets sitegen into .venv/: from the repository itself when it is sitegen's
    (as this one, with its sample site), from a requirements.txt, or from PyPI."""
    venv = "python3 -m venv .venv && .venv/bin/python -m pip install -q --upgrade pip && "
    pyproject = root / "pyproject.toml"
    if pyproject.is_file() and 'name = "sitegen"' in pyproject.read_text(encoding="utf-8"):
        return venv + ".venv/bin/python -m pip install -q -e ."
    for folder in (site, root):
        if (folder / "requirements.txt").is_file():
            rel = (folder / "requirements.txt").relative_to(root).as_posix()
            return venv + f".venv/bin/python -m pip install -q -r {shlex.quote(rel)}"
    return venv + f'.venv/bin/python -m pip install -q "sitegen=={__version__}"'


def publish_script(site: str, wait_when: str, force_when: str, after: str = "") -> str:
    """The shell of the publishing job, alike for both CIs: build and deploy only when
    `ci due` says so (or when run by hand). `ci due` on a line of its own, so that its
    failure fails the job (the CIs run scripts with `set -e`)."""
    s = shlex.quote(site)
    return (f"wait=0\n"
            f"if {wait_when}; then wait={WAIT}; fi\n"
            f"due=$(.venv/bin/sitegen ci due --site {s} --wait \"$wait\")\n"
            f"if [ \"$due\" = yes ] || {force_when}; then\n"
            f"  .venv/bin/sitegen build --site {s}\n"
            f"{'  ' + after + chr(10) if after else ''}"
            f"  .venv/bin/sitegen deploy --site {s}\n"
            f"fi\n")


def _indent(text: str, spaces: int) -> str:
    pad = " " * spaces
    return "".join(pad + line + "\n" if line else "\n" for line in text.splitlines())


def github(site: str, branch: str, install: str) -> str:
    cache = shlex.quote(f"{site}/.sitegen-cache") if site != "." else ".sitegen-cache"
    script = publish_script(site, '[ "$GITHUB_EVENT_NAME" = schedule ]',
                            '[ "$GITHUB_EVENT_NAME" = workflow_dispatch ]',
                            after='echo "built=yes" >> "$GITHUB_OUTPUT"  # the cache is saved')
    return f"""\
# Written by `sitegen ci init github` (sitegen {__version__}); docs/publishing.md explains it.
# Repository secrets (Settings > Secrets and variables > Actions): AWS_ACCESS_KEY_ID,
# AWS_SECRET_ACCESS_KEY, and SITEGEN_PREVIEW_SECRET if stories use `preview: true`.
name: sitegen

on:
  pull_request:
  push:
    branches: [{branch}]
  schedule:
    - cron: "*/5 * * * *"  # embargoes: `sitegen ci due` decides whether anything is due
  workflow_dispatch:  # "Run workflow" builds and deploys at once

permissions:
  contents: read

concurrency:
  group: sitegen-${{{{ github.ref }}}}
  cancel-in-progress: false

jobs:
  check:
    if: github.event_name == 'pull_request'
    runs-on: ubuntu-latest
    timeout-minutes: 30
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
      - name: Install sitegen
        run: {json.dumps(install)}
      - name: Check the content
        run: .venv/bin/sitegen check --strict --site {shlex.quote(site)}

  publish:
    if: github.event_name != 'pull_request' && github.ref == 'refs/heads/{branch}'
    runs-on: ubuntu-latest
    timeout-minutes: 60
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
      - name: Restore the build cache
        uses: actions/cache/restore@v4
        with:
          path: {cache}
          key: sitegen-cache-${{{{ github.run_id }}}}
          restore-keys: sitegen-cache-
      - name: Install sitegen
        run: {json.dumps(install)}
      - name: Build and deploy what is due
        id: publish
        env:
          AWS_ACCESS_KEY_ID: ${{{{ secrets.AWS_ACCESS_KEY_ID }}}}
          AWS_SECRET_ACCESS_KEY: ${{{{ secrets.AWS_SECRET_ACCESS_KEY }}}}
          SITEGEN_PREVIEW_SECRET: ${{{{ secrets.SITEGEN_PREVIEW_SECRET }}}}
        run: |
{_indent(script, 10)}\
      - name: Save the build cache
        if: always() && steps.publish.outputs.built == 'yes'
        uses: actions/cache/save@v4
        with:
          path: {cache}
          key: sitegen-cache-${{{{ github.run_id }}}}
"""


def gitlab(site: str, branch: str, install: str) -> str:
    cache = f"{site}/.sitegen-cache/" if site != "." else ".sitegen-cache/"
    script = publish_script(site, '[ "$CI_PIPELINE_SOURCE" = schedule ]',
                            '[ "$CI_PIPELINE_SOURCE" = web ]')
    return f"""\
# Written by `sitegen ci init gitlab` (sitegen {__version__}); docs/publishing.md explains it.
# CI/CD variables (Settings > CI/CD > Variables, masked and protected): AWS_ACCESS_KEY_ID,
# AWS_SECRET_ACCESS_KEY, and SITEGEN_PREVIEW_SECRET if stories use `preview: true`.
# A pipeline schedule (Build > Pipeline schedules) for {branch}: "*/5 * * * *".
workflow:
  rules:
    - if: $CI_PIPELINE_SOURCE == "merge_request_event"
    - if: $CI_COMMIT_BRANCH == "{branch}"

default:
  image: python:3.11-slim

stages: [check, publish]

check:
  stage: check
  rules:
    - if: $CI_PIPELINE_SOURCE == "merge_request_event"
  script:
    - {json.dumps(install)}
    - .venv/bin/sitegen check --strict --site {shlex.quote(site)}

publish:
  stage: publish
  rules:
    - if: $CI_COMMIT_BRANCH == "{branch}" && $CI_PIPELINE_SOURCE != "merge_request_event"
  resource_group: sitegen-publish  # one deploy at a time
  timeout: 60m
  cache:
    key: sitegen-cache
    paths:
      - {cache}
    when: always
  script:
    - {json.dumps(install)}
    - |
{_indent(script, 6)}"""


TARGETS = {"github": ".github/workflows/sitegen.yml", "gitlab": ".gitlab-ci.yml"}
ADVICE = {
    "github": "Next: add the repository secrets AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY "
              "(and SITEGEN_PREVIEW_SECRET if stories use preview: true), commit the file, "
              "and push. GitHub runs schedules on the default branch only, and may start "
              "them some minutes late; docs/publishing.md says what that means for "
              "embargoes.",
    "gitlab": "Next: add the CI/CD variables AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY "
              "(masked, protected; and SITEGEN_PREVIEW_SECRET if stories use preview: "
              "true), add a pipeline schedule \"*/5 * * * *\" for the main branch (Build > "
              "Pipeline schedules), commit the file, and push.",
}


def init(site: Path, provider: str, branch: str, install: str | None,
         force: bool) -> tuple[Path, str]:
    """Write the workflow; returns its path and what is left to do by hand."""
    root = repository_root(site)
    rel = site.resolve().relative_to(root).as_posix() or "."
    target = root / TARGETS[provider]
    if target.exists() and not force:
        raise CiError(f"{target} exists already; it is left as it is",
                      "compare it with what `sitegen ci init` writes (docs/publishing.md), "
                      "or replace it with --force")
    command = install or default_install(root, site.resolve())
    text = (github if provider == "github" else gitlab)(rel, branch, command)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise CiError(f"cannot write {target}: {exc}") from None
    return target, ADVICE[provider]

"""The workflows of `sitegen ci init github|gitlab`, parsed and run.

Each generated file is read as YAML, its triggers checked, and its shell steps run as
written (bash -e, as both CIs run them) in fresh clones of an editors' repository,
against the local SeaweedFS: a pull request's check; a merge's build and deploy; a
scheduled run, with the cache of the one before restored, that publishes a story whose
embargo lifted since; and one that finds nothing due and builds nothing. What the CI
itself provides is emulated: the checkout (a clone), the cache (the folder the workflow
names, copied from the previous run), the secrets (environment variables) and
sitegen's installation (`--install` links this .venv).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml
from conftest import minimal_files, write_files
from seaweed import PUBLIC_BUCKET, Store

from sitegen.cli import main

SECRET = re.compile(r"^\$\{\{ secrets\.(\w+) \}\}$")
STORY = "da/nyheder/loeftet-embargo/index.html"


@pytest.fixture(scope="session")
def store(seaweed: Store) -> Store:
    """The session's SeaweedFS (tests/seaweed.py)."""
    return seaweed


def git(*args: str, cwd: Path) -> None:
    subprocess.run(["git", "-c", "user.name=Redaktion", "-c", "user.email=r@example.org",
                    *args], cwd=cwd, check=True, capture_output=True)


def editors_repository(root: Path, store: Store, provider: str, lift: datetime) -> Path:
    """A site in a git repository, with a story under embargo until `lift`, and the
    workflow `sitegen ci init` writes for it."""
    local = lift.astimezone(ZoneInfo("Europe/Copenhagen"))
    files = {**minimal_files(), "content/da/2026/loeftet-embargo.md": f"""\
---
title: Løftet embargo
date: {(local - timedelta(days=1)):%Y-%m-%d %H:%M}
embargo: {local:%Y-%m-%d %H:%M}
authors: [kurt-bennetsen]
---
Nyheden må først ud, når embargoen løftes.
"""}
    files["site.toml"] += (f'\n[deploy]\nendpoint_url = "{store.endpoint}"\n'
                           f'bucket = "{PUBLIC_BUCKET}"\nprefix = "{provider}/"\n'
                           'addressing_style = "path"\n')
    write_files(root, files)
    (root / ".gitignore").write_text(".venv\n.sitegen-cache/\nbuild/\n")
    git("init", "-q", "-b", "main", cwd=root)
    assert main(["ci", "init", provider, "--site", str(root),
                 "--install", f"ln -s {sys.prefix} .venv"]) == 0
    git("add", "-A", cwd=root)
    git("commit", "-q", "-m", "The site", cwd=root)
    return root


def clone(origin: Path, into: Path, cache_from: Path | None, cache: str) -> Path:
    """A CI checkout; with the cache folder of an earlier run restored."""
    subprocess.run(["git", "clone", "-q", str(origin), str(into)], check=True)
    if cache_from is not None and (cache_from / cache).exists():
        shutil.copytree(cache_from / cache, into / cache, symlinks=True)
    return into


def job_steps(workflow: dict, provider: str, job: str) -> tuple[list[tuple[str, dict]], str]:
    """The shell steps of a job as (script, env), and the cache path it names."""
    if provider == "github":
        steps = workflow["jobs"][job]["steps"]
        caches = {s["with"]["path"] for s in steps if "cache" in s.get("uses", "")}
        assert len(caches) <= 1
        return [(s["run"], s.get("env", {})) for s in steps if "run" in s], \
            next(iter(caches), "")
    spec = workflow[job]
    cache = spec.get("cache", {}).get("paths", [""])[0].rstrip("/")
    return [("\n".join(spec["script"]), {})], cache


def run_job(clone_dir: Path, steps: list[tuple[str, dict]], env: dict[str, str],
            secrets: dict[str, str]) -> str:
    """Run each step with bash -e in the clone; returns what they printed."""
    printed = []
    for script, step_env in steps:
        assert "${{" not in script  # only the step's env may use the CI's expressions
        resolved = {}
        for name, value in step_env.items():
            match = SECRET.match(str(value))
            assert match, f"{name}: {value}"
            resolved[name] = secrets.get(match.group(1), "")
        done = subprocess.run(["bash", "-e", "-c", script], cwd=clone_dir,
                              env={**env, **resolved}, capture_output=True, text=True,
                              timeout=300)
        printed.append(done.stdout + done.stderr)
        assert done.returncode == 0, "\n".join(printed)
    return "\n".join(printed)


def base_env(tmp: Path, store: Store) -> dict[str, str]:
    env = {k: v for k, v in store.env.items()
           if not k.startswith(("AWS_ACCESS", "AWS_SECRET", "SITEGEN_"))}
    env["HOME"] = str(tmp)
    return env


@pytest.mark.parametrize("provider", ["github", "gitlab"])
def test_the_workflow_checks_publishes_and_lifts_embargoes(provider, store, tmp_path):
    lift = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(minutes=10)
    origin = editors_repository(tmp_path / "origin", store, provider, lift)
    name = ".github/workflows/sitegen.yml" if provider == "github" else ".gitlab-ci.yml"
    workflow = yaml.safe_load((origin / name).read_text(encoding="utf-8"))
    secrets = {"AWS_ACCESS_KEY_ID": store.env["AWS_ACCESS_KEY_ID"],
               "AWS_SECRET_ACCESS_KEY": store.env["AWS_SECRET_ACCESS_KEY"]}

    if provider == "github":
        triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
        assert set(triggers) == {"pull_request", "push", "schedule", "workflow_dispatch"}
        assert triggers["push"]["branches"] == ["main"]
        assert triggers["schedule"] == [{"cron": "*/5 * * * *"}]
        assert "pull_request" in workflow["jobs"]["check"]["if"]
        check_env = {"GITHUB_EVENT_NAME": "pull_request"}
        push_env = {"GITHUB_EVENT_NAME": "push", "GITHUB_REF": "refs/heads/main"}
        schedule_env = {"GITHUB_EVENT_NAME": "schedule", "GITHUB_REF": "refs/heads/main"}
    else:
        rules = [r["if"] for r in workflow["workflow"]["rules"]]
        assert any("merge_request_event" in r for r in rules)
        assert workflow["publish"]["resource_group"]
        secrets_env = dict(secrets)  # GitLab's CI/CD variables are plain environment
        check_env = {"CI_PIPELINE_SOURCE": "merge_request_event"}
        push_env = {"CI_PIPELINE_SOURCE": "push", "CI_COMMIT_BRANCH": "main", **secrets_env}
        schedule_env = {"CI_PIPELINE_SOURCE": "schedule", "CI_COMMIT_BRANCH": "main",
                        **secrets_env}
    env = base_env(tmp_path, store)
    check, _ = job_steps(workflow, provider, "check")
    publish, cache = job_steps(workflow, provider, "publish")
    assert cache == ".sitegen-cache"
    assert any("check --strict" in script for script, _ in check)

    # A pull request: the check passes.
    pull = clone(origin, tmp_path / "pull", None, cache)
    printed = run_job(pull, check, {**env, **check_env}, secrets)
    assert "0 error(s), 0 warning(s)" in printed

    # The merge, built as of before the lift (the embargo holds): published without it.
    output = tmp_path / "github-output"
    before = (lift - timedelta(hours=1)).isoformat()
    merge = clone(origin, tmp_path / "merge", None, cache)
    printed = run_job(merge, publish, {**env, **push_env, "GITHUB_OUTPUT": str(output),
                                       "SITEGEN_NOW": before}, secrets)
    assert "Deployed in" in printed
    objects = store.objects(PUBLIC_BUCKET, f"{provider}/")
    assert "da/index.html" in objects and STORY not in objects
    if provider == "github":
        assert output.read_text() == "built=yes\n"
        output.unlink()

    # The next scheduled run, on the cache of the merge's: the lift is due; published.
    scheduled = clone(origin, tmp_path / "scheduled", merge, cache)
    printed = run_job(scheduled, publish, {**env, **schedule_env,
                                           "GITHUB_OUTPUT": str(output)}, secrets)
    assert "the site changes at" in printed and "Deployed in" in printed
    status, _, body = store.fetch(f"/{PUBLIC_BUCKET}/{provider}/{STORY}")
    assert status == 200 and body == (scheduled / "build" / STORY).read_bytes()
    assert "Løftet embargo".encode() in body

    # And the one after: nothing is due, nothing is built.
    quiet = clone(origin, tmp_path / "quiet", scheduled, cache)
    snapshot = store.objects(PUBLIC_BUCKET, f"{provider}/")
    printed = run_job(quiet, publish, {**env, **schedule_env,
                                       "GITHUB_OUTPUT": str(tmp_path / "quiet-output")},
                      secrets)
    assert "nothing changed since the last deploy" in printed
    assert not (quiet / "build").exists()
    assert not (tmp_path / "quiet-output").exists()
    assert store.objects(PUBLIC_BUCKET, f"{provider}/") == snapshot


def test_init_refuses_to_overwrite_and_finds_the_repository(tmp_path, run_cli):
    site = write_files(tmp_path / "repo" / "site", minimal_files())
    git("init", "-q", cwd=tmp_path / "repo")
    code, out, err = run_cli("ci", "init", "gitlab", "--site", site)
    assert code == 0 and out.strip() == str(tmp_path / "repo" / ".gitlab-ci.yml")
    text = (tmp_path / "repo" / ".gitlab-ci.yml").read_text()
    assert "--site site" in text and "site/.sitegen-cache/" in text
    assert "pipeline schedule" in err
    code, _, err = run_cli("ci", "init", "gitlab", "--site", site)
    assert code == 1 and "exists already" in err and "--force" in err
    assert run_cli("ci", "init", "gitlab", "--site", site, "--force")[0] == 0
    code, _, err = run_cli("ci", "init", "jenkins", "--site", site)
    assert code == 2 and "invalid choice: 'jenkins'" in err


def test_the_default_installation_fits_the_repository(tmp_path):
    from sitegen.deploy.ci import default_install

    (tmp_path / "requirements.txt").write_text("sitegen\n")
    assert default_install(tmp_path, tmp_path).endswith("pip install -q -r requirements.txt")
    (tmp_path / "requirements.txt").unlink()
    assert 'pip install -q "sitegen==' in default_install(tmp_path, tmp_path)
    repo = Path(__file__).resolve().parent.parent
    assert default_install(repo, repo).endswith("pip install -q -e .")
    assert os.path.isfile(repo / "pyproject.toml")

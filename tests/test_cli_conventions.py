"""The command line follows the conventions editors meet elsewhere: a misspelt command
gets a suggestion, a wrong option the usage of its own command, a missing site a usage
error (2), a bug its own exit status (3) with what a bug report needs."""

from __future__ import annotations

import argparse
import re
import sys

import pytest
from conftest import NOW

from sitegen import __version__
from sitegen.cli_parser import make_parser


def commands() -> list[str]:
    for action in make_parser()._actions:
        if isinstance(action, argparse._SubParsersAction):
            return list(action.choices)
    return []


SITE_COMMANDS = ["build", "check", "serve", "status", "next-change", "new"]


def with_site(command: str, site: object) -> list[str]:
    """The command with --site and whatever else it needs to get as far as the site."""
    extra = {"new": ["da", "Ny artikel"], "serve": ["--port", "0"]}.get(command, [])
    return [command, "--site", str(site), *extra]


# commands and options


@pytest.mark.parametrize("word, meant", [("bild", "build"), ("chek", "check"),
                                         ("next", "next-change"), ("stauts", "status")])
def test_a_misspelt_command_is_named_with_the_one_meant(run_cli, word, meant):
    code, out, err = run_cli(word, "--site", ".")
    assert code == 2 and out == ""
    assert f"unknown command '{word}' (did you mean '{meant}'?)" in err
    for name in commands():
        assert name in err.split("the commands are:")[1]
    assert "Traceback" not in err


def test_an_unknown_command_far_from_any_lists_them_all(run_cli):
    code, _, err = run_cli("publish")
    assert code == 2
    assert "unknown command 'publish'\n" in err and "did you mean" not in err
    assert "the commands are: build, check, serve, new, status, next-change" in err


@pytest.mark.parametrize("command", commands())
def test_a_wrong_option_prints_the_usage_of_its_own_command(run_cli, command):
    code, out, err = run_cli(command, "--bogus")
    assert code == 2 and out == ""
    assert err.startswith(f"usage: sitegen {command} ")
    assert f"sitegen {command}: error: unrecognized argument: --bogus" in err


def test_a_misspelt_option_gets_a_suggestion(run_cli):
    code, _, err = run_cli("check", "--strikt")
    assert code == 2
    assert err.startswith("usage: sitegen check ")
    assert "unrecognized argument: --strikt (did you mean '--strict'?)" in err


def test_a_title_without_quotes_is_explained(run_cli, make_site):
    code, _, err = run_cli("new", "--site", make_site(), "da", "Ny", "direktør")
    assert code == 2
    assert err.startswith("usage: sitegen new ")
    assert 'put it in quotes, e.g. sitegen new da "Ny direktør"' in err


def test_version(run_cli):
    code, out, _ = run_cli("--version")
    assert (code, out) == (0, f"sitegen {__version__}\n")


def test_the_help_lists_the_exit_statuses(run_cli):
    _, out, _ = run_cli("--help")
    assert "3 a bug in sitegen" in " ".join(out.split())


# the site


@pytest.mark.parametrize("command", SITE_COMMANDS)
def test_a_site_folder_that_does_not_exist_is_a_usage_error(run_cli, tmp_path, command):
    missing = tmp_path / "nyheder"
    code, out, err = run_cli(*with_site(command, missing))
    assert code == 2, err
    assert out == ""
    assert err.startswith(f"sitegen {command}: there is no folder {missing}\n")
    assert f"hint: run sitegen in the site's folder (the one with site.toml), or point at " \
           f"it: sitegen {command} --site PATH/TO/SITE" in err
    assert "previous output" not in err and "Build failed" not in err
    assert not missing.exists()  # nothing made where nothing was


@pytest.mark.parametrize("command", SITE_COMMANDS)
def test_a_folder_without_site_toml_is_a_usage_error(run_cli, tmp_path, command):
    code, out, err = run_cli(*with_site(command, tmp_path))
    assert code == 2, err
    assert f"sitegen {command}: there is no site.toml in {tmp_path}, so it is not a " \
           "site's folder" in err
    assert "previous output" not in err
    assert list(tmp_path.iterdir()) == []


def test_the_current_folder_is_named_when_no_site_is_given(run_cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, _, err = run_cli("build")
    assert code == 2
    assert f"there is no site.toml in this folder ({tmp_path})" in err
    assert not (tmp_path / "build").exists()


def test_a_first_build_that_fails_does_not_mention_a_previous_output(make_site, run_cli):
    site = make_site({"content/da/2021/mission-possible.md": "---\ntitle: A\n---\nTekst.\n"})
    code, _, err = run_cli("build", "--site", site, "--now", NOW)
    assert code == 1
    assert err.rstrip().endswith("Build failed: 1 error(s). Nothing was written.")


def test_a_bad_sitegen_now_is_a_usage_error(make_site, run_cli, monkeypatch):
    monkeypatch.setenv("SITEGEN_NOW", "i morgen")
    code, _, err = run_cli("build", "--site", make_site())
    assert code == 2
    assert "sitegen build: SITEGEN_NOW: not a date and time: 'i morgen'" in err


# a bug


@pytest.fixture
def broken_build(monkeypatch):  # type: ignore[no-untyped-def]
    def fail(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the engine fell over")

    monkeypatch.setattr("sitegen.cli.build", fail)


def test_an_internal_error_exits_3_and_asks_for_a_bug_report(make_site, run_cli,
                                                             broken_build, monkeypatch):
    monkeypatch.delenv("SITEGEN_DEBUG", raising=False)
    code, out, err = run_cli("build", "--site", make_site(), "--now", NOW)
    assert code == 3
    assert out == ""
    assert err.startswith("sitegen: internal error: this is a bug in sitegen, not a "
                          "mistake in your content or command")
    assert "error: RuntimeError: the engine fell over" in err
    python = ".".join(map(str, sys.version_info[:3]))
    assert f"version: sitegen {__version__}, Python {python}" in err
    assert "SITEGEN_DEBUG=1" in err
    assert "Traceback" not in err


def test_sitegen_debug_shows_the_traceback(make_site, run_cli, broken_build, monkeypatch):
    monkeypatch.setenv("SITEGEN_DEBUG", "1")
    code, _, err = run_cli("build", "--site", make_site(), "--now", NOW)
    assert code == 3
    assert err.startswith("Traceback (most recent call last):")
    assert "RuntimeError: the engine fell over" in err
    assert f"sitegen {__version__}" in err


# serve --port 0


def test_port_0_is_accepted_and_the_help_and_the_error_agree(run_cli):
    assert make_parser().parse_args(["serve", "--port", "0"]).port == 0
    _, out, _ = run_cli("serve", "--help")
    out = " ".join(out.split())
    assert "1 to 65535" in out and "0 picks a free one" in out
    code, _, err = run_cli("serve", "--port", "65536")
    assert code == 2
    assert "a port is a number from 1 to 65535, or 0 for any free one; not 65536" in err


def test_serve_on_port_0_prints_the_port_it_chose(make_site, run_cli, monkeypatch):
    def stop_at_once(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("sitegen.serve.session._loop", stop_at_once)
    monkeypatch.setattr("sitegen.cli._stop_on_signals", lambda: None)
    monkeypatch.setenv("SITEGEN_NOW", NOW)
    code, out, err = run_cli("serve", "--site", make_site(), "--port", "0")
    assert code == 0, err
    port = re.search(r"^Serving .* at http://127\.0\.0\.1:(\d+)/ ", out, re.M)
    assert port and int(port.group(1)) > 0, out

"""A broken template is reported once, at its file and line, never as a traceback."""

from __future__ import annotations

from conftest import NOW

TAG = (
    '{% extends "base.html" %}\n'
    "{% block content %}\n"
    "<h1>{{ tag_name }}</h1>\n"
    "{{ BROKEN }}\n"
    "{% endblock %}\n"
)


def test_a_runtime_template_error_names_the_file_and_line_once(make_site, run_cli):
    site = make_site({"themes/default/templates/tag.html": TAG.replace("BROKEN",
                                                                        "no_such.name")})
    code, _, err = run_cli("check", "--site", site, "--now", NOW)
    assert code == 1
    assert "Traceback" not in err
    assert "themes/default/templates/tag.html:4: template error while making /" in err
    assert err.count("template error") == 1


def test_a_template_syntax_error_names_the_file_and_line(make_site, run_cli):
    site = make_site({"themes/default/templates/tag.html": TAG.replace("{{ BROKEN }}",
                                                                        "{% if %}")})
    out = site.parent / "out"
    code, _, err = run_cli("build", "--site", site, "--out", out, "--now", NOW)
    assert code == 1
    assert "internal error" not in err and "Traceback" not in err
    assert "themes/default/templates/tag.html:4:" in err
    assert not out.exists()

"""End-to-end: a small bilingual site builds with every page kind."""

from pathlib import Path


def test_minimal_site_builds(make_site, build_site):
    out: Path = build_site(make_site())
    assert (out / "index.html").is_file()
    assert (out / "da/nyheder/mission-possible/index.html").is_file()
    html = (out / "da/nyheder/mission-possible/index.html").read_text()
    assert 'href="/no/nyheter/mission/"' in html

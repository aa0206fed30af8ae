"""serve/server.py: the output folder over HTTP, live reload, the error page.

Each test runs a real server on 127.0.0.1 and a free port, in a thread, and talks to it
with http.client (which sends paths exactly as written, '..' included).
"""

from __future__ import annotations

import http.client
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from sitegen.cli import make_parser
from sitegen.errors import error, warning
from sitegen.serve.server import (
    BUILD_HEADER,
    EVENTS_PATH,
    MAX_CONNECTIONS,
    MAX_STREAMS,
    REQUEST_TIMEOUT,
    HostPolicy,
    LiveServer,
    LiveState,
    error_page,
    inject_reload,
    read_excerpt,
    resolve_request,
    same_origin,
    split_host,
)
from sitegen.serve.session import exposure_warning

PAGE = b"<!DOCTYPE html><html><body><h1>Mission Possible</h1></body></html>\n"


@pytest.fixture
def output(tmp_path: Path) -> Path:
    out = tmp_path / "out"
    files = {
        "index.html": PAGE,
        "404.html": b"<html><body>Siden findes ikke (root)</body></html>",
        "da/404.html": b"<html><body>Siden findes ikke</body></html>",
        "da/nyheder/mission-possible/index.html": PAGE,
        "theme/style.css": b"body { color: black }",
        "sitemap.xml": b"<?xml version='1.0'?><urlset></urlset>",
        "media/la.jpg": b"\xff\xd8\xff",
    }
    for rel, data in files.items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_bytes(data)
    (tmp_path / "secret.txt").write_text("outside the output")
    return out


def start_server(state: LiveState, **limits: float) -> Iterator[LiveServer]:
    server = LiveServer(("127.0.0.1", 0), state, **limits)  # type: ignore[arg-type]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.stop()
        thread.join(timeout=10)


running = contextmanager(start_server)  # `with running(state, **limits) as server:`


@pytest.fixture
def live(output: Path) -> Iterator[LiveServer]:
    yield from start_server(LiveState(output))


@pytest.fixture
def live_site(output: Path, make_site) -> Iterator[LiveServer]:  # type: ignore[no-untyped-def]
    """A server that knows its site folder (the minimal site): its languages, its files."""
    yield from start_server(LiveState(output, make_site()))


def get(server: LiveServer, path: str, method: str = "GET",
        headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """One request; `headers` may forge Host (http.client then sends only that one)."""
    host, port = server.server_address[:2]
    conn = http.client.HTTPConnection(str(host), port, timeout=10)
    try:
        conn.request(method, path, headers=headers or {})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


# serving files


def test_pages_are_served_with_the_reload_script_added(live, output):
    status, headers, body = get(live, "/da/nyheder/mission-possible/")
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert headers["Cache-Control"] == "no-store"
    assert b"<h1>Mission Possible</h1>" in body
    assert body.index(EVENTS_PATH.encode()) < body.index(b"</body>")
    assert int(headers["Content-Length"]) == len(body)
    # the transform happens on the way out: the file itself is as the build wrote it
    assert (output / "da/nyheder/mission-possible/index.html").read_bytes() == PAGE


def test_other_files_are_served_as_they_are(live):
    for path, ctype, data in [("/theme/style.css", "text/css", b"body { color: black }"),
                              ("/media/la.jpg", "image/jpeg", b"\xff\xd8\xff")]:
        status, headers, body = get(live, path)
        assert status == 200
        assert headers["Content-Type"].startswith(ctype)
        assert body == data
    status, headers, body = get(live, "/sitemap.xml")
    assert status == 200 and b"sitegen" not in body


def test_a_folder_without_slash_redirects(live):
    status, headers, _ = get(live, "/da/nyheder/mission-possible")
    assert status == 301
    assert headers["Location"] == "/da/nyheder/mission-possible/"


def test_head_sends_no_body(live):
    status, headers, body = get(live, "/", method="HEAD")
    assert status == 200 and body == b"" and int(headers["Content-Length"]) > 0


def test_a_missing_page_gets_the_built_404_page(live):
    status, _, body = get(live, "/da/nyheder/findes-ikke/")
    assert status == 404
    assert b"Siden findes ikke</body>" not in body  # the script is added before </body>
    assert b"Siden findes ikke" in body and EVENTS_PATH.encode() in body
    status, _, body = get(live, "/no/finnes-ikke/")
    assert status == 404 and b"(root)" in body


# only the output folder


@pytest.mark.parametrize("path", [
    "/../secret.txt", "/da/../../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt",
    "/da/%2E%2E/%2E%2E/secret.txt", "/..\\secret.txt", "/%00", "/..",
])
def test_nothing_outside_the_output_folder_is_served(live, path):
    status, _, body = get(live, path)
    assert status in (403, 404)
    assert b"outside the output" not in body


def test_a_symbolic_link_out_of_the_output_is_refused(live, output):
    os.symlink(output.parent / "secret.txt", output / "link.txt")
    os.symlink(output.parent, output / "up")
    for path in ("/link.txt", "/up/secret.txt"):
        status, _, body = get(live, path)
        assert status == 403
        assert b"outside the output" not in body


def test_resolve_request_is_confined_to_the_root(output):
    assert resolve_request(output, "/").path == output.resolve() / "index.html"
    assert resolve_request(output, "/da").kind == "redirect"
    assert resolve_request(output, "/da/nyheder/x/").kind == "missing"
    for bad in ("/../x", "relative", "/a/../../x", "/%2e%2e/x", "/a\\b", "/a%00b"):
        assert resolve_request(output, bad).kind == "refused", bad


# the reload script


def test_the_script_goes_before_the_last_body_end_tag():
    document = b"<body><pre>&lt;/body&gt;</pre></BODY >\n"
    result = inject_reload(document, "g-1")
    assert result.endswith(b"</BODY >\n")
    assert b'"g-1"' in result
    assert inject_reload(b"<p>fragment", "g-1").startswith(b"<p>fragment<script>")


def test_the_events_stream_announces_each_build(live):
    state: LiveState = live.state
    host, port = live.server_address[:2]
    conn = http.client.HTTPConnection(str(host), port, timeout=10)
    try:
        conn.request("GET", EVENTS_PATH)
        response = conn.getresponse()
        assert response.status == 200
        assert response.getheader("Content-Type").startswith("text/event-stream")

        def next_generation() -> str:
            while True:
                line = response.fp.readline().decode()
                if line.startswith("data: "):
                    return line.removeprefix("data: ").strip()

        first = next_generation()
        assert first == state.generation
        state.begin_build()
        state.finish_build()
        second = next_generation()
        assert second != first and second == state.generation
        state.finish_build([error("content/da/a.md", 2, "broken")])
        assert next_generation() not in (first, second)
    finally:
        conn.close()


def test_a_page_carries_the_generation_it_was_served_at(live):
    _, _, body = get(live, "/")
    assert f'"{live.state.generation}"'.encode() in body


# the error page


def test_while_the_build_fails_every_page_shows_the_errors(live):
    live.state.finish_build([
        error("content/da/2021/a.md", 3, "the front matter is not valid YAML: <oops>",
              "check the quotes"),
        warning("content/da/2021/b.md", 5, "unknown front-matter key 'autors'"),
    ])
    for path in ("/", "/da/nyheder/mission-possible/", "/da/nyheder/findes-ikke/"):
        status, headers, body = get(live, path)
        assert status == 200 and headers[BUILD_HEADER] == "failed"
        assert headers["Cache-Control"] == "no-store"
        text = body.decode()
        assert '<code>content/da/2021/a.md:3</code>: <span lang="en">the front matter is ' \
               'not valid YAML: &lt;oops&gt;</span>' in text
        assert 'hint: <span lang="en">check the quotes</span>' in text
        assert "<oops>" not in text
        assert EVENTS_PATH in text  # it reloads itself when the file is fixed
    status, _, body = get(live, "/theme/style.css")  # the rest of the last good site stays
    assert status == 200 and body == b"body { color: black }"

    live.state.finish_build([])
    status, headers, body = get(live, "/da/nyheder/mission-possible/")
    assert status == 200 and b"Mission Possible" in body and BUILD_HEADER not in headers


def test_the_error_page_lists_each_problem_in_order():
    page = error_page([error("b.md", 2, "second"), error("a.md", None, "first")]).decode()
    assert page.index("<code>a.md</code>") < page.index("<code>b.md:2</code>")
    assert page.index(">first<") < page.index(">second<")
    assert "The site could not be built: 2 errors" in page and '<html lang="en">' in page
    one = error_page([error("a.md", None, "first")]).decode()
    assert "The site could not be built: 1 error</h1>" in one


BROKEN = """\
---
title: Mission Possible
date: den første <script>alert(1)</script>
authors: [kurt-bennetsen]
contacts: [kurt-bennetsen]
clusters: [green-hub-denmark]
---
"""


def test_the_error_page_speaks_the_sites_language_and_shows_the_lines(live_site):
    """Danish, the site's default language, and Norwegian under /no/; the lines around
    each problem's line, numbered, escaped, the line itself marked."""
    site = live_site.state.site_root
    (site / "content/da/2021/mission-possible.md").write_text(BROKEN, "utf-8")
    problem = error("content/da/2021/mission-possible.md", 3,
                    "'date: den første' is not a valid date", "write it as 2021-11-01")
    live_site.state.finish_build([problem])
    status, headers, body = get(live_site, "/da/nyheder/mission-possible/")
    text = body.decode()
    assert status == 200 and headers[BUILD_HEADER] == "failed"
    assert '<html lang="da">' in text
    assert "<h1>Sitet kunne ikke bygges: 1 fejl</h1>" in text
    assert "Ret filen, og gem den" in text
    assert 'tip: <span lang="en">write it as 2021-11-01</span>' in text
    excerpt = text[text.index('<pre class="excerpt">'):text.index("</pre>")]
    assert "  1 | ---" in excerpt and "  5 | contacts: [kurt-bennetsen]" in excerpt
    assert "<mark>&gt; 3 | date: den første &lt;script&gt;alert(1)&lt;/script&gt;</mark>" \
        in excerpt
    assert "  6 |" not in excerpt and "<script>alert" not in text
    assert EVENTS_PATH in text  # the live reload is kept

    for path in ("/no/nyheter/mission/", "/no/"):
        _, _, body = get(live_site, path)
        norwegian = body.decode()
        assert '<html lang="nb">' in norwegian
        assert "Nettstedet kunne ikke bygges: 1 feil" in norwegian
        assert "<mark>&gt; 3 | date: den første" in norwegian
    _, _, body = get(live_site, "/")
    assert '<html lang="da">' in body.decode()


def test_the_error_page_follows_default_language_and_survives_a_broken_site_toml(
        live_site):
    site = live_site.state.site_root
    config = site / "site.toml"
    good = config.read_text("utf-8")
    config.write_text(good.replace('default_language = "da"', 'default_language = "no"'),
                      "utf-8")
    live_site.state.finish_build([error("content/da/2021/a.md", None, "broken")])
    assert '<html lang="nb">' in get(live_site, "/")[2].decode()
    # site.toml itself broken: the language last read stays, and its lines are shown
    config.write_text(good.replace('title = "Nyheder"', "title = Nyheder"), "utf-8")
    live_site.state.finish_build([error("site.toml", 7, "site.toml is not valid TOML")])
    text = get(live_site, "/")[2].decode()
    assert '<html lang="nb">' in text and "<mark>&gt; 7 | title = Nyheder</mark>" in text


def test_without_a_known_language_the_error_page_is_english(tmp_path: Path):
    state = LiveState(tmp_path, tmp_path)  # a folder without site.toml
    state.finish_build([error("site.toml", None, "site.toml not found")])
    page = error_page(state.problems, state.text_language("/da/"), state.excerpts).decode()
    assert '<html lang="en">' in page and "could not be built: 1 error" in page
    assert error_page(state.problems, "nn").decode().count('<html lang="nb">') == 1


def test_an_excerpt_only_from_a_text_file_inside_the_site(tmp_path: Path):
    site = tmp_path / "site"
    (site / "content/da").mkdir(parents=True)
    (tmp_path / "secret.txt").write_text("one\ntwo\nthree\n")
    (site / "content/da/a.md").write_text("---\r\ntitle: A\r\n\tdate: x\r\n---\r\n")
    (site / "content/da/bin.md").write_bytes(b"\x89PNG\x00\x00\n\n")
    excerpt = read_excerpt(site, error("content/da/a.md", 3, "bad"))
    assert excerpt is not None
    assert (excerpt.first, excerpt.line) == (1, 3)
    assert excerpt.lines == ("---", "title: A", "    date: x", "---", "")
    for path, line in [("../secret.txt", 2), (str(tmp_path / "secret.txt"), 2),
                       ("content/da/a.md", None), ("content/da/a.md", 99),
                       ("content/da/bin.md", 1), ("content/da/none.md", 1), ("", 1)]:
        assert read_excerpt(site, error(path, line, "x")) is None, (path, line)


# only for pages of the preview itself: Host and Origin (DNS rebinding)


def port_of(server: LiveServer) -> int:
    return int(server.server_address[1])


def raw(server: LiveServer, request: bytes) -> bytes:
    """Send bytes as they are; return everything the server answers until it closes."""
    import socket

    with socket.create_connection(("127.0.0.1", port_of(server)), timeout=10) as sock:
        sock.sendall(request)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return answer


@pytest.mark.parametrize("host", [
    "evil.attacker.example", "evil.attacker.example:{port}", "localhost.attacker.example",
    "127.0.0.1.nip.io:{port}", "rebind.localhost:{port}", "127.0.0.2", "[::2]:{port}",
    "", "localhost:port", "[::1",
])
def test_a_request_under_another_host_name_is_refused(live, host):
    """A DNS-rebinding page asks under its own name: neither a draft nor the reload
    stream is answered, only a short plain explanation."""
    forged = host.format(port=port_of(live))
    for path in ("/da/nyheder/mission-possible/", EVENTS_PATH, "/media/la.jpg"):
        status, headers, body = get(live, path, headers={"Host": forged})
        assert status == 421, (forged, path)
        assert headers["Content-Type"] == "text/plain; charset=utf-8"
        assert b"Misdirected Request" in body and b"localhost, 127.0.0.1, [::1]" in body
        assert b"Mission Possible" not in body and b"\xff\xd8" not in body
    assert get(live, "/", method="HEAD", headers={"Host": forged})[2] == b""


@pytest.mark.parametrize("host", [
    "localhost", "localhost:{port}", "127.0.0.1", "127.0.0.1:{port}", "[::1]:{port}",
    "[::1]", "LocalHost:{port}", "localhost.:{port}", "localhost:9000",
])
def test_the_names_it_listens_on_are_answered_with_or_without_the_port(live, host):
    # any port: an ssh tunnel or a port forward may put the preview on another one
    status, _, body = get(live, "/", headers={"Host": host.format(port=port_of(live))})
    assert status == 200 and b"Mission Possible" in body


def test_a_request_without_one_host_or_with_another_in_its_target_is_refused(live):
    assert raw(live, b"GET / HTTP/1.1\r\n\r\n").startswith(b"HTTP/1.0 400 ")
    twice = b"GET / HTTP/1.1\r\nHost: localhost\r\nHost: evil.example\r\n\r\n"
    assert raw(live, twice).startswith(b"HTTP/1.0 400 ")
    absolute = b"GET http://evil.example/ HTTP/1.1\r\nHost: localhost\r\n\r\n"
    assert raw(live, absolute).startswith(b"HTTP/1.0 421 ")
    answer = raw(live, b"GET //evil.example/ HTTP/1.1\r\nHost: localhost\r\n\r\n")
    assert answer.startswith(b"HTTP/1.0 404 ")  # a path, not a host: no such page


def test_the_host_names_follow_the_address_it_listens_on():
    loopback = HostPolicy.listening_on("127.0.0.1")
    assert loopback.allows("localhost:8000") and loopback.allows("[::1]:8000")
    assert not loopback.allows("192.168.1.20:8000") and not loopback.allows(None)
    named = HostPolicy.listening_on("mylaptop.local")
    assert named.allows("MyLaptop.local:8000") and not named.allows("evil.example")
    lan = HostPolicy.listening_on("192.168.1.20")
    assert lan.allows("192.168.1.20:8000") and not lan.allows("192.168.1.21:8000")
    everywhere = HostPolicy.listening_on("0.0.0.0")  # a phone opens the computer's address
    assert everywhere.allows("192.168.1.20:8000") and everywhere.allows("[fe80::1]:8000")
    assert not everywhere.allows("evil.attacker.example:8000")
    assert not everywhere.allows("192.168.1.20.nip.io")
    assert split_host("[::1]:8000") == ("::1", 8000) and split_host("a:b:c") is None
    assert split_host("localhost:123456") is None and split_host(":80") is None


def test_only_the_previews_own_origin_is_same_origin():
    assert same_origin("http://localhost:8000", "localhost:8000")
    assert same_origin("http://LOCALHOST", "localhost:80")
    assert same_origin("http://[::1]:8000", "[::1]:8000")
    for origin in ("http://localhost:8001", "http://127.0.0.1:8000", "https://localhost:8000",
                   "null", "http://evil.example", "", "http://localhost:8000/x",
                   "http://localhost:99999"):
        assert not same_origin(origin, "localhost:8000"), origin


def test_a_page_of_another_origin_may_not_open_the_reload_stream_or_read_a_page(live):
    port = port_of(live)
    for origin in ("http://evil.attacker.example", f"http://127.0.0.1:{port + 1}",
                   f"http://localhost:{port}", "null"):
        for path in (EVENTS_PATH, "/da/nyheder/mission-possible/"):
            status, headers, body = get(live, path, headers={
                "Host": f"127.0.0.1:{port}", "Origin": origin})
            assert status == 403, (origin, path)
            assert b"another site" in body and b"Mission Possible" not in body
            assert "Access-Control-Allow-Origin" not in headers
    # the preview's own pages open it: the same origin, as the request reached it
    host, port = live.server_address[:2]
    conn = http.client.HTTPConnection(str(host), port, timeout=10)
    try:
        conn.request("GET", EVENTS_PATH, headers={"Origin": f"http://127.0.0.1:{port}"})
        response = conn.getresponse()
        assert response.status == 200
        assert response.fp.readline().startswith(b"retry: ")
    finally:
        conn.close()


# limits: what a long address, a slow client or many of them get


def test_the_server_header_does_not_name_python(live):
    status, headers, _ = get(live, "/")
    assert status == 200 and headers["Server"] == "sitegen"
    for answer in (raw(live, b"POST / HTTP/1.1\r\nHost: localhost\r\n\r\n"),  # http.server's
                   raw(live, b"GET / HTTP/1.1\r\nHost: evil.example\r\n\r\n")):
        head = answer.split(b"\r\n\r\n", 1)[0]
        assert b"\r\nServer: sitegen\r\n" in head and b"Python" not in answer


def test_a_very_long_address_is_answered_not_dropped(live, capsys):
    status, _, body = get(live, "/" + "a" * 8192)
    assert status == 414 and b"URI Too Long" in body
    status, _, body = get(live, "/da/" + "x" * 300 + "/")  # longer than a file name can be
    assert status == 404 and b"Siden findes ikke" in body  # the language's 404 page
    status, _, body = get(live, "/" + "x" * 300 + "/index.html")
    assert status == 404 and b"(root)" in body
    status, _, _ = get(live, "/" + "%41" * 1000)
    assert status == 404
    assert raw(live, b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\nHost: localhost\r\n\r\n") \
        .startswith(b"HTTP/1.0 414 ")  # http.server's own limit, also answered
    assert "Traceback" not in capsys.readouterr().err


def test_a_silent_connection_is_closed_after_the_timeout(output):
    import socket

    assert 1 <= REQUEST_TIMEOUT <= 60
    with running(LiveState(output), request_timeout=0.3) as server:
        with socket.create_connection(("127.0.0.1", port_of(server)), timeout=30) as sock:
            sock.sendall(b"GET / HTTP/1.1\r\n")  # and never the rest
            assert sock.recv(1024) == b""  # the server hung up (generous client timeout)
        assert get(server, "/")[0] == 200


def test_connections_beyond_the_bound_get_no_thread_and_a_503(output):
    """The bound, small here: three connections held silent, and seven more: those wait
    in the accept loop, without a thread each, and are refused; once the first three
    go, the preview answers again."""
    import socket

    assert MAX_STREAMS < MAX_CONNECTIONS <= 128
    with running(LiveState(output), max_connections=3, queue_seconds=0.1) as server:
        before = threading.active_count()
        held = [socket.create_connection(("127.0.0.1", port_of(server)), timeout=30)
                for _ in range(3)]
        poll(lambda: server.connections == 3, what="three connections handled")
        extra = [socket.create_connection(("127.0.0.1", port_of(server)), timeout=30)
                 for _ in range(7)]
        try:
            for sock in extra:
                answer = sock.recv(4096)
                assert answer.startswith(b"HTTP/1.0 503 Service Unavailable\r\n"), answer
                assert b"Server: sitegen" in answer and b"busy" in answer
            assert threading.active_count() - before <= 3
            assert server.connections == 3
        finally:
            for sock in held + extra:
                sock.close()
        poll(lambda: server.connections == 0, what="the held connections to end")
        assert get(server, "/")[0] == 200


def test_a_connection_waits_for_a_free_thread_when_one_comes(output):
    import socket

    with running(LiveState(output), max_connections=1, queue_seconds=30) as server:
        held = socket.create_connection(("127.0.0.1", port_of(server)), timeout=30)
        poll(lambda: server.connections == 1, what="the connection handled")
        answers: list[int] = []
        waiting = threading.Thread(target=lambda: answers.append(get(server, "/")[0]))
        waiting.start()
        held.close()  # its thread ends; the waiting request gets it
        waiting.join(timeout=30)
        assert answers == [200]


def read_generation(response: http.client.HTTPResponse) -> str:
    while True:
        line = response.fp.readline().decode()
        assert line, "the stream ended"
        if line.startswith("data: "):
            return line.removeprefix("data: ").strip()


def test_a_few_tabs_keep_their_reload_streams_and_more_poll(output):
    """Eight tabs' streams stay open while pages are served; with room for two streams
    only, a third tab gets the generation and a slower retry, and its stream ends."""
    with running(LiveState(output)) as server:
        host, port = server.server_address[:2]
        tabs = [http.client.HTTPConnection(str(host), port, timeout=10) for _ in range(8)]
        try:
            responses = []
            for tab in tabs:
                tab.request("GET", EVENTS_PATH)
                responses.append(tab.getresponse())
            first = [read_generation(r) for r in responses]
            for _ in range(20):
                assert get(server, "/da/nyheder/mission-possible/")[0] == 200
            server.state.finish_build()
            assert {read_generation(r) for r in responses} == {server.state.generation}
            assert server.state.generation not in first
        finally:
            for tab in tabs:
                tab.close()
    with running(LiveState(output), max_streams=2) as server:
        host, port = server.server_address[:2]
        tabs = [http.client.HTTPConnection(str(host), port, timeout=10) for _ in range(3)]
        try:
            responses = []
            for tab in tabs:
                tab.request("GET", EVENTS_PATH)
                responses.append(tab.getresponse())
            assert [read_generation(r) for r in responses[:2]] == [server.state.generation] * 2
            polled = responses[2].read().decode()  # ends: the stream is not held open
            assert polled.startswith("retry: 5000\n")
            assert f"data: {server.state.generation}\n" in polled
        finally:
            for tab in tabs:
                tab.close()


def test_a_large_file_is_sent_in_pieces_not_read_whole(live, output):
    import tracemalloc

    size = 48 * 1024 * 1024
    with (output / "media/video.mp4").open("wb") as sparse:
        sparse.truncate(size)  # no disk used: the file system keeps it as a hole
    host, port = live.server_address[:2]
    conn = http.client.HTTPConnection(str(host), port, timeout=30)
    tracemalloc.start()
    try:
        conn.request("GET", "/media/video.mp4")
        response = conn.getresponse()
        assert response.status == 200 and int(response.getheader("Content-Length")) == size
        received = 0
        while chunk := response.read(1024 * 1024):
            received += len(chunk)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        conn.close()
    assert received == size
    assert peak < 12 * 1024 * 1024, f"{peak} bytes at the peak"
    status, headers, body = get(live, "/media/video.mp4", method="HEAD")
    assert status == 200 and int(headers["Content-Length"]) == size and body == b""


# the command line


def test_serve_listens_on_this_computer_only_unless_told():
    args = make_parser().parse_args(["serve"])
    assert (args.host, args.port, args.no_drafts) == ("127.0.0.1", 8000, False)


def test_a_busy_port_is_a_clear_error(run_cli, make_site):
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code, _, err = run_cli("serve", "--site", make_site(), "--port", str(port))
    assert code == 2
    assert f"cannot listen on 127.0.0.1:{port}" in err
    assert "Traceback" not in err


def test_a_preview_open_to_the_network_is_a_warning():
    assert exposure_warning("127.0.0.1", "127.0.0.1", True) is None
    assert exposure_warning("localhost", "127.0.0.1", True) is None
    assert exposure_warning("::1", "::1", True) is None
    everywhere = exposure_warning("0.0.0.0", "0.0.0.0", True)
    assert everywhere and everywhere.startswith("warning: --host 0.0.0.0: ")
    assert "every network" in everywhere and "drafts and embargoed stories" in everywhere
    lan = exposure_warning("mylaptop.local", "192.168.1.20", True)
    assert lan and "at 192.168.1.20" in lan and "drafts" in lan
    published = exposure_warning("::", "::", False)
    assert published and "--no-drafts" in published and "drafts and" not in published


def test_serve_on_every_address_warns_at_once(run_cli, make_site, monkeypatch):
    """--host 0.0.0.0 as typed; the test's server itself listens on 127.0.0.1 only."""
    import sitegen.serve.session as session_module

    def loopback_only(address, *args, **kwargs):  # type: ignore[no-untyped-def]
        return LiveServer(("127.0.0.1", address[1]), *args, **kwargs)

    def stop_at_once(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(session_module, "LiveServer", loopback_only)
    monkeypatch.setattr(session_module, "_loop", stop_at_once)
    monkeypatch.setattr("sitegen.cli._stop_on_signals", lambda: None)
    site = make_site()
    code, _, err = run_cli("serve", "--site", site, "--host", "0.0.0.0", "--port", "0",
                           "--quiet")
    assert code == 0
    assert "warning: --host 0.0.0.0: the preview is open on every network" in err
    assert "drafts and embargoed stories" in err
    code, _, err = run_cli("serve", "--site", site, "--port", "0")
    assert code == 0 and "warning" not in err


def test_serve_needs_a_site(run_cli, tmp_path):
    code, _, err = run_cli("serve", "--site", tmp_path, "--port", "0")
    assert code == 2  # a usage error, as for every command (tests/test_cli_conventions.py)
    assert f"sitegen serve: there is no site.toml in {tmp_path}" in err


# the session: watcher, Builder and server together, in-process


def poll(predicate, timeout: float = 30.0, what: str = "condition"):  # type: ignore[no-untyped-def]
    """Call predicate until it returns something truthy; fail after a generous timeout."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.05)


@pytest.fixture
def session(make_site):  # type: ignore[no-untyped-def]
    """Run sitegen.serve.serve in a thread: yields a function that starts it on a site
    and returns (base URL, outcomes); stopped through its stop event."""
    from conftest import FIXED_NOW

    from sitegen.serve import ServeOptions, serve

    running = []

    def start(site: Path, preview: bool = True):  # type: ignore[no-untyped-def]
        stop = threading.Event()
        ready: list[str] = []
        outcomes: list = []
        options = ServeOptions(site, "127.0.0.1", 0, preview=preview)
        thread = threading.Thread(target=serve, args=(options, lambda: FIXED_NOW,
                                                      ready.append, outcomes.append),
                                  kwargs={"stop": stop}, daemon=True)
        thread.start()
        running.append((stop, thread))
        url = poll(lambda: ready and ready[0], what="the server to start")
        return url, outcomes

    yield start
    for stop, thread in running:
        stop.set()
        thread.join(timeout=20)
        assert not thread.is_alive()


def fetch(url: str) -> tuple[int, str]:
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, exc.read().decode("utf-8")


def test_a_save_rebuilds_and_a_broken_file_is_shown_until_fixed(make_site, session):
    site = make_site()
    url, outcomes = session(site)
    article = url + "da/nyheder/mission-possible/"
    assert "Tyve virksomheder" in fetch(article)[1]
    source = site / "content/da/2021/mission-possible.md"
    text = source.read_text("utf-8")

    source.write_text(text.replace("Tyve", "Tredive"), "utf-8")
    poll(lambda: "Tredive virksomheder" in fetch(article)[1], what="the edit")
    assert outcomes[-1].changes[0].path == "content/da/2021/mission-possible.md"

    source.write_text(text.replace("date: 2021-11-01 09:00", "date: den første"), "utf-8")
    body = poll(lambda: "sitegen-build-failed" in (r := fetch(article)[1]) and r,
                what="the error page")
    assert "content/da/2021/mission-possible.md:3" in body
    assert "Sitet kunne ikke bygges: 1 fejl" in body  # the site's language
    assert "<mark>&gt; 3 | date: den første</mark>" in body  # the line the build saw
    assert outcomes[-1].failed

    source.write_text(text, "utf-8")
    poll(lambda: "Tyve virksomheder" in fetch(article)[1], what="the article to come back")
    assert not (site / "build").exists()


def test_changes_to_site_toml_and_people_rebuild_too(make_site, session):
    site = make_site()
    url, _ = session(site)
    config = site / "site.toml"
    config.write_text(config.read_text("utf-8").replace('title = "Nyheder"',
                                                        'title = "Nyheder fra Nord"'), "utf-8")
    poll(lambda: "Nyheder fra Nord" in fetch(url + "da/")[1], what="the new site title")
    person = site / "content/people/kurt-bennetsen.md"
    person.write_text(person.read_text("utf-8").replace("Kurt Bennetsen", "Kurt B. Bennetsen"),
                      "utf-8")
    poll(lambda: "Kurt B. Bennetsen" in fetch(url + "da/nyheder/mission-possible/")[1],
         what="the person's new name on the article")


def test_editor_temp_files_do_not_rebuild(make_site, session):
    site = make_site()
    url, outcomes = session(site)
    builds = len(outcomes)
    (site / "content/da/2021/.mission-possible.md.swp").write_bytes(b"\x00vim swap")
    (site / "content/da/2021/4913").write_text("")
    (site / "content/da/2021/mission-possible.md~").write_text("backup")
    # a real save afterwards is the marker that every earlier event has been seen
    (site / "content/da/2021/ny.md").write_text("---\ntitle: Ny\ndate: 2021-12-01\n---\nNy.\n")
    poll(lambda: fetch(url + "da/nyheder/ny/")[0] == 200, what="the new article")
    assert all(c.path == "content/da/2021/ny.md" for o in outcomes[builds:] for c in o.changes)


def test_no_drafts_previews_exactly_what_build_publishes(make_site, session, build_site):
    site = make_site({
        "content/da/2021/kladde.md": "---\ntitle: K\ndate: 2021-12-01\ndraft: true\n---\nK.\n",
        "content/da/2099/senere.md": "---\ntitle: S\ndate: 2099-01-01\n---\nS.\n"})
    url, _ = session(site, preview=False)
    assert fetch(url + "da/nyheder/kladde/")[0] == 404
    assert fetch(url + "da/nyheder/senere/")[0] == 404
    built = build_site(site)
    preview = site / ".sitegen-cache/serve/published"

    def files(folder: Path) -> dict[str, bytes]:
        return {p.relative_to(folder).as_posix(): p.read_bytes()
                for p in folder.rglob("*") if p.is_file()}

    assert files(preview) == files(built)
    assert not any(b"__sitegen" in data for data in files(built).values())


def test_a_bug_during_a_build_becomes_an_error_page_not_a_crash(tmp_path):
    from sitegen.serve.session import Session

    class Broken:
        def build(self, now):  # type: ignore[no-untyped-def]
            raise RuntimeError("boom")

    state = LiveState(tmp_path)
    outcomes: list = []
    from conftest import FIXED_NOW

    outcome = Session(Broken(), state, lambda: FIXED_NOW, outcomes.append).rebuild()
    assert outcome.failed and outcomes == [outcome]
    assert "internal error in sitegen: RuntimeError: boom" in state.problems[0].message


def test_a_site_broken_at_start_is_served_as_the_error_page(make_site, session):
    site = make_site({"content/da/2021/mission-possible.md": "---\ntitle: [A\n---\n"})
    url, outcomes = session(site)
    assert outcomes[0].failed
    status, body = fetch(url + "da/nyheder/mission-possible/")
    assert status == 200 and "content/da/2021/mission-possible.md:2" in body
    assert "sitegen-build-failed" in body and '<html lang="da">' in body
    from conftest import ARTICLE_DA

    (site / "content/da/2021/mission-possible.md").write_text(ARTICLE_DA, "utf-8")
    poll(lambda: "Tyve virksomheder" in fetch(url + "da/nyheder/mission-possible/")[1],
         what="the fix")


def test_a_deleted_article_is_gone_from_the_preview(make_site, session):
    site = make_site({"content/da/2021/ekstra.md": "---\ntitle: Ekstra\ndate: 2021-12-01\n"
                                                   "---\nEkstra.\n"})
    url, _ = session(site)
    assert fetch(url + "da/nyheder/ekstra/")[0] == 200
    (site / "content/da/2021/ekstra.md").unlink()
    poll(lambda: fetch(url + "da/nyheder/ekstra/")[0] == 404, what="the page to go")


def test_stopping_a_server_that_rendered_on_several_cores_is_quiet(make_site):
    """Forked render workers inherit serve's SIGTERM handler; they must end silently."""
    import signal
    import subprocess
    import sys

    from conftest import NOW, REPO

    articles = {f"content/da/2021/nyhed-{i:03d}.md":
                f"---\ntitle: Nyhed {i}\ndate: 2021-10-{1 + i % 28:02d}\ntags: [t{i}]\n---\n"
                f"Tekst {i}.\n" for i in range(150)}
    site = make_site(articles)
    process = subprocess.Popen(
        [sys.executable, "-m", "sitegen", "serve", "--site", str(site), "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**__import__("os").environ, "PYTHONPATH": str(REPO), "SITEGEN_NOW": NOW})
    try:
        assert process.stdout is not None
        for line in process.stdout:
            if "Serving" in line:
                break
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate(timeout=10)
    assert process.returncode == 0
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    assert err.strip().endswith("Stopped.")

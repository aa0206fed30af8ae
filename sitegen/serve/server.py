"""The preview server: the output folder over HTTP, with live reload added on the way out.

Only files inside the output folder are served (the path is resolved and refused when
it leads outside). Live reload is a serve-time transform, as in Hugo: the script is
added to HTML responses here and never written into the output. Tabs listen on a
Server-Sent Events stream; each finished build (good or failed) moves the stream's
generation on, and a tab whose page is older reloads itself. While the last build
failed, every page request gets an error page listing the problems instead.
"""

from __future__ import annotations

import html
import mimetypes
import re
import secrets
import socket
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from sitegen.errors import Problem, sort_problems

EVENTS_PATH = "/__sitegen/events"
KEEPALIVE_SECONDS = 15.0
IDLE_WAIT_SECONDS = 60.0

TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".vcf": "text/vcard; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".webp": "image/webp",
}

RELOAD_SCRIPT = """<script>/* added by sitegen serve; not part of the site */
(function () {
  var page = "%s";
  var events = new EventSource("%s");
  events.addEventListener("build", function (event) {
    if (event.data !== page) { events.close(); window.location.reload(); }
  });
})();
</script>
"""
BODY_END = re.compile(rb"</body\s*>", re.IGNORECASE)


class LiveState:
    """What the server shows, shared between the build loop and the request threads.

    `generation` changes after every build attempt; `problems` holds the failed build's
    problems (empty when the last build succeeded).
    """

    def __init__(self, root: Path):
        self.root = root
        self._cond = threading.Condition()
        self._token = secrets.token_hex(4)  # a restarted server never reuses a generation
        self._count = 0
        self._problems: tuple[Problem, ...] = ()
        self._building = False
        self._closed = False

    @property
    def generation(self) -> str:
        with self._cond:
            return f"{self._token}-{self._count}"

    @property
    def problems(self) -> tuple[Problem, ...]:
        with self._cond:
            return self._problems

    @property
    def closed(self) -> bool:
        with self._cond:
            return self._closed

    def begin_build(self) -> None:
        with self._cond:
            self._building = True

    def finish_build(self, problems: Sequence[Problem] = ()) -> None:
        """Record a build's outcome: `problems` are its errors, empty on success."""
        with self._cond:
            self._building = False
            self._count += 1
            self._problems = tuple(sort_problems(problems))
            self._cond.notify_all()

    def wait_idle(self, timeout: float = IDLE_WAIT_SECONDS) -> None:
        """Wait until no build is running, so a page is never read half-swapped."""
        with self._cond:
            self._cond.wait_for(lambda: not self._building or self._closed, timeout)

    def wait_change(self, seen: str, timeout: float) -> str:
        """Block until the generation differs from `seen`, the server closes, or timeout."""
        with self._cond:
            self._cond.wait_for(
                lambda: f"{self._token}-{self._count}" != seen or self._closed, timeout)
            return f"{self._token}-{self._count}"

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()


@dataclass(frozen=True, slots=True)
class Target:
    """What a request path leads to inside the output folder."""

    kind: str  # "file", "redirect", "missing" or "refused"
    path: Path | None = None
    location: str = ""


def resolve_request(root: Path, url_path: str) -> Target:
    """Map a URL path to a file inside `root`; anything leading outside is refused.

    Pure apart from looking at the file system under root: '..' segments, encoded
    slashes, backslashes, NUL bytes and symbolic links out of the folder are all refused.
    """
    path = unquote(url_path)
    if "\x00" in path or "\\" in path or not path.startswith("/"):
        return Target("refused")
    segments = [s for s in path.split("/") if s not in ("", ".")]
    if ".." in segments:
        return Target("refused")
    base = root.resolve()
    candidate = base.joinpath(*segments).resolve()
    if candidate != base and base not in candidate.parents:
        return Target("refused")
    if candidate.is_dir():
        if not path.endswith("/"):
            return Target("redirect", location=url_path + "/")
        candidate = candidate / "index.html"
    if candidate.is_file():
        return Target("file", candidate)
    return Target("missing", candidate)


def is_page(target: Target, url_path: str) -> bool:
    """Whether a request asks for an HTML page (the error page replaces those)."""
    if target.path is not None and target.path.suffix == ".html":
        return True
    last = url_path.rsplit("/", 1)[-1]
    return target.kind != "file" and (not last or "." not in last)


def inject_reload(document: bytes, generation: str) -> bytes:
    """Add the live-reload script before the last </body>, or at the end."""
    script = (RELOAD_SCRIPT % (generation, EVENTS_PATH)).encode("utf-8")
    matches = list(BODY_END.finditer(document))
    if not matches:
        return document + script
    at = matches[-1].start()
    return document[:at] + script + document[at:]


def error_page(problems: Sequence[Problem]) -> bytes:
    """The page every tab shows while the site cannot be built: each problem as
    `path:line: message`, with its hint, escaped."""
    items = []
    for problem in sort_problems(problems):
        where = f"{problem.path}:{problem.line}" if problem.line else problem.path
        label = "" if problem.is_error else "warning: "
        hint = (f'<p class="hint">hint: {html.escape(problem.hint)}</p>'
                if problem.hint else "")
        items.append(f'<li class="{problem.severity.value}"><code>{html.escape(where)}</code>: '
                     f"{label}{html.escape(problem.message)}{hint}</li>")
    errors = sum(p.is_error for p in problems)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Build failed: {errors} error(s) – sitegen preview</title>
<style>
body {{ font: 16px/1.5 system-ui, sans-serif; margin: 0; background: #fff; color: #1a1a1a; }}
main {{ max-width: 60rem; margin: 2rem auto; padding: 0 1rem; }}
h1 {{ color: #a4000f; font-size: 1.5rem; }}
ol {{ padding-left: 1.25rem; }}
li {{ margin: 0 0 1rem; padding: .5rem .75rem; border-left: 4px solid #a4000f;
      background: #fff4f4; overflow-wrap: anywhere; }}
li.warning {{ border-color: #8a5a00; background: #fffaf0; }}
code {{ font: 600 .95em ui-monospace, monospace; }}
.hint {{ margin: .25rem 0 0; color: #444; }}
</style>
</head>
<body>
<main id="sitegen-build-failed">
<h1>The site could not be built: {errors} error(s)</h1>
<p>Fix the file and save it: this page reloads by itself and shows the site again.</p>
<ol>
{chr(10).join(items)}
</ol>
</main>
</body>
</html>
""".encode()


def content_type(path: Path) -> str:
    return TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0] \
        or "application/octet-stream"


class LiveHandler(BaseHTTPRequestHandler):
    server: LiveServer
    server_version = "sitegen-serve"

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self._handle(send_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._handle(send_body=False)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        if self.server.log_requests:
            super().log_message(format, *args)

    def _handle(self, send_body: bool) -> None:
        url_path = urlsplit(self.path).path
        try:
            if url_path == EVENTS_PATH:
                self._events()
                return
            self._file(url_path, send_body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the tab went away; nothing to do

    def _send(self, status: int, body: bytes, ctype: str, send_body: bool,
              headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def _file(self, url_path: str, send_body: bool) -> None:
        state = self.server.state
        state.wait_idle()
        generation = state.generation
        target = resolve_request(state.root, url_path)
        if target.kind == "refused":
            self._send(HTTPStatus.FORBIDDEN, b"Forbidden: outside the site\n",
                       "text/plain; charset=utf-8", send_body)
            return
        problems = state.problems
        if problems and is_page(target, url_path):
            body = inject_reload(error_page(problems), generation)
            self._send(HTTPStatus.INTERNAL_SERVER_ERROR, body, TYPES[".html"], send_body)
            return
        if target.kind == "redirect":
            self._send(HTTPStatus.MOVED_PERMANENTLY, b"", "text/plain", send_body,
                       {"Location": target.location})
            return
        if target.kind == "missing" or target.path is None:
            self._not_found(url_path, generation, send_body)
            return
        try:
            body = target.path.read_bytes()
        except OSError:  # swapped away between resolving and reading
            self._not_found(url_path, generation, send_body)
            return
        ctype = content_type(target.path)
        if ctype.startswith("text/html"):
            body = inject_reload(body, generation)
        self._send(HTTPStatus.OK, body, ctype, send_body)

    def _not_found(self, url_path: str, generation: str, send_body: bool) -> None:
        """The built 404 page: the language's own when the URL starts with one."""
        root = self.server.state.root
        first = url_path.strip("/").split("/", 1)[0]
        candidates = [f"/{first}/404.html", "/404.html"] if first else ["/404.html"]
        for candidate in candidates:
            target = resolve_request(root, candidate)
            if target.kind == "file" and target.path is not None:
                body = inject_reload(target.path.read_bytes(), generation)
                self._send(HTTPStatus.NOT_FOUND, body, TYPES[".html"], send_body)
                return
        body = inject_reload(b"<!DOCTYPE html><title>Not found</title><p>Not found</p>",
                             generation)
        self._send(HTTPStatus.NOT_FOUND, body, TYPES[".html"], send_body)

    def _events(self) -> None:
        """Server-Sent Events: the current generation now, then each new one."""
        state = self.server.state
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        seen = state.generation
        self.wfile.write(f"retry: 500\nevent: build\ndata: {seen}\n\n".encode())
        self.wfile.flush()
        while not state.closed:
            now = state.wait_change(seen, KEEPALIVE_SECONDS)
            if state.closed:
                break
            message = f"event: build\ndata: {now}\n\n" if now != seen else ": ping\n\n"
            self.wfile.write(message.encode())
            self.wfile.flush()
            seen = now


class LiveServer(ThreadingHTTPServer):
    """One thread per request; the event streams are daemon threads that end on close."""

    daemon_threads = True
    request_queue_size = 64  # a page and its files, from several tabs at once

    def __init__(self, address: tuple[str, int], state: LiveState,
                 log_requests: bool = False):
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.state = state
        self.log_requests = log_requests
        super().__init__(address, LiveHandler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        host = str(host)
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{port}/"

    def handle_error(self, request: object, client_address: object) -> None:
        """A tab closing its connection is normal; anything else is shown as usual."""
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)  # type: ignore[arg-type]

    def stop(self) -> None:
        self.state.close()
        self.shutdown()
        self.server_close()

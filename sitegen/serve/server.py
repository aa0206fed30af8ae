"""The preview server: the output folder over HTTP, with live reload added on the way out.

Only files inside the output folder are served (the path is resolved and refused when
it leads outside). Live reload is a serve-time transform, as in Hugo: the script is
added to HTML responses here and never written into the output. Tabs listen on a
Server-Sent Events stream; each finished build (good or failed) moves the stream's
generation on, and a tab whose page is older reloads itself. While the last build
failed, every page request gets an error page listing the problems instead, in the site's
language, with the lines of each file around the problem.
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

from sitegen.config import load_config
from sitegen.errors import Problem, sort_problems
from sitegen.i18n import catalogue_language

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
BUILD_HEADER = "X-Sitegen-Build"  # "failed" on the error page, for tools and tests


@dataclass(frozen=True, slots=True)
class ErrorTexts:
    """The error page's own words in one language. sitegen's messages themselves (the
    problems and their hints) are English, as in the terminal, and marked lang="en"."""

    lang: str  # <html lang>
    errors: tuple[str, str]  # "{n} error" and "{n} errors"
    heading: str  # "The site could not be built: {count}"
    title: str  # the tab's title
    advice: str
    warning: str
    hint: str


# The page is made by the server itself, not by the theme: it is shown exactly when the
# site cannot be built, and that may be because site.toml, a template or a theme's
# catalogue is broken. So its few words are here, for the theme's languages, with English
# for any other.
ERROR_TEXTS = {
    "en": ErrorTexts(
        "en", ("{n} error", "{n} errors"), "The site could not be built: {count}",
        "Build failed: {count} – sitegen preview",
        "Fix the file and save it: this page reloads by itself and shows the site again.",
        "warning", "hint"),
    "da": ErrorTexts(
        "da", ("{n} fejl", "{n} fejl"), "Sitet kunne ikke bygges: {count}",
        "Sitet kunne ikke bygges: {count} – sitegen-forhåndsvisning",
        "Ret filen, og gem den: siden her genindlæser sig selv og viser sitet igen.",
        "advarsel", "tip"),
    "nb": ErrorTexts(
        "nb", ("{n} feil", "{n} feil"), "Nettstedet kunne ikke bygges: {count}",
        "Nettstedet kunne ikke bygges: {count} – sitegen-forhåndsvisning",
        "Rett filen, og lagre den: denne siden lastes inn på nytt av seg selv og viser "
        "nettstedet igjen.",
        "advarsel", "tips"),
}
TEXT_LANGUAGES = {"nn": "nb", "no": "nb"}  # Nynorsk readers read the Bokmål page
EXCERPT_CONTEXT = 2  # lines shown before and after the problem's line
EXCERPT_MAX_BYTES = 2_000_000  # a larger file is not read for an excerpt
EXCERPT_LINE_CHARS = 300  # a longer line is cut, with "…"


def error_texts(language: str | None) -> ErrorTexts:
    """The page's words for a text language ('da', 'nb'); English for any other."""
    code = TEXT_LANGUAGES.get(language or "", language or "")
    return ERROR_TEXTS.get(code, ERROR_TEXTS["en"])


@dataclass(frozen=True, slots=True)
class Excerpt:
    """The lines of a problem's file around its line, as they were when the build failed."""

    first: int  # the number of lines[0]
    line: int  # the problem's line
    lines: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SiteLanguages:
    """What the error page needs of site.toml: each language's text language, by code."""

    default: str  # the default language's code, "da"
    texts: dict[str, str]  # code -> text language: {"da": "da", "no": "nb"}

    def text_language(self, url_path: str) -> str:
        """The language of the page asked for (/no/... is Norwegian), else the default's."""
        first = url_path.strip("/").split("/", 1)[0]
        return self.texts.get(first) or self.texts.get(self.default, "en")


def read_site_languages(site_root: Path) -> SiteLanguages | None:
    """The site's languages from site.toml, or None when it cannot be read as it is."""
    try:
        config, _ = load_config(site_root)
        if config is None:
            return None
        return SiteLanguages(config.default_language,
                             {lang.code: catalogue_language(lang.locale)
                              for lang in config.languages})
    except Exception:  # noqa: BLE001 (the error page must come whatever site.toml holds)
        return None


def read_excerpt(site_root: Path, problem: Problem,
                 context: int = EXCERPT_CONTEXT) -> Excerpt | None:
    """A few lines around `problem.line` of its file, when the file is a text file inside
    the site folder and has that line; None otherwise."""
    if not problem.line or problem.line < 1 or not problem.path:
        return None
    base = site_root.resolve()
    try:
        path = (base / problem.path).resolve()
        if base not in path.parents or not path.is_file() \
                or path.stat().st_size > EXCERPT_MAX_BYTES:
            return None
        data = path.read_bytes()
    except (OSError, ValueError):
        return None
    if b"\x00" in data[:8192]:
        return None  # a binary file
    # Lines are counted as the loader counts them: at "\n" only.
    lines = data.decode("utf-8", errors="replace").removeprefix("\ufeff").split("\n")
    if problem.line > len(lines):
        return None
    first = max(1, problem.line - context)
    last = min(len(lines), problem.line + context)
    shown = []
    for text in lines[first - 1:last]:
        text = text.rstrip("\r").expandtabs(4)
        if len(text) > EXCERPT_LINE_CHARS:
            text = text[:EXCERPT_LINE_CHARS] + "…"
        shown.append(text)
    return Excerpt(first, problem.line, tuple(shown))


class LiveState:
    """What the server shows, shared between the build loop and the request threads.

    `generation` changes after every build attempt; `problems` holds the failed build's
    problems (empty when the last build succeeded).
    """

    def __init__(self, root: Path, site_root: Path | None = None):
        self.root = root
        self.site_root = site_root  # for the error page: site.toml's languages, excerpts
        self._cond = threading.Condition()
        self._token = secrets.token_hex(4)  # a restarted server never reuses a generation
        self._count = 0
        self._problems: tuple[Problem, ...] = ()
        self._excerpts: dict[Problem, Excerpt] = {}
        self._languages: SiteLanguages | None = None
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
    def excerpts(self) -> dict[Problem, Excerpt]:
        with self._cond:
            return self._excerpts

    def text_language(self, url_path: str) -> str:
        """The error page's language for a request: see SiteLanguages.text_language."""
        with self._cond:
            languages = self._languages
        return languages.text_language(url_path) if languages else "en"

    @property
    def closed(self) -> bool:
        with self._cond:
            return self._closed

    def begin_build(self) -> None:
        with self._cond:
            self._building = True

    def finish_build(self, problems: Sequence[Problem] = ()) -> None:
        """Record a build's outcome: `problems` are its errors, empty on success.

        A failed build's excerpts are read now, so the page shows the lines the build saw;
        site.toml's languages too, keeping the last ones read while site.toml is broken.
        """
        ordered = tuple(sort_problems(problems))
        excerpts: dict[Problem, Excerpt] = {}
        languages = None
        if ordered and self.site_root is not None:
            languages = read_site_languages(self.site_root)
            for problem in ordered:
                excerpt = read_excerpt(self.site_root, problem)
                if excerpt is not None:
                    excerpts[problem] = excerpt
        with self._cond:
            self._building = False
            self._count += 1
            self._problems = ordered
            self._excerpts = excerpts
            self._languages = languages or self._languages
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


def excerpt_html(excerpt: Excerpt) -> str:
    """The excerpt as numbered lines; the problem's line is marked, by colour and by '>'."""
    width = len(str(excerpt.first + len(excerpt.lines) - 1))
    rows = []
    for number, text in enumerate(excerpt.lines, excerpt.first):
        mark = "&gt;" if number == excerpt.line else " "
        row = f"{mark} {number:>{width}} | {html.escape(text)}"
        rows.append(f"<mark>{row}</mark>" if number == excerpt.line else row)
    return '<pre class="excerpt"><code>' + "\n".join(rows) + "</code></pre>"


def error_page(problems: Sequence[Problem], language: str | None = "en",
               excerpts: dict[Problem, Excerpt] | None = None) -> bytes:
    """The page every tab shows while the site cannot be built, in `language` ('da', 'nb',
    else English): each problem as `path:line: message` with its hint, and the lines of
    its file around that line when `excerpts` has them; everything escaped."""
    texts = error_texts(language)
    excerpts = excerpts or {}
    items = []
    for problem in sort_problems(problems):
        where = f"{problem.path}:{problem.line}" if problem.line else problem.path
        label = "" if problem.is_error else f"{texts.warning}: "
        hint = (f'<p class="hint">{texts.hint}: <span lang="en">{html.escape(problem.hint)}'
                "</span></p>" if problem.hint else "")
        excerpt = excerpts.get(problem)
        shown = excerpt_html(excerpt) if excerpt else ""
        items.append(f'<li class="{problem.severity.value}"><p class="problem">'
                     f"<code>{html.escape(where)}</code>: {label}"
                     f'<span lang="en">{html.escape(problem.message)}</span></p>'
                     f"{hint}{shown}</li>")
    errors = sum(p.is_error for p in problems)
    count = texts.errors[0 if errors == 1 else 1].format(n=errors)
    return f"""<!DOCTYPE html>
<html lang="{texts.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{html.escape(texts.title.format(count=count))}</title>
<style>
body {{ font: 16px/1.5 system-ui, sans-serif; margin: 0; background: #fff; color: #1a1a1a; }}
main {{ max-width: 60rem; margin: 2rem auto; padding: 0 1rem; }}
h1 {{ color: #a4000f; font-size: 1.5rem; }}
ol {{ padding-left: 1.25rem; }}
li {{ margin: 0 0 1rem; padding: .5rem .75rem; border-left: 4px solid #a4000f;
      background: #fff4f4; overflow-wrap: anywhere; }}
li.warning {{ border-color: #8a5a00; background: #fffaf0; }}
li p {{ margin: 0; }}
code {{ font: 600 .95em ui-monospace, monospace; }}
.hint {{ margin: .25rem 0 0; color: #444; }}
.excerpt {{ margin: .5rem 0 0; padding: .5rem; background: #fff; border: 1px solid #ddd;
            white-space: pre-wrap; }}
.excerpt code {{ font-weight: 400; }}
.excerpt mark {{ display: inline-block; min-width: 100%; background: #ffe08a; color: #1a1a1a;
                 font-weight: 600; }}
</style>
</head>
<body>
<main id="sitegen-build-failed">
<h1>{html.escape(texts.heading.format(count=count))}</h1>
<p>{html.escape(texts.advice)}</p>
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
            page = error_page(problems, state.text_language(url_path), state.excerpts)
            # 200, not 500: the page is the preview's true answer about the site as it is
            # now, not a fault of the server. Browsers show it as any page, the reload
            # script and tools need no error path, and no-store keeps it out of caches;
            # the header tells tools that the build failed.
            self._send(HTTPStatus.OK, inject_reload(page, generation), TYPES[".html"],
                       send_body, {BUILD_HEADER: "failed"})
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

"""The preview server: the output folder over HTTP, with live reload added on the way out.

Only files inside the output folder are served (the path is resolved and refused when
it leads outside). Live reload is a serve-time transform, as in Hugo: the script is
added to HTML responses here and never written into the output. Tabs listen on a
Server-Sent Events stream; each finished build (good or failed) moves the stream's
generation on, and a tab whose page is older reloads itself. While the last build
failed, every page request gets an error page listing the problems instead, in the site's
language, with the lines of each file around the problem.

The preview shows drafts and embargoed stories, so it answers only to the names it
listens on: a request whose Host header is another name (a DNS-rebinding page in the
editor's browser, under a domain that now points at 127.0.0.1) gets 421, and a request a
page from another origin makes (its Origin header) gets 403. Connections are bounded
(MAX_CONNECTIONS threads at most, MAX_STREAMS of them reload streams), each socket has a
timeout, and files are sent in chunks, never read whole (pages excepted: the reload
script goes into them).
"""

from __future__ import annotations

import html
import ipaddress
import mimetypes
import os
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
from typing import BinaryIO
from urllib.parse import unquote, urlsplit

from sitegen.config import load_config
from sitegen.errors import Problem, sort_problems
from sitegen.i18n import catalogue_language

EVENTS_PATH = "/__sitegen/events"
KEEPALIVE_SECONDS = 15.0
IDLE_WAIT_SECONDS = 60.0

# Limits. A browser opens at most six connections to one host, and each open tab keeps
# one of them for its reload stream; these leave room for many tabs and browsers.
MAX_CONNECTIONS = 64  # handled at once, one thread each; more wait in the listen queue
MAX_STREAMS = 16  # reload streams held open; more tabs poll (STREAM_POLL_MS) instead
QUEUE_SECONDS = 5.0  # how long a connection waits for a free thread before a 503
REQUEST_TIMEOUT = 15.0  # seconds a socket may stay silent while a request is read or sent
MAX_TARGET_CHARS = 4096  # a longer request target gets 414
STREAM_POLL_MS = 5000  # the reconnect delay given to a tab beyond MAX_STREAMS
CHUNK_BYTES = 256 * 1024  # files are sent in pieces of this size, at most
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})

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
    try:
        if candidate.is_dir():
            if not path.endswith("/"):
                return Target("redirect", location=url_path + "/")
            candidate = candidate / "index.html"
        if candidate.is_file():
            return Target("file", candidate)
    except OSError:  # a name too long for the file system, say: no such file
        return Target("missing")
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


def split_host(value: str) -> tuple[str, int | None] | None:
    """A Host header's name (lowercased, without brackets or a final dot) and port:
    'LocalHost:8000' -> ('localhost', 8000), '[::1]' -> ('::1', None); None when it is
    malformed."""
    value = value.strip().lower()
    if value.startswith("["):
        name, bracket, rest = value[1:].partition("]")
        if not bracket:
            return None
    else:
        name, colon, rest = value.partition(":")
        rest = colon + rest
    if rest and not (rest.startswith(":") and rest[1:].isdigit() and len(rest) <= 6):
        return None
    name = name.removesuffix(".")
    return (name, int(rest[1:]) if rest else None) if name else None


def is_ip_literal(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


@dataclass(frozen=True, slots=True)
class HostPolicy:
    """The host names the preview answers to.

    DNS rebinding: a page at http://evil.example:8000/ whose name then resolves to
    127.0.0.1 could read the preview as its own origin, but its requests still say
    'Host: evil.example:8000'. So only the names the server listens on are accepted:
    localhost, 127.0.0.1 and [::1] always, and the --host given. Listening on every
    address (0.0.0.0, ::), any IP address is accepted too (a phone opens the computer's
    address; no page can rebind an address), and this computer's own name.
    """

    names: frozenset[str]
    any_address: bool = False

    @classmethod
    def listening_on(cls, host: str) -> HostPolicy:
        given = host.strip().lower().strip("[]").removesuffix(".")
        names = set(LOOPBACK_NAMES)
        if given:
            names.add(given)
        wildcard = given in ("", "0.0.0.0", "::")
        if wildcard:
            own = socket.gethostname().lower().removesuffix(".")
            if own:
                names |= {own, own.split(".", 1)[0] + ".local"}
        return cls(frozenset(names), wildcard)

    def allows(self, host_header: str | None) -> bool:
        split = split_host(host_header) if host_header else None
        if split is None:
            return False
        name = split[0]
        return name in self.names or (self.any_address and is_ip_literal(name))


def same_origin(origin: str, host_header: str) -> bool:
    """Whether an Origin header names the preview itself, as the request reached it
    ('http://localhost:8000' for 'Host: localhost:8000'); 'null' and others do not."""
    parts = urlsplit(origin.strip().lower())
    host = split_host(host_header)
    try:
        origin_port = parts.port or 80
    except ValueError:
        return False
    return (host is not None and parts.scheme == "http" and not parts.path
            and (parts.hostname or "").removesuffix(".") == host[0]
            and origin_port == (host[1] or 80))


PLAIN = "text/plain; charset=utf-8"
WRONG_HOST = (b"Misdirected Request: this is sitegen's preview, and it answers only under "
              b"the names it listens on (localhost, 127.0.0.1, [::1] or its --host). A page "
              b"asking for it under another name could read drafts and embargoed stories.\n")
NO_HOST = b"Bad Request: the request has no Host header, or more than one.\n"
FOREIGN_ORIGIN = b"Forbidden: a page from another site may not read sitegen's preview.\n"
TOO_LONG = b"URI Too Long: no address on this site is that long.\n"
BUSY_TEXT = b"Service Unavailable: sitegen's preview is busy; try again in a moment.\n"
BUSY = (b"HTTP/1.0 503 Service Unavailable\r\nServer: sitegen\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\n"
        b"Content-Length: " + str(len(BUSY_TEXT)).encode() + b"\r\n"
        b"Retry-After: 1\r\nConnection: close\r\n\r\n" + BUSY_TEXT)


def copy_bounded(source: BinaryIO, sink: BinaryIO, size: int,
                 chunk: int = CHUNK_BYTES) -> None:
    """Copy at most `size` bytes, `chunk` at a time (never the whole file in memory):
    the Content-Length sent stays true if the file grows meanwhile."""
    left = size
    while left > 0:
        data = source.read(min(chunk, left))
        if not data:
            return
        sink.write(data)
        left -= len(data)


class LiveHandler(BaseHTTPRequestHandler):
    server: LiveServer
    server_version = "sitegen"

    def setup(self) -> None:
        self.timeout = self.server.request_timeout  # set on the socket by setup()
        super().setup()

    def version_string(self) -> str:
        """'Server: sitegen', without Python's version (http.server adds it otherwise)."""
        return self.server_version

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self._handle(send_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._handle(send_body=False)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        if self.server.log_requests:
            super().log_message(format, *args)

    def _handle(self, send_body: bool) -> None:
        try:
            if len(self.path) > MAX_TARGET_CHARS:
                self._send(HTTPStatus.REQUEST_URI_TOO_LONG, TOO_LONG, PLAIN, send_body)
                return
            url_path = self._checked_path(send_body)
            if url_path is None:
                return
            if url_path == EVENTS_PATH:
                self._events(send_body)
                return
            self._file(url_path, send_body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the tab went away; nothing to do

    def _checked_path(self, send_body: bool) -> str | None:
        """The URL path asked for, once Host and Origin show that the request comes from a
        page of the preview itself (or from no page); None when it was answered with a
        refusal."""
        hosts = self.headers.get_all("Host") or []
        target = self.path
        if target.startswith("/"):
            url_path = target.split("?", 1)[0].split("#", 1)[0]
            named = hosts
        else:  # absolute form, 'GET http://host/path': its host counts as well
            parts = urlsplit(target)
            url_path = parts.path or "/"
            named = [*hosts, parts.netloc]
        if len(hosts) != 1:
            self._send(HTTPStatus.BAD_REQUEST, NO_HOST, PLAIN, send_body)
            return None
        if not all(self.server.hosts.allows(name) for name in named):
            self._send(HTTPStatus.MISDIRECTED_REQUEST, WRONG_HOST, PLAIN, send_body)
            return None
        origin = self.headers.get("Origin")
        if origin is not None and not same_origin(origin, hosts[0]):
            self._send(HTTPStatus.FORBIDDEN, FOREIGN_ORIGIN, PLAIN, send_body)
            return None
        return url_path

    def _start(self, status: int, ctype: str, length: int,
               headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(length))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()

    def _send(self, status: int, body: bytes, ctype: str, send_body: bool,
              headers: dict[str, str] | None = None) -> None:
        self._start(status, ctype, len(body), headers)
        if send_body:
            self.wfile.write(body)

    def _file(self, url_path: str, send_body: bool) -> None:
        state = self.server.state
        state.wait_idle()
        generation = state.generation
        target = resolve_request(state.root, url_path)
        if target.kind == "refused":
            self._send(HTTPStatus.FORBIDDEN, b"Forbidden: outside the site\n", PLAIN, send_body)
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
        ctype = content_type(target.path)
        try:
            stream = target.path.open("rb")
        except OSError:  # swapped away between resolving and reading
            self._not_found(url_path, generation, send_body)
            return
        with stream:
            if ctype.startswith("text/html"):  # a page: read whole, for the reload script
                self._send(HTTPStatus.OK, inject_reload(stream.read(), generation), ctype,
                           send_body)
                return
            size = os.fstat(stream.fileno()).st_size
            self._start(HTTPStatus.OK, ctype, size)
            if send_body:
                copy_bounded(stream, self.wfile, size)

    def _not_found(self, url_path: str, generation: str, send_body: bool) -> None:
        """The built 404 page: the language's own when the URL starts with one."""
        root = self.server.state.root
        first = url_path.strip("/").split("/", 1)[0]
        candidates = [f"/{first}/404.html", "/404.html"] if first else ["/404.html"]
        for candidate in candidates:
            target = resolve_request(root, candidate)
            if target.kind == "file" and target.path is not None:
                try:
                    page = target.path.read_bytes()
                except OSError:
                    continue
                body = inject_reload(page, generation)
                self._send(HTTPStatus.NOT_FOUND, body, TYPES[".html"], send_body)
                return
        body = inject_reload(b"<!DOCTYPE html><title>Not found</title><p>Not found</p>",
                             generation)
        self._send(HTTPStatus.NOT_FOUND, body, TYPES[".html"], send_body)

    def _events(self, send_body: bool) -> None:
        """Server-Sent Events: the current generation now, then each new one.

        Beyond MAX_STREAMS open streams, a tab gets the generation and the stream ends
        with a longer retry: its EventSource asks again in STREAM_POLL_MS, a poll instead
        of a held connection and thread."""
        state = self.server.state
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if not send_body:
            return
        seen = state.generation
        if not self.server.take_stream():
            self.wfile.write(f"retry: {STREAM_POLL_MS}\nevent: build\ndata: {seen}\n\n"
                             .encode())
            return
        try:
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
        finally:
            self.server.free_stream()


class LiveServer(ThreadingHTTPServer):
    """One thread per connection, at most `max_connections` at once.

    A connection beyond that waits in the accept loop (later ones in the listen queue,
    without a thread) until a thread is free, and gets a 503 after `queue_seconds`. The
    event streams are daemon threads that end on close; at most `max_streams` of them
    are held open. Every socket times out after `request_timeout` silent seconds.
    """

    daemon_threads = True
    request_queue_size = 64  # a page and its files, from several tabs at once

    def __init__(self, address: tuple[str, int], state: LiveState,
                 log_requests: bool = False, *, max_connections: int = MAX_CONNECTIONS,
                 max_streams: int = MAX_STREAMS, request_timeout: float = REQUEST_TIMEOUT,
                 queue_seconds: float = QUEUE_SECONDS):
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.state = state
        self.log_requests = log_requests
        self.hosts = HostPolicy.listening_on(address[0])
        self.max_connections, self.max_streams = max_connections, max_streams
        self.request_timeout, self.queue_seconds = request_timeout, queue_seconds
        self._slots = threading.Condition()
        self._connections = 0
        self._streams = 0
        self._stopping = False
        super().__init__(address, LiveHandler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        host = str(host)
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{port}/"

    @property
    def connections(self) -> int:
        """Connections being handled now, each by a thread of its own."""
        with self._slots:
            return self._connections

    def process_request(self, request: socket.socket,  # type: ignore[override]
                        client_address: object) -> None:
        with self._slots:
            free = self._slots.wait_for(
                lambda: self._connections < self.max_connections or self._stopping,
                self.queue_seconds) and not self._stopping
            if free:
                self._connections += 1
        if not free:
            self._refuse(request)
            return
        try:
            super().process_request(request, client_address)  # type: ignore[arg-type]
        except BaseException:
            self._free_connection()
            raise

    def process_request_thread(self, request: socket.socket,  # type: ignore[override]
                               client_address: object) -> None:
        try:
            super().process_request_thread(request, client_address)  # type: ignore[arg-type]
        finally:
            self._free_connection()

    def _free_connection(self) -> None:
        with self._slots:
            self._connections -= 1
            self._slots.notify_all()

    def _refuse(self, request: socket.socket) -> None:
        """503 at once, from the accept loop itself: no thread for a connection too many."""
        try:
            request.settimeout(1.0)
            request.sendall(BUSY)
            request.setblocking(False)
            request.recv(65536)  # what the client sent already, so closing is no reset
        except OSError:
            pass
        finally:
            self.shutdown_request(request)

    def take_stream(self) -> bool:
        with self._slots:
            if self._streams >= self.max_streams:
                return False
            self._streams += 1
            return True

    def free_stream(self) -> None:
        with self._slots:
            self._streams -= 1

    def handle_error(self, request: object, client_address: object) -> None:
        """A tab closing its connection is normal; anything else is shown as usual."""
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)  # type: ignore[arg-type]

    def stop(self) -> None:
        with self._slots:
            self._stopping = True
            self._slots.notify_all()
        self.state.close()
        self.shutdown()
        self.server_close()

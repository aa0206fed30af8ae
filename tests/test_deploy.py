"""`sitegen deploy` against a real object store: SeaweedFS on 127.0.0.1 (tests/seaweed.py).

A first deploy, an edit's deploy that uploads only what changed, the headers as the
store serves them, a page fetched over HTTP equal to the built file, the deletion
guard, refusals of builds that are not complete, wrong credentials and endpoints, a
store that fails every third request, a purge command, and deploys killed at chosen
requests and run again, which must leave the bucket an uninterrupted deploy leaves.
"""

from __future__ import annotations

import hashlib
import http.client
import http.server
import json
import os
import random
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import NOW, build_once
from seaweed import PUBLIC_BUCKET, Store

from sitegen.cli import main
from sitegen.deploy.files import TYPES, published

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

BUCKET = PUBLIC_BUCKET
EDITED = "content/da/2021/mission-possible.md"
REMOVED = "content/no/2021/mission.md"


@pytest.fixture(scope="session")
def store(seaweed: Store) -> Store:
    """The session's SeaweedFS (tests/seaweed.py)."""
    return seaweed


@pytest.fixture(autouse=True)
def credentials(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """The store's credentials, and none of this machine's AWS set-up."""
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    for name, value in store.env.items():
        if name.startswith("AWS_"):
            monkeypatch.setenv(name, value)


def deploy_table(endpoint: str, prefix: str, extra: str = "") -> str:
    return (f'\n[deploy]\nendpoint_url = "{endpoint}"\nbucket = "{BUCKET}"\n'
            f'prefix = "{prefix}"\naddressing_style = "path"\n{extra}')


def set_deploy(site: Path, endpoint: str, prefix: str, extra: str = "") -> None:
    """Point the site at a folder of the bucket (site.toml's [deploy] only: no rebuild)."""
    text = (site / "site.toml").read_text(encoding="utf-8").split("\n[deploy]")[0]
    (site / "site.toml").write_text(text.rstrip("\n") + "\n"
                                    + deploy_table(endpoint, prefix, extra), encoding="utf-8")


def build(site: Path, *extra: str) -> int:
    return main(["build", "--site", str(site), "--now", NOW, "-q", *extra])


def deploy(run_cli: Callable[..., tuple[int, str, str]], site: Path, *extra: str
           ) -> tuple[int, str, str]:
    return run_cli("deploy", "--site", site, *extra)


def uploaded(out: str) -> int:
    """The count in 'Deployed in 0.4 s: 16 file(s) uploaded'."""
    line = next(line for line in out.splitlines() if line.startswith(("Deployed", "Nothing")))
    return 0 if line.startswith("Nothing") else int(line.split(": ")[1].split()[0])


def built_files(out: Path) -> dict[str, str]:
    return {rel: hashlib.sha256((out / rel).read_bytes()).hexdigest()
            for rel in published(out)}


@pytest.fixture(scope="module")
def site_a(tmp_path_factory: pytest.TempPathFactory, store: Store) -> Path:
    """The minimal site, built once."""
    root = tmp_path_factory.mktemp("a") / "site"
    build_once(root, {})
    set_deploy(root, store.endpoint, "unused/")
    return root


@pytest.fixture(scope="module")
def site_b(tmp_path_factory: pytest.TempPathFactory, store: Store) -> Path:
    """The same site after an edit of one article and the removal of another."""
    root = tmp_path_factory.mktemp("b") / "site"
    build_once(root, {})
    (root / REMOVED).unlink()
    path = root / EDITED
    text = path.read_text(encoding="utf-8").replace("Se [den norske](/no/2021/mission.md).",
                                                    "Et nyt afsnit.")
    path.write_text(text.replace("translation_key: dkla\n", ""), encoding="utf-8")
    assert build(root) == 0
    set_deploy(root, store.endpoint, "unused/")
    return root


def test_a_first_deploy_then_an_edit_uploads_only_what_changed(run_cli, store, tmp_path):
    site = tmp_path / "site"
    build_once(site, {})
    set_deploy(site, store.endpoint, "edit/")
    before = built_files(site / "build")
    code, out, err = deploy(run_cli, site)
    assert code == 0, err
    assert uploaded(out) == len(before)
    objects = store.objects(BUCKET, "edit/")
    assert {k: v["sha256"] for k, v in objects.items() if not k.startswith(".sitegen/")} \
        == before
    assert set(objects) - set(before) == {".sitegen/manifest.json"}  # no journal left

    code, out, _ = deploy(run_cli, site)
    assert code == 0 and uploaded(out) == 0 and "Nothing to deploy" in out

    path = site / EDITED
    path.write_text(path.read_text(encoding="utf-8") + "\nEt nyt afsnit.\n", encoding="utf-8")
    assert build(site) == 0
    after = built_files(site / "build")
    changed = {rel for rel, sha in after.items() if before.get(rel) != sha}
    assert 0 < len(changed) < len(after) / 3
    code, out, err = deploy(run_cli, site, "--dry-run")
    assert code == 0 and f"Would upload {len(changed)} file(s)" in out
    assert "da/nyheder/mission-possible/index.html" in out
    code, out, err = deploy(run_cli, site)
    assert code == 0, err
    assert uploaded(out) == len(changed)
    urls = (site / ".sitegen-cache/deploy/changed-urls.txt").read_text().split()
    assert "https://nyheder.example.org/da/nyheder/mission-possible/" in urls
    assert len(urls) == len(changed)
    assert {k: v["sha256"] for k, v in store.objects(BUCKET, "edit/").items()
            if not k.startswith(".sitegen/")} == after


def test_the_store_serves_each_file_with_its_type_and_cache_rule(run_cli, store, site_a):
    set_deploy(site_a, store.endpoint, "headers/",
               '[deploy.cache_control]\nfeeds = "public, max-age=120"\n')
    code, _, err = deploy(run_cli, site_a)
    assert code == 0, err
    expected = {
        "da/nyheder/mission-possible/index.html": ("text/html; charset=utf-8",
                                                   "public, max-age=60"),
        "index.html": ("text/html; charset=utf-8", "public, max-age=60"),
        "da/rss.xml": ("application/rss+xml; charset=utf-8", "public, max-age=120"),
        "sitemap.xml": ("application/xml; charset=utf-8", "public, max-age=300"),
        "robots.txt": ("text/plain; charset=utf-8", "public, max-age=300"),
        "theme/style.css": ("text/css; charset=utf-8", "public, max-age=3600"),
    }
    out = site_a / "build"
    vcards = sorted(rel for rel in published(out) if rel.endswith(".vcf"))
    expected[vcards[0]] = ("text/vcard; charset=utf-8", "public, max-age=3600")
    media = sorted(rel for rel in published(out) if rel.startswith("media/"))
    if media:
        expected[media[0]] = (TYPES[media[0].rsplit(".", 1)[-1]], "public, max-age=604800")
    hashed = next(rel for rel in published(out) if rel.endswith(".pf_fragment"))
    expected[hashed] = ("application/octet-stream", "public, max-age=31536000, immutable")
    for rel, (kind, cache) in expected.items():
        status, headers, body = store.fetch(f"/{BUCKET}/headers/{rel}")
        assert status == 200, rel
        assert (headers["Content-Type"], headers["Cache-Control"]) == (kind, cache), rel
        assert body == (out / rel).read_bytes(), rel
    assert not [rel for rel in store.objects(BUCKET, "headers/") if ".sitegen-" in rel]


def test_a_page_fetched_over_http_is_the_built_file(run_cli, store, site_a):
    set_deploy(site_a, store.endpoint, "http/")
    assert deploy(run_cli, site_a)[0] == 0
    page = "da/nyheder/mission-possible/index.html"
    conn = http.client.HTTPConnection(store.endpoint.removeprefix("http://"), timeout=10)
    try:
        conn.request("GET", f"/{BUCKET}/http/{page}")
        answer = conn.getresponse()
        body = answer.read()
    finally:
        conn.close()
    assert answer.status == 200
    assert body == (site_a / "build" / page).read_bytes()


def test_the_deletion_guard_refuses_until_allowed(run_cli, store, site_a, site_b):
    set_deploy(site_a, store.endpoint, "guard/", "max_delete_percent = 2\n")
    assert deploy(run_cli, site_a)[0] == 0
    before = store.objects(BUCKET, "guard/")
    set_deploy(site_b, store.endpoint, "guard/", "max_delete_percent = 2\n")
    code, out, err = deploy(run_cli, site_b, "--dry-run")
    assert code == 1 and "the deploy would be refused" in err and "delete " in out
    code, out, err = deploy(run_cli, site_b)
    assert code == 1
    assert "more than max_delete_percent (2 %); nothing was changed" in err
    assert "hint: " in err and "--allow-deletes" in err and "Traceback" not in err
    assert store.objects(BUCKET, "guard/") == before
    code, out, err = deploy(run_cli, site_b, "--allow-deletes")
    assert code == 0, err
    left = {k for k in store.objects(BUCKET, "guard/") if not k.startswith(".sitegen/")}
    assert left == set(built_files(site_b / "build"))
    assert "no/nyheter/mission/index.html" not in left


def test_wrong_credentials_are_a_message_and_exit_1(run_cli, store, site_a, monkeypatch):
    set_deploy(site_a, store.endpoint, "creds/")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "not-the-secret")
    code, out, err = deploy(run_cli, site_a)
    assert code == 1
    assert "refused the credentials" in err and "SignatureDoesNotMatch" in err
    assert "hint: check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY" in err
    assert "Traceback" not in err + out
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "nobody")
    code, _, err = deploy(run_cli, site_a)
    assert code == 1 and "InvalidAccessKeyId" in err
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    code, _, err = deploy(run_cli, site_a)
    assert code == 1 and "no credentials for s3://public/creds/" in err
    assert store.objects(BUCKET, "creds/") == {}


def test_a_wrong_endpoint_or_bucket_is_a_message_and_exit_1(run_cli, store, site_a):
    import socket

    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{sock.getsockname()[1]}"
    set_deploy(site_a, closed, "endpoint/")
    code, out, err = deploy(run_cli, site_a)
    assert code == 1
    assert f"cannot reach the store at {closed} (connection refused)" in err
    assert "hint: check endpoint_url" in err and "Traceback" not in err
    set_deploy(site_a, store.endpoint, "endpoint/")
    text = (site_a / "site.toml").read_text().replace(f'bucket = "{BUCKET}"',
                                                      'bucket = "no-such-bucket"')
    (site_a / "site.toml").write_text(text)
    code, _, err = deploy(run_cli, site_a)
    assert code == 1 and "there is no bucket 'no-such-bucket'" in err


def test_credentials_in_site_toml_are_an_error(run_cli, store, site_a):
    set_deploy(site_a, store.endpoint, "secret/", 'aws_secret_access_key = "x"\n')
    code, _, err = deploy(run_cli, site_a)
    assert code == 1
    assert "'deploy.aws_secret_access_key' looks like a credential" in err
    assert "revoke that key" in err
    code, _, err = run_cli("check", "--site", site_a)
    assert code == 1 and "looks like a credential" in err


def test_builds_that_are_not_complete_are_refused(run_cli, store, tmp_path):
    site = tmp_path / "site"
    build_once(site, {})
    set_deploy(site, store.endpoint, "refused/")

    assert build(site, "--drafts") == 0
    code, _, err = deploy(run_cli, site)
    assert code == 1 and "is a preview built with --drafts" in err
    assert "hint: run sitegen build (without --drafts" in err

    assert build(site, "--no-search") == 0
    code, _, err = deploy(run_cli, site)
    assert code == 1 and "built with --no-search" in err

    assert build(site, "--future") == 0
    code, _, err = deploy(run_cli, site)
    assert code == 1 and "is a preview built with --future" in err

    assert build(site) == 0
    page = site / "build" / "index.html"
    page.write_bytes(page.read_bytes() + b"<!-- by hand -->")
    code, _, err = deploy(run_cli, site)
    assert code == 1 and "build/index.html was changed or removed after the build" in err

    assert build(site) == 0
    broken = site / EDITED
    broken.write_text("---\ntitle: [oops\n---\n", encoding="utf-8")
    assert build(site) == 1  # the build fails and leaves the last good output
    code, _, err = deploy(run_cli, site)
    assert code == 1
    assert f"{EDITED} changed since the last build (or the last build failed)" in err

    code, _, err = deploy(run_cli, site, "--out", tmp_path / "nothing")
    assert code == 1 and "there is no finished build in" in err
    assert store.objects(BUCKET, "refused/") == {}


def test_a_build_as_of_a_later_moment_is_refused(run_cli, store, tmp_path):
    site = tmp_path / "site"
    build_once(site, {})
    set_deploy(site, store.endpoint, "later/")
    assert main(["build", "--site", str(site), "-q", "--now", "2099-01-01T00:00Z"]) == 0
    code, _, err = deploy(run_cli, site)
    assert code == 1 and "was built as of 2099-01-01 00:00 UTC" in err
    assert "before their embargo lifts" in err


def test_the_purge_command_gets_the_changed_urls(run_cli, store, site_a, tmp_path):
    seen = tmp_path / "purged.txt"
    set_deploy(site_a, store.endpoint, "purge/",
               f'purge_command = "cp \\"$SITEGEN_CHANGED_URLS\\" {seen} && '
               f'echo $SITEGEN_CHANGED_COUNT >> {seen}"\n')
    code, out, err = deploy(run_cli, site_a)
    assert code == 0, err
    lines = seen.read_text().split()
    assert lines[-1] == str(len(lines) - 1) == str(len(built_files(site_a / "build")))
    assert "https://nyheder.example.org/da/" in lines
    seen.unlink()
    assert deploy(run_cli, site_a)[0] == 0
    assert not seen.exists()  # nothing changed: nothing to purge
    set_deploy(site_a, store.endpoint, "purge/", 'purge_command = "exit 3"\n')
    assert deploy(run_cli, site_a, "--no-purge")[0] == 0


# -- a store that fails ------------------------------------------------------------


class FlakyProxy(http.server.ThreadingHTTPServer):
    """Forwards to the store, but answers every third request 503 (SlowDown) and drops
    every tenth connection, the first time it is sent: what retries are for."""

    def __init__(self, target: str):
        super().__init__(("127.0.0.1", 0), _FlakyHandler)
        self.target = target.removeprefix("http://")
        self.count, self.failed = 0, 0
        self.seen: set[tuple[str, str]] = set()
        self.lock = threading.Lock()


class _FlakyHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: FlakyProxy

    def log_message(self, *args: object) -> None:
        pass

    def _forward(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        with self.server.lock:
            self.server.count += 1
            number = self.server.count
            again = (self.command, self.path) in self.server.seen
            self.server.seen.add((self.command, self.path))
        if again:  # transient: a request tried again goes through
            number = 1
        if number % 10 == 0:
            self.server.failed += 1
            self.close_connection = True
            self.connection.close()
            return
        if number % 3 == 0:
            self.server.failed += 1
            error = (b'<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code>'
                     b"<Message>Please reduce your request rate.</Message></Error>")
            self.send_response(503)
            self.send_header("Content-Type", "application/xml")
            self.send_header("Content-Length", str(len(error)))
            self.end_headers()
            self.wfile.write(error)
            return
        conn = http.client.HTTPConnection(self.server.target, timeout=30)
        try:
            headers = {k: v for k, v in self.headers.items()
                       if k.lower() not in ("expect", "connection")}
            conn.request(self.command, self.path, body=body or None, headers=headers)
            answer = conn.getresponse()
            data = answer.read()
        finally:
            conn.close()
        self.send_response(answer.status)
        for key, value in answer.getheaders():
            if key.lower() not in ("transfer-encoding", "connection", "content-length"):
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _forward


@contextmanager
def flaky_proxy(store: Store) -> Iterator[FlakyProxy]:
    proxy = FlakyProxy(store.endpoint)
    thread = threading.Thread(target=proxy.serve_forever, daemon=True)
    thread.start()
    try:
        yield proxy
    finally:
        proxy.shutdown()
        proxy.server_close()
        thread.join(timeout=10)


def test_transient_failures_are_retried(run_cli, store, site_a):
    with flaky_proxy(store) as proxy:
        set_deploy(site_a, f"http://127.0.0.1:{proxy.server_address[1]}", "flaky/")
        code, out, err = deploy(run_cli, site_a)
    assert code == 0, err
    assert proxy.failed > 10
    objects = store.objects(BUCKET, "flaky/")
    assert {k: v["sha256"] for k, v in objects.items() if not k.startswith(".sitegen/")} \
        == built_files(site_a / "build")


# -- killed and run again ------------------------------------------------------------

KILLER = """
import os, signal, sys, threading
import botocore.endpoint

limit, count, lock = int(os.environ["KILL_AT"]), [0], threading.Lock()
original = botocore.endpoint.Endpoint._send

def send(self, request):
    with lock:
        count[0] += 1
        number = count[0]
    if number == limit:
        os.kill(os.getpid(), signal.SIGKILL)  # as a CI runner's time-out or a power cut
    return original(self, request)

botocore.endpoint.Endpoint._send = send
from sitegen.cli import main
sys.exit(main(sys.argv[1:]))
"""


def count_requests(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    import botocore.endpoint

    count = [0]
    original = botocore.endpoint.Endpoint._send

    def send(self: object, request: object) -> object:
        count[0] += 1
        return original(self, request)

    monkeypatch.setattr(botocore.endpoint.Endpoint, "_send", send)
    return count


def test_a_deploy_killed_anywhere_and_run_again_converges(run_cli, store, site_a, site_b,
                                                          tmp_path, monkeypatch):
    """A deploy of B over A, killed before its Nth request (SIGKILL: no clean-up) and run
    again, leaves the bucket exactly as B's uninterrupted deploy over A: the same
    objects, headers and manifest, and no journal."""
    set_deploy(site_a, store.endpoint, "ref/")
    set_deploy(site_b, store.endpoint, "ref/", "max_delete_percent = 100\n")
    assert deploy(run_cli, site_a)[0] == 0
    with monkeypatch.context() as patch:
        count = count_requests(patch)
        assert deploy(run_cli, site_b)[0] == 0
    total = count[0]
    reference = store.objects(BUCKET, "ref/")
    assert ".sitegen/journal.json" not in reference
    killer = tmp_path / "killer.py"
    killer.write_text(KILLER)
    chooser = random.Random(15)
    # The journal's upload, the manifest's, the deletions, and two uploads chosen at
    # random (seeded: the same every run).
    points = sorted({3, total - 2, total - 1, *chooser.sample(range(4, total - 2), 2)})
    for trial, point in enumerate(points):
        prefix = f"kill-{trial}/"
        set_deploy(site_a, store.endpoint, prefix)
        set_deploy(site_b, store.endpoint, prefix, "max_delete_percent = 100\n")
        assert deploy(run_cli, site_a)[0] == 0
        killed = subprocess.run([sys.executable, str(killer), "deploy", "--site", str(site_b)],
                                env={**os.environ, "KILL_AT": str(point)},
                                capture_output=True, text=True, timeout=120)
        assert killed.returncode == -9, (point, killed.stdout, killed.stderr)
        code, out, err = deploy(run_cli, site_b)
        assert code == 0, err
        assert store.objects(BUCKET, prefix) == reference, f"killed at request {point}"


def test_the_manifest_lists_what_the_bucket_serves(store, run_cli, site_a):
    set_deploy(site_a, store.endpoint, "manifest/")
    assert deploy(run_cli, site_a)[0] == 0
    status, headers, body = store.fetch(f"/{BUCKET}/manifest/.sitegen/manifest.json")
    assert status == 200
    manifest = json.loads(body)
    objects = store.objects(BUCKET, "manifest/")
    for rel, row in manifest["files"].items():
        assert objects[rel] == {"sha256": row["sha256"], "type": row["type"],
                                "cache": row["cache"]}
    assert set(objects) == {*manifest["files"], ".sitegen/manifest.json"}


def test_a_large_file_goes_up_in_parts(run_cli, store, tmp_path):
    """Above 16 MB a file is uploaded in parts (and never read whole); the manifest's
    sha256 is still of the whole file, whatever ETag the store makes of the parts."""
    big = bytes(range(256)) * (70 * 1024)  # 17.5 MiB
    site = tmp_path / "site"
    build_once(site, {"static/downloads/pressefilm.mp4": big})
    set_deploy(site, store.endpoint, "large/")
    code, _, err = deploy(run_cli, site)
    assert code == 0, err
    status, headers, body = store.fetch(f"/{BUCKET}/large/downloads/pressefilm.mp4")
    assert status == 200 and body == big
    assert headers["Content-Type"] == "video/mp4"
    assert "-" in headers["Etag"]  # a multipart upload's ETag: not the file's MD5
    code, out, _ = deploy(run_cli, site)
    assert code == 0 and "Nothing to deploy" in out

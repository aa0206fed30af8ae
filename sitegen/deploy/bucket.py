"""The only module that speaks to the object store, through boto3 (the standard S3 SDK).

Every failure leaves here as a DeployError with a message and a hint for the person who
runs the deploy, never as a botocore traceback. Transient failures (5xx answers,
throttling, dropped connections, time-outs) are retried by botocore's "standard" retry
mode, with back-off; the first request is given fewer tries, so that a wrong endpoint
is said within seconds rather than after a minute of retrying.

Credentials come from the standard AWS environment variables and credential files only
(botocore's chain without the EC2 instance-metadata provider, which would ask the
network of whatever machine CI runs on). Newer botocore adds CRC checksums to every
upload, which some S3-compatible stores refuse; they are sent only where an operation
requires them.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from sitegen import __version__
from sitegen.deploy.files import Entry, read_hashed
from sitegen.deploy.settings import DeployConfig

LARGE = 16 * 1024 * 1024  # above this, a file goes up in parts (and is not read whole)
OWN_CACHE = "no-cache"  # the manifest and the journal: always asked for anew
REFUSED = {"InvalidAccessKeyId", "SignatureDoesNotMatch", "AccessDenied", "InvalidToken",
           "ExpiredToken", "TokenRefreshRequired", "InvalidClientTokenId", "Forbidden",
           "403", "AuthorizationHeaderMalformed", "AccountProblem", "AllAccessDisabled",
           "InvalidSecurity", "UnauthorizedAccess", "Unauthorized", "401"}
CREDENTIALS_HINT = ("check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (in CI: the "
                    "repository's secrets), or AWS_PROFILE, and that this key may read, "
                    "write and delete in bucket '{bucket}'")


class DeployError(Exception):
    """Why a deploy cannot go on, said for a person: a message and a hint."""

    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.message, self.hint = message, hint


class Bucket:
    """The bucket of a [deploy] table, under its prefix: keys here are site paths."""

    def __init__(self, config: DeployConfig, attempts: int = 6):
        import boto3
        import botocore.session
        from botocore.config import Config

        self.config = config
        os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")
        core = botocore.session.get_session()
        resolver = core.get_component("credential_provider")
        if resolver.get_provider("iam-role") is not None:
            resolver.remove("iam-role")
        session = boto3.session.Session(botocore_session=core)
        region = config.region or session.region_name or "us-east-1"

        def client(tries: int, connect: int) -> Any:
            return session.client("s3", endpoint_url=config.endpoint_url, region_name=region,
                                  config=Config(
                                      retries={"max_attempts": tries, "mode": "standard"},
                                      connect_timeout=connect, read_timeout=60,
                                      max_pool_connections=config.parallel_uploads + 4,
                                      s3={"addressing_style": config.addressing_style},
                                      user_agent_extra=f"sitegen/{__version__}",
                                      request_checksum_calculation="when_required",
                                      response_checksum_validation="when_required"))

        self.client = client(attempts, 10)
        self.first = client(3, 5)  # the first request: a wrong endpoint is said at once

    def key(self, rel: str) -> str:
        return self.config.prefix + rel

    # -- reading -------------------------------------------------------------------

    def get(self, rel: str, first: bool = False) -> bytes | None:
        """An object's bytes, or None if there is none."""
        client = self.first if first else self.client
        try:
            answer = client.get_object(Bucket=self.config.bucket, Key=self.key(rel))
            return answer["Body"].read()
        except Exception as exc:  # botocore's errors, translated
            if _code(exc) in ("NoSuchKey", "404", "NotFound"):
                return None
            raise self.explain(exc, f"reading {rel}") from None

    def keys(self) -> Iterator[str]:
        """Every object under the prefix, as site paths."""
        try:
            pages = self.client.get_paginator("list_objects_v2").paginate(
                Bucket=self.config.bucket, Prefix=self.config.prefix)
            for page in pages:
                for item in page.get("Contents", []):
                    yield item["Key"][len(self.config.prefix):]
        except Exception as exc:
            raise self.explain(exc, "listing the bucket") from None

    # -- writing -------------------------------------------------------------------

    def put(self, rel: str, data: bytes, content_type: str, cache_control: str) -> None:
        try:
            self.client.put_object(Bucket=self.config.bucket, Key=self.key(rel), Body=data,
                                   ContentType=content_type, CacheControl=cache_control,
                                   Metadata={"sha256": hashlib.sha256(data).hexdigest()})
        except Exception as exc:
            raise self.explain(exc, f"uploading {rel}") from None

    def upload(self, out: Path, rel: str, entry: Entry) -> None:
        """One file of the build; it must still be the file the plan was made from."""
        path = out / rel
        if entry.size <= LARGE:
            data = path.read_bytes()
            if hashlib.sha256(data).hexdigest() != entry.sha256:
                raise _changed(rel)
            self.put(rel, data, entry.content_type, entry.cache_control)
            return
        if read_hashed(path)[0] != entry.sha256:
            raise _changed(rel)
        from boto3.s3.transfer import TransferConfig

        try:
            self.client.upload_file(
                str(path), self.config.bucket, self.key(rel),
                ExtraArgs={"ContentType": entry.content_type,
                           "CacheControl": entry.cache_control,
                           "Metadata": {"sha256": entry.sha256}},
                Config=TransferConfig(multipart_threshold=LARGE, multipart_chunksize=LARGE,
                                      max_concurrency=4))
        except Exception as exc:
            raise self.explain(exc, f"uploading {rel}") from None

    def delete(self, rels: Iterable[str]) -> None:
        """Delete objects, a thousand a request; one by one where the store has no
        multi-object delete (Google Cloud Storage's S3 interface)."""
        items = list(rels)
        for start in range(0, len(items), 1000):
            batch = items[start:start + 1000]
            try:
                answer = self.client.delete_objects(
                    Bucket=self.config.bucket,
                    Delete={"Objects": [{"Key": self.key(rel)} for rel in batch],
                            "Quiet": True})
            except Exception as exc:
                if _code(exc) not in ("NotImplemented", "MalformedXML", "InvalidRequest",
                                      "MissingContentMD5", "InvalidArgument"):
                    raise self.explain(exc, "deleting files") from None
                for rel in batch:
                    self.delete_one(rel)
                continue
            errors = answer.get("Errors") or []
            if errors:
                first = errors[0]
                raise DeployError(
                    f"the store refused to delete {len(errors)} file(s), the first "
                    f"{first.get('Key')}: {first.get('Code')} {first.get('Message', '')}",
                    "check that the key may delete in this bucket; running the deploy "
                    "again retries the deletions")

    def delete_one(self, rel: str) -> None:
        try:
            self.client.delete_object(Bucket=self.config.bucket, Key=self.key(rel))
        except Exception as exc:
            raise self.explain(exc, f"deleting {rel}") from None

    # -- what went wrong -------------------------------------------------------------

    def explain(self, exc: Exception, action: str) -> DeployError:
        """A botocore exception as a message for a person."""
        from botocore import exceptions as boto

        config = self.config
        where = config.endpoint_url or "AWS S3"
        code = _code(exc)
        if isinstance(exc, boto.NoCredentialsError):
            return DeployError(f"no credentials for {config.where}",
                               "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (in CI, from "
                               "its secret store), or AWS_PROFILE with ~/.aws/credentials; "
                               "never in site.toml")
        if isinstance(exc, boto.PartialCredentialsError):
            return DeployError(f"the credentials are incomplete: {exc}",
                               "set both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
        if isinstance(exc, boto.SSLError):
            return DeployError(f"cannot make a secure connection to {where}: {exc}",
                               "check endpoint_url in site.toml's [deploy] (http:// or "
                               "https://, as the provider gives it)")
        if isinstance(exc, boto.EndpointConnectionError | boto.ConnectTimeoutError
                      | boto.ConnectionClosedError | boto.ReadTimeoutError
                      | boto.ConnectionError | boto.HTTPClientError):
            return DeployError(f"cannot reach the store at {where} ({_reason(exc)}), while "
                               f"{action}",
                               "check endpoint_url in site.toml's [deploy] and the network; "
                               "if the store is down, run the deploy again later: it "
                               "carries on where it stopped")
        if code in REFUSED:
            return DeployError(f"{config.where} refused the credentials while {action} "
                               f"({code}{': ' + _message(exc) if _message(exc) else ''})",
                               CREDENTIALS_HINT.format(bucket=config.bucket))
        if code == "NoSuchBucket":
            return DeployError(f"there is no bucket '{config.bucket}' at {where}",
                               "create it with your storage provider, or correct bucket = "
                               "in site.toml's [deploy]")
        if code in ("PermanentRedirect", "301", "IllegalLocationConstraintException"):
            return DeployError(f"bucket '{config.bucket}' is in another region than "
                               f"{self.client.meta.region_name}",
                               'set its region in site.toml\'s [deploy]: region = "eu-north-1"')
        if isinstance(exc, boto.ClientError):
            return DeployError(f"the store answered {code or 'an error'} while {action}: "
                               f"{_message(exc) or exc}",
                               "if it says the service is busy, run the deploy again: it "
                               "carries on where it stopped")
        if isinstance(exc, boto.BotoCoreError):
            return DeployError(f"the deploy failed while {action}: {exc}",
                               "check [deploy] in site.toml; run it again to carry on")
        if isinstance(exc, DeployError):
            return exc
        if isinstance(exc, OSError):
            return DeployError(f"cannot read the build while {action}: {exc}",
                               "run sitegen build again, then deploy")
        raise exc


def _changed(rel: str) -> DeployError:
    return DeployError(f"{rel} changed in the output folder while deploying",
                       "let the build finish (or do not edit the output by hand), "
                       "then deploy again")


def _code(exc: Exception) -> str:
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        return str(response.get("Error", {}).get("Code", ""))
    return ""


def _message(exc: Exception) -> str:
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        return str(response.get("Error", {}).get("Message", "") or "")
    return ""


def _reason(exc: Exception) -> str:
    """The innermost cause, shortly: 'Connection refused', 'timed out'."""
    text = str(getattr(exc, "kwargs", {}).get("error", "") or exc)
    for known in ("Connection refused", "Name or service not known", "timed out",
                  "No route to host", "Temporary failure in name resolution",
                  "Connection reset"):
        if known in text:
            return known.lower() if known != "Connection refused" else "connection refused"
    return text.split(": ", 1)[-1][:200]

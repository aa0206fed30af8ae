"""site.toml's [deploy] table -> a typed DeployConfig, checked as strictly as the rest.

`sitegen check` checks the table too (config.load_config calls `check_deploy`), so a
misspelt setting fails the pull request's check, not the deploy after the merge.
Credentials are never settings: site.toml is committed, often to a public repository,
so a key found in it is an error that says to remove it and to revoke the key. They come
from the standard AWS environment variables or credential files only (docs/publishing.md).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sitegen.config import SiteConfig, _Reader, load_config
from sitegen.errors import Problem, error, suggestion
from sitegen.locations import CACHE_DIR, CONFIG_NAME

DEPLOY_KEYS = {"endpoint_url", "bucket", "prefix", "region", "addressing_style",
               "max_delete_percent", "purge_command", "changed_urls", "parallel_uploads",
               "cache_control"}
# What a file is, for its Cache-Control (sitegen/deploy/files.py says which is which).
CACHE_KINDS = ("html", "feeds", "sitemaps", "media", "assets", "search", "search_hashed",
               "other")
DEFAULT_CACHE = {
    "html": "public, max-age=60",
    "feeds": "public, max-age=300",
    "sitemaps": "public, max-age=300",
    "media": "public, max-age=604800",
    "assets": "public, max-age=3600",
    "search": "public, max-age=300",
    "search_hashed": "public, max-age=31536000, immutable",
    "other": "public, max-age=3600",
}
DEFAULT_CHANGED_URLS = f"{CACHE_DIR}/deploy/changed-urls.txt"
ADDRESSING = ("auto", "path", "virtual")
SECRET_WORDS = re.compile(r"key|secret|token|passw|credential", re.IGNORECASE)
ACCESS_KEY = re.compile(r"\b(?:AKIA|ASIA)[A-Z0-9]{16}\b")
BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$")
CREDENTIALS_HINT = ("remove the line, and revoke that key with your storage provider if "
                    "it was ever committed: anyone who can read the repository has it. Give "
                    "credentials as AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (in CI, "
                    "from its secret store) or in ~/.aws/credentials")
EXAMPLE = ('[deploy]\n    bucket = "nyheder"\n    endpoint_url = "https://<account>.r2.'
           'cloudflarestorage.com"   # leave out for AWS S3')


@dataclass(frozen=True, slots=True)
class DeployConfig:
    """Where and how `sitegen deploy` publishes. The defaults are the documented ones."""

    bucket: str
    endpoint_url: str | None = None  # None: AWS S3 itself
    prefix: str = ""  # "" or ending with "/": the site's folder in the bucket
    region: str | None = None  # None: from AWS_REGION / the AWS config file
    addressing_style: str = "auto"
    max_delete_percent: float = 10.0
    purge_command: str | None = None
    changed_urls: str = DEFAULT_CHANGED_URLS  # relative to the site's folder
    parallel_uploads: int = 16
    cache_control: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_CACHE))
    cache_patterns: tuple[tuple[str, str], ...] = ()  # (glob on the path, value), in order

    @property
    def where(self) -> str:
        """The bucket as people say it: s3://bucket/prefix (at the endpoint)."""
        at = f" at {self.endpoint_url}" if self.endpoint_url else " (AWS S3)"
        return f"s3://{self.bucket}/{self.prefix}{at}"


def check_deploy(raw: Any, text: str, problems: list[Problem]) -> DeployConfig | None:
    """Check a [deploy] table, adding its problems; the settings, or None if broken."""
    found: list[Problem] = []
    reader = _Reader(raw if isinstance(raw, dict) else {}, text, "deploy.", found)
    if not isinstance(raw, dict):
        reader.fail(None, "[deploy] must be a table", f"write it as {EXAMPLE}")
        problems.extend(found)
        return None
    _check_secrets(raw, reader, "deploy.")
    allowed = DEPLOY_KEYS
    for key in raw:
        if key not in allowed and not SECRET_WORDS.search(key):
            reader.fail(key, f"unknown setting 'deploy.{key}'{suggestion(key, allowed)}",
                        "see docs/publishing.md for the settings [deploy] accepts")
    bucket = reader.text_value("bucket")
    if bucket and not BUCKET_NAME.match(bucket):
        reader.fail("bucket", f"'{bucket}' is not a bucket name",
                    "a bucket name is 3 to 63 lower-case letters, digits, '.' and '-', "
                    'as your storage provider shows it: bucket = "nyheder"')
    endpoint = _endpoint(reader, raw.get("endpoint_url"))
    prefix = _prefix(reader, raw.get("prefix", ""))
    region = _optional_text(reader, raw, "region")
    style = raw.get("addressing_style", "auto")
    if style not in ADDRESSING:
        reader.fail("addressing_style", f"addressing_style must be one of "
                    f"{', '.join(ADDRESSING)}, not {style!r}",
                    '"path" for MinIO and SeaweedFS on your own host; "auto" for the rest')
        style = "auto"
    share = raw.get("max_delete_percent", 10)
    if isinstance(share, bool) or not isinstance(share, int | float) or not 0 <= share <= 100:
        reader.fail("max_delete_percent", "max_delete_percent must be a number from 0 to "
                    "100 (a share of the site's files, in percent)",
                    "max_delete_percent = 10 refuses a deploy that deletes more than a "
                    "tenth of the site; --allow-deletes overrides it once")
        share = 10
    parallel = raw.get("parallel_uploads", 16)
    if isinstance(parallel, bool) or not isinstance(parallel, int) or not 1 <= parallel <= 64:
        reader.fail("parallel_uploads", "parallel_uploads must be a whole number from 1 to 64")
        parallel = 16
    purge = _optional_text(reader, raw, "purge_command")
    changed = _optional_text(reader, raw, "changed_urls") or DEFAULT_CHANGED_URLS
    if Path(changed).is_absolute() or ".." in Path(changed).parts:
        reader.fail("changed_urls", "changed_urls must be a path inside the site's folder",
                    f'the default is changed_urls = "{DEFAULT_CHANGED_URLS}"')
        changed = DEFAULT_CHANGED_URLS
    kinds, patterns = _cache_control(raw.get("cache_control", {}), text, found)
    problems.extend(found)
    if any(p.is_error for p in found):
        return None
    return DeployConfig(bucket, endpoint, prefix, region, style, float(share), purge,
                        changed, parallel, {**DEFAULT_CACHE, **kinds}, patterns)


def load_deploy(site_dir: Path) -> tuple[SiteConfig | None, DeployConfig | None,
                                         list[Problem]]:
    """The site's settings and its [deploy] table, with every problem of either."""
    config, problems = load_config(site_dir)
    if config is None or any(p.is_error for p in problems):
        return None, None, problems
    text = (site_dir / CONFIG_NAME).read_text(encoding="utf-8")
    raw = tomllib.loads(text).get("deploy")
    if raw is None:
        return config, None, [*problems, error(
            CONFIG_NAME, None, "there is no [deploy] table: sitegen does not know "
            "where to publish", f"add one, for example:\n    {EXAMPLE}\n    "
            "docs/publishing.md has one for each provider")]
    deploy = check_deploy(raw, text, [])  # its problems are among load_config's
    return config, deploy, problems


def _check_secrets(raw: dict[str, Any], reader: _Reader, where: str,
                   names: bool = True) -> None:
    """Keys named like credentials, and values that look like an AWS access key. The
    names inside [deploy.cache_control] are paths ("media/keynote.pdf"), not settings."""
    for key, value in raw.items():
        if names and SECRET_WORDS.search(key):
            reader.fail(key, f"'{where}{key}' looks like a credential: credentials never go "
                        "in site.toml", CREDENTIALS_HINT)
        elif isinstance(value, str) and ACCESS_KEY.search(value):
            reader.fail(key, f"'{where}{key}' holds what looks like an AWS access key: "
                        "credentials never go in site.toml", CREDENTIALS_HINT)
        elif isinstance(value, dict):
            _check_secrets(value, _Reader(value, reader.text, f"{where}{key}.",
                                          reader.problems), f"{where}{key}.", names=False)


def _optional_text(reader: _Reader, raw: dict[str, Any], key: str) -> str | None:
    if key not in raw:
        return None
    value = raw[key]
    if not isinstance(value, str) or not value.strip():
        reader.fail(key, f"'deploy.{key}' must be a non-empty text in quotes")
        return None
    return value.strip()


def _endpoint(reader: _Reader, value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        reader.fail("endpoint_url", "'deploy.endpoint_url' must be a URL in quotes",
                    'e.g. endpoint_url = "https://<account>.r2.cloudflarestorage.com"; '
                    "leave it out for AWS S3")
        return None
    value = value.strip()
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        reader.fail("endpoint_url", f"endpoint_url must be an http:// or https:// URL, "
                    f"not '{value}'", 'e.g. endpoint_url = "https://storage.googleapis.com"')
        return None
    if parts.username or parts.password:
        reader.fail("endpoint_url", "endpoint_url holds a user name or password: "
                    "credentials never go in site.toml", CREDENTIALS_HINT)
        return None
    if parts.query or parts.fragment:
        reader.fail("endpoint_url", "endpoint_url must be the store's address alone, "
                    "without '?' or '#'")
        return None
    return value.rstrip("/")


def _prefix(reader: _Reader, value: Any) -> str:
    if not isinstance(value, str):
        reader.fail("prefix", "'deploy.prefix' must be a text in quotes",
                    'e.g. prefix = "nyheder/", or leave it out for the bucket\'s root')
        return ""
    parts = [part for part in value.strip().strip("/").split("/") if part]
    if any(part in (".", "..") for part in parts) or "//" in value.strip("/"):
        reader.fail("prefix", f"'{value}' is not a folder in the bucket",
                    'write it as folder names with "/": prefix = "sites/nyheder/"')
        return ""
    return "/".join(parts) + "/" if parts else ""


def _cache_control(raw: Any, text: str, problems: list[Problem]
                   ) -> tuple[dict[str, str], tuple[tuple[str, str], ...]]:
    """[deploy.cache_control]: a kind (html = "...") or a path pattern
    ("media/logos/*" = "...") to a Cache-Control value; patterns win, first match first."""
    reader = _Reader(raw if isinstance(raw, dict) else {}, text, "deploy.cache_control.",
                     problems)
    if not isinstance(raw, dict):
        reader.fail(None, "[deploy.cache_control] must be a table",
                    'e.g. [deploy.cache_control] with html = "public, max-age=60"')
        return {}, ()
    kinds: dict[str, str] = {}
    patterns: list[tuple[str, str]] = []
    for key, value in raw.items():
        pattern = any(c in key for c in "/*?.[")
        if not pattern and key not in CACHE_KINDS:
            reader.fail(key, f"unknown kind 'deploy.cache_control.{key}'"
                        f"{suggestion(key, CACHE_KINDS)}",
                        f"the kinds are {', '.join(CACHE_KINDS)}; a key with '/' or '*' "
                        'is a path pattern, e.g. "media/logos/*" = "public, max-age=60"')
            continue
        if not isinstance(value, str) or not value.strip() or any(
                ord(c) < 32 for c in value):
            reader.fail(key, f"the Cache-Control of '{key}' must be one line of text in "
                        'quotes, e.g. "public, max-age=300"')
            continue
        if pattern:
            patterns.append((key.lstrip("/"), value.strip()))
        else:
            kinds[key] = value.strip()
    return kinds, tuple(patterns)

"""The Pagefind service client: a bundle is complete when `Indexer.bundle` returns.

Pagefind's service answers WriteFiles before its writes are done (tokio's `write_all`
without `flush`), and exits on closed input without finishing them, so a bundle read
after the answer could have an empty pagefind-entry.json. The client therefore asks
for the files (GetFiles) and writes them itself. A stand-in service that behaves like
Pagefind at its worst (answers WriteFiles, writes nothing) shows it deterministically;
the real Pagefind shows the files are whole and that search's tidying accepts them.
"""

from __future__ import annotations

import base64
import gzip
import json
import sys
import textwrap
from pathlib import Path

import pytest

from sitegen import search
from sitegen.errors import BuildFailed
from sitegen.search_pagefind import ENTRY, Indexer, executable, write_bundle

ENTRY_BYTES = json.dumps({"version": "1.5.2", "languages": {
    "da": {"hash": "da_0123456789", "wasm": "da", "page_count": 5}}}).encode()
BIG = bytes(range(256)) * (3 * 4096 + 7)  # 3 MB and a bit: an answer of many reads

FAKE = textwrap.dedent("""\
    import base64, json, os, sys
    from pathlib import Path
    log = open(sys.argv[0] + ".log", "a")
    def send(message_id, payload):
        data = json.dumps({"message_id": message_id, "payload": payload}).encode()
        sys.stdout.buffer.write(base64.b64encode(data) + b",")
        sys.stdout.buffer.flush()
    def b64(data):
        return base64.b64encode(data).decode()
    buffer = b""
    while True:
        chunk = os.read(0, 65536)
        if not chunk:
            os._exit(0)  # as Pagefind: process::exit, whatever is unwritten is lost
        buffer += chunk
        while b"," in buffer:
            raw, _, buffer = buffer.partition(b",")
            request = json.loads(base64.b64decode(raw))
            payload, kind = request["payload"], request["payload"]["type"]
            log.write(kind + "\\n"); log.flush()
            if kind == "NewIndex":
                send(request["message_id"], {"type": "NewIndex", "index_id": 0})
            elif kind == "AddDir":
                send(request["message_id"], {"type": "IndexedDir", "page_count": 5})
            elif kind == "WriteFiles":  # Pagefind at its worst: answered, not written
                out = Path(payload["output_path"]); out.mkdir(parents=True, exist_ok=True)
                (out / "pagefind-entry.json").touch()
                send(request["message_id"], {"type": "WriteFiles",
                                             "output_path": str(out)})
            elif kind == "GetFiles":
                files = [{"path": "pagefind-entry.json", "content": b64(ENTRY)},
                         {"path": "fragment/da_1.pf_fragment", "content": b64(BIG)},
                         {"path": "pagefind.js", "content": b64(b"//js")}]
                send(request["message_id"], {"type": "GetFiles", "files": files})
            elif kind == "DeleteIndex":
                send(request["message_id"], {"type": "DeleteIndex"})
    """)


@pytest.fixture
def fake(tmp_path: Path) -> Path:
    script = tmp_path / "fake-pagefind"
    script.write_text(f"#!{sys.executable}\nENTRY = {ENTRY_BYTES!r}\nBIG = {BIG!r}\n"
                      + FAKE)
    script.chmod(0o755)
    return script


def test_a_bundle_is_complete_when_bundle_returns_even_if_pagefind_writes_late(
        fake: Path, tmp_path: Path):
    (tmp_path / "run").mkdir()
    outputs = [tmp_path / "out" / f"b{n}" for n in range(3)]
    outputs[0].parent.mkdir()
    with Indexer(fake, tmp_path / "run") as indexer:
        for output in outputs:
            assert indexer.bundle(tmp_path, output) == 5
            # Complete now, with the process still running: nothing is left to Pagefind.
            assert (output / ENTRY).read_bytes() == ENTRY_BYTES
            assert (output / "fragment/da_1.pf_fragment").read_bytes() == BIG
            assert (output / "pagefind.js").read_bytes() == b"//js"
    asked = (fake.parent / "fake-pagefind.log").read_text().split()
    assert "WriteFiles" not in asked
    assert asked == ["NewIndex", "AddDir", "GetFiles", "DeleteIndex"] * 3


@pytest.mark.parametrize("files, why", [
    ([{"path": "../escape.js", "content": ""}], "outside the bundle"),
    ([{"path": "/etc/escape.js", "content": ""}], "outside the bundle"),
    ([{"path": ENTRY, "content": ""}, {"path": ENTRY, "content": ""}], "twice"),
    ([{"path": "pagefind.js", "content": ""}], f"no {ENTRY}"),
])
def test_a_bundle_pagefind_names_wrongly_is_refused_and_not_left(
        files: list[dict[str, str]], why: str, tmp_path: Path):
    with pytest.raises(BuildFailed) as failed:
        write_bundle(files, tmp_path / "bundle")
    assert why in failed.value.problems[0].message
    assert not (tmp_path / "bundle").exists()
    assert not (tmp_path.parent / "escape.js").exists()


def test_a_bundle_is_written_only_into_a_new_folder(tmp_path: Path):
    (tmp_path / "bundle").mkdir()
    (tmp_path / "bundle" / "old.pf_fragment").write_bytes(b"old")
    with pytest.raises(FileExistsError):
        write_bundle([{"path": ENTRY, "content": base64.b64encode(b"{}").decode()}],
                     tmp_path / "bundle")
    assert (tmp_path / "bundle" / "old.pf_fragment").read_bytes() == b"old"


def _pages(folder: Path) -> None:
    for n in range(5):
        page = folder / f"da/2021/artikel-{n}/index.html"
        page.parent.mkdir(parents=True)
        page.write_text(f'<html lang="da"><head><title>Artikel {n}</title></head><body>'
                        f'<main data-pagefind-body><h1>Artikel {n}</h1>'
                        f'<p>Nyt fra byen om vejret, nummer {n}.</p></main></body></html>',
                        encoding="utf-8")


def _check_complete(bundle: Path) -> None:
    entry = json.loads((bundle / ENTRY).read_bytes())
    assert entry["languages"]["da"]["page_count"] == 5
    assert (bundle / f"pagefind.{entry['languages']['da']['hash']}.pf_meta").is_file()
    chunks = list(bundle.rglob("*.pf_*"))
    assert {p.parent.name for p in chunks} >= {"fragment", "index", bundle.name}
    for chunk in chunks:  # every compressed file decompresses to its end
        assert gzip.decompress(chunk.read_bytes()).startswith(b"pagefind_dcd")
    for name in ("pagefind.js", "pagefind-worker.js", "wasm.da.pagefind"):
        assert (bundle / name).stat().st_size > 0


def test_real_pagefind_bundles_in_a_row_are_whole_and_tidy_to_equal_bytes(tmp_path: Path):
    pages, run = tmp_path / "pages", tmp_path / "run"
    _pages(pages)
    run.mkdir()
    outputs = [tmp_path / "out" / f"da-{n}" for n in range(12)]
    outputs[0].parent.mkdir()
    with Indexer(executable(), run) as indexer:
        for output in outputs:
            assert indexer.bundle(pages, output) == 5
            _check_complete(output)  # before the next request and before closing
    contents = set()
    for output in outputs:
        _check_complete(output)  # still whole after the process has exited
        search._tidy(output, "stamp")
        contents.add(tuple(sorted((p.relative_to(output).as_posix(), p.read_bytes())
                                  for p in output.rglob("*") if p.is_file())))
    assert len(contents) == 1  # equal pages, equal bytes

"""The layering of the pipeline, read from the source with ast (nothing is imported).

config -> load -> resolve -> plan -> render -> write, driven by pipeline and cli: a lower
layer never imports a higher one, render never writes, load's parsers never touch the
file system, and nothing but __main__ imports cli.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "sitegen"

# Everything that drives the pipeline or serves it: no layer of the pipeline may use it.
DRIVERS = {"pipeline", "engine", "cli", "serve", "cache", "scaffold", "review", "progress"}

FORBIDDEN = {
    # lowest: plain values and helpers every layer may use
    "errors": {"kinds", "load", "resolve", "plan", "render", "write", *DRIVERS},
    "slugs": {"kinds", "load", "resolve", "plan", "render", "write", *DRIVERS},
    "urls": {"kinds", "load", "resolve", "plan", "render", "write", *DRIVERS},
    "config": {"kinds", "load", "resolve", "plan", "render", "write", "model", *DRIVERS},
    "model": {"kinds", "load", "resolve", "plan", "render", "write", *DRIVERS},
    "markdown": {"kinds", "load", "resolve", "plan", "render", "write", *DRIVERS},
    "i18n": {"kinds", "load", "resolve", "plan", "render", "write", *DRIVERS},
    # the pipeline's steps, in order
    "load": {"kinds", "resolve", "plan", "render", "write", *DRIVERS},
    "resolve": {"kinds", "plan", "render", "write", *DRIVERS},
    "plan": {"render", "write", *DRIVERS},
    "render": {"write", *DRIVERS},
    # page kinds sit above plan and render (each plans its pages and renders them);
    # plan.pages and render.dependencies reach them only for the engine's entry points
    "kinds": {"write", *DRIVERS},
    "write": {"load", "resolve", "plan", "render", *DRIVERS},
}

# load's parsers get bytes and give records: they never open another file.
PURE_LOADERS = ("load/frontmatter.py", "load/fields.py", "load/sources.py", "load/records.py")
FILE_SYSTEM_MODULES = {"os", "shutil", "tempfile", "glob", "io"}
WRITING_CALLS = {"write_text", "write_bytes", "mkdir", "makedirs", "unlink", "rename",
                 "rmtree", "copyfile", "copy2", "copytree", "touch", "rmdir"}


def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports(path: Path) -> Iterator[tuple[int, str]]:
    """(line, module) for every import in the file, also inside functions; relative
    imports made absolute, and `from sitegen import urls` read as sitegen.urls."""
    tree = ast.parse(path.read_text("utf-8"), str(path))
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package[: len(package) - node.level + 1] + ([base] if base
                                                                              else []))
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                submodule = PACKAGE.parent / candidate.replace(".", "/")
                is_module = submodule.with_suffix(".py").is_file() or submodule.is_dir()
                yield node.lineno, candidate if is_module else base


def layer_of(module: str) -> str | None:
    """'sitegen.load.fields' -> 'load'; modules outside sitegen -> None."""
    parts = module.split(".")
    if parts[0] != "sitegen" or len(parts) < 2:
        return None
    return parts[1]


def violations(rule_layer: str) -> list[str]:
    found = []
    for path in modules():
        if layer_of(module_name(path)) != rule_layer:
            continue
        for line, imported in imports(path):
            target = layer_of(imported)
            if target in FORBIDDEN[rule_layer]:
                found.append(f"{path.relative_to(PACKAGE.parent)}:{line}: imports {imported}")
    return found


def test_the_package_is_where_the_rules_look():
    names = {layer_of(module_name(p)) for p in modules()}
    assert {"load", "resolve", "plan", "render", "write", "cli", "pipeline"} <= names


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_lower_layers_never_import_higher_ones(layer):
    assert violations(layer) == []


def test_nothing_but_main_imports_the_cli():
    offenders = [f"{path.relative_to(PACKAGE.parent)}:{line}"
                 for path in modules() if path.name != "__main__.py"
                 for line, imported in imports(path) if imported == "sitegen.cli"]
    assert offenders == []


def test_render_never_writes_files():
    offenders = []
    for path in sorted((PACKAGE / "render").rglob("*.py")):
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                mode = [a.value for a in node.args[1:2] if isinstance(a, ast.Constant)]
                mode += [k.value.value for k in node.keywords
                         if k.arg == "mode" and isinstance(k.value, ast.Constant)]
                writes_open = name == "open" and any(set("wax+") & set(str(m)) for m in mode)
                if name in WRITING_CALLS or writes_open:
                    offenders.append(f"{path.name}:{node.lineno}: {name}()")
    assert offenders == []


@pytest.mark.parametrize("rel", PURE_LOADERS)
def test_load_parsers_never_touch_the_file_system(rel):
    path = PACKAGE / rel
    tree = ast.parse(path.read_text("utf-8"))
    offenders = []
    for line, imported in imports(path):
        if imported.split(".")[0] in FILE_SYSTEM_MODULES or imported == "pathlib.Path":
            offenders.append(f"{rel}:{line}: imports {imported}")
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "open":
            offenders.append(f"{rel}:{node.lineno}: open()")
        if isinstance(node, ast.ImportFrom) and node.module == "pathlib":
            offenders += [f"{rel}:{node.lineno}: imports pathlib.{a.name}"
                          for a in node.names if a.name == "Path"]
    assert offenders == []


def test_the_rules_catch_a_violation(tmp_path, monkeypatch):
    """The checker itself works: a load module importing render is reported."""
    fake = tmp_path / "sitegen"
    (fake / "load").mkdir(parents=True)
    (fake / "render").mkdir()
    (fake / "render" / "__init__.py").write_text("")
    (fake / "load" / "bad.py").write_text("from ..render import page\nimport sitegen.cli\n")
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", fake)
    assert violations("load") == ["sitegen/load/bad.py:1: imports sitegen.render",
                                  "sitegen/load/bad.py:2: imports sitegen.cli"]

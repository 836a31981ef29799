"""The house rules of `library/`, read from the imports with `ast` (STYLE.md, "Layout").

Dependencies point one way: `web` and `cli` call domain services, which call `storage`. A newcomer can
read any module without meeting its caller: no import circles; the leaves (`languages`, `catalogs`)
import nothing of the library but `errors`; `storage` knows no domain (its migrations aside, which know
every table); no domain package imports the shells; the shells build no queries of their own.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHELLS = {"web", "cli"}
LEAVES = {"languages", "catalogs"}
#: Query-building names a shell must not import: it asks a service, which owns the statement.
QUERY_NAMES = {"select", "insert", "update", "delete", "text", "func", "and_", "or_", "Session", "col",
               "exists", "case", "literal", "union_all", "bindparam"}


def modules(root: Path) -> dict[str, Path]:
    """Dotted name -> file, for every module of the ``library`` package under ``root``."""
    found = {}
    for path in sorted((root / "library").rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def imports(name: str, path: Path) -> Iterator[tuple[str, tuple[str, ...], int]]:
    """(imported module, names taken from it, line) for every import in the module, relative ones resolved,
    those under ``if TYPE_CHECKING`` and inside functions included (a circle for the type checker or
    behind a deferred import is a circle for the reader)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, (), node.lineno
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            yield base, tuple(alias.name for alias in node.names), node.lineno


def graph(known: dict[str, Path]) -> dict[str, set[str]]:
    """Module -> the library modules it imports (``from library.x import y`` counts ``library.x.y`` when
    that is a module, else ``library.x``)."""
    edges: dict[str, set[str]] = {}
    for name, path in known.items():
        edges[name] = set()
        for target, names, _ in imports(name, path):
            if target != "library" and not target.startswith("library."):
                continue
            submodules = {f"{target}.{n}" for n in names if f"{target}.{n}" in known}
            if len(submodules) < len(names) or not names:
                submodules.add(target)
            edges[name] |= {m for m in submodules if m in known} - {name}
    return edges


def package_of(module: str) -> str | None:
    """The top-level package of a module (``library.web.api.x`` -> ``web``); None for ``library`` itself."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


def circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Every group of modules that import each other, directly or not (Tarjan's strongly connected
    components of more than one module), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for following in sorted(edges.get(node, ())):
            if following not in index:
                visit(following)
                low[node] = min(low[node], low[following])
            elif following in stack:
                low[node] = min(low[node], index[following])
        if low[node] == index[node]:
            group = []
            while (member := stack.pop()) != node:
                group.append(member)
            group.append(node)
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return groups


def violations(root: Path) -> list[str]:
    known = modules(root)
    edges = graph(known)
    found = [f"import circle: {' <-> '.join(group)}" for group in circles(edges)]
    for module, targets in sorted(edges.items()):
        here = package_of(module)
        for target in sorted(targets):
            there = package_of(target)
            if there == here or there is None:
                continue
            if here in LEAVES and there != "errors":
                found.append(f"{module} imports {target}: {here}/ is a leaf (it may import library.errors only)")
            if here == "storage" and ".migrations." not in module and there not in {"errors", "settings"}:
                found.append(f"{module} imports {target}: storage/ imports no domain package")
            if here not in SHELLS and there in SHELLS:
                found.append(f"{module} imports {target}: a domain package imports no shell (web/, cli/)")
    for module, path in sorted(known.items()):
        if package_of(module) not in SHELLS:
            continue
        for target, names, line in imports(module, path):
            query = sorted(set(names) & QUERY_NAMES)
            if target.split(".")[0] in {"sqlalchemy", "sqlmodel"} and query:
                found.append(f"{module}:{line} imports {', '.join(query)} from {target}: shells ask services for data")
    return found


def test_the_library_keeps_its_house_rules() -> None:
    assert violations(ROOT) == []


PLANTED = {
    "library/__init__.py": "",
    "library/errors.py": "",
    "library/settings.py": "from library.languages import registry\n",
    "library/languages/__init__.py": "",
    "library/languages/registry.py": "from library.settings import X\nfrom library.errors import E\n",
    "library/catalogs/__init__.py": "",
    "library/catalogs/runtime.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                                   "    from library.content.models import Article\n",
    "library/storage/__init__.py": "",
    "library/storage/engine.py": "from library.content import models\n",
    "library/storage/migrations/versions/0001.py": "from library.content import models\n",
    "library/content/__init__.py": "",
    "library/content/models.py": "",
    "library/content/service.py": "def f():\n    from library.web.app import app\n",
    "library/web/__init__.py": "",
    "library/web/app.py": "from sqlalchemy import select\nfrom ..content import service\n",
    "library/cli/__init__.py": "from sqlmodel import Session, create_engine\n",
}


def test_it_fails_on_each_kind_of_planted_violation(tmp_path: Path) -> None:
    """The rules above are only worth their test if it fails: a tree with one violation of each kind."""
    for name, source in PLANTED.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(source, encoding="utf-8")
    assert violations(tmp_path) == [
        "import circle: library.content.service <-> library.web.app",
        "import circle: library.languages.registry <-> library.settings",
        "library.catalogs.runtime imports library.content.models: catalogs/ is a leaf (it may import "
        "library.errors only)",
        "library.content.service imports library.web.app: a domain package imports no shell (web/, cli/)",
        "library.languages.registry imports library.settings: languages/ is a leaf (it may import "
        "library.errors only)",
        "library.storage.engine imports library.content.models: storage/ imports no domain package",
        "library.cli:1 imports Session from sqlmodel: shells ask services for data",
        "library.web.app:1 imports select from sqlalchemy: shells ask services for data",
    ]

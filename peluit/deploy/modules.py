"""Which `peluit` modules the Lambda functions import, found by reading their source.

Starting from every `functions/*.py`, each `import` and `from … import` naming a `peluit` module
is followed (relative imports too, imports under `if TYPE_CHECKING:` not), and every package on
the way contributes its `__init__.py`. The result is exactly what the functions can import, so the
command line, the local server, the deploy tool and the site builder stay out of the package; a
function that imports one of those is a mistake and stops the build.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from pathlib import Path

from .errors import PackageError

ROOT_PACKAGE = "peluit"
# Never needed at run time in Lambda; a function importing one would pull in the CLI and its
# dependencies, or tools that must not run there.
FORBIDDEN = ("peluit.cli", "peluit.serve", "peluit.deploy", "peluit.site")


def runtime_modules(root: Path, entry_points: Iterable[Path]) -> list[Path]:
    """The `peluit` source files (relative to `root`) that `entry_points` import, sorted."""
    found: dict[str, Path] = {}
    pending = [(path, _module_name(root, path)) for path in entry_points]
    while pending:
        path, module = pending.pop()
        for name in _imported_names(path, module):
            if name != ROOT_PACKAGE and not name.startswith(ROOT_PACKAGE + "."):
                continue
            for candidate in _with_parents(name):
                if candidate in found:
                    continue
                file = _module_file(root, candidate)
                if file is None:
                    continue  # `from pkg import name` where name is not a module
                if _is_forbidden(candidate):
                    raise PackageError(
                        f"{path.relative_to(root)} imports {candidate}, which must not run in "
                        "Lambda (the CLI, local server, deploy tool and site builder stay out)"
                    )
                found[candidate] = file
                pending.append((file, candidate))
    return sorted(file.relative_to(root) for file in found.values())


def _is_forbidden(module: str) -> bool:
    return any(module == f or module.startswith(f + ".") for f in FORBIDDEN)


def _module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _module_file(root: Path, module: str) -> Path | None:
    base = root.joinpath(*module.split("."))
    for file in (base / "__init__.py", base.with_suffix(".py")):
        if file.is_file():
            return file
    return None


def _with_parents(module: str) -> Iterator[str]:
    """`a.b.c` → `a`, `a.b`, `a.b.c`: importing a module runs its packages' `__init__` first."""
    parts = module.split(".")
    for i in range(1, len(parts) + 1):
        yield ".".join(parts[:i])


def _imported_names(path: Path, module: str) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    is_package = path.name == "__init__.py"
    names: set[str] = set()
    for node in _runtime_nodes(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(module, is_package, node.level, node.module)
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names if alias.name != "*")
    return names


def _runtime_nodes(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node except what sits under `if TYPE_CHECKING:` (never imported at run time)."""
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            stack.extend(node.orelse)
            continue
        stack.extend(ast.iter_child_nodes(node))


def _is_type_checking(test: ast.expr) -> bool:
    if isinstance(test, ast.Name):
        return test.id == "TYPE_CHECKING"
    return isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"


def _absolute(module: str, is_package: bool, level: int, name: str | None) -> str:
    if level == 0:
        return name or ""
    parts = module.split(".")
    if not is_package:
        parts.pop()  # a module's relative imports start from its package
    if level > 1:
        parts = parts[: len(parts) - (level - 1)]
    return ".".join([*parts, name] if name else parts)

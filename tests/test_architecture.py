"""The dependency direction of DESIGN.md section 1, enforced on every import in the tree.

import-linter (contracts in pyproject.toml, run by ``make lint``) checks the imports; this
module checks the same rules on the source (so ``pytest`` alone catches them too) and what an
import graph cannot see:

- notifications imports none of our apps; accounts may import notifications;
  contributions and healthcards may import accounts and notifications; contributions may
  import healthcards (services and selectors only), never the other way round;
- between apps, only ``services`` and ``selectors`` are imported, and no private name;
- ``if TYPE_CHECKING:`` imports are allowed (types at app boundaries);
- no ``import_module`` / ``__import__`` / ``apps.get_model`` of another app's module or model,
  no string model reference to another app outside ``models.py`` (foreign keys follow the
  allowed direction), no ``_meta`` reach-through (``related_model``, ``remote_field``);
- api's convention modules import no app; the import-linter contracts list every non-public
  module of each app.
"""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
APPS = {"accounts", "console", "contributions", "healthcards", "notifications"}
ALLOWED = {
    "notifications": set(),
    "accounts": {"notifications"},
    "contributions": {"accounts", "notifications", "healthcards"},
    "healthcards": {"accounts", "notifications"},
    # The support console's pages compose both apps' services and selectors.
    "console": {"accounts", "healthcards"},
}
PUBLIC_MODULES = {"services", "selectors"}
# notifications is reached through its services only (BOUNDARIES: "notifications.services only").
PUBLIC_BY_APP = {"notifications": {"services"}}
API_CONVENTION_MODULES = [
    "exceptions.py", "pagination.py", "permissions.py", "throttles.py", "roles.py",
    "error_codes.py", "health.py", "demo.py", "renderers.py", "cache.py", "client_ip.py",
    "csp.py", "csv_safe.py", "fields.py", "logs.py", "middleware.py", "parsers.py",
    "precompiled.py", "reasons.py", "expiring.py",
]  # fmt: skip
REACH_THROUGH = {"related_model", "remote_field", "get_model"}
_APP_STRING = re.compile(
    r"^(accounts|console|contributions|healthcards|notifications)\.([A-Za-z_]\w*)"
)


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    """ids of every node inside an ``if TYPE_CHECKING:`` block."""
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If):
            test = node.test
            name = test.id if isinstance(test, ast.Name) else getattr(test, "attr", None)
            if name == "TYPE_CHECKING":
                for child in node.body:
                    inside.update(id(sub) for sub in ast.walk(child))
    return inside


def imported_modules(path: Path) -> list[tuple[int, str, list[str]]]:
    """(line, module, imported names) of every runtime import (TYPE_CHECKING ones aside)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    typing_only = _type_checking_nodes(tree)
    found = []
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name, []) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [alias.name for alias in node.names]
            found.append((node.lineno, node.module, names))
    return found


def _import_problems(app: str, path: Path) -> list[str]:
    problems = []
    for lineno, module, names in imported_modules(path):
        parts = module.split(".")
        target = parts[0]
        if target not in APPS or target == app:
            continue
        where = f"{path.relative_to(ROOT)}:{lineno} imports {module}"
        public = PUBLIC_BY_APP.get(target, PUBLIC_MODULES)
        if len(parts) == 1 and names and all(name in public for name in names):
            parts = [target, names[0]]  # ``from accounts import selectors``
        if target not in ALLOWED[app]:
            problems.append(f"{where}: {app} may not depend on {target}")
        elif len(parts) < 2 or parts[1] not in public:
            problems.append(f"{where}: only {target}.{'/'.join(sorted(public))} are public")
        elif private := [name for name in names if name.startswith("_")]:
            problems.append(f"{where}: private names {private}")
    return problems


def _string_target(value: str) -> str | None:
    match = _APP_STRING.match(value)
    return match.group(1) if match else None


def _dynamic_problems(app: str, path: Path) -> list[str]:
    """What imports do not show: dynamic imports, model lookups, string references."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    where = str(path.relative_to(ROOT))
    problems = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in REACH_THROUGH:
            problems.append(f"{where}:{node.lineno}: reach-through .{node.attr}")
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if name in {"import_module", "__import__"}:
                first = node.args[0] if node.args else None
                literal = first.value if isinstance(first, ast.Constant) else None
                target = _string_target(literal) if isinstance(literal, str) else None
                # A computed module name may point anywhere: allowed when every dotted string
                # of the file names this app's own modules (a backend table).
                foreign = literal is None or (target is not None and target != app)
                if foreign and not _only_own_modules(tree, app):
                    problems.append(f"{where}:{node.lineno}: dynamic import of {literal!r}")
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            target = _string_target(node.value)
            if target is None or target == app:
                continue
            if path.name == "models.py" and target in ALLOWED[app]:
                continue  # a foreign key to a model of an app this one may depend on
            if node.value.split(".")[1] in PUBLIC_BY_APP.get(target, PUBLIC_MODULES):
                continue  # a dotted path to a public module (task names, mock targets)
            problems.append(f"{where}:{node.lineno}: string reference {node.value!r}")
    return problems


def _only_own_modules(tree: ast.AST, app: str) -> bool:
    """Every dotted string in the module names this app's own modules (a backend table)."""
    strings = [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and "." in node.value
    ]
    targets = {_string_target(value) for value in strings} - {None}
    return targets <= {app}


def _app_files(app: str) -> list[Path]:
    return [p for p in sorted((ROOT / app).rglob("*.py")) if "migrations" not in p.parts]


def violations_in(app: str) -> list[str]:
    problems = []
    for path in _app_files(app):
        problems += _import_problems(app, path)
        problems += _dynamic_problems(app, path)
    return problems


@pytest.mark.parametrize("app", sorted(APPS))
def test_app_imports_follow_the_dependency_direction(app):
    assert violations_in(app) == []


@pytest.mark.parametrize("module", API_CONVENTION_MODULES)
def test_api_conventions_import_no_app(module):
    path = ROOT / "api" / module
    imported = [name for _, name, _ in imported_modules(path) if name.split(".")[0] in APPS]
    assert imported == [], f"api/{module} imports {imported}"


def _top_modules(app: str) -> set[str]:
    names = set()
    for path in (ROOT / app).iterdir():
        if path.name.startswith(("_", ".")) or path.name == "migrations":
            continue
        if path.suffix == ".py" or (path.is_dir() and (path / "__init__.py").exists()):
            names.add(f"{app}.{path.stem}")
    return names


def test_import_linter_contracts_cover_every_non_public_module():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    forbidden = {}
    for contract in contracts:
        if contract["name"].startswith("public surface of "):
            app = contract["name"].removeprefix("public surface of ").split(":")[0]
            forbidden[app] = set(contract["forbidden_modules"])
    for app, public in [("accounts", PUBLIC_MODULES), ("healthcards", PUBLIC_MODULES)]:
        expected = {m for m in _top_modules(app) if m.split(".")[1] not in public}
        assert expected - forbidden[app] == set(), f"add to the {app} contract in pyproject"
    expected = {m for m in _top_modules("notifications") if not m.endswith(".services")}
    assert expected - forbidden["notifications"] == set()
    sources = next(c for c in contracts if c["name"].startswith("api's convention"))
    listed = {m.removeprefix("api.") + ".py" for m in sources["source_modules"]}
    assert listed == set(API_CONVENTION_MODULES)


BAD_SNIPPETS = {
    "notifications": {"bad.py": "from accounts.models import User\n"},
    "healthcards": {"bad.py": "import contributions.selectors\n"},
    "contributions": {
        "bad.py": "from accounts.models import User\n",
        "dyn.py": "import importlib\nm = importlib.import_module('healthcards.models')\n",
        "getm.py": "from django.apps import apps\nm = apps.get_model('accounts', 'Insuree')\n",
        "meta.py": "x = Thing._meta.get_field('insuree').related_model\n",
        "private.py": "from accounts.selectors import _uuid_or_404\n",
        "string.py": "from django.db import models\nf = models.ForeignKey('accounts.Insuree')\n",
        "typed.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
        "    from accounts.models import User\n",
    },
}


def test_the_checker_catches_each_kind_of_violation(tmp_path, monkeypatch):
    for app, files in BAD_SNIPPETS.items():
        (tmp_path / app).mkdir()
        for name, text in files.items():
            (tmp_path / app / name).write_text(text)
    monkeypatch.setattr(__import__(__name__, fromlist=["ROOT"]), "ROOT", tmp_path)

    assert len(violations_in("notifications")) == 1
    assert len(violations_in("healthcards")) == 1
    found = "\n".join(violations_in("contributions"))
    assert "bad.py:1 imports accounts.models: only accounts.selectors/services" in found
    assert "dyn.py:2: dynamic import of 'healthcards.models'" in found
    assert "getm.py:2: reach-through .get_model" in found
    assert "meta.py:1: reach-through .related_model" in found
    assert "private.py:1 imports accounts.selectors: private names ['_uuid_or_404']" in found
    assert "string.py:2: string reference 'accounts.Insuree'" in found
    assert "typed.py" not in found  # TYPE_CHECKING imports are fine

"""The dependency direction of DESIGN.md section 1, enforced on every import in the tree.

- notifications imports none of our apps;
- accounts may import notifications;
- contributions and healthcards may import accounts and notifications; contributions may also
  import healthcards' services and selectors (the signing keys of the statement's QR), never
  the other way round;
- between apps, only ``services`` and ``selectors`` (and ``api.demo`` plumbing) are imported;
- api's convention modules import no app.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
APPS = {"accounts", "console", "contributions", "healthcards", "notifications"}
ALLOWED = {
    "notifications": set(),
    "accounts": {"notifications"},
    # contributions -> healthcards (services/selectors only): the five-year date after imports
    "contributions": {"accounts", "healthcards", "notifications"},
    "healthcards": {"accounts", "notifications"},
    # The support console's pages compose both apps' services and selectors.
    "console": {"accounts", "healthcards"},
}
PUBLIC_MODULES = {"services", "selectors"}
API_CONVENTION_MODULES = [
    "exceptions.py", "pagination.py", "permissions.py", "throttles.py", "roles.py",
    "error_codes.py", "health.py", "demo.py", "renderers.py", "cache.py", "csp.py",
]  # fmt: skip


def imported_modules(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return found


def violations_in(app: str) -> list[str]:
    problems = []
    for path in sorted((ROOT / app).rglob("*.py")):
        for lineno, module in imported_modules(path):
            parts = module.split(".")
            target = parts[0]
            if target not in APPS or target == app:
                continue
            where = f"{path.relative_to(ROOT)}:{lineno} imports {module}"
            if target not in ALLOWED[app]:
                problems.append(f"{where}: {app} may not depend on {target}")
            elif len(parts) < 2 or parts[1] not in PUBLIC_MODULES:
                problems.append(f"{where}: only {target}.services/selectors are public")
    return problems


@pytest.mark.parametrize("app", sorted(APPS))
def test_app_imports_follow_the_dependency_direction(app):
    assert violations_in(app) == []


@pytest.mark.parametrize("module", API_CONVENTION_MODULES)
def test_api_conventions_import_no_app(module):
    path = ROOT / "api" / module
    imported = [name for _, name in imported_modules(path) if name.split(".")[0] in APPS]
    assert imported == [], f"api/{module} imports {imported}"


def test_the_checker_catches_a_forbidden_import(tmp_path, monkeypatch):
    fake_root = tmp_path
    (fake_root / "notifications").mkdir()
    (fake_root / "notifications" / "bad.py").write_text("from accounts.models import User\n")
    (fake_root / "healthcards").mkdir()
    (fake_root / "healthcards" / "bad.py").write_text("import contributions.selectors\n")
    (fake_root / "contributions").mkdir()
    (fake_root / "contributions" / "bad.py").write_text("from accounts.models import User\n")
    monkeypatch.setattr(__import__(__name__, fromlist=["ROOT"]), "ROOT", fake_root)

    assert len(violations_in("notifications")) == 1
    assert len(violations_in("healthcards")) == 1
    assert "only accounts.services/selectors" in violations_in("contributions")[0]

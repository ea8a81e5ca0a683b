"""Rules about the code itself that a slip would break silently: each found one real slip."""

from __future__ import annotations

import ast
from pathlib import Path

import booking

PACKAGE = Path(booking.__file__).parent


def _is_status(node: ast.expr) -> bool:
    name = node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "")
    return name == "status" or name.endswith("_status")


def _is_text(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return any(_is_text(item) for item in node.elts)
    return False


def _status_compared_with_text(tree: ast.AST) -> list[int]:
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            if any(_is_status(side) for side in sides) and any(_is_text(side) for side in sides):
                lines.append(node.lineno)
    return lines


def test_statuses_are_compared_with_their_enums_not_strings():
    """`status == "held_for_review"` works today only because the enum is a StrEnum; a typo or a
    renamed value would make it quietly false. Statuses are compared with BookingStatus & co."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(), filename=str(path))
        found += [
            f"{path.relative_to(PACKAGE.parent)}:{n}" for n in _status_compared_with_text(tree)
        ]
    assert found == []


def test_the_status_rule_sees_a_string_comparison():
    slips = 'if booking.status == "held_for_review": pass\nok = "cancelled" != row.intake_status\n'
    fine = "if booking.status == BookingStatus.HELD_FOR_REVIEW: pass\n"
    assert _status_compared_with_text(ast.parse(slips)) == [1, 2]
    assert _status_compared_with_text(ast.parse(fine)) == []


def test_nothing_reads_the_date_when_a_module_is_imported():
    """A class attribute `today = date.today()` is evaluated once, at import, and is stale from
    the next midnight on (and in the server's zone, not the practice's)."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(), filename=str(path))
        for scope in ast.walk(tree):
            if not isinstance(scope, ast.Module | ast.ClassDef):
                continue
            for statement in scope.body:
                if isinstance(statement, ast.Assign | ast.AnnAssign) and statement.value:
                    for call in ast.walk(statement.value):
                        if isinstance(call, ast.Call) and _reads_the_clock(call.func):
                            found.append(f"{path.relative_to(PACKAGE.parent)}:{call.lineno}")
    assert found == []


def _reads_the_clock(func: ast.expr) -> bool:
    return isinstance(func, ast.Attribute) and func.attr in {"today", "now", "utcnow"}


# --- The architecture: blueprints and the staff area's features stand alone ---------------------

BLUEPRINTS = {"api", "auth", "dashboard", "errors", "feeds", "health", "intake", "manage", "public"}
BLUEPRINTS |= {"replies"}
# Every staff page checks who may open it; that access rule belongs to the sign-in package.
SHARED_ACCESS_RULE = "booking.auth.roles"


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names += [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
    return names


def test_no_blueprint_package_imports_another():
    """Pieces several blueprints need live in booking/views/ (or services), not in a blueprint."""
    found = []
    for blueprint in sorted(BLUEPRINTS):
        for path in sorted((PACKAGE / blueprint).rglob("*.py")):
            for name in _imports(path):
                parts = name.split(".")
                if parts[0] != "booking" or len(parts) < 2 or name.startswith(SHARED_ACCESS_RULE):
                    continue
                if parts[1] in BLUEPRINTS and parts[1] != blueprint:
                    found.append(f"{path.relative_to(PACKAGE.parent)} imports {name}")
    assert found == []


def test_a_staff_feature_uses_only_the_dashboard_s_shared_pieces():
    """dashboard/<feature>/ may import the dashboard's root modules, never another feature."""
    features = {p.name for p in (PACKAGE / "dashboard").iterdir() if (p / "__init__.py").exists()}
    found = []
    for feature in sorted(features):
        for path in sorted((PACKAGE / "dashboard" / feature).rglob("*.py")):
            for name in _imports(path):
                parts = name.split(".")
                other = parts[2] if parts[:2] == ["booking", "dashboard"] and len(parts) > 2 else ""
                if other in features and other != feature:
                    found.append(f"{path.relative_to(PACKAGE.parent)} imports {name}")
    assert features >= {"desk", "diary", "hours", "therapist", "reviews", "admin", "accounts"}
    assert found == []

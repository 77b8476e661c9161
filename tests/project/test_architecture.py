"""The layout's rules, checked on the source: imports run one way, and no module reaches into
another's private names (docs/design.md, "Layout")."""

import ast
from pathlib import Path

import pytest

from tests.paths import ROOT

PACKAGE = ROOT / "forecasts"

# A layer may import only from the layers listed for it (besides itself and the standard
# library and third-party packages). "forecasts.x" names a package and everything below it.
LAYERS = {
    "forecasts.scoring": set(),
    "forecasts.models": {"forecasts.scoring"},
    "forecasts.verbal": set(),
    "forecasts.naming": set(),
    "forecasts.selectors": {
        "forecasts.scoring", "forecasts.models", "forecasts.verbal", "forecasts.naming",
    },
    "forecasts.services": {
        "forecasts.scoring", "forecasts.models", "forecasts.selectors", "forecasts.verbal",
        "forecasts.naming",
    },
    "forecasts.demo": {
        "forecasts.scoring", "forecasts.models", "forecasts.selectors", "forecasts.services",
        "forecasts.verbal", "forecasts.naming",
    },
}  # fmt: skip
# The interfaces (API, pages, admin, tasks) sit on top: only URL confs, Celery, commands and
# other interfaces import them. The article assistant's core is a library the interfaces use.
INTERFACES = (
    "forecasts.api", "forecasts.views", "forecasts.admin", "forecasts.tasks", "forecasts.feeds",
    "forecasts.extraction.api", "forecasts.extraction.urls",
)  # fmt: skip
MAY_IMPORT_INTERFACES = (*INTERFACES, "forecasts.urls", "forecasts.management", "config")
# Django itself stays out of the pure scoring package.
NO_DJANGO = ("forecasts.scoring", "forecasts.verbal", "forecasts.naming")


def _modules() -> list[tuple[str, Path]]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found.append((name, path))
    return found


def _imports(path: Path) -> list[tuple[int, str, list[str]]]:
    """(line, module, names) for each `import` and `from … import` in the file, anywhere."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "forecasts":
            # `from forecasts import scoring`: the module is forecasts.scoring
            found.extend((node.lineno, f"forecasts.{a.name}", []) for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module, [a.name for a in node.names]))
        elif isinstance(node, ast.Import):
            found.extend((node.lineno, a.name, []) for a in node.names)
    return found


def _layer(module: str) -> str | None:
    return next(
        (layer for layer in LAYERS if module == layer or module.startswith(layer + ".")), None
    )


def _within(module: str, allowed: set[str]) -> bool:
    return any(module == a or module.startswith(a + ".") for a in allowed)


def test_imports_run_one_way():
    wrong = []
    for name, path in _modules():
        layer = _layer(name)
        if layer is None:
            continue
        allowed = LAYERS[layer] | {layer}
        for line, module, _ in _imports(path):
            if module.startswith("forecasts.") and not _within(module, allowed):
                wrong.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
            if layer in NO_DJANGO and module.split(".")[0] == "django":
                wrong.append(f"{path.relative_to(ROOT)}:{line} imports Django")
    assert not wrong, "\n".join(wrong)


def test_only_urls_celery_commands_and_interfaces_import_the_interfaces():
    wrong = []
    for name, path in _modules():
        if _within(name, set(MAY_IMPORT_INTERFACES)):
            continue
        for line, module, _ in _imports(path):
            if _within(module, set(INTERFACES)):
                wrong.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    assert not wrong, "\n".join(wrong)


def test_no_module_imports_another_modules_private_names():
    wrong = []
    for _, path in _modules():
        for line, module, names in _imports(path):
            if not module.startswith("forecasts"):
                continue
            private = [n for n in names if n.startswith("_") and not n.startswith("__")]
            if private:
                wrong.append(f"{path.relative_to(ROOT)}:{line} imports {private} from {module}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("layer", sorted(LAYERS))
def test_every_layer_exists(layer):
    """A renamed package must not make the rules above check nothing."""
    assert any(name == layer or name.startswith(layer + ".") for name, _ in _modules())

"""The package's shape: no import cycle, report/ reads runs/ only, and the site builds without TensorFlow."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "frameforecast"
REPORT_MAY_NOT_IMPORT = (
    "frameforecast.cli",
    "frameforecast.models",
    "frameforecast.training",
    "frameforecast.stages",
    "frameforecast.pipeline",
)


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in PACKAGE.rglob("*.py")}


def _runtime_nodes(tree):
    """Every node except those under `if TYPE_CHECKING:` (imports for annotations only, never executed)."""
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING":
            stack.extend(node.orelse)
            continue
        stack.extend(ast.iter_child_nodes(node))


def imports(path: Path, known: dict) -> set[str]:
    """Every frameforecast module `path` imports, at the top or inside a function."""
    found = set()
    for node in _runtime_nodes(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("frameforecast")}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("frameforecast"):
            for alias in node.names:  # `from frameforecast.report import site` imports the module site
                child = f"{node.module}.{alias.name}"
                found.add(child if child in known else node.module)
    return found


def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: {i for i in imports(path, known) if i != name and i in known} for name, path in known.items()}


def test_no_import_cycle():
    edges, state, path = graph(), {}, []

    def visit(node):
        state[node] = "open"
        path.append(node)
        for nxt in sorted(edges[node]):
            if nxt == "frameforecast":  # the package's own __init__ imports only quiet.py
                continue
            assert state.get(nxt) != "open", "import cycle: " + " → ".join(path[path.index(nxt) :] + [nxt])
            if nxt not in state:
                visit(nxt)
        path.pop()
        state[node] = "done"

    for node in sorted(edges):
        if node not in state:
            visit(node)


def test_report_imports_nothing_from_cli_models_or_training():
    for name, targets in graph().items():
        if name.startswith("frameforecast.report"):
            bad = sorted(t for t in targets if t.startswith(REPORT_MAY_NOT_IMPORT))
            assert not bad, f"{name} imports {bad}"


def test_the_check_would_catch_a_report_module_importing_the_cli(tmp_path):
    fake = tmp_path / "x.py"
    fake.write_text("def f():\n    from frameforecast.cli import build_parser\n")
    assert "frameforecast.cli" in imports(fake, modules())


BUILD_WITHOUT_TENSORFLOW = """
import sys
from pathlib import Path
sys.modules["tensorflow"] = None  # any import of them raises ImportError
sys.modules["keras"] = None
from frameforecast.report import site
site.build(Path(sys.argv[1]), Path(sys.argv[2]))
loaded = [m for m in ("tensorflow", "keras") if sys.modules.get(m) is not None]
print("loaded:", loaded)
"""


def test_the_site_builds_from_runs_with_tensorflow_and_keras_blocked(smoke_suite, tmp_path):
    out = tmp_path / "site"
    done = subprocess.run(
        [sys.executable, "-c", BUILD_WITHOUT_TENSORFLOW, str(smoke_suite / "runs"), str(out)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "loaded: []" in done.stdout
    assert (out / "index.html").exists() and (out / "mnist-predict.html").exists()
    assert 'data-experiment="mnist-predict">' in (out / "methodology.html").read_text()


DATA_MODULES = (
    "frameforecast.datasets",
    "frameforecast.stages.video_data",
    "frameforecast.stages.lookback_data",
    "frameforecast.stages.seq2seq_data",
)


def test_data_modules_do_not_import_models_and_models_do_not_import_data():
    """A data module never asks a model module which task it serves (the task objects say), and a model never
    reads data."""
    for name, targets in graph().items():
        if name.startswith(DATA_MODULES):
            bad = sorted(t for t in targets if t.startswith("frameforecast.models"))
            assert not bad, f"{name} imports {bad}"
        if name.startswith("frameforecast.models"):
            bad = sorted(t for t in targets if t.startswith(DATA_MODULES + ("frameforecast.stages",)))
            assert not bad, f"{name} imports {bad}"

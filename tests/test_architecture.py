"""The package's shape: every setting defined once, no import cycle (type-only imports counted), no experiment
name checked by the code that runs them, report/ reads runs/ only, and the site builds without TensorFlow."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from frameforecast.config.values import MODE_KEYS

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


def imports(path: Path, known: dict) -> set[str]:
    """Every frameforecast module `path` imports, at the top, inside a function or for annotations only (under
    `if TYPE_CHECKING:`: a circle there is a circle in the design too)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
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


def _setting_definitions() -> dict[str, list[str]]:
    """setting name → the classes that define it (a field made by `setting(…)`), over every module of src/."""
    found: dict[str, list[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.ClassDef):
                continue
            for item in node.body:
                call = getattr(item, "value", None)
                if not (isinstance(item, ast.AnnAssign) and isinstance(call, ast.Call)):
                    continue
                if item.target.id in MODE_KEYS:  # a slot holding a mode's settings: its fields are the settings
                    continue
                if "setting" in ast.unparse(call.func):
                    found.setdefault(item.target.id, []).append(f"{module_name(path)}.{node.name}")
    return found


def _specs_by_name(tree) -> list[tuple[str, int]]:
    """(key, line) of every dictionary entry in `tree` that describes an option by name (its value has a help)."""
    out = []
    for node in ast.walk(tree):
        pairs = []
        if isinstance(node, ast.Dict):
            pairs = [(k.value, v) for k, v in zip(node.keys, node.values) if isinstance(k, ast.Constant)]
        elif isinstance(node, ast.Call) and ast.unparse(node.func) == "dict":
            pairs = [(k.arg, k.value) for k in node.keywords if k.arg]
        for key, value in pairs:
            text = ast.unparse(value)
            if isinstance(value, (ast.Dict, ast.Call)) and ("help=" in text or "'help'" in text):
                out.append((key, node.lineno))
    return out


def test_each_setting_is_defined_once():
    """A setting's type, default, help and command-line option are one field of one settings class: no other
    class defines the same name, no table of options repeats it, and its choices are written nowhere else."""
    import dataclasses
    import typing

    from frameforecast.config import classes

    definitions = _setting_definitions()
    assert len(definitions) > 40, sorted(definitions)  # the check sees the settings
    twice = {name: where for name, where in definitions.items() if len(where) > 1}
    assert not twice, twice
    for path in PACKAGE.rglob("*.py"):
        specs = [(k, line) for k, line in _specs_by_name(ast.parse(path.read_text())) if k in definitions]
        assert not specs, f"{path.relative_to(PACKAGE)} describes settings again: {specs}"
    choice_sets = set()
    for cls in [classes.VideoConfig, classes.LookbackConfig, classes.Seq2seqConfig, classes.SignalsConfig]:
        hints = typing.get_type_hints(cls)
        for hint in [hints[f.name] for f in dataclasses.fields(cls)] + [
            h for sub in hints.values() if dataclasses.is_dataclass(sub) for h in typing.get_type_hints(sub).values()
        ]:
            choices = classes.choices_of(hint)
            if len(choices) > 2:
                choice_sets.add(frozenset(choices))
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text())
        literal = {  # the definitions themselves: Literal["adam", "rmsprop", "sgd"]
            id(n.slice) for n in ast.walk(tree) if isinstance(n, ast.Subscript) and ast.unparse(n.value) == "Literal"
        }
        for node in ast.walk(tree):
            if id(node) in literal:
                continue
            if (
                isinstance(node, (ast.List, ast.Tuple))
                and len(node.elts) > 2
                and all(isinstance(e, ast.Constant) for e in node.elts)
            ):
                values = frozenset(e.value for e in node.elts)
                assert values not in choice_sets, f"{path.relative_to(PACKAGE)}:{node.lineno} lists {sorted(values)}"


def test_the_settings_check_would_catch_a_second_definition_and_an_option_table(tmp_path):
    twice = ast.parse(
        "class A:\n    epochs: int = setting(1, help='x')\nOPTIONS = {'epochs': dict(type=int, help='epochs')}\n"
    )
    assert _specs_by_name(twice) == [("epochs", 3)]


def test_no_experiment_name_is_checked_in_the_pipeline_the_stages_or_the_report():
    """What differs between experiments is a field of the experiment, not `name == "signals-4"`."""
    from frameforecast.config import experiments

    names = set(experiments.EXPERIMENTS)
    places = [PACKAGE / "pipeline.py", *(PACKAGE / "report").rglob("*.py"), *(PACKAGE / "stages").rglob("*.py")]
    for path in places:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Compare):
                constants = {c.value for c in [node.left, *node.comparators] if isinstance(c, ast.Constant)}
                assert not constants & names, f"{path.relative_to(PACKAGE)}:{node.lineno} checks {constants & names}"

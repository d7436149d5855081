"""The shape of the code: layers (lint-imports), no hidden imports, named tasks."""

import ast
import subprocess
import sys
from pathlib import Path

from services.worker.app import celery_app
from services.worker.queues import DESCRIPTIONS, LIMITS, ROUTES, TaskName
from services.worker.schedules import BEAT_SCHEDULE

ROOT = Path(__file__).resolve().parents[1]
PRODUCT = ("core", "db", "services", "web")


def test_the_layer_contracts_hold():
    lint_imports = Path(sys.executable).with_name("lint-imports")
    run = subprocess.run([str(lint_imports), "--no-cache"], cwd=ROOT,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert "0 broken" in run.stdout


def test_no_module_imports_inside_a_function():
    # An import inside a function hides a dependency (and can dodge a cycle the layers forbid).
    hidden = []
    for package in PRODUCT:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    hidden += [f"{path.relative_to(ROOT)}:{sub.lineno}"
                               for sub in ast.walk(node)
                               if isinstance(sub, ast.Import | ast.ImportFrom)]
    assert hidden == []


def test_every_task_name_is_a_registered_task_and_routed():
    celery_app.loader.import_default_modules()
    registered = {name for name in celery_app.tasks if not name.startswith("celery.")}
    assert registered == {t.value for t in TaskName}
    prefixes = {pattern.removesuffix(".*") for pattern in ROUTES}
    assert all(t.value.split(".")[0] in prefixes for t in TaskName)
    assert {entry["task"] for entry in BEAT_SCHEDULE.values()} <= set(TaskName)
    assert set(LIMITS) == set(DESCRIPTIONS) == set(TaskName)  # each has limits and Dutch words

"""`make mutate`: mutation testing (mutmut) of the modules that carry promises.

The modules and the tests come from [tool.mutmut] in pyproject.toml; FUNCTIONS narrows a large
module to the functions that carry the promise. Runs on SQLite only, with the demo database built
once and copied for every test session. Prints the survivors as file:line with the change, and
last `MUTATION {json}`. Score: (killed + timeout + crashed) / every mutant checked (survivors
and mutants no selected test reaches count against it).
"""

import argparse
import ast
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Per module, the functions whose mutants count (the promise); modules not listed count whole.
FUNCTIONS = {
    "services/notifications/service.py": ["_signer", "invitation_token", "match_for_token"],
    "services/worker/matching/people.py": ["volunteer_pairs", "client_pairs"],  # eligibility
    "services/worker/matching/money.py": ["fund_pairs", "instrument_pairs"],  # eligibility
    "services/worker/matching/assign.py": ["flow", "top_k"],  # caps per resource and per need
}
# A test process killed by a signal (numpy or OR-Tools aborting on a mutant) failed: caught.
CAUGHT = {"killed", "timeout", "crashed", "caught by type check"}
UNCOUNTED = {"skipped", "not checked"}


def modules() -> list[str]:
    """The mutated modules, as configured for mutmut."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mutmut"]
    return config["only_mutate"]


def patterns(paths: list[str]) -> list[str]:
    """mutmut name patterns for the mutants that count."""
    out = []
    for path in paths:
        dotted = path.removesuffix(".py").replace("/", ".")
        names = FUNCTIONS.get(path)
        out += [f"{dotted}.x_{name}__mutmut_*" for name in names] if names else [f"{dotted}.*"]
    return out


def run_mutmut(names: list[str], children: int, log_path: Path) -> int:
    """Run mutmut from scratch; its spinner output goes to the log."""
    shutil.rmtree(ROOT / "mutants", ignore_errors=True)
    log_path.parent.mkdir()
    scratch = Path(tempfile.mkdtemp(prefix="koppel-mutate-"))
    env = os.environ | {"KOPPEL_ENV": "development", "KOPPEL_TEST_BACKENDS": "sqlite",
                        "KOPPEL_TEST_SQLITE_TEMPLATE": str(scratch / "demo.db")}
    try:
        with open(log_path, "w") as log:
            code = subprocess.call([sys.executable, "-m", "mutmut", "run", "--max-children",
                                    str(children), *names], cwd=ROOT, env=env, stdout=log,
                                   stderr=subprocess.STDOUT)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return code


def results(paths: list[str], names: list[str]) -> dict[str, tuple[str, str]]:
    """mutant name → (module path, status) for the mutants that count."""
    from fnmatch import fnmatch

    from mutmut.stats import status_by_exit_code

    out = {}
    for path in paths:
        meta = json.loads((ROOT / "mutants" / f"{path}.meta").read_text())
        for name, code in meta["exit_code_by_key"].items():
            if any(fnmatch(name, pattern) for pattern in names):
                status = status_by_exit_code[code]
                if code is not None and code < 0 and status != "timeout":
                    status = "crashed"
                out[name] = (path, status)
    return out


def _function_span(source: str, qualified: str) -> tuple[int, int]:
    """First and last line of a function ("Class.method" for methods) in a source file."""
    *owner, name = qualified.split(".")
    body = ast.parse(source).body
    for part in owner:
        body = next(n.body for n in body if isinstance(n, ast.ClassDef) and n.name == part)
    node = next(n for n in body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
                and n.name == name)
    return min([node.lineno] + [d.lineno for d in node.decorator_list]), node.end_lineno


def locate(name: str, path: str) -> tuple[int, str]:
    """The source line a mutant changes, and the change as `old → new`."""
    from mutmut.mutation.diff_apply import get_diff_for_mutant
    from mutmut.utils.format_utils import orig_function_and_class_names_from_key

    function, owner = orig_function_and_class_names_from_key(name)
    qualified = ".".join(filter(None, [owner, function.rpartition(".")[2]]))
    diff = get_diff_for_mutant(name, path=path).splitlines()
    lines = (ROOT / path).read_text().splitlines()
    first, last = _function_span("\n".join(lines), qualified)
    offset, old, new = 0, "", ""
    for i, line in enumerate(diff):
        if line.startswith("@@"):
            offset = int(re.match(r"@@ -(\d+)", line).group(1)) - 1
            hunk = diff[i + 1:]
            context = next(j for j, h in enumerate(hunk) if h[:1] in "-+")
            old = next((h[1:] for h in hunk if h.startswith("-")), "")
            new = next((h[1:] for h in hunk if h.startswith("+")), "")
            offset += context
            break
    guess = first + offset
    found = [n for n in range(first, last + 1) if lines[n - 1].strip() == old.strip()]
    line_no = min(found, key=lambda n: abs(n - guess)) if found else guess
    return line_no, f"{old.strip()}  →  {new.strip()}"


def main() -> None:
    """Run, list the survivors, print the summary line last."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--report-only", action="store_true", help="summarise the last run")
    args = parser.parse_args()
    os.chdir(ROOT)
    paths = modules()
    names = patterns(paths)
    started = time.monotonic()
    if not args.report_only:
        print(f"mutmut over {len(paths)} modules ({args.children} at a time); "
              "output in mutants/mutmut.log", flush=True)
        code = run_mutmut(names, args.children, ROOT / "mutants" / "mutmut.log")
        if code != 0:
            print((ROOT / "mutants" / "mutmut.log").read_text()[-3000:])
            sys.exit(f"mutmut failed with exit code {code}")
    found = results(paths, names)
    counts: dict[str, int] = {}
    for _path, status in found.values():
        counts[status] = counts.get(status, 0) + 1
    escaped = sorted((path, *locate(name, path), status, name)
                     for name, (path, status) in found.items()
                     if status not in CAUGHT | UNCOUNTED)
    print(f"\n{len(escaped)} mutants not caught:")
    for path, line_no, change, status, name in escaped:
        print(f"  {path}:{line_no}  [{status}]  {change}  ({name.rpartition('.')[2]})")
    caught = sum(counts.get(s, 0) for s in CAUGHT)
    checked = sum(n for s, n in counts.items() if s not in UNCOUNTED)
    summary = {"modules": paths, "killed": counts.get("killed", 0),
               "survived": counts.get("survived", 0), "timeout": counts.get("timeout", 0),
               "crashed": counts.get("crashed", 0), "no_tests": counts.get("no tests", 0),
               "score": round(caught / checked, 4) if checked else 0.0}
    if not args.report_only:
        summary["seconds"] = round(time.monotonic() - started)
    print("MUTATION " + json.dumps(summary))


if __name__ == "__main__":
    main()

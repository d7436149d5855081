"""Print which Koppel package imports which, and any import cycles between packages.

Run: uv run python scripts/import_graph.py   (the layer contracts themselves: uv run lint-imports)
"""

import sys
from collections import defaultdict
from pathlib import Path

import grimp

ROOTS = [p.name for p in Path(__file__).resolve().parents[1].iterdir()
         if (p / "__init__.py").exists() and p.name not in ("tests", "bench", "scripts")]


def package_of(module: str) -> str:
    """The unit of the picture: services.<domain>, services.worker.matching, or a top package."""
    parts = module.split(".")
    if parts[0] == "services" and len(parts) > 1:
        if parts[1] == "worker" and len(parts) > 2 and parts[2] == "matching":
            return "services.worker.matching"
        return ".".join(parts[:2])
    return parts[0]


def edges(graph: grimp.ImportGraph) -> dict[str, set[str]]:
    """Package → packages it imports (directly)."""
    out: dict[str, set[str]] = defaultdict(set)
    for module in graph.modules:
        for imported in graph.find_modules_directly_imported_by(module):
            a, b = package_of(module), package_of(imported)
            if a != b:
                out[a].add(b)
    return out


def cycles(out: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one package (Tarjan)."""
    index, low, stack, on, found, counter = {}, {}, [], set(), [], [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(out.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in sorted(out):
        if v not in index:
            visit(v)
    return found


def main() -> int:
    graph = grimp.build_graph(*ROOTS, cache_dir=None)
    out = edges(graph)
    for package in sorted(set(out) | {p for targets in out.values() for p in targets}):
        print(f"{package:<28} → {', '.join(sorted(out.get(package, ()))) or '-'}")
    loops = cycles(out)
    print(f"\ncycles between packages: {len(loops)}")
    for group in loops:
        print("  " + " ⇄ ".join(group))
    return 0


if __name__ == "__main__":
    sys.exit(main())

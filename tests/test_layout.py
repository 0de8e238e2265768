"""The import rules of DESIGN.md hold in the source: protocol packages import ``chain`` only,
and inside ``lstlab`` every import points down (cli -> sim/audit/records/report -> agents,
strategies, market -> world)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROTOCOLS = ("lst", "lending", "amm", "bridge", "governance", "restaking")
LEVELS = {"world": 0, "strategies": 1, "agents": 1, "market": 1, "sim": 2, "audit": 2, "records": 2, "report": 2,
          "cli": 3}
"""lstlab folders by layer: a module may import its own layer or a lower one."""


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), str(path))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
            names += [f"{node.module}.{alias.name}" for alias in node.names]
    return names


def test_protocol_packages_import_chain_only():
    bad = []
    for package in ("chain", *PROTOCOLS):
        for path in (ROOT / package).rglob("*.py") if (ROOT / package).is_dir() else ():
            for name in _imports(path):
                top = name.split(".")[0]
                if top != package and top in (*PROTOCOLS, "lstlab") or (package == "chain" and top in PROTOCOLS):
                    bad.append(f"{path.relative_to(ROOT)} imports {name}")
    assert bad == []


def test_lstlab_imports_point_down():
    bad = []
    for path in (ROOT / "lstlab").rglob("*.py"):
        parts = path.relative_to(ROOT / "lstlab").parts
        if len(parts) < 2 or parts[0] not in LEVELS:
            continue
        own = LEVELS[parts[0]]
        for name in _imports(path):
            pieces = name.split(".")
            if pieces[0] == "lstlab" and len(pieces) > 1 and pieces[1] in LEVELS and LEVELS[pieces[1]] > own:
                bad.append(f"{path.relative_to(ROOT)} imports {name}")
    assert bad == []


def test_every_lstlab_module_lives_in_a_job_folder():
    loose = sorted(p.name for p in (ROOT / "lstlab").glob("*.py") if p.name not in ("__init__.py", "errors.py"))
    assert loose == []

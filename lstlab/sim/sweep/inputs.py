"""What a sweep reads, hashed into its manifest, so a resume over changed data is refused.

A scenario sweep reads its scenario file and one price table: ``prices.file``, a shipped
dataset (``prices.dataset`` or the default one), or, for synthetic prices drawn from the
fitted process, the shipped dataset the process is fitted to. Grid axes set numbers only, so
no run of the grid reads another file.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lstlab.errors import DataError
from lstlab.market.data import DEFAULT_NAME, dataset_path

if TYPE_CHECKING:
    from lstlab.sim.scenario import Scenario

CHUNK = 1 << 20
"""Bytes read at a time while hashing (1 MiB: large files never sit whole in memory)."""


def scenario_inputs(scenario_file: str | Path, scenario: Scenario) -> dict[str, Path]:
    """Label -> path of every file a sweep of ``scenario`` (loaded from ``scenario_file``) reads."""
    files = {"scenario file": Path(scenario_file)}
    p = scenario.prices
    if p.source == "synthetic":
        if p.synthetic.steth_model == "process":
            name = p.synthetic.steth_dataset or DEFAULT_NAME
            files[f"shipped dataset {name} (fit of prices.synthetic)"] = Path(dataset_path(name))
    elif p.file is not None:
        files[f"prices.file {p.file}"] = Path(scenario.base_dir) / p.file
    else:
        name = p.dataset or DEFAULT_NAME
        files[f"shipped dataset {name}"] = Path(dataset_path(name))
    return files


def sha256_file(path: Path) -> str:
    """The hex SHA-256 of a file's bytes; DataError if it cannot be read."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(CHUNK):
                digest.update(chunk)
    except OSError as exc:
        raise DataError(f"cannot read {path} to hash it: {exc.strerror or exc}") from None
    return digest.hexdigest()


def input_hashes(files: dict[str, Path]) -> dict[str, str]:
    """Label -> SHA-256 of each file."""
    return {label: sha256_file(path) for label, path in files.items()}


def manifest_difference(stored: dict[str, Any], current: dict[str, Any]) -> str | None:
    """None when the two manifests agree; else what differs, in words, for a one-line error."""
    if stored == current:
        return None
    old_files, new_files = stored.get("input_files", {}), current.get("input_files", {})
    for label in sorted(set(old_files) | set(new_files)):
        old, new = old_files.get(label), new_files.get(label)
        if old != new:
            if old is None or new is None:
                return f"it reads {label} {'now' if old is None else 'no more'}"
            return f"{label} changed since the sweep started (sha256 {old[:12]}... then, {new[:12]}... now)"
    keys = sorted(k for k in set(stored) | set(current) if k != "input_files" and stored.get(k) != current.get(k))
    return "its " + ", ".join(f"{k} ({stored.get(k)!r} then, {current.get(k)!r} now)" for k in keys) + " changed"


__all__ = ["input_hashes", "manifest_difference", "scenario_inputs", "sha256_file"]

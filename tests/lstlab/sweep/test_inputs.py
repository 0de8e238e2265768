"""The manifest hashes every file a sweep reads; a resume over changed data is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from lstlab.market.data import DEFAULT_NAME, dataset_path
from lstlab.market.synthetic import SyntheticPath
from lstlab.sim.scenario import PricesSpec, Scenario
from lstlab.sim.sweep import InputsChanged, ResultStore
from lstlab.sim.sweep.inputs import input_hashes, manifest_difference, scenario_inputs, sha256_file

ABC_SHA256 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
"""SHA-256 of b"abc", the first test vector of FIPS 180-2 (appendix B.1)."""


def test_sha256_of_a_file_matches_the_published_vector(tmp_path):
    (tmp_path / "abc").write_bytes(b"abc")
    assert sha256_file(tmp_path / "abc") == ABC_SHA256


def test_every_file_a_scenario_reads_is_listed(tmp_path):
    own = Scenario(prices=PricesSpec(file="p.csv"), base_dir=str(tmp_path))
    assert scenario_inputs("s.toml", own) == {"scenario file": Path("s.toml"), "prices.file p.csv": tmp_path / "p.csv"}
    shipped = scenario_inputs("s.toml", Scenario())
    assert shipped[f"shipped dataset {DEFAULT_NAME}"] == Path(dataset_path(DEFAULT_NAME))
    fitted = scenario_inputs("s.toml", Scenario(prices=PricesSpec(source="synthetic")))
    assert list(fitted) == ["scenario file", f"shipped dataset {DEFAULT_NAME} (fit of prices.synthetic)"]
    par = Scenario(prices=PricesSpec(source="synthetic", synthetic=SyntheticPath(steth_model="par")))
    assert list(scenario_inputs("s.toml", par)) == ["scenario file"]


def test_a_changed_data_file_refuses_the_resume(tmp_path):
    (tmp_path / "p.csv").write_text("date,eth_usd,steth_eth\n2022-01-01,3000,1\n")
    files = {"scenario file": tmp_path / "p.csv", "prices.file p.csv": tmp_path / "p.csv"}
    manifest = {"grid": ["leverage=3"], "seed": 0, "input_files": input_hashes(files)}
    store = ResultStore(tmp_path / "s")
    store.start(manifest, resume=False)
    store.close()
    assert store.start(manifest, resume=True) == []
    store.close()
    (tmp_path / "p.csv").write_text("date,eth_usd,steth_eth\n2022-01-01,3000,0.9\n")
    changed = {**manifest, "input_files": input_hashes(files)}
    with pytest.raises(InputsChanged) as caught:
        store.start(changed, resume=True)
    assert "prices.file p.csv changed since the sweep started" in caught.value.message
    assert "different sweep" in caught.value.message and "\n" not in caught.value.message
    assert not store._lock.held


def test_manifest_difference_names_what_changed():
    a = {"seed": 0, "grid": ["x=1"], "input_files": {"scenario file": "aa" * 32}}
    assert manifest_difference(a, dict(a)) is None
    assert manifest_difference(a, {**a, "seed": 1}) == "its seed (0 then, 1 now) changed"
    assert manifest_difference(a, {**a, "input_files": {}}) == "it reads scenario file no more"
    assert manifest_difference(a, {**a, "input_files": {"scenario file": "bb" * 32}}) == (
        "scenario file changed since the sweep started (sha256 aaaaaaaaaaaa... then, bbbbbbbbbbbb... now)")

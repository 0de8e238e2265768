"""``lstlab calibrate``: the fitted figures with units, the comparison, the PNG; one-line errors."""

from __future__ import annotations

import numpy as np
import pandas as pd

from lstlab.cli.app import main


def test_calibrate_prints_figures_and_writes_the_plot(tmp_path, capsys):
    code = main(["calibrate", "--dataset", "coingecko-2021-2023", "--out", str(tmp_path), "--paths", "20",
                 "--seed", "3"])
    out = capsys.readouterr()
    assert code == 0
    for text in ("mean block length L", "9 days", "bps/day", "per year",
                 "history against 20 simulated paths of 785 days (seed 3)"):
        assert text in out.out
    png = (tmp_path / "calibration.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20_000


def test_calibrate_errors_are_one_line(tmp_path, capsys):
    assert main(["calibrate", "--dataset", "cmc-2020-2026", "--data", "x.csv"]) == 2
    assert "give --dataset or --data, not both" in capsys.readouterr().err
    hourly = tmp_path / "hourly.csv"
    pd.DataFrame({"timestamp": pd.date_range("2024-01-01", periods=200, freq="1h", tz="UTC"),
                  "eth_usd": np.linspace(2000, 2100, 200), "steth_eth": np.ones(200)}).to_csv(hourly, index=False)
    assert main(["calibrate", "--data", str(hourly), "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "needs a daily table" in err and err.count("\n") == 1

"""The maintainer tools in tools/ run from a checkout: the toy's table and the pretrained export."""

import json

import numpy as np
import pytest

from gan_helpers import runs
from tools import export_pretrained, toy_table


def test_the_toy_table_trains_what_it_is_asked_and_prints_one_row_each(capsys):
    assert toy_table.main(["--methods", "vanilla", "pacgan", "--seeds", "0", "--steps", "20"]) == 0
    output = capsys.readouterr().out
    table = [line for line in output.splitlines() if line.startswith("| ")]
    assert [line.split(" | ")[0] for line in table[1:]] == ["| vanilla", "| pacgan"]
    assert "modes captured per seed (0)" in table[0]


@pytest.mark.parametrize("argv", [["--methods", "nope"], ["--seeds", "-1"], ["--steps", "0"]])
def test_the_toy_table_refuses_bad_arguments_with_one_line(argv, capsys):
    with pytest.raises(SystemExit) as stop:
        toy_table.main(argv)
    assert stop.value.code == 2 and len(capsys.readouterr().err.strip().splitlines()) == 1


@pytest.mark.slow
def test_export_writes_weights_details_and_history_that_load_back(tmp_path, monkeypatch, offline_digits):
    monkeypatch.setenv("GAN_QUICK", "1")
    run_dir = tmp_path / "run"
    runs.train_run(run_dir, "plain", epochs=1, data="offline")
    into = tmp_path / "pretrained"
    assert export_pretrained.main([str(run_dir), "--name", "tiny", "--into", str(into)]) == 0
    details = json.loads((into / "tiny.json").read_text())
    assert details["settings"]["model"] == "fast" and details["epochs"] == 1
    assert 1 <= details["evaluation"]["generated"]["classifier_score"] <= 10
    assert (into / "tiny_history.csv").read_text() == (run_dir / runs.HISTORY_FILE).read_text()
    generator = runs.load_generator(run_dir)
    with np.load(into / "tiny.npz") as archive:
        stored = [archive[name] for name in sorted(archive.files)]
    assert all(weight.dtype == np.float16 for weight in stored)
    for kept, original in zip(stored, generator.get_weights()):
        np.testing.assert_allclose(kept.astype(np.float32), original, rtol=1e-2, atol=1e-3)  # float16 rounding only.


def test_export_of_a_missing_run_exits_2_with_one_line(tmp_path, capsys):
    assert export_pretrained.main([str(tmp_path / "missing"), "--into", str(tmp_path / "out")]) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()

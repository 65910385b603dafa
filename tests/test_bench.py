"""The equal-budget benchmark: the TF tutorial's DCGAN against the course's default."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from gan_helpers import evaluation
from tools import bench

REPO = Path(__file__).resolve().parent.parent


class StepClock:
    """A clock that advances one second every time it is read."""

    def __init__(self):
        self.now = 0.0

    def __call__(self):
        self.now += 1.0
        return self.now


@pytest.mark.slow
def test_the_tutorial_step_updates_both_networks(offline_digits):
    generator, train_step = bench.tutorial_gan(seed=0)
    assert generator.count_params() == 2_330_944  # The tutorial's generator, exactly.
    images = (offline_digits[0][:256, ..., np.newaxis].astype("float32") - 127.5) / 127.5
    before = [w.numpy().copy() for w in generator.trainable_weights]
    gen_loss, disc_loss = train_step(images)
    assert np.isfinite(float(gen_loss)) and np.isfinite(float(disc_loss))
    assert any(not np.array_equal(old, new.numpy()) for old, new in zip(before, generator.trainable_weights))


@pytest.mark.slow
def test_the_tutorial_trains_for_its_time_budget(offline_digits):
    images, _ = offline_digits
    _, steps, seconds = bench.train_tutorial(images[:512], seconds=5, clock=StepClock())
    # The clock is read at the start and after each step: the fifth step ends the budget.
    assert steps == 5 and seconds == 5


def test_the_table_shows_every_figure_beside_the_floor():
    def scores(score, distance, histogram):
        return evaluation.Scores(2_000, score, distance, np.array(histogram), 0.9, 0.001)

    rows = [
        {
            "name": "tutorial", "steps": 200, "seconds": 300.0, "images_per_second": 170.7,
            "scores": scores(3.1, 150.0, [0.55] + [0.05] * 9),
        },
        {"name": "course", "steps": 2_500, "seconds": 301.0, "images_per_second": 531.6, "scores": scores(9.1, 11.0, [0.1] * 10)},
    ]
    floor = scores(9.7, 2.5, [0.1] * 10)
    table = bench.comparison_table(rows, floor, minutes=5)
    lines = table.splitlines()
    assert lines[0].startswith("Equal budget: 5 min of training each, on ")
    assert "| tutorial | 200 | 171 | 3.10 | 150.00 (60.0x) | 1 of 10 | 5.0% (1s) | 0.1% |" in lines
    assert "| course | 2,500 | 532 | 9.10 | 11.00 (4.4x) | 10 of 10 | 10.0% (0s) | 0.1% |" in lines
    assert lines[-1].startswith("| real held-out digits (floor) |  |  | 9.70 | 2.50 (1.0x)")


@pytest.mark.slow
def test_bench_runs_end_to_end_in_seconds(monkeypatch, capsys):
    monkeypatch.setenv("GAN_QUICK", "1")
    assert bench.main(["--minutes", "0.05", "--num", "200"]) == 0
    output = capsys.readouterr().out
    assert "| TF tutorial DCGAN (batch 256, Adam 1e-4) |" in output
    assert "| this course: train (fast, course recipe) |" in output


@pytest.mark.parametrize("arguments", [["--minutes", "0"], ["--minutes", "soon"], ["--num", "-3"]])
def test_bad_bench_arguments_exit_2_with_one_line(arguments):
    completed = subprocess.run([sys.executable, "-m", "tools.bench", *arguments], capture_output=True, text=True, cwd=REPO)
    assert completed.returncode == 2
    assert len(completed.stderr.strip().splitlines()) == 1 and "expected" in completed.stderr


@pytest.mark.slow
def test_throughput_times_a_pair_with_trains_settings():
    assert bench.throughput("mlp", steps=2) > 0

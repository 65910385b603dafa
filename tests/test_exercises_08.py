"""The checks of notebook 08's exercises: right answers pass, typical wrong ones get the right hint."""

import numpy as np
import pytest

from gan_helpers.lab import exercises_08 as exercises


def output(capsys):
    return capsys.readouterr().out.strip()


def test_one_hot_accepts_rows_of_the_identity(capsys):
    assert exercises.check_one_hot(lambda labels: np.eye(10, dtype=np.float32)[labels]) is True
    assert output(capsys).startswith("Correct:")


@pytest.mark.parametrize(
    "answer, hint",
    [
        (lambda labels: None, "forget the `return`"),  # The learner notebook's stub returns None.
        (lambda labels: np.eye(10)[labels], "dtype is float64"),
        (lambda labels: np.eye(10, dtype=np.float32)[labels].T, "one row per label"),
        (lambda labels: np.eye(10, dtype=np.float32)[(labels + 1) % 10], "single 1 in column"),
        (lambda labels: labels / 10, "shape"),
        (lambda labels: 1 / 0, "raised ZeroDivisionError"),
        ("not a function", "pass the function itself"),
    ],
)
def test_one_hot_hints(capsys, answer, hint):
    assert exercises.check_one_hot(answer) is False
    printed = output(capsys)
    assert printed.startswith("Not yet:") and hint in printed


def test_grid_inputs_accepts_tile_and_repeat(capsys):
    answer = lambda noise: (np.tile(noise, (10, 1)), np.repeat(np.arange(10), len(noise)))  # noqa: E731
    assert exercises.check_grid_inputs(answer) is True
    assert output(capsys).startswith("Correct:")


@pytest.mark.parametrize(
    "answer, hint",
    [
        (lambda noise: (np.tile(noise, (10, 1)), np.tile(np.arange(10), len(noise))), "np.repeat"),
        (lambda noise: (np.repeat(noise, 10, axis=0), np.repeat(np.arange(10), len(noise))), "np.tile the noise"),
        (lambda noise: (noise, np.arange(10)), "make"),
        (lambda noise: np.tile(noise, (10, 1)), "a pair"),
        (lambda noise: (np.tile(noise, (10, 1)), np.repeat(np.arange(1, 11), len(noise))), "each digit"),
        (lambda noise: None, "a pair"),
    ],
)
def test_grid_inputs_hints(capsys, answer, hint):
    assert exercises.check_grid_inputs(answer) is False
    printed = output(capsys)
    assert printed.startswith("Not yet:") and hint in printed


@pytest.mark.parametrize("answer", [-1, 11, "1", None, float("nan")])
def test_digit_weight_experiment_refuses_impossible_weights_without_training(capsys, answer):
    assert exercises.check_digit_weight(answer) is False
    assert "from 0 (no digit head)" in output(capsys)


@pytest.mark.slow
def test_without_the_digit_head_fewer_digits_read_as_asked(capsys, monkeypatch):
    monkeypatch.setenv("GAN_QUICK", "1")  # The experiment trains on every offline digit in quick mode too.
    assert exercises.check_digit_weight(0.0) is False
    printed = output(capsys)
    assert "Not yet:" in printed and "give the head a weight" in printed
    assert exercises.check_digit_weight(1.0) is True

"""The checks of notebook 01's exercises: right answers pass, typical wrong ones get the right hint."""

import math

import numpy as np
import pytest

from gan_helpers import data
from gan_helpers.lab import exercises_01 as exercises


def output(capsys):
    return capsys.readouterr().out.strip()


def test_unit_scaling_accepts_the_library_and_a_hand_written_version(capsys):
    assert exercises.check_unit_scaling(lambda images: data.normalize(images, value_range=(0, 1))) is True
    assert output(capsys).startswith("Correct:")
    assert exercises.check_unit_scaling(lambda images: images.astype(np.float32) / 255) is True


@pytest.mark.parametrize(
    "answer, hint",
    [
        (lambda images: images, "integer dtype"),  # The notebook's starter.
        (lambda images: images // 255, "integer dtype"),
        (lambda images: images.astype(np.float32), "divide by 255"),
        (lambda images: images.astype(np.float32) / 127.5 - 1, "tanh range"),
        (lambda images: images.astype(np.float32) / 256, "should become"),
        (lambda images: images / 255, "float32"),  # float64: right values, wrong dtype.
        (lambda images: images.ravel().astype(np.float32) / 255, "keep the shape"),
        (lambda images: 1 / 0, "raised ZeroDivisionError"),
        (lambda images: None, "forget the `return`"),
        (lambda images: np.full((2, 4), "a"), "return numbers"),
        ("not a function", "pass the function itself"),
    ],
)
def test_unit_scaling_hints(capsys, answer, hint):
    assert exercises.check_unit_scaling(answer) is False
    printed = output(capsys)
    assert printed.startswith("Not yet:") and hint in printed


def test_batches_per_epoch_accepts_floor_division(capsys):
    assert exercises.check_batches_per_epoch(lambda num_images, batch_size: num_images // batch_size) is True
    assert "937" in output(capsys)


@pytest.mark.parametrize(
    "answer, hint",
    [
        (lambda num_images, batch_size: num_images / batch_size, "integer division"),  # The notebook's starter.
        (lambda num_images, batch_size: math.ceil(num_images / batch_size), "partial batch"),
        (lambda num_images, batch_size: float(num_images // batch_size), "return an int"),
        (lambda num_images, batch_size: num_images // batch_size - 1, "expected 937"),
        (lambda num_images, batch_size: str(num_images), "whole number"),
        (lambda num_images: num_images, "raised TypeError"),
        (None, "pass the function itself"),
    ],
)
def test_batches_per_epoch_hints(capsys, answer, hint):
    assert exercises.check_batches_per_epoch(answer) is False
    printed = output(capsys)
    assert printed.startswith("Not yet:") and hint in printed


@pytest.mark.parametrize("answer", [(-1, 1), (-1.0, 1.0), [-1, 1], np.array([-1, 1])])
def test_tanh_value_range_accepts_minus_one_to_one(capsys, answer):
    assert exercises.check_tanh_value_range(answer) is True
    assert output(capsys).startswith("Correct:")


@pytest.mark.parametrize(
    "answer, hint",
    [
        ((0, 1), "sigmoid"),  # The notebook's starter.
        ((0, 255), "raw pixels"),
        ((-0.5, 0.5), "not tanh's range"),
        ((-1, 1, 2), "a pair"),
        (None, "a pair"),
        ("-1, 1", "a pair"),
    ],
)
def test_tanh_value_range_hints(capsys, answer, hint):
    assert exercises.check_tanh_value_range(answer) is False
    printed = output(capsys)
    assert printed.startswith("Not yet:") and hint in printed

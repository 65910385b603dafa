"""The checks of notebook 03_discriminator's exercises: right answers pass, typical mistakes get their hint."""

import math

import numpy as np
import pytest

from gan_helpers.lab import exercises_03 as exercises


def sigmoid(logit):
    return 1.0 / (1.0 + math.exp(-logit))


def bce(label, logit):
    probability = sigmoid(logit)
    return -(label * math.log(probability) + (1 - label) * math.log(1 - probability))


def printed(capsys):
    return capsys.readouterr().out


@pytest.mark.parametrize(
    "to_probability",
    [sigmoid, lambda logit: np.float32(1 / (1 + np.exp(-logit))), lambda logit: np.array(sigmoid(logit))],
    ids=["math", "numpy float32", "0-d array"],
)
def test_check_sigmoid_accepts_a_right_answer(to_probability, capsys):
    assert exercises.check_sigmoid(to_probability) is True
    assert printed(capsys).startswith("Correct: ")


@pytest.mark.parametrize(
    ("to_probability", "hint"),
    [
        (lambda logit: logit, "unchanged"),  # The notebook's starter.
        (lambda logit: sigmoid(-logit), "check the sign"),
        (lambda logit: math.exp(logit), "between 0 and 1"),
        (lambda logit: 0.5, "sigmoid(0) should be 0.5"),
        (lambda logit: 1 / 0, "raised ZeroDivisionError"),
        (lambda logit: None, "one number"),
        (lambda logit: [sigmoid(logit)], "one number"),
        (lambda logit: float("nan"), "NaN"),
        (sigmoid(0.0), "without calling it"),
    ],
    ids=["identity", "sign", "exp", "constant", "raises", "None", "list", "nan", "not callable"],
)
def test_check_sigmoid_gives_a_hint_for_each_mistake(to_probability, hint, capsys):
    assert exercises.check_sigmoid(to_probability) is False
    output = printed(capsys)
    assert output.startswith("Not yet: ")
    assert hint in output


def test_check_bce_accepts_a_right_answer(capsys):
    assert exercises.check_bce(bce) is True
    assert printed(capsys).startswith("Correct: ")


@pytest.mark.parametrize(
    ("bce_answer", "hint"),
    [
        (lambda label, logit: 0.0, "-log(0.5) = 0.6931"),  # The notebook's starter.
        (lambda label, logit: -bce(label, logit), "negative"),
        (lambda label, logit: bce(1 - label, logit), "swapped"),
        (lambda label, logit: -label * math.log(sigmoid(logit)), "(1 - y) * log(1 - p)"),
        (lambda label, logit: -(1 - label) * math.log(1 - sigmoid(logit)), "y * log(p)"),
        (lambda label, logit: bce(label, logit) / math.log(10), "base 10"),
        (lambda label, logit: math.log("x"), "raised TypeError"),
    ],
    ids=["starter", "sign", "swapped", "no fake term", "no real term", "log10", "raises"],
)
def test_check_bce_gives_a_hint_for_each_mistake(bce_answer, hint, capsys):
    assert exercises.check_bce(bce_answer) is False
    output = printed(capsys)
    assert output.startswith("Not yet: ")
    assert hint in output


@pytest.mark.parametrize("score", [0, 0.0, np.float32(0.0)])
def test_check_perfect_fake_score_accepts_zero(score, capsys):
    assert exercises.check_perfect_fake_score(score) is True
    assert printed(capsys).startswith("Correct: ")


@pytest.mark.parametrize(
    ("score", "hint"),
    [
        (None, "answer with a number"), ("0", "answer with a number"), (0.5, "can't tell"), (1, "believes are real"),
        (0.2, "pick the one"),
    ],
)
def test_check_perfect_fake_score_gives_a_hint_for_each_mistake(score, hint, capsys):
    assert exercises.check_perfect_fake_score(score) is False
    output = printed(capsys)
    assert output.startswith("Not yet: ")
    assert hint in output

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


def test_the_experiment_starts_from_settings_that_lose_and_names_what_to_change(capsys):
    assert exercises.check_discriminator_wins(2e-4, 20) is False  # The notebook's starter.
    output = printed(capsys)
    assert output.startswith("Not yet: mean D(G(z)) is") and "raise the learning rate, or take more updates" in output


def test_a_faster_discriminator_wins_within_the_budget(capsys):
    assert exercises.check_discriminator_wins(1e-3, 50) is True
    assert printed(capsys).startswith("Correct: after 50 updates at 0.001")


@pytest.mark.parametrize(
    ("learning_rate", "steps", "hint"),
    [(0, 20, "positive number"), ("fast", 20, "positive number"), (1e-3, 0, "from 1 to 100"), (1e-3, 500, "from 1 to 100"),
     (1e-3, 2.5, "from 1 to 100")],
)
def test_the_experiment_refuses_settings_it_cannot_run(learning_rate, steps, hint, capsys):
    assert exercises.check_discriminator_wins(learning_rate, steps) is False
    assert hint in printed(capsys)


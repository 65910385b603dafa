"""The checks of notebook 04_losses: right answers pass, typical wrong answers get their own hint, nothing raises."""

import keras
import numpy as np
import pytest

from gan_helpers import losses
from gan_helpers.lab import exercises_04 as exercises


def softplus(x):
    return np.logaddexp(0.0, x)


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


# Exercise 1: the non-saturating generator loss from logits.


@pytest.mark.parametrize(
    "right_answer",
    [
        lambda fake_logits: keras.ops.mean(keras.ops.softplus(-fake_logits)),
        lambda fake_logits: -np.mean(np.log(sigmoid(fake_logits))),
        lambda fake_logits: losses.generator_loss("ns", fake_logits),
        lambda fake_logits: np.mean(softplus(-np.asarray(fake_logits))),
    ],
)
def test_ns_generator_loss_right_answers(right_answer, capsys):
    assert exercises.check_ns_generator_loss(right_answer) is True
    assert capsys.readouterr().out.startswith("Correct:")


@pytest.mark.parametrize(
    ("wrong_answer", "hint"),
    [
        (lambda fake_logits: keras.ops.mean(fake_logits) * 0.0, "should be 1.6010"),  # The notebook's starter.
        (lambda fake_logits: -np.mean(softplus(fake_logits)), "minimax"),
        (lambda fake_logits: np.mean(np.log(sigmoid(fake_logits))), "check the sign"),
        (lambda fake_logits: np.mean(softplus(fake_logits)), "target 0"),
        (lambda fake_logits: -np.mean(sigmoid(fake_logits)), "take the log"),
        (lambda fake_logits: np.sum(softplus(-fake_logits)), "take the mean"),
        (lambda fake_logits: softplus(-fake_logits), "one number"),
        (lambda fake_logits: -np.mean(np.log(fake_logits)), "not finite"),
        (lambda fake_logits: None, "return"),
        (lambda fake_logits: 1 / 0, "ZeroDivisionError"),
        ("not a function", "pass the function itself"),
    ],
)
def test_ns_generator_loss_wrong_answers(wrong_answer, hint, capsys):
    with np.errstate(all="ignore"):
        assert exercises.check_ns_generator_loss(wrong_answer) is False
    output = capsys.readouterr().out
    assert output.startswith("Not yet:") and hint in output


# Exercise 2: where the minimax gradient is smallest.


@pytest.mark.parametrize("right_answer", [0.0, 0.000911, np.float32(0.001), keras.ops.convert_to_tensor(0.005)])
def test_weakest_minimax_gradient_right_answers(right_answer, capsys):
    assert exercises.check_weakest_minimax_gradient(right_answer) is True
    assert capsys.readouterr().out.startswith("Correct:")


@pytest.mark.parametrize(
    ("wrong_answer", "hint"),
    [
        (None, "one number"),
        ("0", "one number"),
        ([0.1, 0.2], "one number"),
        (-7.0, "Did you give a logit?"),
        (0.999, "non-saturating"),
        (0.5, "steepest"),
        (0.2, "np.argmin"),
    ],
)
def test_weakest_minimax_gradient_wrong_answers(wrong_answer, hint, capsys):
    assert exercises.check_weakest_minimax_gradient(wrong_answer) is False
    output = capsys.readouterr().out
    assert output.startswith("Not yet:") and hint in output


# Exercise 3: one-sided label smoothing on one real and one fake logit.


def library_smoothed_d_loss():
    real = np.array([[exercises.SMOOTHING_REAL_LOGIT]], np.float32)
    fake = np.array([[exercises.SMOOTHING_FAKE_LOGIT]], np.float32)
    return losses.discriminator_loss("ns", real, fake, label_smoothing=exercises.SMOOTHING)


def test_smoothed_d_loss_right_answers(capsys):
    assert exercises.check_smoothed_d_loss(0.6402) is True  # 0.9 * 0.126928 + 0.1 * 2.126928 + 0.313262
    assert exercises.check_smoothed_d_loss(library_smoothed_d_loss()) is True  # A scalar tensor counts too.
    assert capsys.readouterr().out.count("Correct:") == 2


@pytest.mark.parametrize(
    ("wrong_answer", "hint"),
    [
        (0.0, "is not it"),  # The notebook's starter.
        (0.126928 + 0.313262, "without smoothing"),
        (0.9 * 0.126928 + 0.1 * 2.126928 + 0.9 * 0.313262 + 0.1 * 1.313262, "one-sided"),
        (0.9 * 0.126928 + 0.1 * 2.126928, "only the real image's part"),
        (0.9 * 2.126928 + 0.1 * 0.126928 + 0.313262, "the target 0.9 weighs"),
        (0.9 * 0.126928 + 0.1 * 2.126928 + 1.313262, "not softplus(+1)"),
        (0.6402 / 2, "does not average"),
        (None, "one number"),
        ("0.64", "one number"),
    ],
)
def test_smoothed_d_loss_wrong_answers(wrong_answer, hint, capsys):
    assert exercises.check_smoothed_d_loss(wrong_answer) is False
    output = capsys.readouterr().out
    assert output.startswith("Not yet:") and hint in output


def test_the_checks_agree_with_the_library():
    # Exercise 3's expected value is the library's; exercise 1's is losses.generator_loss("ns", ...) on its logits.
    expected = float(keras.ops.convert_to_numpy(library_smoothed_d_loss()))
    assert expected == pytest.approx(0.640190, abs=1e-5)
    logits = exercises._TEST_LOGITS
    ns = float(keras.ops.convert_to_numpy(losses.generator_loss("ns", logits)))
    assert ns == pytest.approx(float(np.mean(softplus(-logits.astype(np.float64)))), rel=1e-5)


@pytest.mark.slow
def test_the_gradient_experiment_starts_from_minimax_and_passes_with_a_loss_that_keeps_learning(capsys):
    assert exercises.check_loss_that_keeps_learning("minimax") is False  # The notebook's starter.
    assert "1 times minimax's" in capsys.readouterr().out
    assert exercises.check_loss_that_keeps_learning("ns") is True
    assert "times minimax's" in capsys.readouterr().out
    assert exercises.check_loss_that_keeps_learning("kl") is False
    assert "choose one of minimax, ns" in capsys.readouterr().out

import math

import numpy as np
import pytest

from gan_helpers import callbacks
from gan_helpers.lab import exercises_07 as exercises


def rate_right(peak, progress, hold, floor):
    fall = max(0.0, progress - hold) / (1.0 - hold)
    return peak * (floor + (1.0 - floor) * 0.5 * (1.0 + math.cos(math.pi * fall)))


def test_held_cosine_rate_right_answer_matches_the_callback(capsys):
    assert exercises.check_held_cosine_rate(rate_right)
    assert capsys.readouterr().out.startswith("Correct:")
    assert rate_right(2e-3, 0.75, 0.5, 0.05) == callbacks.held_cosine_rate(2e-3, 0.75, 0.5, 0.05)


def test_held_cosine_rate_typical_mistakes(capsys):
    mistakes = {
        "should still be held": lambda peak, p, hold, floor: peak * (floor + (1 - floor) * 0.5 * (1 + math.cos(math.pi * p))),
        "it should end at floor * peak": (
            lambda peak, p, hold, floor: peak * 0.5 * (1 + math.cos(math.pi * max(0.0, p - hold) / (1 - hold)))
        ),
        "Hold the peak until": lambda peak, p, hold, floor: peak,
        "return one number": lambda peak, p, hold, floor: "fast",
        "raised ZeroDivisionError": lambda peak, p, hold, floor: 1 / 0,
        "without calling it": 0.002,
    }
    for hint, answer in mistakes.items():
        assert exercises.check_held_cosine_rate(answer) is False
        out = capsys.readouterr().out
        assert out.startswith("Not yet:") and hint in out, (hint, out)


def prior_right(prior, shares, momentum, floor):
    moved = np.maximum(momentum * prior + (1 - momentum) * shares, floor / len(prior))
    return moved / moved.sum()


def test_prior_update_right_answer_matches_the_trick(capsys):
    import keras

    from gan_helpers import training, tricks

    assert exercises.check_prior_update(prior_right)
    assert capsys.readouterr().out.startswith("Correct:")
    gan = training.make_gan(latent_dim=16, codes=4, prior="learned")
    trick = gan.find_trick(tricks.LearnedPrior)
    trick.categories.code_layer.log_prior.assign(np.log(np.full(4, 0.25, np.float32)))  # Uniform, normalised.
    shares = np.array([0.6, 0.4, 0.0, 0.0], np.float32)
    trick.move_towards(keras.ops.convert_to_tensor(shares))
    moved = np.exp(trick.categories.code_layer.log_prior.numpy())
    np.testing.assert_allclose(moved, prior_right(np.full(4, 0.25), shares, trick.momentum, trick.floor), rtol=1e-5)


def test_prior_update_typical_mistakes(capsys):
    mistakes = {
        "Divide by the sum": lambda prior, shares, m, floor: np.maximum(m * prior + (1 - m) * shares, floor / len(prior)),
        "momentum is the share that stays": lambda prior, shares, m, floor: prior_right(prior, shares, 1 - m, floor),
        "fell below the floor": lambda prior, shares, m, floor: prior_right(prior, shares, m, 0.0),
        "shape (4,)": lambda prior, shares, m, floor: prior[:2],
        "expected": lambda prior, shares, m, floor: shares,
        "raised KeyError": lambda prior, shares, m, floor: {}["x"],
    }
    for hint, answer in mistakes.items():
        assert exercises.check_prior_update(answer) is False
        out = capsys.readouterr().out
        assert out.startswith("Not yet:") and hint in out, (hint, out)


@pytest.mark.parametrize("answer", [-0.1, 0.3, "0.1", None, float("nan")])
def test_shifts_experiment_refuses_impossible_shift_sizes_without_training(capsys, answer):
    assert exercises.check_shifts_stop_memorising(answer) is False
    assert "share of the image from 0" in capsys.readouterr().out


@pytest.mark.slow
def test_without_shifts_the_discriminator_memorises_and_shifts_stop_it(capsys, monkeypatch):
    monkeypatch.setenv("GAN_QUICK", "1")  # The check uses every offline digit in quick mode too.
    assert exercises.check_shifts_stop_memorising(0.0) is False
    out = capsys.readouterr().out
    assert "Not yet:" in out and "shift them" in out and out.count("\n") == 6  # A header, four steps, the verdict.
    assert exercises.check_shifts_stop_memorising(0.15) is True

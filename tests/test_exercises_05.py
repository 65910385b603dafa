import math

import pytest
import tensorflow as tf

from gan_helpers import losses
from gan_helpers.lab import exercises_05 as exercises


def test_discriminator_updates_right_answer(capsys):
    assert exercises.check_discriminator_updates(lambda num_images, batch_size, d_steps: num_images // batch_size * d_steps)
    assert capsys.readouterr().out.startswith("Correct:")


def test_discriminator_updates_typical_mistakes(capsys):
    mistakes = {
        "incomplete batch": lambda n, b, d: math.ceil(n / b) * d,
        "counted generator updates": lambda n, b, d: n // b,
        "counted images": lambda n, b, d: n * d,
        "Count the steps in an epoch first": lambda n, b, d: 0,
        "whole number": lambda n, b, d: n / b * d,
        "raised ZeroDivisionError": lambda n, b, d: 1 // 0,
        "without calling it": 234,
    }
    for hint, answer in mistakes.items():
        assert exercises.check_discriminator_updates(answer) is False
        out = capsys.readouterr().out
        assert out.startswith("Not yet:") and hint in out, (hint, out)


def looks_healthy_right(history):
    last = {name: history[name][-1] for name in ("d_loss", "g_loss", "real_score", "fake_score")}
    if not all(math.isfinite(value) for value in last.values()):
        return False
    return 0.1 < last["real_score"] < 0.9 and 0.1 < last["fake_score"] < 0.9 and last["d_loss"] > 0.1


def test_looks_healthy_right_answer(capsys):
    assert exercises.check_looks_healthy(looks_healthy_right)
    assert capsys.readouterr().out.startswith("Correct:")


def test_looks_healthy_typical_mistakes(capsys):
    def first_epoch(history):
        return 0.1 < history["real_score"][0] < 0.9 and 0.1 < history["fake_score"][0] < 0.9

    def nan_blind(history):
        return history["d_loss"][-1] > 0.1 or math.isnan(history["d_loss"][-1])

    mistakes = {
        "your function said it is": lambda history: True,  # The starter.
        "Judge the last epoch": first_epoch,
        "math.isfinite": nan_blind,
        "return True or False": lambda history: "healthy",
        "raised KeyError": lambda history: history["loss"],
    }
    for hint, answer in mistakes.items():
        assert exercises.check_looks_healthy(answer) is False
        out = capsys.readouterr().out
        assert out.startswith("Not yet:") and hint in out, (hint, out)


def generator_update(gan, batch_size, discriminator_training=False, weights="generator", generator_training=True):
    """The right answer, or a typical mistake when the keyword arguments say so."""
    noise = gan.sample_noise(batch_size)
    with tf.GradientTape() as tape:
        fake_images = gan.generator(noise, training=generator_training)
        fake_logits = gan.discriminator(fake_images, training=discriminator_training)
        g_loss = losses.generator_loss(gan.loss_name, fake_logits)
    variables = {
        "generator": gan.generator.trainable_weights,
        "both": gan.generator.trainable_weights + gan.discriminator.trainable_weights,
        "none": [],
    }[weights]
    if variables:
        gradients = tape.gradient(g_loss, variables)
        gan.g_optimizer.apply_gradients(zip(gradients, variables))


def test_generator_update_right_answer(capsys):
    assert exercises.check_generator_update(generator_update)
    assert capsys.readouterr().out.startswith("Correct:")


def test_generator_update_typical_mistakes(capsys):
    mistakes = {
        "weights changed": lambda gan, size: generator_update(gan, size, discriminator_training=True, weights="both"),
        "moving statistics": lambda gan, size: generator_update(gan, size, discriminator_training=True),
        "did not change": lambda gan, size: generator_update(gan, size, weights="none"),
        "not as GAN.generator_step does": lambda gan, size: generator_update(gan, size, generator_training=False),
        "raised TypeError": lambda gan: None,
    }
    for hint, answer in mistakes.items():
        assert exercises.check_generator_update(answer) is False
        out = capsys.readouterr().out
        assert out.startswith("Not yet:") and hint in out, (hint, out)


def test_the_faster_start_experiment_hints_by_rate(capsys, monkeypatch):
    monkeypatch.setattr(exercises, "score_after_one_epoch", lambda rate: {2e-4: 1.01, 0.05: 1.7}.get(rate, 3.0))
    assert exercises.check_faster_start(2e-4) is False and "raise the rate" in capsys.readouterr().out
    assert exercises.check_faster_start(0.05) is False and "overshoot" in capsys.readouterr().out
    assert exercises.check_faster_start(2e-3) is True and "notebook 07" in capsys.readouterr().out
    assert exercises.check_faster_start(0) is False and "between 0 and 0.1" in capsys.readouterr().out


@pytest.mark.slow
def test_the_plain_rate_starts_slowly_and_a_faster_one_reaches_the_score(capsys):
    assert exercises.check_faster_start(2e-4) is False  # The notebook's starter.
    assert exercises.check_faster_start(2e-3) is True

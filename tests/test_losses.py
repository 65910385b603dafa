"""Every loss against values worked out by hand for real logits [0, 2] and fake logits [-1, 2].

sigmoid(0) = 0.5, sigmoid(2) = 0.880797, sigmoid(-1) = 0.268941; -log(0.5) = 0.693147,
-log(0.880797) = 0.126928, -log(1 - 0.268941) = 0.313262, -log(1 - 0.880797) = 2.126928.
"""

import math

import keras
import numpy as np
import pytest

from gan_helpers import losses

REAL_LOGITS = np.array([[0.0], [2.0]], np.float32)
FAKE_LOGITS = np.array([[-1.0], [2.0]], np.float32)


def sigmoid(x):
    return 1.0 / (1.0 + math.exp(-x))


def value(tensor):
    return float(keras.ops.convert_to_numpy(tensor))


@pytest.mark.parametrize(
    ("name", "expected_d_loss", "expected_g_loss"),
    [
        # D: mean -log D(x) = (0.693147 + 0.126928) / 2 = 0.410038, plus mean -log(1 - D(G(z))) = 1.220095.
        # minimax G: mean log(1 - D(G(z))) = -(0.313262 + 2.126928) / 2.
        ("minimax", 0.410038 + 1.220095, -1.220095),
        # non-saturating G: mean -log D(G(z)) = (1.313262 + 0.126928) / 2.
        ("ns", 0.410038 + 1.220095, 0.720095),
        # LSGAN: 0.5 * mean((D(x) - 1)^2) + 0.5 * mean(D(G(z))^2) = 0.5 * 1 + 0.5 * 2.5; G: 0.5 * mean((D(G(z)) - 1)^2).
        ("lsgan", 1.75, 1.25),
        # Hinge: mean max(0, 1 - D(x)) = 0.5, mean max(0, 1 + D(G(z))) = 1.5; G: -mean D(G(z)).
        ("hinge", 2.0, -0.5),
        # Wasserstein critic: mean D(G(z)) - mean D(x) = 0.5 - 1; G: -mean D(G(z)).
        ("wgan-gp", -0.5, -0.5),
    ],
)
def test_losses_match_hand_computed_values(name, expected_d_loss, expected_g_loss):
    assert value(losses.discriminator_loss(name, REAL_LOGITS, FAKE_LOGITS)) == pytest.approx(expected_d_loss, abs=1e-5)
    assert value(losses.generator_loss(name, FAKE_LOGITS)) == pytest.approx(expected_g_loss, abs=1e-5)


def test_cross_entropy_losses_match_the_textbook_formula():
    real, fake = REAL_LOGITS.ravel(), FAKE_LOGITS.ravel()
    d_loss = -np.mean([math.log(sigmoid(x)) for x in real]) - np.mean([math.log(1 - sigmoid(x)) for x in fake])
    assert value(losses.discriminator_loss("ns", REAL_LOGITS, FAKE_LOGITS)) == pytest.approx(d_loss, rel=1e-5)
    ns = -np.mean([math.log(sigmoid(x)) for x in fake])
    minimax = np.mean([math.log(1 - sigmoid(x)) for x in fake])
    assert value(losses.generator_loss("ns", FAKE_LOGITS)) == pytest.approx(ns, rel=1e-5)
    assert value(losses.generator_loss("minimax", FAKE_LOGITS)) == pytest.approx(minimax, rel=1e-5)


def test_one_sided_label_smoothing_softens_only_the_real_target():
    # Real target 0.9: mean -(0.9 log p + 0.1 log(1 - p)) = (0.693147 + 0.326928) / 2; the fake part is unchanged.
    smoothed = losses.discriminator_loss("ns", REAL_LOGITS, FAKE_LOGITS, label_smoothing=0.1)
    assert value(smoothed) == pytest.approx(0.510038 + 1.220095, abs=1e-5)
    # LSGAN's real target moves from 1 to 0.9: 0.5 * mean((0 - 0.9)^2, (2 - 0.9)^2) + 1.25.
    lsgan = losses.discriminator_loss("lsgan", REAL_LOGITS, FAKE_LOGITS, label_smoothing=0.1)
    assert value(lsgan) == pytest.approx(0.5 * (0.81 + 1.21) / 2 + 1.25, abs=1e-5)


def test_minimax_gradient_vanishes_where_non_saturating_does_not():
    import tensorflow as tf

    confident_fake = tf.Variable([[-6.0]])  # D(G(z)) = 0.0025: the discriminator easily spots the fake.
    gradients = {}
    for name in ("minimax", "ns"):
        with tf.GradientTape() as tape:
            loss = losses.generator_loss(name, confident_fake)
        gradients[name] = abs(float(tape.gradient(loss, confident_fake)[0, 0]))
    assert gradients["minimax"] == pytest.approx(sigmoid(-6.0), rel=1e-4)  # d/dl log(1 - sigmoid(l)) = -sigmoid(l)
    assert gradients["ns"] == pytest.approx(1 - sigmoid(-6.0), rel=1e-4)  # d/dl -log sigmoid(l) = sigmoid(l) - 1
    assert gradients["ns"] > 100 * gradients["minimax"]


@pytest.mark.parametrize(("weight", "expected_penalty"), [(1 / 28, 0.0), (1 / 14, 1.0), (3 / 28, 4.0)])
def test_gradient_penalty_of_a_linear_critic(weight, expected_penalty):
    # D(x) = sum(weight * x) has gradient norm weight * sqrt(784) = 28 * weight everywhere.
    critic = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten(), keras.layers.Dense(1, use_bias=False)])
    critic.layers[-1].kernel.assign(np.full((784, 1), weight, np.float32))
    rng = np.random.default_rng(0)
    real, fake = (rng.uniform(-1, 1, (3, 28, 28, 1)).astype(np.float32) for _ in range(2))
    alpha = rng.uniform(0, 1, (3, 1, 1, 1)).astype(np.float32)
    assert value(losses.gradient_penalty(critic, real, fake, alpha)) == pytest.approx(expected_penalty, abs=1e-4)


def test_instance_noise():
    images = np.zeros((64, 28, 28, 1), np.float32)
    assert losses.add_instance_noise(images, 0.0) is images
    noisy = keras.ops.convert_to_numpy(losses.add_instance_noise(images, 0.5, seed=keras.random.SeedGenerator(1)))
    assert noisy.std() == pytest.approx(0.5, rel=0.02) and abs(noisy.mean()) < 0.01


def test_bad_names_and_settings_are_clear_errors():
    with pytest.raises(ValueError, match="minimax, ns, lsgan, hinge, wgan-gp"):
        losses.generator_loss("wasserstein", FAKE_LOGITS)
    with pytest.raises(ValueError, match=r"label_smoothing must be in \[0, 1\)"):
        losses.discriminator_loss("ns", REAL_LOGITS, FAKE_LOGITS, label_smoothing=1.0)
    with pytest.raises(ValueError, match="not to 'hinge'"):
        losses.discriminator_loss("hinge", REAL_LOGITS, FAKE_LOGITS, label_smoothing=0.1)

"""Checks for the exercises of notebook 03_discriminator: logits, probabilities and the BCE loss.

Each check prints `Correct: ...` or `Not yet: <hint>` and returns True or False. A check never
raises on a wrong or unfinished answer, so the notebook's starter cells run as they are.
"""

import math

from gan_helpers.lab import checking

# Logits the checks try, from confidently "fake" to confidently "real".
TEST_LOGITS = (-4.0, -1.0, 0.0, 0.5, 2.0, 6.0)
TOLERANCE = 1e-4


def _sigmoid(logit):
    """The reference sigmoid, stable for large negative logits too."""
    if logit >= 0:
        return 1.0 / (1.0 + math.exp(-logit))
    return math.exp(logit) / (1.0 + math.exp(logit))


def _reference_bce(label, logit):
    """The reference binary cross-entropy of one logit against a label in [0, 1]."""
    return max(logit, 0.0) - logit * label + math.log1p(math.exp(-abs(logit)))








def check_sigmoid(to_probability):
    """Check a function that turns a logit into the probability D(x) = sigmoid(logit) = 1 / (1 + exp(-logit))."""
    results = {}
    for logit in TEST_LOGITS:
        value, problem = checking.call_for_number(to_probability, logit)
        if problem:
            return checking.report(False, problem + ".")
        results[logit] = value
    if all(abs(results[x] - _sigmoid(x)) < TOLERANCE for x in TEST_LOGITS):
        return checking.report(
            True,
            "sigmoid squeezes any logit into (0, 1); logit 0 is 0.5, 'can't tell'. "
            "The discriminator returns the logit and the loss applies the sigmoid itself, stably.",
        )
    if all(abs(results[x] - x) < TOLERANCE for x in TEST_LOGITS):
        return checking.report(False, "you returned the logit unchanged; apply 1 / (1 + exp(-logit)).")
    if any(not 0.0 <= value <= 1.0 for value in results.values()):
        return checking.report(False, "a probability must lie between 0 and 1; try 1 / (1 + exp(-logit)).")
    if all(abs(results[x] - _sigmoid(-x)) < TOLERANCE for x in TEST_LOGITS):
        return checking.report(
            False,
            "check the sign: a positive logit means 'real', so sigmoid(2) must be above 0.5. Use exp(-logit).",
        )
    return checking.report(
        False,
        f"sigmoid(0) should be 0.5 and sigmoid(2) about 0.8808; you got {results[0.0]:.4f} and {results[2.0]:.4f}.",
    )


def check_bce(bce):
    """Check a function bce(label, logit) for the binary cross-entropy -[y log p + (1 - y) log(1 - p)], p = sigmoid(logit)."""
    results = {}
    for label in (1.0, 0.0):
        for logit in TEST_LOGITS:
            value, problem = checking.call_for_number(bce, label, logit)
            if problem:
                return checking.report(False, problem + ".")
            results[label, logit] = value
    expected = {key: _reference_bce(*key) for key in results}
    if all(abs(results[key] - expected[key]) < TOLERANCE for key in results):
        return checking.report(
            True,
            "the loss is small when the logit agrees with the label and grows without bound when it "
            "confidently disagrees; the discriminator's loss is this, averaged, for real (1) and fake (0) images.",
        )
    if all(abs(results[key] + expected[key]) < TOLERANCE for key in results):
        return checking.report(
            False,
            "your loss is negative: cross-entropy has a minus sign in front, -[y log p + (1 - y) log(1 - p)].",
        )
    if all(abs(results[label, logit] - _reference_bce(1.0 - label, logit)) < TOLERANCE for label, logit in results):
        return checking.report(False, "the labels are swapped: label 1 (real) should use log(p), label 0 (fake) log(1 - p).")
    if all(abs(results[1.0, logit] - expected[1.0, logit]) < TOLERANCE for logit in TEST_LOGITS):
        return checking.report(False, "right for label 1, wrong for label 0: don't forget the (1 - y) * log(1 - p) term.")
    if all(abs(results[0.0, logit] - expected[0.0, logit]) < TOLERANCE for logit in TEST_LOGITS):
        return checking.report(False, "right for label 0, wrong for label 1: don't forget the y * log(p) term.")
    if all(abs(results[key] * math.log(10) - expected[key]) < TOLERANCE for key in results):
        return checking.report(False, "that is log base 10; use the natural logarithm (math.log or np.log).")
    return checking.report(
        False,
        f"for label 1 and logit 0 the loss is -log(0.5) = 0.6931; you got {results[1.0, 0.0]:.4f}. "
        "Compute p = sigmoid(logit) first, then -(y * log(p) + (1 - y) * log(1 - p)).",
    )


WIN_SCORE = 0.1  # The experiment: the mean D(G(z)) must fall below this...
MAX_WIN_STEPS = 100  # ...within this many discriminator updates.
WIN_FAKES = 256  # Fakes the mean D(G(z)) is measured on.


def discriminator_wins(learning_rate, steps, seed=0):
    """Pre-train a fresh `fast` discriminator for `steps` updates against a fresh, untrained generator
    (Adam with `learning_rate`, beta_1 0.5, batches of 64 offline digits); return its mean D(G(z)).
    """
    import keras
    import numpy as np

    from gan_helpers import training

    gan = checking.pretrained_discriminator(learning_rate, steps, seed)
    fakes = training.generate_images(gan.generator, training.fixed_noise(WIN_FAKES, gan.latent_dim, seed + 1))
    logits = gan.discriminator(fakes, training=False)
    return float(np.mean(keras.ops.convert_to_numpy(keras.ops.sigmoid(logits))))


def check_discriminator_wins(learning_rate, steps):
    """Experiment: choose Adam's learning rate and a number of updates (at most 100) that make the
    discriminator win against the untrained generator: mean D(G(z)) below 0.1.
    """
    rate, count = checking.as_number(learning_rate), checking.as_number(steps)
    if rate is None or not 0 < rate <= 1:
        return checking.report(False, f"set the learning rate to a positive number such as 2e-4, got {learning_rate!r}.")
    if count is None or count != int(count) or not 1 <= count <= MAX_WIN_STEPS:
        return checking.report(False, f"take a whole number of updates from 1 to {MAX_WIN_STEPS}, got {steps!r}.")
    score = discriminator_wins(rate, int(count))
    if score < WIN_SCORE:
        return checking.report(
            True,
            f"after {int(count)} updates at {rate:g} the discriminator scores the fakes {score:.3f} on average: it "
            "has won. From here the minimax generator loss is nearly flat, which section 'Why an easy win is "
            "bad news' showed; notebook 04 shows the loss that keeps the gradient alive.",
        )
    if rate > 0.05:
        hint = "a rate this large makes Adam's steps jump around; try something between 1e-4 and 1e-2."
    else:
        hint = "the discriminator has not yet learned enough: raise the learning rate, or take more updates."
    return checking.report(False, f"mean D(G(z)) is {score:.3f} after {int(count)} updates at {rate:g}, not below "
                                  f"{WIN_SCORE}: {hint}")

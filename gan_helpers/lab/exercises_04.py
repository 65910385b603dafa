"""Checks for the exercises of notebook 04_losses.

Each check prints `Correct: ...` or `Not yet: <hint>` and returns True or False. A check never
raises on a wrong answer, so the notebook runs from top to bottom with the unfinished starters.
"""

import math

import numpy as np

from gan_helpers.lab import checking

# Exercise 3's inputs, also stated in the notebook: one real logit, one fake logit, the smoothing.
SMOOTHING_REAL_LOGIT = 2.0
SMOOTHING_FAKE_LOGIT = -1.0
SMOOTHING = 0.1

# Exercise 1 feeds the learner's function these logits, shaped (batch, 1) like a discriminator's output.
_TEST_LOGITS = np.array([[-6.0], [-2.5], [-1.0], [0.0], [0.5], [2.0], [4.0]], np.float32)


def _softplus(x):
    """log(1 + e^x) without overflow."""
    return float(np.logaddexp(0.0, x))






def check_ns_generator_loss(loss_function):
    """Exercise 1: `loss_function(fake_logits)` must return the mean of -log D(G(z)), like losses.generator_loss("ns", ...)."""
    answer, problem = checking.call(loss_function, _TEST_LOGITS.copy())
    if problem:
        return checking.report(False, problem)
    if answer is None:
        print("Not yet: your function returns None; end it with `return ...`.")
        return False
    value = checking.as_number(answer)
    if value is None:
        print("Not yet: return one number, the mean over the batch, not one loss per image.")
        return False
    logits = _TEST_LOGITS.ravel().astype(np.float64)
    expected = np.mean([_softplus(-logit) for logit in logits])  # mean -log sigmoid(logit)
    if checking.close(value, expected, 1e-4):
        print("Correct: -log D(G(z)) = softplus(-logit) keeps a strong gradient exactly where the "
              "discriminator still rejects the fakes, which is why it is the default generator loss.")
        return True
    if not math.isfinite(value):
        print("Not yet: the result is not finite. Did you take the log of a logit? Apply the sigmoid "
              "first, or write -log sigmoid(l) as softplus(-l).")
        return False
    wrong_answers = {
        "minimax": (np.mean([-_softplus(logit) for logit in logits]),
                    "that is the minimax loss log(1 - D(G(z))); the non-saturating loss is -log D(G(z))."),
        "sign": (-expected, "check the sign: the generator minimises -log D(G(z)), not log D(G(z))."),
        "target 0": (np.mean([_softplus(logit) for logit in logits]),
                     "that is the cross-entropy against target 0 (what the discriminator wants for fakes); "
                     "the generator wants its fakes called real, target 1."),
        "no log": (np.mean(-1.0 / (1.0 + np.exp(-logits))),
                   "you returned -D(G(z)); take the log of the probability: -log sigmoid(logit)."),
        "sum": (len(logits) * expected, "you summed over the batch; take the mean, like the library does."),
    }
    for target, hint in wrong_answers.values():
        if checking.close(value, target, 1e-4):
            print(f"Not yet: {hint}")
            return False
    print(f"Not yet: on logits {logits.tolist()} the loss should be {expected:.4f}, yours is {value + 0.0:.4f}. "
          "Compute D = sigmoid(logits), then the mean of -log D.")
    return False


def check_weakest_minimax_gradient(d_of_g_z):
    """Exercise 2: the D(G(z)) at which the minimax generator's gradient w.r.t. the logit is smallest."""
    value = checking.as_number(d_of_g_z)
    if value is None or not math.isfinite(value):
        print("Not yet: set the answer to one number, a value of D(G(z)) between 0 and 1.")
        return False
    if not 0.0 <= value <= 1.0:
        print(f"Not yet: D(G(z)) is a probability, between 0 and 1; you gave {value:g}. "
              "Did you give a logit? Convert it with sigmoid.")
        return False
    if value <= 0.01:
        print("Correct: the minimax gradient is -D(G(z)), smallest as D(G(z)) goes to 0, that is at the start "
              "of training, when the discriminator easily rejects the fakes: the generator hears least when it "
              "has most to learn.")
        return True
    if value >= 0.9:
        print("Not yet: near D(G(z)) = 1 the minimax gradient -D(G(z)) is at its largest. A small gradient there "
              "is the non-saturating loss's, -(1 - D(G(z))); look at the minimax curve.")
        return False
    if 0.3 <= value <= 0.7:
        print("Not yet: around 0.5 the sigmoid is steepest, but the minimax gradient w.r.t. the logit is "
              "-D(G(z)) = -0.5 there. Where is |D(G(z))| smallest?")
        return False
    print("Not yet: the minimax gradient w.r.t. the logit is -D(G(z)); find where its size is smallest, "
          "for example with np.argmin on the absolute gradients.")
    return False


def check_smoothed_d_loss(d_loss):
    """Exercise 3: the discriminator's loss for real logit 2, fake logit -1 with one-sided label smoothing 0.1."""
    value = checking.as_number(d_loss)
    if value is None:
        print("Not yet: set smoothed_d_loss to one number (a float).")
        return False
    real, fake, smoothing = SMOOTHING_REAL_LOGIT, SMOOTHING_FAKE_LOGIT, SMOOTHING
    target = 1.0 - smoothing
    real_part = target * _softplus(-real) + smoothing * _softplus(real)  # cross-entropy against target 0.9
    fake_part = _softplus(fake)  # cross-entropy against target 0: -log(1 - D(G(z)))
    expected = real_part + fake_part
    if checking.close(value, expected):
        print(f"Correct: {real_part:.4f} for the real image plus {fake_part:.4f} for the fake = {expected:.4f}. "
              "The real part no longer falls to 0 as the real logit grows: with target 0.9 it is smallest at "
              "logit log(9) = 2.197, so the discriminator is not rewarded for being overconfident.")
        return True
    wrong_answers = (
        (_softplus(-real) + fake_part, "that is the loss without smoothing (real target 1); smoothing 0.1 makes "
                                       "the real target 0.9: 0.9 * softplus(-2) + 0.1 * softplus(2)."),
        (real_part + target * _softplus(fake) + smoothing * _softplus(-fake),
         "smoothing is one-sided: only the real target moves to 0.9; the fake target stays 0."),
        (real_part, "that is only the real image's part; add the fake image's part, softplus(-1) = -log(1 - D(G(z)))."),
        (target * _softplus(real) + smoothing * _softplus(-real) + fake_part,
         "the target 0.9 weighs -log D(x) = softplus(-real_logit), and 0.1 weighs -log(1 - D(x)) = softplus(real_logit)."),
        (real_part + _softplus(-fake), "the fake part is -log(1 - D(G(z))) = softplus(fake_logit) = softplus(-1), "
                                       "not softplus(+1)."),
        (expected / 2, "the library adds the real and the fake part; it does not average them."),
    )
    for wrong, hint in wrong_answers:
        if checking.close(value, wrong):
            print(f"Not yet: {hint}")
            return False
    print(f"Not yet: {value + 0.0:.4f} is not it. Real part: cross-entropy of logit 2 against target 0.9; fake part: "
          "cross-entropy of logit -1 against target 0; add them.")
    return False


GRADIENT_GAIN = 100  # The experiment: the chosen loss must give the generator this many times minimax's gradient.


def generator_gradients_against_a_winner(loss_names, seed=0, steps=50):
    """Pre-train a fresh plain discriminator to win (50 updates at 1e-3 against the untrained generator);
    return ({loss name: norm of the generator's gradient under it}, the mean D(G(z))) on 256 fakes.
    """
    import tensorflow as tf

    from gan_helpers import losses, training

    gan = checking.pretrained_discriminator(1e-3, steps, seed)
    noise = training.fixed_noise(256, gan.latent_dim, seed + 1)
    norms = {}
    for name in loss_names:
        with tf.GradientTape() as tape:
            logits = gan.discriminator(gan.generator(noise, training=True), training=False)
            loss = losses.generator_loss(name, logits)
        norms[name] = float(tf.linalg.global_norm(tape.gradient(loss, gan.generator.trainable_weights)))
    return norms, float(tf.reduce_mean(tf.sigmoid(logits)))


def check_loss_that_keeps_learning(loss_name):
    """Experiment: pick the generator loss (losses.LOSSES) whose gradient, against a discriminator that has
    already won, is at least 100 times the minimax loss's.
    """
    from gan_helpers import losses

    if loss_name not in losses.LOSSES:
        return checking.report(False, f"choose one of {', '.join(losses.LOSSES)}, got {loss_name!r}.")
    norms, score = generator_gradients_against_a_winner(["minimax", loss_name])
    norm, minimax_norm = norms[loss_name], norms["minimax"]
    ratio = norm / max(minimax_norm, 1e-30)
    if ratio >= GRADIENT_GAIN:
        return checking.report(
            True,
            f"with D(G(z)) at {score:.4f}, {loss_name} gives the generator a gradient of {norm:.3g}, {ratio:,.0f} times "
            f"minimax's {minimax_norm:.3g}. The generator keeps learning exactly when it is losing worst.",
        )
    return checking.report(
        False,
        f"{loss_name} gives the generator a gradient of {norm:.3g} against a discriminator that has won "
        f"(D(G(z)) {score:.4f}): {ratio:.0f} times minimax's. Which generator loss keeps its gradient large "
        "where D(G(z)) is near 0 (section \"The generator's loss: minimax or non-saturating\")?",
    )

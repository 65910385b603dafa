"""Exercise checks for notebook 05_training_loop: counting updates, reading curves, the generator's update.

Each check prints `Correct: ...` or `Not yet: <hint>` and returns True or False; it never raises
on a wrong or broken answer, so the notebook runs with the unfinished starters.
"""

import math

import numpy as np

from gan_helpers import checks
from gan_helpers.lab import checking

# (num_images, batch_size, d_steps): the cases the update-counting check tries, last batch included or not.
UPDATE_CASES = ((5000, 64, 1), (5000, 64, 3), (512, 64, 2), (100, 32, 5))
HEALTHY_HISTORY_NAMES = ("d_loss", "g_loss", "real_score", "fake_score")






def check_discriminator_updates(discriminator_updates):
    """Check a function (num_images, batch_size, d_steps) -> discriminator updates in one epoch of fit()."""
    for num_images, batch_size, d_steps in UPDATE_CASES:
        answer, problem = checking.call(discriminator_updates, num_images, batch_size, d_steps)
        if problem:
            return checking.report(False, problem)
        if not checks.is_whole_number(answer):
            print(f"Not yet: return a whole number of updates (an int), got {answer!r}.")
            return False
        steps = num_images // batch_size
        expected = steps * d_steps
        case = f"num_images={num_images}, batch_size={batch_size}, d_steps={d_steps}"
        if answer == expected:
            continue
        if answer == math.ceil(num_images / batch_size) * d_steps:
            print(
                f"Not yet: for {case} you counted the last, incomplete batch. make_dataset drops it "
                "(drop_remainder=True), so an epoch has num_images // batch_size steps."
            )
        elif answer == steps:
            print(
                f"Not yet: for {case} you counted generator updates. Each train_step updates the "
                "discriminator d_steps times before the generator's one update."
            )
        elif answer == num_images * d_steps:
            print(f"Not yet: for {case} you counted images. fit() runs one train_step per batch, not per image.")
        else:
            print(f"Not yet: for {case} you returned {answer}. Count the steps in an epoch first, then the updates in a step.")
        return False
    print(
        "Correct: one epoch is num_images // batch_size steps, each with d_steps discriminator updates "
        "and one generator update. Raising d_steps makes every epoch slower."
    )
    return True


def _history(d_loss, g_loss, real_score, fake_score):
    return {
        "epoch": [float(epoch) for epoch in range(1, len(d_loss) + 1)],
        "d_loss": list(d_loss),
        "g_loss": list(g_loss),
        "real_score": list(real_score),
        "fake_score": list(fake_score),
    }


# Histories of five runs, each a dict like viz.read_history returns, and whether training looks healthy.
HEALTH_CASES = (
    (
        "a steady run (last epoch: D(x) 0.59, D(G(z)) 0.41, d_loss 1.12)",
        _history([1.02, 1.15, 1.12], [1.10, 0.93, 0.95], [0.64, 0.59, 0.59], [0.36, 0.41, 0.41]),
        True,
    ),
    (
        "a run that started rough and settled (first epoch: D(x) 0.95, D(G(z)) 0.05; last: 0.62 and 0.38)",
        _history([0.15, 0.90, 1.18], [3.80, 1.40, 0.92], [0.95, 0.70, 0.62], [0.05, 0.28, 0.38]),
        True,
    ),
    (
        "a run where the discriminator wins (last epoch: D(x) 0.99, D(G(z)) 0.01, d_loss 0.02)",
        _history([1.10, 0.40, 0.02], [0.90, 2.50, 6.30], [0.60, 0.85, 0.99], [0.40, 0.15, 0.01]),
        False,
    ),
    (
        "a run that started well and then collapsed (last epoch: d_loss 0.05, D(x) 0.97, D(G(z)) 0.03)",
        _history([1.20, 1.10, 0.05], [0.80, 0.95, 5.10], [0.58, 0.60, 0.97], [0.42, 0.40, 0.03]),
        False,
    ),
    (
        "a run whose losses turned NaN",
        _history([1.10, float("nan")], [0.90, float("nan")], [0.60, float("nan")], [0.40, float("nan")]),
        False,
    ),
)


def check_looks_healthy(looks_healthy):
    """Check a function history -> True/False that judges training by the last epoch's numbers."""
    for description, history, healthy in HEALTH_CASES:
        copy = {name: list(values) for name, values in history.items()}  # The learner may not spoil our cases.
        answer, problem = checking.call(looks_healthy, copy)
        if problem:
            return checking.report(False, problem)
        if not isinstance(answer, (bool, np.bool_)):
            print(f"Not yet: return True or False, got {answer!r}.")
            return False
        if bool(answer) == healthy:
            continue
        if healthy:
            print(
                f"Not yet: {description} looks healthy, but your function said it does not. Judge the "
                "last epoch, history[name][-1]: early epochs are often rough."
            )
        elif "NaN" in description:
            print(f"Not yet: {description} is not healthy. Check that every number is finite (math.isfinite).")
        else:
            print(
                f"Not yet: {description} is not healthy, but your function said it is. Check that "
                "real_score and fake_score are between 0.1 and 0.9 and d_loss is above 0.1 in the last epoch."
            )
        return False
    print(
        "Correct: scores that hover away from 0 and 1 mean the discriminator still has something to "
        "learn and the generator still gets useful gradients; a d_loss near 0 means the game is lost."
    )
    return True


def _tiny_gan():
    """A small compiled GAN whose discriminator has BatchNorm and Dropout, layers that act differently in training."""
    import keras

    from gan_helpers import models
    from gan_helpers.gan import GAN

    discriminator = keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            keras.layers.Conv2D(8, 4, strides=2, padding="same"),  # -> (14, 14, 8)
            keras.layers.BatchNormalization(),
            keras.layers.LeakyReLU(0.2),
            keras.layers.Dropout(0.3),
            keras.layers.Flatten(),
            keras.layers.Dense(1),
        ]
    )
    gan = GAN(models.build_generator("fast", latent_dim=8), discriminator, latent_dim=8, seed=0)
    gan.compile(keras.optimizers.Adam(1e-3), keras.optimizers.Adam(1e-3), loss="ns")
    return gan


def _arrays(weights):
    return [np.array(weight.numpy()) for weight in weights]


def check_generator_update(generator_update, batch_size=8):
    """Check a function (gan, batch_size) that updates only the generator, as GAN.generator_step does."""
    gan, twin = _tiny_gan(), _tiny_gan()
    twin.generator.set_weights(gan.generator.get_weights())  # The twin starts from the same weights.
    twin.discriminator.set_weights(gan.discriminator.get_weights())
    d_trainable_before = _arrays(gan.discriminator.trainable_weights)
    d_other_before = _arrays(gan.discriminator.non_trainable_weights)  # BatchNorm's moving statistics.
    g_before = _arrays(gan.generator.trainable_weights)

    _, problem = checking.call(generator_update, gan, batch_size)
    if problem:
        return checking.report(False, problem)
    twin.generator_step(batch_size)  # The library's update, on the same weights and the same noise.

    def all_equal(before, weights):
        return all(np.array_equal(old, new) for old, new in zip(before, _arrays(weights)))

    if not all_equal(d_trainable_before, gan.discriminator.trainable_weights):
        print(
            "Not yet: the discriminator's weights changed. Take the gradient of g_loss only with respect "
            "to gan.generator.trainable_weights, and apply it with gan.g_optimizer."
        )
        return False
    if not all_equal(d_other_before, gan.discriminator.non_trainable_weights):
        print(
            "Not yet: the discriminator's BatchNorm moving statistics changed. Call the discriminator "
            "with training=False during the generator's update."
        )
        return False
    if all_equal(g_before, gan.generator.trainable_weights):
        print(
            "Not yet: the generator did not change. Apply the gradients with "
            "gan.g_optimizer.apply_gradients(zip(gradients, gan.generator.trainable_weights))."
        )
        return False
    for mine, library in zip(_arrays(gan.generator.weights), _arrays(twin.generator.weights)):
        if mine.shape != library.shape or not np.allclose(mine, library, rtol=1e-5, atol=1e-6):
            print(
                "Not yet: the discriminator stayed fixed and the generator learned, but not as "
                "GAN.generator_step does. Draw noise with gan.sample_noise(batch_size), run the "
                "generator with training=True inside the tape, and minimise "
                "losses.generator_loss(gan.loss_name, fake_logits)."
            )
            return False
    print(
        "Correct: only the generator learned, and exactly as GAN.generator_step does. The "
        "discriminator, weights and BatchNorm statistics alike, is bit-identical."
    )
    return True


OFFLINE_DIGITS = 5_000  # The offline digits, all of them.
FAST_START_STEPS = 78  # The experiment: one epoch of the 5,000 offline digits in batches of 64...
FAST_START_SCORE = 2.0  # ...must reach this classifier score (10 at most; blobs score about 1).


def score_after_one_epoch(learning_rate, seed=0):
    """Train the plain GAN with `learning_rate` for both networks for one epoch of the offline digits;
    return the classifier score of 500 of its digits.
    """
    from gan_helpers import config, data, evaluation, runs, training

    config.set_seed(seed)
    gan = training.make_gan("plain", learning_rate=learning_rate, seed=seed)
    images, _ = data.load_mnist("offline", max_images=OFFLINE_DIGITS, verbose=False)  # All of them, in quick mode too.
    gan.fit(data.make_dataset(images, 64, seed=seed).take(FAST_START_STEPS), epochs=1, verbose=0)
    digits = runs.sample_digits(gan.generator, 500, seed=seed + 1)
    return evaluation.evaluate_images(digits, copy_rate=False).classifier_score


def check_faster_start(learning_rate):
    """Experiment: choose one learning rate for both networks so that the plain GAN reaches a classifier
    score of 2.0 after a single epoch (78 steps).
    """
    rate = checking.as_number(learning_rate)
    if rate is None or not 0 < rate <= 0.1:
        return checking.report(False, f"set a learning rate between 0 and 0.1, such as 2e-4, got {learning_rate!r}.")
    score = score_after_one_epoch(rate)
    if score >= FAST_START_SCORE:
        return checking.report(
            True,
            f"at {rate:g} the plain GAN scores {score:.2f} after one epoch. Bigger steps find digits sooner; "
            "notebook 07 holds a rate like this for half a run, then lowers it so the digits can settle.",
        )
    hint = ("big steps can also overshoot: try a rate between 1e-3 and 1e-2." if rate > 1e-2
            else "the steps are still too small to get far in 78 updates: raise the rate.")
    return checking.report(False, f"at {rate:g} the plain GAN scores {score:.2f} after one epoch, not {FAST_START_SCORE}: {hint}")

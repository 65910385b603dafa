"""Exercise checks for notebook 08_conditional_gan: the label's one-hot vector, the grid of digits, and the
experiment with the digit head's weight.

Each check prints `Correct: ...` or `Not yet: <hint>` and returns True or False; it never raises
on a wrong or broken answer, so the notebook runs with the unfinished starters.
"""

import numpy as np

from gan_helpers.lab import checking

ONE_HOT_CASES = (np.array([7]), np.array([0, 9, 3, 3]), np.arange(10))
GRID_NOISE_SHAPES = ((3, 5), (8, 100))  # (columns, latent_dim)
# The experiment: a fresh conditional GAN trained EXPERIMENT_STEPS steps with the weight of its digit head.
OFFLINE_DIGITS = 5_000  # Every offline digit and its label, in quick mode too.
EXPERIMENT_STEPS = 150
EXPERIMENT_SAMPLES = 500  # 50 of each digit, asked for in turn.
EXPERIMENT_SEED = 0
MIN_READ_AS_ASKED = 0.9  # Mean share of samples read as the digit asked for.
MAX_DIGIT_WEIGHT = 10.0


def check_one_hot(one_hot):
    """Check a NumPy function that turns labels (n,) into one-hot vectors (n, 10) of float32."""
    for labels in ONE_HOT_CASES:
        result, problem = checking.call(one_hot, labels.copy())
        if problem:
            return checking.report(False, problem)
        if result is None:
            return checking.report(False, "your function returned None: did you forget the `return` line?")
        result = np.asarray(result)
        expected = np.eye(10, dtype=np.float32)[labels]
        if result.shape != expected.shape:
            return checking.report(False, f"labels of shape {labels.shape} should give shape {expected.shape} "
                                   f"(one row per label, one column per digit), got {result.shape}")
        if not np.array_equal(result, expected):
            row = int(np.argmax(np.any(result != expected, axis=1)))
            return checking.report(False, f"the label {labels[row]} should give a row with a single 1 in column "
                                   f"{labels[row]} and 0 elsewhere, got {np.round(result[row], 3).tolist()}")
        if result.dtype != np.float32:
            return checking.report(False, f"the values are right but the dtype is {result.dtype}: the generator reads "
                                   "float32, like the noise it is concatenated with")
    return checking.report(True, "each label becomes a row with one 1, in float32: what the generator's CategoryEncoding "
                           "layer hands on, concatenated to the noise.")


def check_grid_inputs(grid_inputs):
    """Check a function that turns `columns` noise vectors into the inputs of a ten-row grid, one row per digit."""
    from gan_helpers import conditional

    for columns, latent_dim in GRID_NOISE_SHAPES:
        noise = np.random.default_rng(columns).standard_normal((columns, latent_dim)).astype(np.float32)
        result, problem = checking.call(grid_inputs, noise.copy())
        if problem:
            return checking.report(False, problem)
        if not isinstance(result, tuple) or len(result) != 2:
            return checking.report(False, f"return a pair (noise, labels), got {type(result).__name__}")
        grid_noise, labels = (np.asarray(part) for part in result)
        expected_noise, expected_labels = conditional.grid_inputs(noise)
        if grid_noise.shape != expected_noise.shape or labels.shape != expected_labels.shape:
            return checking.report(False, f"{columns} noise vectors make {10 * columns} pictures: noise of shape "
                                   f"{expected_noise.shape} and labels of shape {expected_labels.shape}, got "
                                   f"{grid_noise.shape} and {labels.shape}")
        if np.array_equal(labels, np.tile(np.arange(10), columns)):
            return checking.report(False, "the labels go 0, 1, ..., 9, 0, 1, ...: drawn a row at a time, each row "
                                   "would then hold every digit. A row is one digit: 0, 0, ..., 1, 1, ... (np.repeat)")
        if not np.array_equal(labels, expected_labels):
            return checking.report(False, f"the labels should be each digit {columns} times in a row, got {labels[:12]}...")
        if not np.allclose(grid_noise, expected_noise):
            return checking.report(False, "each row should repeat the same noise vectors in the same order, so that a "
                                   "column keeps its style (np.tile the noise, once per digit)")
    return checking.report(True, "np.tile repeats the noise once per row, np.repeat holds each digit for a row: the "
                           "grid's columns share a style, its rows a digit.")


def read_as_asked(digit_weight, steps=EXPERIMENT_STEPS, seed=EXPERIMENT_SEED):
    """Train a fresh conditional GAN `steps` steps with `digit_weight`; return the share of its
    EXPERIMENT_SAMPLES digits, asked for in turn, that the evaluation classifier reads as asked, per digit."""
    from gan_helpers import conditional, config, data, evaluation, recipes, training

    config.set_seed(seed)
    gan = training.make_gan(recipes.recipe("conditional", digit_weight=digit_weight, seed=seed))
    images, labels = data.load_mnist("offline", max_images=OFFLINE_DIGITS, verbose=False)
    gan.fit(data.make_dataset(images, 64, seed=seed, labels=labels).repeat().take(steps), epochs=1, verbose=0)
    requested = conditional.requested_labels(EXPERIMENT_SAMPLES)
    noise = training.fixed_noise(EXPERIMENT_SAMPLES, gan.latent_dim, seed + 1)
    digits = training.generate_images(gan.generator, noise, labels=requested)
    return evaluation.evaluate_images(digits, copy_rate=False, requested=requested).digit_accuracy


def check_digit_weight(digit_weight):
    """Experiment: choose the weight of the digit head so that a conditional GAN draws the digit asked for,
    after EXPERIMENT_STEPS steps, for at least MIN_READ_AS_ASKED of its samples on average."""
    weight = checking.as_number(digit_weight)
    if weight is None or not 0 <= weight <= MAX_DIGIT_WEIGHT:
        return checking.report(False, f"digit_weight is a number from 0 (no digit head) to {MAX_DIGIT_WEIGHT:g}, "
                               f"got {digit_weight!r}.")
    accuracy = read_as_asked(weight)
    print("digit asked for " + "".join(f"{digit:>6}" for digit in accuracy))
    print("read as it      " + "".join(f"{share:>6.0%}" for share in accuracy.values()))
    mean = float(np.mean(list(accuracy.values())))
    if mean >= MIN_READ_AS_ASKED:
        return checking.report(True, f"with digit_weight {weight:g}, {mean:.0%} of the digits read as asked after "
                               f"{EXPERIMENT_STEPS} steps: the head tells the generator at once when a fake is the "
                               "wrong digit, long before the projection alone would.")
    hint = ("with the head switched off, only the projection tells the generator which digit it drew, and "
            "slowly: give the head a weight" if weight == 0 else "a larger weight makes the digit matter more to both networks")
    return checking.report(False, f"{mean:.0%} of the digits read as asked, not {MIN_READ_AS_ASKED:.0%}: {hint}.")

"""What every exercise check shares: call the learner's function safely, read one number, say the verdict.

A check prints `Correct: ...` or `Not yet: <hint>` and returns True or False. It never raises on a
wrong or unfinished answer, so a notebook runs from top to bottom as it is stored.
"""

import math

import numpy as np


def report(correct, message):
    """Print `Correct: message` or `Not yet: message`; return `correct`."""
    print(f"{'Correct' if correct else 'Not yet'}: {message}")
    return correct


def call(function, *args):
    """Call the learner's function; return (result, None), or (None, a hint) when it is no function or raises."""
    if not callable(function):
        return None, f"pass the function itself (without calling it), got {type(function).__name__}"
    try:
        return function(*args), None
    except Exception as error:  # A learner's unfinished code may raise anything: it becomes a hint, never a traceback.
        return None, f"your function raised {type(error).__name__}: {error}"


def as_number(value):
    """`value` as a Python float when it is one real number (Python, NumPy or a 0-d tensor), else None."""
    if value is None or isinstance(value, (bool, str, bytes)):
        return None
    if hasattr(value, "shape") and len(value.shape) != 0:
        return None  # Several numbers, or an array of shape (1,): one plain number is expected.
    try:
        return float(value)
    except (TypeError, ValueError):
        try:
            import keras

            return float(np.asarray(keras.ops.convert_to_numpy(value), dtype=np.float64))
        except Exception:  # Anything that is not a number is simply not one.
            return None


def call_for_number(function, *args):
    """Call the learner's function for one finite-or-infinite number; return (number, None) or (None, a hint)."""
    value, problem = call(function, *args)
    if problem:
        return None, problem
    number = as_number(value)
    if number is None:
        return None, f"your function should return one number, got {type(value).__name__} for {args}"
    if math.isnan(number):
        return None, f"your function returned NaN for {args}"
    return number, None


def close(value, target, tolerance=1e-3):
    """True when `value` is a finite number within `tolerance` of `target`."""
    return value is not None and math.isfinite(value) and abs(value - target) <= tolerance


def pretrained_discriminator(learning_rate, steps, seed=0):
    """A fresh plain GAN whose discriminator took `steps` updates (Adam at `learning_rate`, batches of 64
    offline digits) against its untrained generator: the opponent of notebooks 03's and 04's experiments.
    """
    from gan_helpers import config, data, training

    config.set_seed(seed)
    gan = training.make_gan("plain", learning_rate=learning_rate, seed=seed)
    images, _ = data.load_mnist("offline", max_images=64 * 8, verbose=False)
    batches = data.normalize(images)[..., np.newaxis]
    for step in range(steps):
        start = (step * 64) % len(batches)
        gan.discriminator_step(batches[start:start + 64])
    return gan


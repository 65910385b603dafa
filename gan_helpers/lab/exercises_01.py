"""Checks for the exercises of notebook 01_data_loading.

Each check prints `Correct: ...` or `Not yet: <hint>` and returns True or False. A check never
raises on a wrong or unfinished answer, so a notebook runs from top to bottom as it is stored.
"""

import numpy as np

from gan_helpers import data
from gan_helpers.lab import checking

# Pixels that cover the corners of the scale and a few values in between.
SAMPLE_PIXELS = np.array([[0, 1, 51, 127], [128, 200, 254, 255]], dtype=np.uint8)
# (num_images, batch_size) pairs: Keras MNIST, the offline digits, quick mode, an exact fit, tiny.
BATCH_CASES = ((60_000, 64), (5_000, 64), (512, 64), (512, 128), (10, 4), (100, 32), (63, 64))






def check_unit_scaling(scale_function):
    """Check a function that scales uint8 pixels in [0, 255] to float32 in [0, 1] for a sigmoid model."""
    result, problem = checking.call(scale_function, SAMPLE_PIXELS.copy())
    if problem:
        return checking.report(False, problem)
    if result is None:
        return checking.report(False, "your function returned None: did you forget the `return` line?")
    try:
        result = np.asarray(result)
    except Exception:  # Whatever came back is not array-like.
        return checking.report(False, f"return a NumPy array, got {type(result).__name__}")
    expected = data.normalize(SAMPLE_PIXELS, value_range=(0, 1))
    if result.shape != expected.shape:
        return checking.report(
            False,
            f"keep the shape: {SAMPLE_PIXELS.shape} pixels in should give {expected.shape} out, got {result.shape}",
        )
    if not np.issubdtype(result.dtype, np.number):
        return checking.report(False, f"return numbers, got dtype {result.dtype}")
    if np.issubdtype(result.dtype, np.integer):
        return checking.report(False, f"the result has integer dtype {result.dtype}, which cannot hold 0.5: "
                              "convert with .astype(np.float32) before you divide")
    if result.max() > 1.5:
        return checking.report(False, f"the largest value is {result.max():g}, not 1: divide by 255")
    if result.min() < -0.5:
        return checking.report(False, f"the smallest value is {result.min():g}: that is the tanh range [-1, 1]; "
                              "a sigmoid outputs [0, 1], so stop after dividing by 255")
    if not np.allclose(result, expected, atol=1e-6):
        worst = int(np.argmax(np.abs(result - expected)))
        pixel = int(SAMPLE_PIXELS.flat[worst])
        return checking.report(False, f"pixel {pixel} should become {expected.flat[worst]:.4f}, got {result.flat[worst]:.4f}: "
                              "0 must map to 0.0 and 255 to 1.0")
    if result.dtype != np.float32:
        return checking.report(False, f"the values are right but the dtype is {result.dtype}: Keras computes in float32, "
                              "which also takes half the memory of float64; use .astype(np.float32)")
    return checking.report(True, "0 -> 0.0 and 255 -> 1.0 in float32, the same as data.normalize(images, value_range=(0, 1)); "
                         "that is the range a sigmoid output can reach.")


def check_batches_per_epoch(count_function):
    """Check a function that counts the full batches of one epoch when the last partial batch is dropped."""
    for num_images, batch_size in BATCH_CASES:
        expected = num_images // batch_size
        result, problem = checking.call(count_function, num_images, batch_size)
        if problem:
            return checking.report(False, problem)
        case = f"{num_images:,} images in batches of {batch_size}"
        if isinstance(result, bool) or not isinstance(result, (int, np.integer, float, np.floating)):
            return checking.report(False, f"return a whole number, got {type(result).__name__} for {case}")
        if isinstance(result, (float, np.floating)) and not float(result).is_integer():
            return checking.report(False, f"{case} gave {result:g}: a number of batches is whole; use integer division //")
        if result == -(-num_images // batch_size) and result != expected:
            return checking.report(False, f"{case} gave {int(result)}, which counts the last, partial batch; "
                                  "drop_remainder=True drops it, so round down")
        if result != expected:
            return checking.report(False, f"{case} gave {result}, expected {expected}")
        if isinstance(result, (float, np.floating)):
            return checking.report(False, f"the count is right but a float ({result!r}); return an int, e.g. with //")
    return checking.report(True, "with drop_remainder=True an epoch has num_images // batch_size batches, every one full, "
                         "e.g. 937 for Keras's 60,000 digits in batches of 64 (the last 32 wait for the next epoch).")


def check_tanh_value_range(value_range):
    """Check the value range a tanh generator's training images should be scaled to."""
    try:
        low, high = (float(value) for value in value_range)
    except (TypeError, ValueError):
        return checking.report(False, f"give the range as a pair (low, high), got {value_range!r}")
    if (low, high) == (-1.0, 1.0):
        return checking.report(True, "tanh outputs lie in (-1, 1), so the real images must too: "
                             "data.normalize(images, value_range=(-1, 1)).")
    if (low, high) == (0.0, 1.0):
        return checking.report(False, "(0, 1) is a sigmoid's range; tanh(x) goes from -1 to 1, and a real image that never "
                              "goes below 0 leaves half the generator's range unused")
    if high > 2:
        return checking.report(False, f"({low:g}, {high:g}) looks like raw pixels; tanh(x) can never exceed 1 in absolute value")
    return checking.report(False, f"({low:g}, {high:g}) is not tanh's range: plot np.tanh on np.linspace(-5, 5) and read off "
                          "its smallest and largest value")

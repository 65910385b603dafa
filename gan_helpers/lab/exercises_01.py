"""Checks for the exercises of notebook 01_data_loading.

Each check prints `Correct: ...` or `Not yet: <hint>` and returns True or False. A check never
raises on a wrong or unfinished answer, so a notebook runs from top to bottom as it is stored.
"""

import numpy as np

from gan_helpers import data
from gan_helpers.lab import checking

# (num_images, batch_size) pairs: Keras MNIST, the offline digits, quick mode, an exact fit, tiny.
BATCH_CASES = ((60_000, 64), (5_000, 64), (512, 64), (512, 128), (10, 4), (100, 32), (63, 64))
# The shuffle-buffer experiment: labels sorted by class, batches of 64, what "as mixed as the data" means.
SHUFFLE_BATCH = 64
SHUFFLE_SEED = 42
MIN_DIGITS_PER_BATCH = 9  # A full shuffle of 5,000 digits gives every batch of 64 at least 9 different digits.
MAX_ONE_DIGIT_SHARE = 0.3  # ... and no batch more than 30% of one digit (a tenth is expected).
# The replay exercise: a small set of images whose first pixel tells which image it is.
PIPELINE_IMAGES = 160
PIPELINE_BATCH = 32


def _sorted_labels():
    """The offline digits' labels, sorted by class as the file stores them."""
    _, labels = data.load_offline_mnist()
    return np.sort(labels)


def buffer_mixing(buffer_size, labels=None, batch_size=SHUFFLE_BATCH, seed=SHUFFLE_SEED):
    """Digits per batch and the largest share of one digit, for every batch of one epoch of labels shuffled
    through a buffer of `buffer_size`: returns (distinct digits per batch, largest one-digit share per batch)."""
    import tensorflow as tf

    labels = _sorted_labels() if labels is None else np.asarray(labels)
    batches = tf.data.Dataset.from_tensor_slices(labels).shuffle(buffer_size, seed=seed).batch(batch_size, drop_remainder=True)
    distinct, largest_share = [], []
    for batch in batches.as_numpy_iterator():
        counts = np.bincount(batch, minlength=10)
        distinct.append(int(np.count_nonzero(counts)))
        largest_share.append(float(counts.max() / batch_size))
    return np.array(distinct), np.array(largest_share)


def check_shuffle_buffer(buffer_size):
    """Check a shuffle buffer that mixes a file sorted by class as well as a full shuffle does."""
    if isinstance(buffer_size, bool) or not isinstance(buffer_size, (int, np.integer)) or buffer_size < 1:
        return checking.report(False, f"the buffer size is a whole number of elements, at least 1, got {buffer_size!r}")
    labels = _sorted_labels()
    distinct, largest_share = buffer_mixing(int(buffer_size), labels)
    print(f"buffer {int(buffer_size):,} of {len(labels):,} sorted labels: first batch {distinct[0]} digits; "
          f"fewest digits in a batch {distinct.min()}, most of one digit in a batch {largest_share.max():.0%}")
    if distinct.min() >= MIN_DIGITS_PER_BATCH and largest_share.max() <= MAX_ONE_DIGIT_SHARE:
        note = "" if buffer_size >= len(labels) else f" (len(labels), {len(labels):,}, is the safe choice for any file)"
        return checking.report(True, f"every batch holds at least {MIN_DIGITS_PER_BATCH} digits, none more than "
                               f"{MAX_ONE_DIGIT_SHARE:.0%} of one: the buffer spans the classes{note}.")
    worst = int(np.argmin(distinct))
    return checking.report(False, f"batch {worst + 1} holds only {distinct[worst]} different digits. The buffer draws from "
                           f"the next {int(buffer_size):,} labels of the file only, and the file holds about 500 of each "
                           "digit in a row: how large must the buffer be to reach the last digit from the first batch?")


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


def _numbered_images(num_images=PIPELINE_IMAGES):
    """uint8 images whose first pixel is their number (0 to num_images - 1), sorted like a file sorted by class."""
    images = np.zeros((num_images, 28, 28), dtype=np.uint8)
    images[:, 0, 0] = np.arange(num_images)
    images[:, 14, 10:18] = 255  # A stroke, so that every image has some ink.
    return images


def _numbers_in(batch):
    """The image numbers of one batch of float32 images in [-1, 1] made from _numbered_images."""
    return np.rint((np.asarray(batch)[:, 0, 0, 0] + 1.0) * 127.5).astype(int)


def check_fixed_pipeline(pipeline_function):
    """Check a tf.data pipeline that gives every epoch a new order of full, scaled batches."""
    import tensorflow as tf

    images = _numbered_images()
    dataset, problem = checking.call(pipeline_function, images, PIPELINE_BATCH, SHUFFLE_SEED)
    if problem:
        return checking.report(False, problem)
    if not isinstance(dataset, tf.data.Dataset):
        return checking.report(False, f"return the tf.data.Dataset, got {type(dataset).__name__}")
    expected_shape = (PIPELINE_BATCH, 28, 28, 1)
    if tuple(dataset.element_spec.shape) != expected_shape or dataset.element_spec.dtype != tf.float32:
        return checking.report(False, f"each element should be a float32 batch of shape {expected_shape}, got "
                               f"{dataset.element_spec.dtype.name} {tuple(dataset.element_spec.shape)}: scale, add the "
                               "channel axis, and drop the partial last batch")
    epochs = [[batch for batch in dataset.as_numpy_iterator()] for _ in range(2)]
    first, second = ([_numbers_in(batch) for batch in epoch] for epoch in epochs)
    if any(batch.min() < -1.0 or batch.max() > 1.0 for batch in epochs[0]):
        return checking.report(False, "the pixels should lie in [-1, 1]: scale them with normalize_by_hand or data.normalize")
    wanted = PIPELINE_IMAGES // PIPELINE_BATCH
    if len(first) != wanted:
        return checking.report(False, f"{PIPELINE_IMAGES} images in batches of {PIPELINE_BATCH} make {wanted} full batches "
                               f"an epoch, got {len(first)}")
    for epoch_number, epoch in ((1, first), (2, second)):
        numbers = np.concatenate(epoch)
        if len(np.unique(numbers)) != len(numbers):
            return checking.report(False, f"epoch {epoch_number} shows some images twice: an epoch should be one pass "
                                   "over the data (shuffle first, then repeat if you need more)")
    if np.array_equal(np.concatenate(first), np.arange(PIPELINE_IMAGES)):
        return checking.report(False, "the images come in the file's order: shuffle them")
    if all(np.array_equal(one, two) for one, two in zip(first, second)):
        return checking.report(False, "epoch 2 replays epoch 1's order: a cache after the shuffle stores the first "
                               "order and plays it back; cache before shuffling")
    return checking.report(True, "full batches, scaled, in a new order every epoch: cache, then shuffle, then batch.")

"""The checks of notebook 01's exercises: right answers pass, typical wrong ones get the right hint."""

import math

import numpy as np
import pytest

from gan_helpers import data
from gan_helpers.lab import exercises_01 as exercises


def output(capsys):
    return capsys.readouterr().out.strip()


def test_shuffle_buffer_accepts_a_buffer_that_spans_the_classes(capsys):
    assert exercises.check_shuffle_buffer(5_000) is True
    assert output(capsys).splitlines()[-1].startswith("Correct:")


@pytest.mark.parametrize(
    "answer, hint",
    [
        (500, "holds only"),  # The notebook's starter: one digit's worth of the sorted file.
        (64, "holds only"),
        (2_500, "holds only"),
        (0, "at least 1"),
        (2_500.0, "whole number"),
        ("5000", "whole number"),
        (True, "whole number"),
    ],
)
def test_shuffle_buffer_hints(capsys, answer, hint):
    assert exercises.check_shuffle_buffer(answer) is False
    printed = output(capsys).splitlines()[-1]
    assert printed.startswith("Not yet:") and hint in printed


def test_buffer_mixing_of_a_full_shuffle_and_of_none():
    labels = np.repeat(np.arange(10), 64)  # Sorted: 64 of each digit, one batch each.
    distinct, largest_share = exercises.buffer_mixing(1, labels)
    assert distinct.tolist() == [1] * 10 and largest_share.tolist() == [1.0] * 10
    distinct, _ = exercises.buffer_mixing(len(labels), labels)
    assert distinct.min() >= 6


def dataset_from(order):
    """A pipeline maker: scale, add the channel axis, then the steps in `order`."""
    import tensorflow as tf

    def make(images, batch_size, seed):
        dataset = tf.data.Dataset.from_tensor_slices(data.normalize(images)[..., np.newaxis])
        for step in order:
            if step == "cache":
                dataset = dataset.cache()
            elif step == "shuffle":
                dataset = dataset.shuffle(len(images), seed=seed)
            elif step == "batch":
                dataset = dataset.batch(batch_size, drop_remainder=True)
            elif step == "partial batches":
                dataset = dataset.batch(batch_size)
        return dataset

    return make


def test_fixed_pipeline_accepts_cache_then_shuffle_then_batch(capsys):
    assert exercises.check_fixed_pipeline(dataset_from(["cache", "shuffle", "batch"])) is True
    assert output(capsys).startswith("Correct:")


@pytest.mark.parametrize(
    "answer, hint",
    [
        (dataset_from(["shuffle", "cache", "batch"]), "replays epoch 1"),  # The notebook's broken pipeline.
        (dataset_from(["cache", "batch"]), "file's order"),
        (dataset_from(["shuffle", "partial batches"]), "drop the partial"),
        (dataset_from(["shuffle", "batch", "cache"]), "replays epoch 1"),
        (lambda images, batch_size, seed: images, "return the tf.data.Dataset"),
        (lambda images, batch_size, seed: None, "return the tf.data.Dataset"),
        (lambda images, batch_size: None, "raised TypeError"),
    ],
)
def test_fixed_pipeline_hints(capsys, answer, hint):
    assert exercises.check_fixed_pipeline(answer) is False
    printed = output(capsys)
    assert printed.startswith("Not yet:") and hint in printed


def test_fixed_pipeline_notices_unscaled_pixels_and_repeated_images(capsys):
    import tensorflow as tf

    def unscaled(images, batch_size, seed):
        return tf.data.Dataset.from_tensor_slices(images[..., np.newaxis].astype(np.float32)).shuffle(
            len(images), seed=seed).batch(batch_size, drop_remainder=True)

    def repeated(images, batch_size, seed):
        return dataset_from(["shuffle", "batch"])(np.concatenate([images[:80], images[:80]]), batch_size, seed)

    assert exercises.check_fixed_pipeline(unscaled) is False
    assert "[-1, 1]" in output(capsys)
    assert exercises.check_fixed_pipeline(repeated) is False
    assert "twice" in output(capsys)


def test_batches_per_epoch_accepts_floor_division(capsys):
    assert exercises.check_batches_per_epoch(lambda num_images, batch_size: num_images // batch_size) is True
    assert "937" in output(capsys)


@pytest.mark.parametrize(
    "answer, hint",
    [
        (lambda num_images, batch_size: num_images / batch_size, "integer division"),  # The notebook's starter.
        (lambda num_images, batch_size: math.ceil(num_images / batch_size), "partial batch"),
        (lambda num_images, batch_size: float(num_images // batch_size), "return an int"),
        (lambda num_images, batch_size: num_images // batch_size - 1, "expected 937"),
        (lambda num_images, batch_size: str(num_images), "whole number"),
        (lambda num_images: num_images, "raised TypeError"),
        (None, "pass the function itself"),
    ],
)
def test_batches_per_epoch_hints(capsys, answer, hint):
    assert exercises.check_batches_per_epoch(answer) is False
    printed = output(capsys)
    assert printed.startswith("Not yet:") and hint in printed

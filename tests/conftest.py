"""Shared fixtures. Every test runs on the CPU with the offline digits; nothing is downloaded."""

import gzip
import os
import struct

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np
import pytest


@pytest.fixture(autouse=True)
def full_mode_defaults(monkeypatch):
    """Unit tests see the full-mode defaults unless they ask for quick mode themselves.

    notebooks/conftest.py sets GAN_QUICK=1 for nbval's kernels in the same pytest process.
    """
    monkeypatch.delenv("GAN_QUICK", raising=False)


@pytest.fixture(scope="session")
def offline_digits():
    """512 real offline digits and their labels, as uint8."""
    from gan_helpers import data

    return data.load_mnist("offline", max_images=512, verbose=False)


def write_idx(path, array):
    """Write a uint8 array as an MNIST-format IDX file (gzipped when the name ends in .gz)."""
    array = np.asarray(array, dtype=np.uint8)
    magic = 0x0800 | array.ndim
    header = struct.pack(">I", magic) + b"".join(struct.pack(">I", size) for size in array.shape)
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "wb") as file:
        file.write(header + array.tobytes())


@pytest.fixture
def idx_dir(tmp_path):
    """A folder with a tiny IDX data set: 12 train images of known content and their labels."""
    images = np.arange(12 * 28 * 28, dtype=np.uint32).reshape(12, 28, 28) % 256
    labels = np.arange(12) % 10
    write_idx(tmp_path / "train-images-idx3-ubyte.gz", images)
    write_idx(tmp_path / "train-labels-idx1-ubyte.gz", labels)
    write_idx(tmp_path / "t10k-images-idx3-ubyte", images[:3])
    write_idx(tmp_path / "t10k-labels-idx1-ubyte", labels[:3])
    return tmp_path

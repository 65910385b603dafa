"""nbval runs the notebooks in quick mode unless GAN_QUICK is already set (GAN_QUICK=0 for full mode).

nbval has no browser to draw widgets in, so gan_helpers.widgets shows static pictures instead.
"""

import os

os.environ.setdefault("GAN_QUICK", "1")
os.environ.setdefault("GAN_STATIC_WIDGETS", "1")  # A kernel cannot tell by itself that no browser is listening.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def pytest_collection_modifyitems(items):
    """Give nbval the expected outputs of the NBVAL_CHECK_OUTPUT cells (kept outside the notebooks); mark every cell slow."""
    import pytest

    from tools import colab

    colab.give_nbval_expected_outputs(items)
    for item in items:
        if item.path.suffix == ".ipynb":
            item.add_marker(pytest.mark.slow)

"""nbval runs the notebooks in quick mode unless GAN_QUICK is already set (GAN_QUICK=0 for full mode).

It runs the learner notebooks and their solution notebooks (notebooks/solutions/) alike; in a solution
notebook every exercise check must pass, so a cell that prints a check's `Not yet:` fails there.
nbval has no browser to draw widgets in, so gan_helpers.widgets shows static pictures instead.
"""

import os

os.environ.setdefault("GAN_QUICK", "1")
os.environ.setdefault("GAN_STATIC_WIDGETS", "1")  # A kernel cannot tell by itself that no browser is listening.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def pytest_collection_modifyitems(items):
    """Give nbval the expected outputs of the NBVAL_CHECK_OUTPUT cells (kept outside the notebooks); mark every cell slow;
    make every cell of a solution notebook fail when a check in it says `Not yet:`."""
    import pytest

    from tools import colab

    colab.give_nbval_expected_outputs(items)
    for item in items:
        if item.path.suffix == ".ipynb":
            item.add_marker(pytest.mark.slow)
            if item.path.parent.name == "solutions" and hasattr(item, "test_outputs"):
                item.runtest = require_passing_checks(item, item.runtest)


def require_passing_checks(item, runtest):
    """nbval's runtest for `item`, then a failure if the cell printed a check's `Not yet:` verdict."""

    def run_and_read_verdicts():
        runtest()
        printed = "".join(output.get("text", "") for output in item.test_outputs or [] if output.get("output_type") == "stream")
        verdicts = [line for line in printed.splitlines() if line.startswith("Not yet:")]
        if verdicts:
            raise AssertionError(f"a solution failed its check: {verdicts[0]}")

    return run_and_read_verdicts

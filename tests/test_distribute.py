"""Training under tf.distribute: two logical CPU devices give the loss trajectory of one device."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

SCRIPT = Path(__file__).with_name("distributed_losses.py")
pytestmark = pytest.mark.slow  # Each test starts a Python that imports TensorFlow and trains.


def run_both(settings):
    environment = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONPATH": str(SCRIPT.parent.parent)}
    completed = subprocess.run(
        [sys.executable, str(SCRIPT), json.dumps(settings)], capture_output=True, text=True, env=environment, timeout=600,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return json.loads(completed.stdout.strip().splitlines()[-1])


def test_mirrored_over_two_devices_follows_one_device():
    result = run_both({})  # make_gan's plain settings: no shifts, so both runs see the same pixels.
    one, two = result["one"], result["two"]
    assert (one["replicas"], two["replicas"]) == (1, 2)
    for name in ("d_loss", "g_loss"):
        print(name, "one device:", np.round(one[name], 4), "two:", np.round(two[name], 4))
        assert len(one[name]) == len(two[name]) == 10
        # Each replica draws its slice of the global noise batch, batch norm averages over both
        # replicas and the summed gradients are scaled: only float rounding separates them.
        np.testing.assert_allclose(two[name], one[name], rtol=0.02)


def test_the_course_recipe_trains_mirrored():
    result = run_both({"codes": 20, "ema": 0.999, "augment": 0.07, "prior": "learned"})
    one, two = result["one"], result["two"]
    assert two["averaged_moved"] and one["averaged_moved"]
    assert two["prior_moved"] and one["prior_moved"]  # The category prior learns on every replica.
    for name in ("d_loss", "g_loss"):
        assert np.all(np.isfinite(two[name]))
        # Each replica shifts its own half of the images, so here the runs agree only roughly.
        assert np.mean(two[name]) == pytest.approx(np.mean(one[name]), rel=0.15)

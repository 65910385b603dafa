"""Checkpoints of a whole GAN: both networks, both optimizers, the noise seed state and the epoch.

A checkpoint is a folder. It is written beside the old one and swapped in by renaming, so an
interruption while saving (a Colab disconnect, Ctrl-C) leaves the previous checkpoint whole.
Introduced in notebook 05_training_loop.
"""

import json
import shutil
from pathlib import Path

import numpy as np

CHECKPOINT_DIR = "checkpoint"
STATE_FILE = "state.json"
WEIGHTS_SUFFIX = ".weights.npz"


def networks(gan):
    """Every network a checkpoint holds, by name: the generator, the discriminator and the tricks' own."""
    return {"generator": gan.generator, "discriminator": gan.discriminator, **gan.extra_networks()}


def save_weights(network, path):
    """A network's weights in layer order as one .npz (NumPy writes it; a full disk raises OSError, no crash)."""
    np.savez(path, **{f"weight_{index:03d}": value for index, value in enumerate(network.get_weights())})


def load_weights(network, folder, name):
    """Load `name`'s weights from `folder`: the .npz this module writes, or an older run's Keras .weights.h5."""
    path = Path(folder) / f"{name}{WEIGHTS_SUFFIX}"
    if not path.exists() and (Path(folder) / f"{name}.weights.h5").exists():
        network.load_weights(Path(folder) / f"{name}.weights.h5")
        return
    with np.load(path) as archive:
        network.set_weights([archive[key] for key in sorted(archive.files)])


def save_checkpoint(run_dir, gan, epoch):
    """Save `gan` after `epoch` finished epochs into run_dir/checkpoint; return that folder."""
    run_dir = Path(run_dir)
    final = run_dir / CHECKPOINT_DIR
    fresh = run_dir / (CHECKPOINT_DIR + ".new")
    previous = run_dir / (CHECKPOINT_DIR + ".old")
    shutil.rmtree(fresh, ignore_errors=True)
    fresh.mkdir(parents=True)
    gan.build_optimizers()  # So that saved values have somewhere to go.
    for name, network in networks(gan).items():
        save_weights(network, fresh / f"{name}{WEIGHTS_SUFFIX}")
    for name in ("d_optimizer", "g_optimizer"):
        store = {}
        getattr(gan, name).save_own_variables(store)
        arrays = {key: value.numpy() if hasattr(value, "numpy") else np.asarray(value) for key, value in store.items()}
        np.savez(fresh / f"{name}.npz", **arrays)
    state = {"epoch": int(epoch), "seed_state": np.asarray(gan.seed_generator.state.numpy()).tolist()}
    (fresh / STATE_FILE).write_text(json.dumps(state))
    if final.exists():
        shutil.rmtree(previous, ignore_errors=True)
        final.rename(previous)
    fresh.rename(final)
    shutil.rmtree(previous, ignore_errors=True)
    return final


def find_checkpoint(run_dir):
    """Return the newest complete checkpoint folder in `run_dir`, or None when there is none."""
    for name in (CHECKPOINT_DIR, CHECKPOINT_DIR + ".old"):  # ".old" survives a crash mid-swap.
        folder = Path(run_dir) / name
        if (folder / STATE_FILE).exists():
            return folder
    return None


def load_checkpoint(run_dir, gan):
    """Restore `gan` in place from run_dir's checkpoint; return the number of finished epochs.

    Raises ValueError with one readable line when there is no usable checkpoint.
    """
    folder = find_checkpoint(run_dir)
    if folder is None:
        raise ValueError(f"no checkpoint in {run_dir}: expected {CHECKPOINT_DIR}/{STATE_FILE} from an earlier run")
    try:
        state = json.loads((folder / STATE_FILE).read_text())
        for name, network in networks(gan).items():
            load_weights(network, folder, name)
        gan.build_optimizers()  # So that saved values have somewhere to go.
        for name in ("d_optimizer", "g_optimizer"):
            with np.load(folder / f"{name}.npz") as arrays:
                getattr(gan, name).load_own_variables(dict(arrays))
        gan.seed_generator.state.assign(np.asarray(state["seed_state"], dtype=gan.seed_generator.state.dtype))
        return int(state["epoch"])
    except (OSError, KeyError, ValueError, TypeError) as error:
        message = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise ValueError(f"the checkpoint in {folder} is corrupt or from another model: {message}") from None

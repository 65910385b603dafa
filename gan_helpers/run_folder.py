"""A run folder: what may be trained into, what a run writes there, and the record of its commands.

Every name a run writes is listed in RUN_FILES; `train` writes only into a missing or empty folder
or into its own run's folder, so it never overwrites anything else. Reads no TensorFlow.
"""

import csv
import json
from pathlib import Path

import numpy as np

from gan_helpers import checkpoints, checks, recipes, safe_files

CONFIG_FILE = "config.json"
GENERATOR_FILE = "generator.keras"
HISTORY_FILE = "history.csv"
NOISE_FILE = "fixed_noise.npy"
GIF_FILE = "progress.gif"
CURVES_FILE = "curves.png"
COMMANDS_FILE = "commands.txt"  # The command line adds each `train` command on the folder, and how it ended.
LENGTH_FILE = "length.json"  # How long the run is (epochs or minutes), so a resume continues the same run.
SAMPLES_DIR = "samples"  # samples/epoch_NNNN.png, one grid per epoch.
WRITE_PROBE = ".write_test"  # check_writable writes and removes it.
# What a run writes into its folder; a folder holding anything else is not a run, and train leaves it alone.
RUN_FILES = {
    CONFIG_FILE, GENERATOR_FILE, HISTORY_FILE, NOISE_FILE, GIF_FILE, CURVES_FILE, COMMANDS_FILE, LENGTH_FILE,
    SAMPLES_DIR, "logs", checkpoints.CHECKPOINT_DIR, checkpoints.CHECKPOINT_DIR + ".new",
    checkpoints.CHECKPOINT_DIR + ".old", safe_files.LOCK_FILE, WRITE_PROBE,
}


class RunFailed(RuntimeError):
    """Training could not go on (a write failed, the disk is full); the message says what was kept."""


def check_writable(run_dir):
    """Create `run_dir` if needed and prove a file can be written there; raise ValueError otherwise."""
    run_dir = Path(run_dir)
    try:
        run_dir.mkdir(parents=True, exist_ok=True)
        probe = run_dir / WRITE_PROBE
        probe.write_text("ok")
        probe.unlink()
    except OSError as error:
        raise ValueError(f"cannot write to output folder {run_dir}: {error.strerror or error}") from None
    return run_dir


def is_run_file(name):
    """True for a name a run writes into its folder, or one it is writing (.NAME.partial.SUFFIX)."""
    return name in RUN_FILES or (name.startswith(".") and safe_files.PARTIAL_MARK in name)


def check_run_folder(run_dir, resume=False):
    """Raise ValueError unless `run_dir` may be trained into: missing, empty, a run's own (never its
    finished run without `resume`), or, with `resume`, a run folder. Nothing else is ever overwritten.
    """
    run_dir = Path(run_dir)
    if run_dir.resolve() == Path.cwd().resolve():
        raise ValueError("--out must name a run folder, not the current folder")
    if not run_dir.exists() or resume:
        return run_dir
    if not run_dir.is_dir():
        raise ValueError(f"{run_dir} is a file, not a run folder: choose another --out")
    if checkpoints.find_checkpoint(run_dir) is not None:  # A run that never finished an epoch may start over.
        raise ValueError(f"{run_dir} already holds a training run: pass --resume to continue it, or choose another --out")
    foreign = sorted(entry.name for entry in run_dir.iterdir() if not is_run_file(entry.name))
    if foreign:
        more = f" and {len(foreign) - 1} more" if len(foreign) > 1 else ""
        raise ValueError(
            f"{run_dir} is not empty and is not a run folder (it holds {foreign[0]!r}{more}): "
            "train writes only into a new or empty folder, so choose another --out"
        )
    return run_dir


def resolve_settings(run_dir, resume=False, settings=None, overrides=None):
    """The TrainSettings a run in `run_dir` trains with; ValueError with one line when they cannot be used.

    A new run takes `settings` (a TrainSettings or a recipe's name; default recipes.default_recipe(model))
    with `overrides` on top. A resumed run takes the settings saved in its config.json, with
    `overrides` on top, or `settings` in full; either way the settings that fix the networks'
    shapes and meaning (recipes.FIXED_ON_RESUME) must stay as saved. Reads no TensorFlow.
    """
    overrides = {name: value for name, value in (overrides or {}).items() if value is not None}
    recipes.check_names(overrides)
    check_run_folder(run_dir, resume)
    config_path = Path(run_dir) / CONFIG_FILE
    if not resume:
        if settings is None or isinstance(settings, str):
            return recipes.recipe(settings, **overrides)
        return settings.replace(**overrides)
    if not config_path.exists() or checkpoints.find_checkpoint(run_dir) is None:
        raise ValueError(f"nothing to resume in {run_dir}: no finished epoch was saved there (drop --resume to start a run)")
    if isinstance(settings, str):
        raise ValueError("a resumed run keeps the settings it was trained with: change single settings instead of the recipe")
    try:
        saved = recipes.from_saved(json.loads(config_path.read_text()))
    except (OSError, ValueError) as error:
        raise ValueError(f"{config_path} is corrupt: {error}") from None
    resolved = (settings or saved).replace(**overrides)
    for name in recipes.FIXED_ON_RESUME:
        if getattr(resolved, name) != getattr(saved, name):
            raise ValueError(
                f"{run_dir} was trained with {name}={getattr(saved, name)!r}; "
                f"resume it with the same {name}, or start a new --out"
            )
    return resolved


def truncate_history(path, epochs_kept):
    """Drop rows of history.csv past `epochs_kept`, so a resumed run continues the log without duplicates."""
    if not path.exists():
        return
    with open(path, newline="") as file:
        rows = list(csv.reader(file))
    if not rows:
        return
    kept = [rows[0]] + [row for row in rows[1:] if row and int(row[0]) <= epochs_kept]
    with safe_files.replace_atomically(path) as temporary, open(temporary, "w", newline="") as file:
        csv.writer(file).writerows(kept)


def seconds_so_far(history_path):
    """The training seconds the last row of history.csv records (0 for a new run or an older history)."""
    from gan_helpers import viz

    history = viz.read_history(history_path) if Path(history_path).exists() else {}
    seconds = [value for value in history.get("seconds", []) if np.isfinite(value)]
    return seconds[-1] if seconds else 0.0


def check_budget(epochs, minutes):
    """Raise ValueError unless `epochs` is None or a positive integer and `minutes` None or positive."""
    if epochs is not None:
        checks.positive_int("epochs", epochs)
    if minutes is not None and not minutes > 0:
        raise ValueError(f"minutes must be a positive number, got {minutes!r}")


def read_length(run_dir):
    """The run's length as (epochs, minutes), as saved by its first command; (None, None) for older runs."""
    path = Path(run_dir) / LENGTH_FILE
    if not path.exists():
        return None, None
    try:
        length = json.loads(path.read_text())
        return length.get("epochs"), length.get("minutes")
    except (OSError, ValueError, AttributeError) as error:
        raise ValueError(f"{path} is corrupt: {error}") from None


RUNNING = "# running"  # How commands.txt marks a command until it ends (a kill -9 leaves the mark).


def command_line(argv):
    """The train command as typed: python -m gan_helpers ARGS."""
    import shlex

    return "python -m gan_helpers " + shlex.join(argv)


def record_start(args):
    """Add this train command to the run's commands.txt as it starts, marked as running."""
    path = args.out / COMMANDS_FILE
    before = path.read_text() if path.exists() else ""
    safe_files.write_text(path, before + f"{command_line(args.argv)}  {RUNNING}\n")


def record_end(args, outcome):
    """Mark how this train command ended in commands.txt: finished, interrupted, failed, ..."""
    path = args.out / COMMANDS_FILE
    lines = path.read_text().splitlines() if path.exists() else []
    running = f"{command_line(args.argv)}  {RUNNING}"
    for index in range(len(lines) - 1, -1, -1):
        if lines[index] == running:
            lines[index] = f"{command_line(args.argv)}  # {outcome}"
            break
    safe_files.write_text(path, "\n".join(lines) + "\n")

"""Training runs on disk: what `python -m gan_helpers train` and `sample` do, callable from Python.

A run folder holds everything a run needs to be inspected, sampled and resumed:
config.json, fixed_noise.npy, checkpoint/, history.csv, samples/epoch_NNNN.png, progress.gif,
curves.png, generator.keras and, when asked for, TensorBoard logs in logs/.
"""

import contextlib
import csv
import importlib.util
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from gan_helpers import checkpoints, checks, config, recipes

CONFIG_FILE = "config.json"
GENERATOR_FILE = "generator.keras"
HISTORY_FILE = "history.csv"
NOISE_FILE = "fixed_noise.npy"
GIF_FILE = "progress.gif"
CURVES_FILE = "curves.png"
COMMANDS_FILE = "commands.txt"  # The command line adds each `train` command that worked on the folder.
NUM_GRID_IMAGES = 64  # The fixed noise batch: an 8 x 8 grid every epoch.
GIF_FRAME_MS = 250
UNLIMITED_EPOCHS = 10**6  # With only a time budget, the budget ends the run.


@dataclass
class RunResult:
    """What a training run did: how many epochs are done, why it stopped, and where its files are."""

    run_dir: Path
    epochs_done: int
    stop_reason: str  # "epochs", "time", "time (mid-epoch)", "nan" or "nothing to do"
    nan_epoch: int | None = None
    files: dict = field(default_factory=dict)
    steps: int = 0  # Generator updates so far, earlier sessions included.
    settings: object = None  # The recipes.TrainSettings it trained with.

    def summary(self):
        """Lines for people: why training stopped and where each file is."""
        reasons = {
            "epochs": f"Trained to epoch {self.epochs_done}.",
            "time": f"Time budget reached at the end of epoch {self.epochs_done}.",
            "time (mid-epoch)": f"Time budget reached during epoch {self.epochs_done}; saved it as it was.",
            "nothing to do": f"{self.run_dir} is already at epoch {self.epochs_done}; nothing to train.",
            "nan": (
                f"Training stopped: the loss turned NaN in epoch {self.nan_epoch}. "
                + (
                    f"Kept the last good checkpoint (epoch {self.epochs_done})."
                    if self.epochs_done else "No good checkpoint to keep."
                )
            ),
        }
        lines = [reasons[self.stop_reason]]
        lines += [f"  {label:<12} {path}" for label, path in self.files.items()]
        return "\n".join(lines)


def check_writable(run_dir):
    """Create `run_dir` if needed and prove a file can be written there; raise ValueError otherwise."""
    run_dir = Path(run_dir)
    try:
        run_dir.mkdir(parents=True, exist_ok=True)
        probe = run_dir / ".write_test"
        probe.write_text("ok")
        probe.unlink()
    except OSError as error:
        raise ValueError(f"cannot write to output folder {run_dir}: {error.strerror or error}") from None
    return run_dir


def resolve_settings(run_dir, resume=False, settings=None, overrides=None):
    """The TrainSettings a run in `run_dir` trains with; ValueError with one line when they cannot be used.

    A new run takes `settings` (a TrainSettings or a recipe's name; default recipes.DEFAULT_RECIPE)
    with `overrides` on top. A resumed run takes the settings saved in its config.json, with
    `overrides` on top, or `settings` in full; either way the settings that fix the networks'
    shapes and meaning (recipes.FIXED_ON_RESUME) must stay as saved. Reads no TensorFlow.
    """
    overrides = {name: value for name, value in (overrides or {}).items() if value is not None}
    recipes.check_names(overrides)
    config_path = Path(run_dir) / CONFIG_FILE
    if not resume:
        if checkpoints.find_checkpoint(run_dir) is not None:  # A run that never finished an epoch may start over.
            raise ValueError(f"{run_dir} already holds a training run: pass --resume to continue it, or choose another --out")
        if settings is None or isinstance(settings, str):
            return recipes.recipe(settings or recipes.DEFAULT_RECIPE, **overrides)
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
    with open(path, "w", newline="") as file:
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


def train_run(
    run_dir, settings=None, *, epochs=None, minutes=None, resume=False, tensorboard=False, images=None,
    verbose="auto", strategy=None, **overrides,
):
    """Train a GAN into `run_dir` and write its samples, GIF, curves, checkpoint and generator.

    `settings` is a recipes.TrainSettings or a recipe's name (default: recipes.DEFAULT_RECIPE,
    the course recipe); keyword `overrides` change single settings (`learning_rate=1e-3`), also
    of a resumed run, which otherwise keeps its own (see resolve_settings). `epochs` is the total
    to reach (a resumed run continues towards it); `minutes` stops at the first epoch boundary
    past the budget. Without either, it trains `config.default_epochs()`: about 2,340 steps in
    full mode (30 epochs of the offline digits), one epoch in quick mode. `images` (uint8)
    replaces loading the settings' data. `strategy`, a tf.distribute.Strategy, builds the GAN in
    its scope; `batch_size` is then the global batch that its devices share. Bad input raises ValueError.
    """
    import keras

    from gan_helpers import callbacks, training
    from gan_helpers import data as data_module

    if verbose == "auto":
        verbose = 1 if sys.stdout.isatty() else 2  # A live progress bar in a terminal, a line per epoch in logs.
    check_budget(epochs, minutes)
    if tensorboard and importlib.util.find_spec("tensorboard") is None:
        raise ValueError("TensorBoard logs need the tensorboard package: pip install tensorboard")
    run_dir = check_writable(run_dir)
    settings = resolve_settings(run_dir, resume, settings, overrides)
    if images is None:
        images, _ = data_module.load_mnist(settings.data)
    dataset = data_module.make_dataset(images, settings.batch_size, seed=settings.seed)

    config.set_seed(settings.seed)
    with strategy.scope() if strategy is not None else contextlib.nullcontext():
        gan = training.make_gan(settings)
    noise_path = run_dir / NOISE_FILE
    if resume:
        initial_epoch = checkpoints.load_checkpoint(run_dir, gan)
        for optimizer in (gan.d_optimizer, gan.g_optimizer):
            optimizer.learning_rate = settings.learning_rate  # The checkpoint restored the old rate.
        noise = (
            np.load(noise_path) if noise_path.exists() else training.fixed_noise(NUM_GRID_IMAGES, gan.latent_dim, settings.seed)
        )
    else:
        initial_epoch = 0
        noise = training.fixed_noise(NUM_GRID_IMAGES, gan.latent_dim, settings.seed)
        np.save(noise_path, noise)
    (run_dir / CONFIG_FILE).write_text(json.dumps(settings.as_dict(), indent=2) + "\n")

    if epochs is None:
        epochs = UNLIMITED_EPOCHS if minutes is not None else config.default_epochs(len(images), settings.batch_size)
    history_path = run_dir / HISTORY_FILE
    truncate_history(history_path, initial_epoch)
    quality_noise = training.fixed_noise(config.quality_samples(), gan.latent_dim, settings.seed)
    nan_guard = callbacks.StopOnNaN()
    budget = callbacks.TimeBudget(minutes, report=verbose != 0) if minutes is not None else None
    if budget:
        verbose = 0  # The budget prints its own line per epoch.
    checkpointer = callbacks.Checkpoint(run_dir)
    # Order matters: the time and quality columns must be in the logs before the budget and HistoryCSV read them.
    run_callbacks = [nan_guard, callbacks.ElapsedTime(seconds_so_far(history_path)), callbacks.QualityLog(quality_noise)]
    if settings.schedule == "cosine":
        steps_per_epoch = len(images) // settings.batch_size
        run_callbacks.append(callbacks.CosineLearningRate(
            settings.learning_rate, budget=budget,
            total_steps=None if budget else epochs * steps_per_epoch, steps_done=initial_epoch * steps_per_epoch,
            hold=settings.cosine_hold, floor=settings.cosine_floor,
        ))
    run_callbacks += ([budget] if budget else []) + [
        callbacks.HistoryCSV(history_path, append=initial_epoch > 0),
        callbacks.SampleGrid(run_dir, noise),
        checkpointer,
    ]
    if tensorboard:
        run_callbacks.append(keras.callbacks.TensorBoard(log_dir=str(run_dir / "logs"), write_graph=False))

    if initial_epoch >= epochs:
        result = RunResult(run_dir, initial_epoch, "nothing to do")
    else:
        gan.fit(dataset, epochs=epochs, initial_epoch=initial_epoch, callbacks=run_callbacks, verbose=verbose, shuffle=False)
        if nan_guard.nan_epoch:
            # The weights in memory are NaN: go back to the last good checkpoint, if any was saved.
            epochs_done = checkpoints.load_checkpoint(run_dir, gan) if checkpoints.find_checkpoint(run_dir) else 0
            result = RunResult(run_dir, epochs_done, "nan", nan_epoch=nan_guard.nan_epoch)
        else:
            stop_reason = "epochs"
            if budget and budget.stopped:
                stop_reason = "time (mid-epoch)" if budget.stopped_mid_epoch else "time"
            result = RunResult(run_dir, checkpointer.last_saved_epoch, stop_reason)
    result.files = export_run_files(run_dir, gan, result.epochs_done)
    result.steps = int(gan.g_optimizer.iterations.numpy())
    result.settings = settings
    return result


def export_run_files(run_dir, gan, epochs_done):
    """Write generator.keras, progress.gif and curves.png for the run's good state; return their paths."""
    from gan_helpers import callbacks, viz

    files = {"settings": run_dir / CONFIG_FILE}
    if epochs_done:
        gan.sampling_generator.save(run_dir / GENERATOR_FILE)  # The averaged generator when ema > 0.
        files["generator"] = run_dir / GENERATOR_FILE
    frames = [callbacks.frame_path(run_dir, epoch) for epoch in range(1, epochs_done + 1)]
    frames = [path for path in frames if path.exists()]
    if frames:
        files["samples"] = frames[-1]
        files["gif"] = viz.make_gif(frames, run_dir / GIF_FILE, duration_ms=GIF_FRAME_MS)
    history_path = run_dir / HISTORY_FILE
    if history_path.exists():
        files["history"] = history_path
        history = viz.read_history(history_path)
        if history:
            viz.plot_history(history, run_dir / CURVES_FILE)
            files["curves"] = run_dir / CURVES_FILE
    if epochs_done:
        files["checkpoint"] = run_dir / "checkpoint"
    return files


def load_generator(run_dir):
    """Load the generator a finished run saved; raise ValueError with one readable line otherwise."""
    import keras

    from gan_helpers import codes  # noqa: F401  Registers CategoricalCode, which the archive may hold.

    run_dir = Path(run_dir)
    if not run_dir.is_dir():
        raise ValueError(f"no run folder at {run_dir}: expected the --out folder of a finished `train` run")
    path = run_dir / GENERATOR_FILE
    if not path.exists():
        raise ValueError(f"{run_dir} holds no {GENERATOR_FILE}: expected the --out folder of a finished `train` run")
    try:
        return keras.saving.load_model(path, compile=False)
    except Exception as error:  # Keras raises many types for a damaged archive.
        message = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise ValueError(f"{path} could not be loaded (corrupt or incomplete?): {message}") from None


def sample_digits(generator, num_images, seed=config.DEFAULT_SEED):
    """Return `num_images` generated digits as uint8 of shape (num_images, 28, 28)."""
    from gan_helpers import training, viz

    checks.positive_int("the number of digits", num_images)
    noise = training.fixed_noise(num_images, generator.input_shape[-1], seed)
    return viz.to_uint8_images(training.generate_images(generator, noise))

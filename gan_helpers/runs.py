"""Training runs on disk: what `python -m gan_helpers train` and `sample` do, callable from Python.

A run folder holds everything a run needs to be inspected, sampled and resumed:
config.json, length.json, fixed_noise.npy, checkpoint/, history.csv, samples/epoch_NNNN.png,
progress.gif, curves.png, generator.keras, commands.txt and, when asked for, TensorBoard logs in
logs/ (gan_helpers.run_folder lists them). A run locks its folder while it trains, and writes each
file whole or not at all (gan_helpers.safe_files).
"""

import contextlib
import importlib.util
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from gan_helpers import checkpoints, checks, config, safe_files
from gan_helpers.run_folder import (
    CONFIG_FILE,
    CURVES_FILE,
    GENERATOR_FILE,
    GIF_FILE,
    HISTORY_FILE,
    LENGTH_FILE,
    NOISE_FILE,
    RunFailed,
    check_budget,
    check_writable,
    read_length,
    resolve_settings,
    seconds_so_far,
    truncate_history,
)

MAX_DIGITS = 1_000_000  # The most digits `sample` writes in one go (784 MB as uint8), drawn in batches.
SAMPLE_BATCH = 1_000  # Digits generated at a time.
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
    given: tuple = ()  # The settings given with this command (single flags), for the NaN message.

    def settings_in_force(self):
        """For the NaN message: the settings the loss diverged with, and those this command gave."""
        if self.settings is None:
            return ""
        names = ["learning_rate", "schedule", "beta_1", "loss", "d_steps", *self.given]
        shown = ", ".join(f"{name}={getattr(self.settings, name)!r}" for name in dict.fromkeys(names))
        text = f" It diverged with {shown}."
        if self.given:
            flags = ", ".join("--" + name.replace("_", "-") for name in self.given)
            text += f" This command set {flags}; config.json keeps them for later resumes, so give a safer value with --resume."
        return text

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
                + self.settings_in_force()
            ),
        }
        lines = [reasons[self.stop_reason]]
        lines += [f"  {label:<12} {path}" for label, path in self.files.items()]
        return "\n".join(lines)


def train_run(
    run_dir, settings=None, *, epochs=None, minutes=None, resume=False, tensorboard=False, images=None, labels=None,
    verbose="auto", strategy=None, **overrides,
):
    """Train a GAN into `run_dir` and write its samples, GIF, curves, checkpoint and generator.

    `settings` is a recipes.TrainSettings or a recipe's name (default: recipes.DEFAULT_RECIPE,
    the course recipe); keyword `overrides` change single settings (`learning_rate=1e-3`), also
    of a resumed run, which otherwise keeps its own (see resolve_settings). `epochs` is the total
    to reach (a resumed run continues towards it); `minutes` stops at the first epoch boundary
    past the budget. Without either, it trains `config.default_epochs()`: about 2,340 steps in
    full mode (30 epochs of the offline digits), one epoch in quick mode. `images` (uint8)
    replaces loading the settings' data, with their `labels` for the conditional model. `strategy`,
    a tf.distribute.Strategy, builds the GAN in its scope; `batch_size` is then the global batch
    that its devices share. Bad input raises ValueError.
    """
    if verbose == "auto":
        verbose = 1 if sys.stdout.isatty() else 2  # A live progress bar in a terminal, a line per epoch in logs.
    check_budget(epochs, minutes)
    if tensorboard and importlib.util.find_spec("tensorboard") is None:
        raise ValueError("TensorBoard logs need the tensorboard package: pip install tensorboard")
    with contextlib.ExitStack() as held:
        if (Path(run_dir) / safe_files.LOCK_FILE).exists():  # Another process training it: refuse before reading it.
            held.enter_context(safe_files.run_lock(run_dir))
        settings = resolve_settings(run_dir, resume, settings, overrides)
        run_dir = check_writable(run_dir)
        held.enter_context(safe_files.run_lock(run_dir))
        try:
            return _train_locked(
                run_dir, settings, epochs, minutes, resume, tensorboard, (images, labels), verbose, strategy, overrides,
            )
        except OSError as error:
            kept = checkpoints.find_checkpoint(run_dir)
            what = f"{error.filename}: " if error.filename else ""
            raise RunFailed(
                f"could not write {what}{error.strerror or error}; "
                + (f"kept the last good checkpoint in {kept} and its generator" if kept else "no epoch was saved yet")
            ) from None


def _train_locked(run_dir, settings, epochs, minutes, resume, tensorboard, data, verbose, strategy, overrides):
    """train_run's work, with the run folder locked; a failed write raises OSError."""
    import keras

    from gan_helpers import callbacks, conditional, training
    from gan_helpers import data as data_module

    images, labels = data
    is_conditional = settings.model == config.CONDITIONAL_MODEL
    if images is None:
        images, labels = data_module.load_mnist(settings.data)
    elif is_conditional and labels is None:
        raise ValueError("the conditional model trains on labelled digits: pass labels with images")
    dataset = data_module.make_dataset(
        images, settings.batch_size, seed=settings.seed, labels=labels if is_conditional else None,
    )

    config.set_seed(settings.seed)
    with strategy.scope() if strategy is not None else contextlib.nullcontext():
        gan = training.make_gan(settings)
    noise_path = run_dir / NOISE_FILE
    # The fixed noise batch: 64 digits in an 8 x 8 grid, or 8 columns of the 10 digits for the conditional model.
    num_noise = conditional.GRID_COLUMNS if is_conditional else NUM_GRID_IMAGES
    if resume:
        initial_epoch = checkpoints.load_checkpoint(run_dir, gan)
        for optimizer in (gan.d_optimizer, gan.g_optimizer):
            optimizer.learning_rate = settings.learning_rate  # The checkpoint restored the old rate.
        noise = np.load(noise_path) if noise_path.exists() else training.fixed_noise(num_noise, gan.latent_dim, settings.seed)
    else:
        initial_epoch = 0
        noise = training.fixed_noise(num_noise, gan.latent_dim, settings.seed)
        safe_files.save_array(noise_path, noise)
    grid, quality = {}, {}
    if is_conditional:  # One row per digit with the same noise in each column; quality over every digit in turn.
        columns = len(noise)
        noise, grid_labels = conditional.grid_inputs(noise)
        grid = {"labels": grid_labels, "columns": columns}
        quality = {"labels": conditional.requested_labels(config.quality_samples())}
    safe_files.write_json(run_dir / CONFIG_FILE, settings.as_dict())

    if resume and epochs is None and minutes is None:
        epochs, minutes = read_length(run_dir)  # The same run: the length its first command gave.
    if epochs is None and minutes is None:
        epochs = config.default_epochs(len(images), settings.batch_size)
    safe_files.write_json(run_dir / LENGTH_FILE, {"epochs": epochs, "minutes": minutes})
    if epochs is None:
        epochs = UNLIMITED_EPOCHS
    history_path = run_dir / HISTORY_FILE
    truncate_history(history_path, initial_epoch)
    quality_noise = training.fixed_noise(config.quality_samples(), gan.latent_dim, settings.seed)
    nan_guard = callbacks.StopOnNaN()
    spent = seconds_so_far(history_path)
    budget = callbacks.TimeBudget(minutes, report=verbose != 0, spent_before=spent) if minutes is not None else None
    if budget:
        verbose = 0  # The budget prints its own line per epoch.
    checkpointer = callbacks.Checkpoint(run_dir)
    # Order matters: the time and quality columns must be in the logs before the budget and HistoryCSV read them.
    run_callbacks = [nan_guard, callbacks.ElapsedTime(spent), callbacks.QualityLog(quality_noise, **quality)]
    if settings.schedule == "cosine":
        steps_per_epoch = len(images) // settings.batch_size
        run_callbacks.append(callbacks.CosineLearningRate(
            settings.learning_rate, budget=budget,
            total_steps=None if budget else epochs * steps_per_epoch, steps_done=initial_epoch * steps_per_epoch,
            hold=settings.cosine_hold, floor=settings.cosine_floor,
        ))
    run_callbacks += ([budget] if budget else []) + [
        callbacks.HistoryCSV(history_path, append=initial_epoch > 0),
        callbacks.SampleGrid(run_dir, noise, **grid),
        checkpointer,
    ]
    if tensorboard:
        run_callbacks.append(keras.callbacks.TensorBoard(log_dir=str(run_dir / "logs"), write_graph=False))

    if initial_epoch >= epochs or (budget is not None and budget.spent_before >= budget.budget_seconds):
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
    result.given = tuple(name for name, value in overrides.items() if value is not None)
    return result


def export_run_files(run_dir, gan, epochs_done):
    """Write generator.keras, progress.gif and curves.png for the run's good state; return their paths."""
    from gan_helpers import callbacks, viz

    files = {"settings": run_dir / CONFIG_FILE}
    if epochs_done:
        with safe_files.replace_atomically(run_dir / GENERATOR_FILE) as temporary:
            gan.sampling_generator.save(temporary)  # The averaged generator when ema > 0.
        files["generator"] = run_dir / GENERATOR_FILE
    frames = [callbacks.frame_path(run_dir, epoch) for epoch in range(1, epochs_done + 1)]
    frames = [path for path in frames if path.exists()]
    if frames:
        files["samples"] = frames[-1]
        with safe_files.replace_atomically(run_dir / GIF_FILE) as temporary:
            viz.make_gif(frames, temporary, duration_ms=GIF_FRAME_MS)
        files["gif"] = run_dir / GIF_FILE
    history_path = run_dir / HISTORY_FILE
    if history_path.exists():
        files["history"] = history_path
        history = viz.read_history(history_path)
        if history:
            with safe_files.replace_atomically(run_dir / CURVES_FILE) as temporary:
                viz.plot_history(history, temporary)
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


def digit_batches(generator, num_images, seed=config.DEFAULT_SEED, batch_size=SAMPLE_BATCH, digits=None):
    """Yield `num_images` generated digits as uint8 batches of shape (up to batch_size, 28, 28), in bounded memory.

    The noise comes from one seeded stream, so the first N digits are the same whatever the total.
    A conditional generator (notebook 08) draws `digits` in turn (default 0 to 9), and each round
    of them shares one noise vector: the same handwriting for every digit asked for.
    """
    from gan_helpers import conditional, training, viz

    checks.positive_int("the number of digits", num_images)
    told_digits = conditional.is_conditional(generator)
    if digits is not None and not told_digits:
        raise ValueError("--digit needs a conditional generator (train --model conditional); this one draws any digit")
    digits = checks.digits(digits if digits is not None else conditional.ALL_DIGITS)
    per_noise = len(digits) if told_digits else 1
    batch_size = per_noise * max(1, batch_size // per_noise)  # Every batch starts a new round of the digits.
    rng = np.random.default_rng(seed)
    for start in range(0, num_images, batch_size):
        count = min(batch_size, num_images - start)
        noise = rng.standard_normal((-(-count // per_noise), conditional.latent_dim_of(generator))).astype(np.float32)
        labels = None
        if told_digits:
            noise = np.repeat(noise, per_noise, axis=0)[:count]  # (count, latent_dim): each row once per digit
            labels = conditional.requested_labels(count, digits)
        yield viz.to_uint8_images(training.generate_images(generator, noise, labels=labels))


def sample_digits(generator, num_images, seed=config.DEFAULT_SEED, digits=None):
    """Return `num_images` generated digits as uint8 of shape (num_images, 28, 28) (`digits`: see digit_batches)."""
    return np.concatenate(list(digit_batches(generator, num_images, seed, digits=digits)))


def save_digits(generator, num_images, path, seed=config.DEFAULT_SEED, digits=None):
    """Write `num_images` digits (the same as sample_digits gives) to the .npy `path`, batch by batch, whole or not at all."""
    if num_images > MAX_DIGITS:
        raise ValueError(f"--num {num_images:,} is more than the {MAX_DIGITS:,} digits sample writes at once")
    with safe_files.replace_atomically(path) as temporary:
        array = np.lib.format.open_memmap(temporary, mode="w+", dtype=np.uint8, shape=(num_images, 28, 28))
        start = 0
        for batch in digit_batches(generator, num_images, seed, digits=digits):
            array[start:start + len(batch)] = batch
            start += len(batch)
        array.flush()
        del array
    return Path(path)

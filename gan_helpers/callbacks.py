"""Keras callbacks for a GAN run: progress grids, checkpoints, a time budget and a NaN guard.

Each writes into the run folder; `gan_helpers.runs` wires them together for `train`.
Introduced in notebook 05_training_loop.
"""

import csv
import math
import time
from pathlib import Path

import keras

from gan_helpers import checkpoints, checks, safe_files, training, viz
from gan_helpers.run_folder import SAMPLES_DIR


def logs_are_finite(logs):
    """Return True when every number in a Keras logs dict is finite (no NaN, no infinity)."""
    return all(math.isfinite(float(value)) for value in (logs or {}).values())


def frame_path(run_dir, epoch):
    """Where the sample grid after `epoch` finished epochs lives."""
    return Path(run_dir) / SAMPLES_DIR / f"epoch_{epoch:04d}.png"


class HistoryCSV(keras.callbacks.Callback):
    """Append one row per epoch to a CSV file: the epoch (counted from 1) and every logged metric.

    A column a row lacks (the quality of an epoch whose loss turned NaN, say) is left empty; a
    column that appears later (a resumed older run) is added with empty cells above it.
    """

    def __init__(self, path, append=False):
        super().__init__()
        self.path = Path(path)
        self.append = append

    def on_train_begin(self, logs=None):
        if not self.append:
            self.path.unlink(missing_ok=True)

    def on_epoch_end(self, epoch, logs=None):
        row = {"epoch": epoch + 1, **{name: float(value) for name, value in (logs or {}).items()}}
        rows, columns = [], ["epoch"]
        if self.path.exists() and self.path.stat().st_size > 0:
            with open(self.path, newline="") as file:
                reader = csv.DictReader(file)
                columns, rows = list(reader.fieldnames), list(reader)
        if set(row) - set(columns) or not rows:
            columns = ["epoch"] + sorted((set(columns) | set(row)) - {"epoch"})  # A new column: empty cells above it.
        # The whole file, written beside and renamed into place: a kill mid-write leaves the last whole one.
        with safe_files.replace_atomically(self.path) as temporary, open(temporary, "w", newline="") as file:
            writer = csv.DictWriter(file, columns, restval="")
            writer.writeheader()
            writer.writerows(rows + [row])


class QualityLog(keras.callbacks.Callback):
    """After each epoch, score one fixed noise batch: adds `classifier_score` and `frechet_distance` to the logs.

    Put it before HistoryCSV in the callback list, so the row of history.csv includes both.
    Scoring 1,000 digits takes well under a second on a CPU. Introduced in notebook 05_training_loop.
    With `labels` (a conditional GAN, notebook 08) each noise vector draws its label's digit, and
    `digit_accuracy`, the share read as the digit asked for, joins the logs.
    """

    def __init__(self, noise, labels=None):
        super().__init__()
        self.noise = noise
        self.labels = labels

    def on_epoch_end(self, epoch, logs=None):
        from gan_helpers import evaluation

        if logs is None or not logs_are_finite(logs):
            return
        images = training.generate_images(self.model.sampling_generator, self.noise, labels=self.labels)
        scores = evaluation.evaluate_images(images, copy_rate=False, requested=self.labels)
        logs["classifier_score"] = scores.classifier_score
        logs["frechet_distance"] = scores.frechet_distance
        if self.labels is not None:
            logs["digit_accuracy"] = scores.mean_digit_accuracy


class ElapsedTime(keras.callbacks.Callback):
    """Adds `seconds`, the training time since the run began (across resumes), to each epoch's logs."""

    def __init__(self, seconds_before=0.0, clock=time.monotonic):
        super().__init__()
        self.seconds_before = seconds_before
        self.clock = clock
        self.start = None

    def on_train_begin(self, logs=None):
        self.start = self.clock()

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["seconds"] = self.seconds_before + self.clock() - self.start


class SampleGrid(keras.callbacks.Callback):
    """After each epoch, draw the fixed noise batch through the generator and save the grid as a PNG.

    With `labels` (a conditional GAN) each noise vector draws its label's digit, `columns` to a row.
    """

    def __init__(self, run_dir, noise, labels=None, columns=None):
        super().__init__()
        self.run_dir = Path(run_dir)
        self.noise = noise
        self.labels = labels
        self.columns = columns
        self.paths = []

    def on_epoch_end(self, epoch, logs=None):
        if not logs_are_finite(logs):
            return  # A NaN generator draws nothing worth keeping.
        (self.run_dir / SAMPLES_DIR).mkdir(parents=True, exist_ok=True)
        images = training.generate_images(self.model.sampling_generator, self.noise, labels=self.labels)
        path = frame_path(self.run_dir, epoch + 1)
        with safe_files.replace_atomically(path) as temporary:
            viz.save_grid(images, temporary, columns=self.columns)
        self.paths.append(path)


class Checkpoint(keras.callbacks.Callback):
    """After each epoch whose losses are finite, checkpoint both networks, both optimizers and the epoch."""

    def __init__(self, run_dir):
        super().__init__()
        self.run_dir = Path(run_dir)
        self.last_saved_epoch = None

    def on_epoch_end(self, epoch, logs=None):
        if logs_are_finite(logs):
            checkpoints.save_checkpoint(self.run_dir, self.model, epoch + 1)
            self.last_saved_epoch = epoch + 1


def held_cosine_rate(peak, progress, hold=0.0, floor=0.05):
    """The learning rate at `progress` (0 to 1) of a run: `peak` for the first `hold` of it, then half
    a cosine down to `floor` * peak.
    """
    decay_progress = max(0.0, min(1.0, progress) - hold) / (1.0 - hold)
    cosine = 0.5 * (1.0 + math.cos(math.pi * decay_progress))
    return peak * (floor + (1.0 - floor) * cosine)


class CosineLearningRate(keras.callbacks.Callback):
    """Lower both optimizers' learning rate from `learning_rate` to `floor` times it along half a cosine.

    Progress is the share of the run that is done: steps out of `total_steps` (counting the
    `steps_done` of earlier sessions), or, under a time budget, the budget's elapsed share.
    Large steps early find the digits fast; small steps late let them settle (Loshchilov &
    Hutter, 2017). With `hold` > 0 the rate stays at `learning_rate` for that share of the run
    and the half cosine fills the rest. The rate is logged as `learning_rate`.
    """

    def __init__(self, learning_rate, total_steps=None, budget=None, steps_done=0, floor=0.05, hold=0.0):
        super().__init__()
        if (total_steps is None) == (budget is None):
            raise ValueError("CosineLearningRate needs exactly one of total_steps and budget")
        if not 0 <= hold < 1:
            raise ValueError(f"hold must be a share of the run in [0, 1), got {hold!r}")
        self.hold = float(hold)
        self.learning_rate = float(learning_rate)
        self.total_steps = total_steps
        self.budget = budget
        self.steps = steps_done
        self.floor = float(floor)
        self.rate = self.learning_rate

    def progress(self):
        """The share of the run done, from 0 to 1."""
        if self.budget is not None:
            return min(1.0, self.budget.elapsed_seconds() / self.budget.budget_seconds)
        return min(1.0, self.steps / max(1, self.total_steps))

    def on_train_batch_begin(self, batch, logs=None):
        self.rate = held_cosine_rate(self.learning_rate, self.progress(), self.hold, self.floor)
        for optimizer in (self.model.d_optimizer, self.model.g_optimizer):
            optimizer.learning_rate = self.rate
        self.steps += 1

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["learning_rate"] = self.rate


class StopOnNaN(keras.callbacks.Callback):
    """Stop training at the first batch whose losses are not finite, and remember the epoch (counted from 1)."""

    def __init__(self):
        super().__init__()
        self.nan_epoch = None
        self.current_epoch = 0

    def on_epoch_begin(self, epoch, logs=None):
        self.current_epoch = epoch + 1

    def on_train_batch_end(self, batch, logs=None):
        if self.nan_epoch is None and not logs_are_finite(logs):
            self.nan_epoch = self.current_epoch
            self.model.stop_training = True


class TimeBudget(keras.callbacks.Callback):
    """Stop training once `minutes` of it have passed: at the next epoch end, or mid-epoch once `grace` times over.

    By default the clock runs from the start of training and a run stops mid-epoch 10% past the
    budget, so one long epoch (60,000 digits on a CPU) cannot overrun it; the partial epoch is
    still logged and checkpointed. With `steps_only`, it counts only the time from the start of each
    step to this callback (work placed after it in the callback list, such as measuring, is free),
    the first `warmup_steps` steps (tracing and compiling) are free too, and `elapsed` holds the
    seconds counted after each step: notebook 06's equal budgets, with `grace` 1. `spent_before`
    counts what earlier sessions of a resumed run spent, so the budget is the whole run's.
    """

    def __init__(
        self, minutes, clock=time.monotonic, report=False, grace=1.1, steps_only=False, warmup_steps=0, spent_before=0.0,
    ):
        super().__init__()
        self.budget_seconds = 60.0 * checks.positive_number("minutes", minutes)
        self.spent_before = float(spent_before)  # Seconds earlier sessions of a resumed run already spent.
        self.warmup_steps = checks.whole_number("warmup_steps", warmup_steps, 0)
        self.clock = clock
        self.report = report  # Print one line per epoch (fit's own "Epoch N/M" has no M under a budget).
        self.grace = grace
        self.steps_only = steps_only
        self.start = None
        self.elapsed = []
        self.stopped_mid_epoch = False
        self.stopped = False

    def on_train_begin(self, logs=None):
        self.start = self.clock()
        self.elapsed, self._spent, self._step_start = [], 0.0, None

    def elapsed_seconds(self):
        """The training time counted so far."""
        return self.spent_before + (self._spent if self.steps_only else self.clock() - self.start)

    def on_train_batch_begin(self, batch, logs=None):
        self._step_start = self.clock()

    def on_train_batch_end(self, batch, logs=None):
        if self.steps_only:
            if len(self.elapsed) >= self.warmup_steps:
                self._spent += self.clock() - self._step_start
            self.elapsed.append(self._spent)
        if self.elapsed_seconds() >= self.grace * self.budget_seconds:
            self.model.stop_training = self.stopped = self.stopped_mid_epoch = True

    def on_epoch_end(self, epoch, logs=None):
        if self.elapsed_seconds() >= self.budget_seconds:
            self.model.stop_training = self.stopped = True
        if self.report:
            numbers = " - ".join(f"{name}: {float(value):.4f}" for name, value in sorted((logs or {}).items()))
            minutes = self.elapsed_seconds() / 60
            print(f"Epoch {epoch + 1} - {minutes:.1f} of {self.budget_seconds / 60:g} min - {numbers}", flush=True)

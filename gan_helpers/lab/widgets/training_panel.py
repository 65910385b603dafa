"""The training knobs of notebook 05_training_loop: a short run of the plain GAN with the settings chosen, on a button."""

import time
from dataclasses import dataclass

import keras
import numpy as np

from gan_helpers import checks, config, losses, recipes, training
from gan_helpers.lab.widgets.base import Control, Explorer, Panel

BATCH_SIZES = (16, 32, 64, 128)
NUM_SAMPLES = 64  # The 8 x 8 grid of a short run, drawn from one fixed noise batch.
LEARNING_RATE_RANGE = (1e-5, 1e-2)  # The learning-rate sliders run over powers of ten between these.


def short_run_steps():
    """Generator updates of `train_short_run`: 250 (a short run, under a minute on a laptop CPU), 10 in quick mode."""
    return config.pick(full=250, quick=10)


def histogram_samples():
    """Digits the evaluation classifier sorts for a short run's class histogram: 500, 100 in quick mode."""
    return config.pick(full=500, quick=100)




@dataclass
class ShortRun:
    """What `train_short_run` returns: its digits, its curves step by step, its class histogram and its time."""

    samples: np.ndarray  # uint8 (64, 28, 28): the fixed noise batch through the trained generator
    history: dict  # {"d_loss", "g_loss", "real_score", "fake_score"}: one float per generator update
    class_histogram: np.ndarray  # (10,): the share of each digit among histogram_samples() digits, as the classifier sees them
    classifier_score: float
    seconds: float
    settings: dict


class StepHistory(keras.callbacks.Callback):
    """Record each step's own d_loss, g_loss, D(x) and D(G(z)) during one epoch, and report progress.

    After batch k Keras passes the mean of the epoch so far, m_k; the step's own value is
    k * m_k - (k - 1) * m_(k-1).
    """

    def __init__(self, progress=None):
        super().__init__()
        self.progress = progress
        self.history = {name: [] for name in ("d_loss", "g_loss", "real_score", "fake_score")}
        self.means = {name: 0.0 for name in self.history}

    def on_train_batch_end(self, batch, logs=None):
        step = batch + 1
        for name, values in self.history.items():
            mean = float(logs[name])
            values.append(step * mean - batch * self.means[name])
            self.means[name] = mean
        if self.progress is not None:
            self.progress(step, self.params["steps"])


def short_run_gan(d_learning_rate, g_learning_rate, batch_size, d_steps, label_smoothing, loss, seed=config.DEFAULT_SEED):
    """The compiled plain GAN of a short run (notebook 05's recipe) with these knobs, each network its own rate."""
    for label, rate in (("d_learning_rate", d_learning_rate), ("g_learning_rate", g_learning_rate)):
        checks.positive_number(label, rate)
    settings = recipes.recipe(
        "plain", learning_rate=d_learning_rate, batch_size=batch_size, d_steps=d_steps,
        label_smoothing=label_smoothing, loss=loss, seed=seed,
    )
    gan = training.make_gan(settings)
    gan.g_optimizer.learning_rate = g_learning_rate  # make_gan gives both networks one rate.
    return gan


PLAIN = recipes.recipe("plain")


def train_short_run(
    d_learning_rate=PLAIN.learning_rate, g_learning_rate=PLAIN.learning_rate, batch_size=PLAIN.batch_size,
    d_steps=PLAIN.d_steps, label_smoothing=PLAIN.label_smoothing, loss=PLAIN.loss,
    steps=None, images=None, seed=config.DEFAULT_SEED, progress=None,
):
    """Train the plain `fast` GAN for `steps` generator updates (default short_run_steps()) and return a ShortRun.

    `images` (uint8) default to the offline digits (512 of them in quick mode). `progress`, if
    given, is called as progress(done, total) after every step. Introduced in notebook 05_training_loop.
    """
    from gan_helpers import data, digit_classifier, evaluation, runs

    steps = short_run_steps() if steps is None else steps
    checks.positive_int("steps", steps)
    if images is None:
        images, _ = data.load_mnist("offline", verbose=False)
    if not isinstance(batch_size, int) or isinstance(batch_size, bool) or not 0 < batch_size <= len(images):
        raise ValueError(f"batch_size must be an integer from 1 to the number of images ({len(images)}), got {batch_size!r}")
    start = time.perf_counter()
    config.set_seed(seed)
    gan = short_run_gan(d_learning_rate, g_learning_rate, batch_size, d_steps, label_smoothing, loss, seed)
    recorder = StepHistory(progress)
    dataset = data.make_dataset(images, batch_size, seed=seed).repeat()
    gan.fit(dataset, steps_per_epoch=steps, epochs=1, callbacks=[recorder], verbose=0)
    generator = gan.sampling_generator
    probabilities, _ = digit_classifier.classify(runs.sample_digits(generator, histogram_samples(), seed=seed + 1))
    return ShortRun(
        samples=runs.sample_digits(generator, NUM_SAMPLES, seed=seed),
        history=recorder.history,
        class_histogram=np.bincount(probabilities.argmax(axis=1), minlength=digit_classifier.NUM_CLASSES) / len(probabilities),
        classifier_score=evaluation.classifier_score(probabilities),
        seconds=time.perf_counter() - start,
        settings=dict(d_learning_rate=d_learning_rate, g_learning_rate=g_learning_rate, batch_size=batch_size,
                      d_steps=d_steps, label_smoothing=label_smoothing, loss=loss, steps=steps),
    )


def moving_average(values, window):
    """The mean of each run of `window` consecutive values (fewer at the start): a curve without the step-to-step noise."""
    values = np.asarray(values, np.float64)
    sums = np.cumsum(np.insert(values, 0, 0.0))
    starts = np.maximum(np.arange(1, len(values) + 1) - window, 0)
    return (sums[1:] - sums[starts]) / (np.arange(1, len(values) + 1) - starts)


def plot_short_run(run):
    """A short run in one row: its digits, its losses, D(x) and D(G(z)), and its class histogram; returns a Figure."""
    from matplotlib.figure import Figure

    from gan_helpers import viz

    figure = Figure(figsize=(15, 3.6), layout="constrained")
    grid_axes, loss_axes, score_axes, histogram_axes = figure.subplots(1, 4, width_ratios=[1, 1.3, 1.3, 1.3])
    grid_axes.imshow(viz.image_grid(run.samples), cmap="gray", vmin=0, vmax=255)
    grid_axes.set_title("the fixed noise batch", fontsize=9)
    grid_axes.set_axis_off()
    steps = np.arange(1, len(run.history["d_loss"]) + 1)
    window = max(1, len(steps) // 20)
    for axes, names, title in (
        (loss_axes, ("d_loss", "g_loss"), "losses"),
        (score_axes, ("real_score", "fake_score"), "D(x) real, D(G(z)) fake"),
    ):
        for name in names:
            line, = axes.plot(steps, moving_average(run.history[name], window), label=name)
            axes.plot(steps, run.history[name], color=line.get_color(), alpha=0.25, linewidth=0.8)
        axes.set(xlabel="generator update", title=title)
        axes.title.set_fontsize(9)
        axes.legend(fontsize=7)
    score_axes.axhline(0.5, color="gray", linestyle=":", linewidth=1)
    score_axes.set_ylim(-0.02, 1.02)
    histogram_axes.bar(np.arange(10), run.class_histogram)
    histogram_axes.axhline(0.1, color="gray", linestyle=":", linewidth=1)
    histogram_axes.set(xticks=np.arange(10), xlabel="digit the classifier sees", ylabel="share")
    histogram_axes.set_title(f"classifier score {run.classifier_score:.2f} (10 at most)", fontsize=9)
    knobs = run.settings
    figure.suptitle(
        f"{knobs['loss']}, learning rates D {knobs['d_learning_rate']:.1e} and G {knobs['g_learning_rate']:.1e}, "
        f"batch {knobs['batch_size']}, d_steps {knobs['d_steps']}, smoothing {knobs['label_smoothing']:g}: "
        f"{knobs['steps']} updates in {run.seconds:.0f} s",
        fontsize=10,
    )
    return figure


def training_knobs(images=None, steps=None, seed=config.DEFAULT_SEED):
    """Knobs for a short training run and a button that trains it (notebook 05_training_loop)."""
    defaults = train_short_run.__defaults__  # One place for the default knobs: train_short_run's signature.
    d_rate, g_rate, batch_size, d_steps, smoothing, loss = defaults[:6]
    low, high = LEARNING_RATE_RANGE
    controls = {
        "d_learning_rate": Control("discriminator's learning rate", d_rate, low, high, 0.1, log=True, readout=".1e"),
        "g_learning_rate": Control("generator's learning rate", g_rate, low, high, 0.1, log=True, readout=".1e"),
        "batch_size": Control("batch size", batch_size, options=BATCH_SIZES),
        "d_steps": Control("discriminator steps per generator step", d_steps, 1, 5, 1),
        "label_smoothing": Control("label smoothing", smoothing, 0.0, 0.3, 0.05, readout=".2f"),
        "loss": Control("loss", loss, options=losses.LOSSES),
    }

    def draw(progress=None, **knobs):
        return plot_short_run(train_short_run(**knobs, steps=steps, images=images, seed=seed, progress=progress))

    title = f"Train {steps or short_run_steps()} generator updates with these settings"
    return Explorer([Panel("training", title, draw, controls, button="Train")])

"""A 2-D toy where mode collapse shows in seconds: the ring of 8 Gaussians and the 5x5 grid of 25.

Introduced in notebook 06_failure_modes. Each data set is a mixture of Gaussians whose modes are
known, so 2,500 generated points can be scored exactly, as in the Unrolled GAN (Metz et al., 2017),
VEEGAN (Srivastava et al., 2017) and PacGAN (Lin et al., 2018) papers: a sample is *high quality*
when it lies within 3 standard deviations of its nearest mode, and a mode is *captured* when at
least one high-quality sample is nearest to it. `train` trains the plain GAN or one fix with small
MLPs in seconds on a CPU; `compare` runs methods x seeds into a table.
"""

import time
from dataclasses import dataclass, field

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from gan_helpers import checks, config
from gan_helpers.lab.toy_data import (  # noqa: F401  The toy's data and scores, under one name for notebook 06.
    EXTENTS,
    HIGH_QUALITY_STDS,
    METHODS,
    NUM_SAMPLES,
    check_dataset,
    check_method,
    check_samples,
    high_quality,
    high_quality_share,
    mode_centers,
    mode_std,
    modes_captured,
    nearest_modes,
    sample_real,
)
from gan_helpers.lab.toy_gan import (  # noqa: F401
    DEFAULT_BATCH_SIZE,
    DEFAULT_D_LEARNING_RATE,
    DEFAULT_G_LEARNING_RATE,
    DEFAULT_LATENT_DIM,
    GROUP_SIZE,
    STEPS_PER_CALL,
    SURFACE_RESOLUTION,
    MinibatchStd,
    ToyGAN,
    build_discriminator,
    build_generator,
    cosine,
    decision_surface,
    discriminator_view,
    judged_together,
)


@dataclass
class Snapshot:
    """The generator's samples and the discriminator's decision surface at one step of training."""

    step: int
    samples: np.ndarray  # (num_samples, 2)
    surface: np.ndarray  # (SURFACE_RESOLUTION, SURFACE_RESOLUTION): D(x) over the data set's square.


@dataclass
class ToyResult:
    """What `train` returns: the final samples and their scores, per-step losses, snapshots and both networks."""

    method: str
    dataset: str
    seed: int
    steps: int
    samples: np.ndarray  # (num_samples, 2), float32
    d_loss: np.ndarray  # (steps,): the discriminator's loss at each step (its last critic update for WGAN-GP).
    g_loss: np.ndarray  # (steps,)
    generator: keras.Model
    discriminator: keras.Model
    seconds: float
    snapshots: list = field(default_factory=list)

    @property
    def modes_captured(self):
        return modes_captured(self.samples, self.dataset)

    @property
    def high_quality_share(self):
        return high_quality_share(self.samples, self.dataset)

    @property
    def num_modes(self):
        return len(mode_centers(self.dataset))

    def surface(self, resolution=SURFACE_RESOLUTION):
        """The trained discriminator's decision surface over the data set's square, beside the final samples."""
        return decision_surface(self.discriminator, EXTENTS[self.dataset], resolution, context=self.samples)

    def summary(self):
        """One line: the method, seed and budget, the modes captured, the high-quality share and the time."""
        return (
            f"{self.method} on the {self.dataset}, seed {self.seed}, {self.steps:,} steps: "
            f"{self.modes_captured} of {self.num_modes} modes captured, "
            f"{self.high_quality_share:.1%} high-quality samples ({self.seconds:.1f} s)"
        )

    def __str__(self):
        return self.summary()



def train(method="vanilla", dataset="ring", seed=config.TOY_SEEDS[0], steps=None, batch_size=DEFAULT_BATCH_SIZE,
          latent_dim=DEFAULT_LATENT_DIM, d_learning_rate=DEFAULT_D_LEARNING_RATE,
          g_learning_rate=DEFAULT_G_LEARNING_RATE, snapshot_every=None, num_samples=NUM_SAMPLES, progress=None):
    """Train `method` on the toy `dataset` for `steps` generator updates; return a ToyResult.

    `steps` defaults to config.default_toy_steps(). The final samples come from one fixed noise
    batch drawn from `seed`. With `snapshot_every`, the result also holds the samples and the
    decision surface at step 0, every `snapshot_every` steps and at the end. `progress(done, steps)`
    is called after every compiled chunk of steps (the toy lab's progress bar in notebook 06).
    """
    check_method(method)
    check_dataset(dataset)
    steps = config.default_toy_steps() if steps is None else steps
    for name, value in (("steps", steps), ("batch_size", batch_size), ("latent_dim", latent_dim),
                        ("num_samples", num_samples)):
        checks.positive_int(name, value)
    if snapshot_every is not None:
        checks.positive_int("snapshot_every", snapshot_every)
    if batch_size % GROUP_SIZE:
        raise ValueError(f"batch_size must be a multiple of {GROUP_SIZE}, for the groups of PacGAN and the spread "
                         f"feature, got {batch_size}")
    for name, value in (("d_learning_rate", d_learning_rate), ("g_learning_rate", g_learning_rate)):
        checks.positive_number(name, value)
    seed = config.set_seed(seed)  # Raises ValueError unless a non-negative integer.
    gan = ToyGAN(method, dataset, seed, int(steps), int(batch_size), int(latent_dim), d_learning_rate, g_learning_rate)
    noise = np.random.default_rng(seed).standard_normal((num_samples, latent_dim)).astype(np.float32)
    compiled_steps = tf.function(gan.train_steps)

    def generate():
        return ops.convert_to_numpy(gan.generator(noise, training=False)).astype(np.float32)  # (num_samples, 2)

    def snapshot(step):
        samples = generate()
        return Snapshot(step, samples, decision_surface(gan.discriminator, EXTENTS[dataset], context=samples))

    snapshots = [snapshot(0)] if snapshot_every else []
    d_losses, g_losses = [], []
    start = time.perf_counter()
    done = 0
    while done < steps:
        chunk = min(STEPS_PER_CALL, steps - done)
        if snapshot_every:
            chunk = min(chunk, snapshot_every - done % snapshot_every)  # Stop at the next snapshot.
        d_loss, g_loss = compiled_steps(tf.constant(chunk))
        d_losses.append(d_loss.numpy())
        g_losses.append(g_loss.numpy())
        done += chunk
        if progress is not None:
            progress(done, steps)
        if snapshot_every and (done % snapshot_every == 0 or done == steps):
            snapshots.append(snapshot(done))
    seconds = time.perf_counter() - start
    return ToyResult(method, dataset, seed, int(steps), generate(), np.concatenate(d_losses),
                     np.concatenate(g_losses), gan.generator, gan.discriminator, seconds, snapshots)


def compare(methods=None, seeds=None, dataset="ring", steps=None, progress=None, **train_arguments):
    """Train every method with every seed at one budget; return one row (a dict) per method.

    Methods default to all of config.TOY_METHODS and seeds to config.TOY_SEEDS. `progress`, when
    given, is called with each ToyResult as it finishes (`print` shows its one-line summary).
    """
    methods = list(config.TOY_METHODS if methods is None else methods)
    seeds = list(config.TOY_SEEDS if seeds is None else seeds)
    if not methods or not seeds:
        raise ValueError(f"compare needs at least one method and one seed, got methods={methods!r}, seeds={seeds!r}")
    for method in methods:
        check_method(method)
    rows = []
    for method in methods:
        results = []
        for seed in seeds:
            results.append(train(method, dataset, seed, steps, **train_arguments))
            if progress is not None:
                progress(results[-1])
        rows.append(table_row(results))
    return rows


def table_row(results):
    """Summarise one method's ToyResults over several seeds as a row of `compare`'s table."""
    modes = [result.modes_captured for result in results]
    high_quality_shares = [result.high_quality_share for result in results]
    return {
        "method": results[0].method,
        "dataset": results[0].dataset,
        "steps": results[0].steps,
        "seeds": [result.seed for result in results],
        "modes": modes,
        "high_quality": high_quality_shares,
        "seconds": [result.seconds for result in results],
        "modes_mean": float(np.mean(modes)),
        "modes_median": float(np.median(modes)),
        "high_quality_mean": float(np.mean(high_quality_shares)),
    }


def markdown_table(rows):
    """`compare`'s rows as a Markdown table: means, medians, the time per run, and the modes of every seed."""
    if not rows:
        raise ValueError("markdown_table needs at least one row from compare, got none")
    num_modes = len(mode_centers(rows[0]["dataset"]))
    seeds = ", ".join(str(seed) for seed in rows[0]["seeds"])
    lines = [
        f"| method | modes captured (of {num_modes}), mean | median | high-quality samples, mean "
        f"| seconds per run | modes captured per seed ({seeds}) |",
        "|---|---|---|---|---|---|",
    ]
    for row in rows:
        per_seed = ", ".join(str(modes) for modes in row["modes"])
        lines.append(f"| {row['method']} | {row['modes_mean']:.1f} | {row['modes_median']:g} "
                     f"| {row['high_quality_mean']:.1%} | {np.mean(row['seconds']):.1f} | {per_seed} |")
    return "\n".join(lines)


def plot_samples(samples, dataset="ring", surface=None, axes=None, title=None, num_real=500):
    """Generated points (purple) over real ones (green), on the discriminator's heat map when `surface` is given.

    As in GAN Lab, the background is green where the discriminator says "real" and purple where it
    says "fake". Draws into `axes` when given (and returns None); otherwise returns a new Figure.
    """
    from matplotlib.figure import Figure

    samples = check_samples(samples)
    extent = EXTENTS[check_dataset(dataset)]
    figure = None
    if axes is None:
        figure = Figure(figsize=(4, 4))
        axes = figure.add_subplot()
    if surface is not None:
        axes.imshow(surface, origin="lower", extent=(-extent, extent, -extent, extent), cmap="PiYG",
                    vmin=0.0, vmax=1.0, alpha=0.7, interpolation="bilinear")
    if num_real:
        real = sample_real(num_real, dataset, seed=config.DEFAULT_SEED)
        axes.scatter(real[:, 0], real[:, 1], s=3, color="darkgreen", label="real")
    axes.scatter(samples[:, 0], samples[:, 1], s=3, color="indigo", alpha=0.4, label="generated")
    axes.set(xlim=(-extent, extent), ylim=(-extent, extent), xticks=[], yticks=[], aspect="equal")
    if title:
        axes.set_title(title, fontsize=9)
    return figure


def plot_snapshots(result, max_panels=6):
    """A row of panels over training: the samples on the discriminator's heat map at evenly spaced snapshots."""
    from matplotlib.figure import Figure

    if not result.snapshots:
        raise ValueError("this result holds no snapshots; train with snapshot_every=N to record them")
    count = min(max_panels, len(result.snapshots))
    picks = np.unique(np.linspace(0, len(result.snapshots) - 1, count).round().astype(int))
    figure = Figure(figsize=(2.4 * len(picks), 2.8), layout="constrained")
    for column, index in enumerate(picks):
        snapshot = result.snapshots[index]
        title = f"step {snapshot.step:,}: {modes_captured(snapshot.samples, result.dataset)} modes"
        plot_samples(snapshot.samples, result.dataset, snapshot.surface, figure.add_subplot(1, len(picks), column + 1),
                     title)
    figure.suptitle(f"{result.method} on the {result.dataset}, seed {result.seed}", fontsize=10)
    return figure


def plot_losses(result):
    """The discriminator's and the generator's loss at every step of a run."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(6, 3), layout="constrained")
    axes = figure.add_subplot()
    steps = np.arange(1, len(result.d_loss) + 1)
    axes.plot(steps, result.d_loss, label="d_loss", linewidth=0.6)
    axes.plot(steps, result.g_loss, label="g_loss", linewidth=0.6)
    axes.set(xlabel="step", title=f"Losses: {result.method} on the {result.dataset}, seed {result.seed}")
    axes.legend()
    return figure

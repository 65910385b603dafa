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
from keras import layers, ops

from gan_helpers import checks, config, losses

RING_MODES, RING_RADIUS, RING_STD = 8, 2.0, 0.02  # As in the Unrolled GAN, VEEGAN and PacGAN papers.
GRID_SIDE, GRID_SPACING, GRID_STD = 5, 2.0, 0.05  # Modes at -4, -2, 0, 2, 4 on both axes (VEEGAN, PacGAN).
NUM_SAMPLES = 2_500  # Samples the published metrics score.
HIGH_QUALITY_STDS = 3.0  # A sample within this many standard deviations of its nearest mode is high quality.
EXTENTS = {"ring": 3.0, "grid": 6.0}  # Half the side of the square that plots and decision surfaces cover.

METHODS = {
    "vanilla": "the plain minimax GAN: the generator minimises log(1 - D(G(z))) (Goodfellow et al., 2014)",
    "ns": "non-saturating: the generator minimises -log D(G(z)) instead (Goodfellow et al., 2014)",
    "wgan-gp": "a Wasserstein critic with a gradient penalty, 5 critic updates a step (Gulrajani et al., 2017)",
    "pacgan": "PacGAN2: the discriminator judges 2 samples at once, side by side (Lin et al., 2018)",
    "minibatch-std": "the discriminator also sees how spread out each group of 4 samples is (Karras et al., 2018)",
    "unrolled": "the generator answers the discriminator as it will be 5 Adam updates later (Metz et al., 2017)",
    "spectral-norm": "every discriminator layer stretches its input by at most 1 (Miyato et al., 2018)",
}
BASE_LOSS = {"ns": "ns", "wgan-gp": "wgan-gp"}  # Every other method is the minimax GAN with one change.

# One setting for every method, so that the table compares the fixes alone at an equal budget.
HIDDEN_LAYERS = 2  # Hidden layers of each network, as in the Unrolled GAN paper...
HIDDEN_UNITS = 128  # ...with 128 units each.
DEFAULT_BATCH_SIZE = 128  # Real and generated points per step.
DEFAULT_LATENT_DIM = 16  # Length of the generator's noise vector.
DEFAULT_D_LEARNING_RATE = 1e-3  # Adam (beta_1 = 0.5) for the discriminator...
DEFAULT_G_LEARNING_RATE = 3e-3  # ...and a faster generator, which chases the discriminator from mode to mode.
LEARNING_RATE_FLOOR = 0.05  # Both rates fall along a cosine to this fraction by the last step.
STEPS_PER_CALL = 100  # Training steps inside one compiled call, so Python stays out of the inner loop.
PACK = 2  # PacGAN2: points the discriminator judges together.
GROUP_SIZE = 4  # Minibatch standard deviation: points per group, as in ProGAN.
CRITIC_STEPS = 5  # WGAN-GP: critic updates per generator update.
GRADIENT_PENALTY_WEIGHT = 10.0  # WGAN-GP's lambda.
UNROLL_STEPS = 5  # Unrolled GAN: discriminator updates the generator looks ahead through.
SURFACE_RESOLUTION = 64  # Grid points per side of a decision surface.
CONTEXT_DRAWS = 16  # Partners each grid point is judged beside, for the discriminators that judge groups.


def check_dataset(dataset):
    """Return `dataset` when it is "ring" or "grid"; raise ValueError otherwise."""
    if dataset not in config.TOY_DATASETS:
        raise ValueError(f"unknown dataset {dataset!r}; expected one of: {', '.join(config.TOY_DATASETS)}")
    return dataset


def check_method(method):
    """Return `method` when it is one of METHODS; raise ValueError listing them otherwise."""
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; expected one of: {', '.join(METHODS)}")
    return method


def mode_centers(dataset="ring"):
    """The centres of the data set's Gaussians: (8, 2) on the ring, (25, 2) on the grid."""
    if check_dataset(dataset) == "ring":
        angles = 2 * np.pi * np.arange(RING_MODES) / RING_MODES
        return RING_RADIUS * np.stack([np.cos(angles), np.sin(angles)], axis=1)
    offsets = GRID_SPACING * (np.arange(GRID_SIDE) - (GRID_SIDE - 1) / 2)  # -4, -2, 0, 2, 4
    return np.stack(np.meshgrid(offsets, offsets, indexing="ij"), axis=-1).reshape(-1, 2)


def mode_std(dataset="ring"):
    """The standard deviation of each of the data set's Gaussians, on both axes."""
    return RING_STD if check_dataset(dataset) == "ring" else GRID_STD


def sample_real(num_samples, dataset="ring", seed=config.DEFAULT_SEED):
    """Draw `num_samples` real points, float32 of shape (num_samples, 2), each mode equally likely."""
    rng = np.random.default_rng(seed)
    centers = mode_centers(dataset)
    picks = rng.integers(len(centers), size=num_samples)
    return (centers[picks] + mode_std(dataset) * rng.standard_normal((num_samples, 2))).astype(np.float32)


def check_samples(samples):
    """Return `samples` as float64 points of shape (N, 2); raise ValueError for any other shape."""
    samples = np.asarray(samples, dtype=np.float64)
    if samples.ndim != 2 or samples.shape[1] != 2 or len(samples) == 0:
        raise ValueError(f"expected points of shape (N, 2) with N >= 1, got shape {samples.shape}")
    return samples


def nearest_modes(samples, dataset="ring"):
    """For each sample, the index of its nearest mode and its (Euclidean) distance to it."""
    samples = check_samples(samples)
    distances = np.linalg.norm(samples[:, None, :] - mode_centers(dataset)[None], axis=-1)  # (N, modes)
    nearest = distances.argmin(axis=1)
    return nearest, distances[np.arange(len(samples)), nearest]


def high_quality(samples, dataset="ring"):
    """One bool per sample: True when it lies within 3 standard deviations of its nearest mode."""
    _, distances = nearest_modes(samples, dataset)
    return distances <= HIGH_QUALITY_STDS * mode_std(dataset)


def high_quality_share(samples, dataset="ring"):
    """The fraction of high-quality samples; real data score 1 - exp(-9/2) = 98.9% in 2-D."""
    return float(high_quality(samples, dataset).mean())


def modes_captured(samples, dataset="ring"):
    """How many modes have at least one high-quality sample nearest to them."""
    nearest, distances = nearest_modes(samples, dataset)
    return int(len(np.unique(nearest[distances <= HIGH_QUALITY_STDS * mode_std(dataset)])))


@keras.saving.register_keras_serializable(package="gan_helpers")
class MinibatchStd(layers.Layer):
    """Append one feature: how much the features vary within each group of `group_size` rows (ProGAN).

    Consecutive rows form a group. A collapsed generator makes groups with almost no spread, which
    the discriminator can then tell from groups of real points at once (Karras et al., 2018).
    """

    def __init__(self, group_size=GROUP_SIZE, **kwargs):
        super().__init__(**kwargs)
        self.group_size = int(group_size)

    def call(self, features):
        width = ops.shape(features)[-1]
        groups = ops.reshape(features, (-1, self.group_size, width))  # (batch, width) -> (groups, size, width)
        spread = ops.mean(ops.std(groups, axis=1), axis=-1, keepdims=True)  # (groups, 1)
        spread = ops.repeat(spread[:, None, :], self.group_size, axis=1)  # (groups, size, 1)
        return ops.concatenate([features, ops.reshape(spread, (-1, 1))], axis=-1)  # (batch, width + 1)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], input_shape[-1] + 1)

    def get_config(self):
        return {**super().get_config(), "group_size": self.group_size}


def build_generator(latent_dim=DEFAULT_LATENT_DIM):
    """An MLP from noise of shape (latent_dim,) to a point of shape (2,): 2 ReLU layers of 128, linear output."""
    model_layers = [keras.Input(shape=(latent_dim,))]
    model_layers += [layers.Dense(HIDDEN_UNITS, activation="relu") for _ in range(HIDDEN_LAYERS)]
    model_layers.append(layers.Dense(2))  # (batch, 2): a point in the plane.
    return keras.Sequential(model_layers, name="toy_generator")


def build_discriminator(method="vanilla"):
    """An MLP from points to one logit (2 LeakyReLU layers of 128), changed as `method` asks."""
    check_method(method)
    inputs = 2 * PACK if method == "pacgan" else 2  # PacGAN2 takes (batch / 2, 4): two points side by side.

    def dense(units):
        return layers.SpectralNormalization(layers.Dense(units)) if method == "spectral-norm" else layers.Dense(units)

    model_layers = [keras.Input(shape=(inputs,))]
    for index in range(HIDDEN_LAYERS):
        model_layers += [dense(HIDDEN_UNITS), layers.LeakyReLU(0.2)]
        if index == 0 and method == "minibatch-std":
            model_layers.append(MinibatchStd(GROUP_SIZE))  # (batch, 128) -> (batch, 129)
    model_layers.append(dense(1))  # One logit per point (per pair for PacGAN).
    return keras.Sequential(model_layers, name=f"toy_discriminator_{method.replace('-', '_')}")


def judged_together(discriminator):
    """How many consecutive points the discriminator judges as one: PacGAN's pack, or the spread feature's group."""
    for layer in discriminator.layers:
        if isinstance(layer, MinibatchStd):
            return layer.group_size
    return discriminator.input_shape[-1] // 2


def discriminator_view(points, discriminator):
    """Points of shape (batch, 2) as `discriminator` takes them: for PacGAN, (batch / 2, 4), pairs side by side."""
    pack = discriminator.input_shape[-1] // 2
    return ops.reshape(points, (-1, 2 * pack)) if pack > 1 else points


def decision_surface(discriminator, extent=EXTENTS["ring"], resolution=SURFACE_RESOLUTION, context=None):
    """D(x), the probability that x is real, on a resolution x resolution grid over [-extent, extent]^2.

    Row i is the i-th y from the bottom and column j the j-th x from the left: draw it with
    imshow(origin="lower"). A discriminator that judges several points together (PacGAN, the spread
    feature) judges each grid point beside points of `context` (say, the generator's samples),
    averaged over CONTEXT_DRAWS draws of them, or beside copies of itself when no context is given.
    """
    coordinates = np.linspace(-extent, extent, resolution, dtype=np.float32)
    grid_x, grid_y = np.meshgrid(coordinates, coordinates)
    points = np.stack([grid_x.ravel(), grid_y.ravel()], axis=1)[:, None, :]  # (resolution^2, 1, 2)
    together = judged_together(discriminator)
    if together == 1:
        groups = points[None]  # (1, resolution^2, 1, 2)
    elif context is None:
        groups = np.repeat(points, together, axis=1)[None]  # (1, resolution^2, together, 2)
    else:
        context = check_samples(context).astype(np.float32)
        partners = context[np.random.default_rng(0).integers(len(context), size=(CONTEXT_DRAWS, 1, together - 1))]
        groups = np.concatenate([np.broadcast_to(points, (CONTEXT_DRAWS, *points.shape)),
                                 np.broadcast_to(partners, (CONTEXT_DRAWS, len(points), together - 1, 2))], axis=2)
    # Each grid point leads its group; the logit of its own row is its score.
    logits = discriminator(discriminator_view(groups.reshape(-1, 2), discriminator), training=False)
    logits = ops.convert_to_numpy(logits).reshape(len(groups), len(points), -1)[:, :, 0]  # (draws, resolution^2)
    probabilities = (1.0 / (1.0 + np.exp(-logits))).mean(axis=0)
    return probabilities.reshape(resolution, resolution)


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


class ToyGAN:
    """The two networks of one method, their optimizers, and the training steps that `train` compiles."""

    def __init__(self, method, dataset, seed, steps, batch_size, latent_dim, d_learning_rate, g_learning_rate):
        self.method = method
        self.loss_name = BASE_LOSS.get(method, "minimax")
        self.critic_steps = CRITIC_STEPS if method == "wgan-gp" else 1
        self.batch_size = batch_size
        self.latent_dim = latent_dim
        self.centers = tf.constant(mode_centers(dataset), tf.float32)
        self.std = mode_std(dataset)
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.generator = build_generator(latent_dim)
        self.discriminator = build_discriminator(method)
        beta_2 = 0.9 if method == "wgan-gp" else 0.999  # WGAN-GP's own Adam setting.
        self.d_optimizer = keras.optimizers.Adam(
            cosine(d_learning_rate, steps * self.critic_steps), beta_1=0.5, beta_2=beta_2)
        self.g_optimizer = keras.optimizers.Adam(cosine(g_learning_rate, steps), beta_1=0.5, beta_2=beta_2)
        self.d_optimizer.build(self.discriminator.trainable_variables)
        self.g_optimizer.build(self.generator.trainable_variables)

    def real_points(self):
        """A batch of real points, drawn inside the compiled step: (batch, 2)."""
        picks = keras.random.randint((self.batch_size,), 0, self.centers.shape[0], seed=self.seed_generator)
        offsets = keras.random.normal((self.batch_size, 2), stddev=self.std, seed=self.seed_generator)
        return ops.take(self.centers, picks, axis=0) + offsets

    def fake_points(self):
        """A batch of generated points: (batch, latent_dim) noise -> (batch, 2)."""
        noise = keras.random.normal((self.batch_size, self.latent_dim), seed=self.seed_generator)
        return self.generator(noise, training=True)

    def logits(self, points, weights=None, training=True):
        """The discriminator's logits for `points`, with its own weights or with the tensors `weights`."""
        view = discriminator_view(points, self.discriminator)
        if weights is None:
            return self.discriminator(view, training=training)
        logits, _ = self.discriminator.stateless_call(weights, self.discriminator.non_trainable_variables, view,
                                                      training=training)
        return logits

    def d_loss(self, real_points, fake_points, weights=None):
        """What the discriminator minimises; for WGAN-GP, with the gradient penalty on mixed points."""
        d_loss = losses.discriminator_loss(self.loss_name, self.logits(real_points, weights),
                                           self.logits(fake_points, weights))
        if self.method == "wgan-gp":
            alpha = keras.random.uniform((self.batch_size, 1), seed=self.seed_generator)  # One weight a point.
            d_loss += GRADIENT_PENALTY_WEIGHT * losses.gradient_penalty(self.logits, real_points, fake_points, alpha)
        return d_loss

    def d_step(self):
        """One discriminator update on a fresh real batch and a fresh generated one."""
        real_points = self.real_points()
        fake_points = ops.stop_gradient(self.fake_points())
        with tf.GradientTape() as tape:
            d_loss = self.d_loss(real_points, fake_points)
        variables = self.discriminator.trainable_variables
        self.d_optimizer.apply(tape.gradient(d_loss, variables), variables)
        return d_loss

    def g_step(self):
        """One generator update; the unrolled GAN scores its points with the looked-ahead discriminator."""
        with tf.GradientTape() as tape:
            fake_points = self.fake_points()
            weights = self.unrolled_weights(fake_points) if self.method == "unrolled" else None
            g_loss = losses.generator_loss(self.loss_name, self.logits(fake_points, weights))
        variables = self.generator.trainable_variables
        self.g_optimizer.apply(tape.gradient(g_loss, variables), variables)
        return g_loss

    def unrolled_weights(self, fake_points):
        """The discriminator's weights UNROLL_STEPS Adam updates ahead, as tensors that depend on `fake_points`.

        The updates run under the generator's tape, so its gradient flows back through every one of
        them: the generator sees how the discriminator would answer its move (Metz et al., 2017).
        Each update is the one the discriminator's own Adam would make, from its running averages.
        """
        optimizer = self.d_optimizer
        weights = [tf.convert_to_tensor(variable.value) for variable in self.discriminator.trainable_variables]
        # Keras keeps Adam's running averages of the gradient and of its square in these two lists.
        momentums = [tf.convert_to_tensor(variable.value) for variable in optimizer._momentums]
        velocities = [tf.convert_to_tensor(variable.value) for variable in optimizer._velocities]
        learning_rate = ops.cast(optimizer.learning_rate, "float32")
        beta_1, beta_2 = optimizer.beta_1, optimizer.beta_2
        for ahead in range(1, UNROLL_STEPS + 1):
            real_points = self.real_points()
            with tf.GradientTape() as tape:
                tape.watch(weights)
                d_loss = self.d_loss(real_points, fake_points, weights)
            gradients = tape.gradient(d_loss, weights)
            step = ops.cast(optimizer.iterations + ahead, "float32")
            step_size = learning_rate * ops.sqrt(1.0 - beta_2**step) / (1.0 - beta_1**step)
            momentums = [beta_1 * momentum + (1.0 - beta_1) * gradient
                         for momentum, gradient in zip(momentums, gradients)]
            velocities = [beta_2 * velocity + (1.0 - beta_2) * ops.square(gradient)
                          for velocity, gradient in zip(velocities, gradients)]
            # A tiny floor under the square root keeps it differentiable where a velocity is 0.
            weights = [weight - step_size * momentum / (ops.sqrt(velocity + 1e-14) + optimizer.epsilon)
                       for weight, momentum, velocity in zip(weights, momentums, velocities)]
        return weights

    def train_steps(self, num_steps):
        """Run `num_steps` training steps in one loop (compiled by `train`); return each step's d_loss and g_loss."""
        d_losses = tf.TensorArray(tf.float32, size=num_steps)
        g_losses = tf.TensorArray(tf.float32, size=num_steps)
        for step in tf.range(num_steps):
            d_loss = self.d_step()
            for _ in range(self.critic_steps - 1):
                d_loss = self.d_step()
            d_losses = d_losses.write(step, d_loss)
            g_losses = g_losses.write(step, self.g_step())
        return d_losses.stack(), g_losses.stack()


def cosine(learning_rate, steps):
    """Adam's learning rate over a run: from `learning_rate` down a cosine to LEARNING_RATE_FLOOR of it."""
    return keras.optimizers.schedules.CosineDecay(learning_rate, steps, alpha=LEARNING_RATE_FLOOR)




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

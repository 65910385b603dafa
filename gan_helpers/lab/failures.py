"""Provoking, recognising and fixing GAN failures: per-step logs, gradient norms, diversity, spectral norm.

Introduced in notebook 06_failure_modes, which makes mode collapse, an overpowering discriminator
and oscillation happen on purpose and measures them with the tools here, and compares the remedies
at an equal wall-clock budget (`train_for_seconds`, `summary_row`).
"""

import time

import keras
import numpy as np
import tensorflow as tf

from gan_helpers import callbacks, checks, config, data, evaluation, losses, training

STEP_COLUMNS = ("d_loss", "g_loss", "real_score", "fake_score", "g_grad_norm")
WRAPPED_LAYERS = (keras.layers.Dense, keras.layers.Conv2D)  # The layers with a kernel that spectral norm rescales.
COVERAGE_SHARE = 0.05  # A digit counts as covered when at least 5% of the samples (half its fair 10%) show it.
MAX_BUDGET_STEPS = 1_000_000  # train_for_seconds stops here at the latest, whatever time is left.


def spectral_norm(discriminator):
    """Return a fresh copy of a Sequential `discriminator` with every Dense and Conv2D layer in SpectralNormalization.

    Each wrapped kernel is divided by its largest singular value (one power iteration per training
    call), so no layer can stretch its input by more than 1 and the discriminator stays smooth
    (Miyato et al., 2018). The copy has new, untrained weights.
    """
    if not isinstance(discriminator, keras.Sequential):
        raise TypeError(f"spectral_norm expects a keras.Sequential discriminator, got {type(discriminator).__name__}")

    def wrap(layer):
        fresh = layer.__class__.from_config(layer.get_config())
        return keras.layers.SpectralNormalization(fresh) if isinstance(layer, WRAPPED_LAYERS) else fresh

    return keras.models.clone_model(discriminator, clone_function=wrap)


def generator_gradient_norm(gan, noise):
    """The length of the generator's gradient, ||d g_loss / d generator weights||, on the batch `noise`.

    Both networks run in inference mode, so measuring changes no weight and no BatchNorm statistic.
    A norm that falls towards 0 means the generator has stopped learning: its gradients vanished.
    """
    with tf.GradientTape() as tape:
        fake_images = gan.generator(noise, training=False)
        fake_logits = gan.discriminator(fake_images, training=False)
        g_loss = losses.generator_loss(gan.loss_name, fake_logits)
    gradients = tape.gradient(g_loss, gan.generator.trainable_weights)
    return tf.sqrt(tf.add_n([tf.reduce_sum(tf.square(gradient)) for gradient in gradients]))


class StepLog(keras.callbacks.Callback):
    """Record every training step's d_loss, g_loss, real_score, fake_score and generator gradient norm.

    fit() reports running means that hide step-to-step swings, so this callback resets the GAN's
    trackers before each step: the logs after the step then hold that step's own values.
    """

    def __init__(self, probe_noise):
        super().__init__()
        self.probe_noise = tf.constant(probe_noise, dtype=tf.float32)
        self.history = {column: [] for column in STEP_COLUMNS}
        self._gradient_norm = None

    def on_train_begin(self, logs=None):
        gan = self.model
        self._gradient_norm = tf.function(lambda noise: generator_gradient_norm(gan, noise))

    def on_train_batch_begin(self, batch, logs=None):
        self.model.reset_metrics()

    def on_train_batch_end(self, batch, logs=None):
        logs = logs or {}
        for column in STEP_COLUMNS[:-1]:
            self.history[column].append(float(logs[column]))
        self.history["g_grad_norm"].append(float(self._gradient_norm(self.probe_noise)))

    def results(self):
        """The recorded history as {column: float array with one value per step}."""
        return {column: np.asarray(values, dtype=np.float64) for column, values in self.history.items()}


class ExtraGeneratorSteps(keras.callbacks.Callback):
    """After each training step, update the generator `extra_steps` more times against the same discriminator.

    This lets the generator outrun the discriminator on purpose: its best reply to a fixed
    discriminator is to put every sample where that discriminator says "real" most loudly.
    """

    def __init__(self, extra_steps, batch_size):
        super().__init__()
        checks.whole_number("extra_steps", extra_steps, 0)
        self.extra_steps = extra_steps
        self.batch_size = batch_size
        self._generator_step = None

    def on_train_begin(self, logs=None):
        self._generator_step = tf.function(self.model.generator_step)

    def on_train_batch_end(self, batch, logs=None):
        for _ in range(self.extra_steps):
            self._generator_step(self.batch_size)


def _fit(gan, images, steps, batch_size, probe_noise, extra_generator_steps, seed, budget=None):
    """Train `gan` with fit() for at most `steps` steps (fewer when `budget` stops it); return the StepLog."""
    if probe_noise is None:
        probe_noise = training.fixed_noise(batch_size, gan.latent_dim, seed)
    dataset = data.make_dataset(images, batch_size, seed=seed).repeat().take(steps)
    step_log = StepLog(probe_noise)
    step_callbacks = [ExtraGeneratorSteps(extra_generator_steps, batch_size)] if extra_generator_steps else []
    # The budget's clock sees the training work (extra generator steps included) but not the measuring after it.
    step_callbacks += [budget] if budget is not None else []
    gan.fit(dataset, epochs=1, verbose=0, callbacks=step_callbacks + [step_log])
    return step_log


def train_steps(gan, images, steps, batch_size=64, probe_noise=None, extra_generator_steps=0, seed=config.DEFAULT_SEED):
    """Train `gan` with fit() for exactly `steps` steps on `images`; return the StepLog history.

    The data are repeated as often as needed, so runs of different settings get the same number
    of steps: an equal budget. `probe_noise` is the fixed batch for the gradient norm.
    """
    checks.positive_int("steps", steps)
    return _fit(gan, images, steps, batch_size, probe_noise, extra_generator_steps, seed).results()


def time_budget(seconds, clock=time.perf_counter):
    """A callbacks.TimeBudget that stops at the first step past `seconds` of training steps, the first step free."""
    return callbacks.TimeBudget(checks.positive_number("seconds", seconds) / 60, clock=clock, grace=1.0, steps_only=True,
                                warmup_steps=1)


def train_for_seconds(gan, images, seconds, batch_size=64, probe_noise=None, extra_generator_steps=0,
                      seed=config.DEFAULT_SEED, max_steps=MAX_BUDGET_STEPS):
    """Train `gan` until its steps have taken `seconds` of wall-clock time; return the StepLog history.

    An equal budget in time rather than in steps: a remedy that makes each step dearer (more
    discriminator steps, a gradient penalty) gets fewer steps, as it would in practice. The first
    step (tracing and compiling) and the measuring after each step are free (callbacks.TimeBudget
    with steps_only). The history has one more column, "seconds": the training seconds spent after each step.
    """
    checks.positive_int("max_steps", max_steps)
    budget = time_budget(seconds)
    history = _fit(gan, images, max_steps, batch_size, probe_noise, extra_generator_steps, seed, budget).results()
    history["seconds"] = np.asarray(budget.elapsed, dtype=np.float64)
    return history




def class_coverage(class_histogram, min_share=COVERAGE_SHARE):
    """How many digit classes hold at least `min_share` of the samples, from evaluation's class histogram."""
    class_histogram = np.asarray(class_histogram, dtype=np.float64)
    if class_histogram.ndim != 1 or not np.isclose(class_histogram.sum(), 1.0):
        raise ValueError(f"expected a 1-D histogram of shares that sum to 1, got shape {class_histogram.shape} "
                         f"summing to {class_histogram.sum():.3g}")
    return int((class_histogram >= min_share).sum())


def summary_row(history, diversity_report, scores, last_fraction=0.1):
    """One row of notebook 06's comparison table: the budget a run got, its scores and its last steps.

    `history` comes from train_steps or train_for_seconds (None for real digits, which did not
    train); `diversity_report` from `diversity`; `scores` from evaluation.evaluate_images. Losses,
    D(G(z)) and the gradient norm are means over the last `last_fraction` of the steps.
    """
    if not 0 < last_fraction <= 1:
        raise ValueError(f"last_fraction must be in (0, 1], got {last_fraction!r}")
    digit, share = scores.smallest_class
    row = {
        "steps": None, "seconds": None,
        "classifier score": round(scores.classifier_score, 2),
        "Fréchet distance": round(scores.frechet_distance, 1),
        f"classes >= {COVERAGE_SHARE:.0%}": class_coverage(scores.class_histogram),
        "smallest class": f"{share:.1%} ({digit}s)",
        "nearest-digit classes": diversity_report["classes"],
        "top class share": round(diversity_report["top_class_share"], 2),
        "spread": round(diversity_report["spread"], 2),
        "d_loss": None, "g_loss": None, "D(G(z))": None, "gradient norm": None,
    }
    if history is not None:
        steps = len(history["d_loss"])
        last = slice(-max(1, int(round(steps * last_fraction))), None)
        row.update({
            "steps": steps,
            "seconds": round(float(history["seconds"][-1]), 1) if "seconds" in history else None,
            "d_loss": round(float(np.mean(history["d_loss"][last])), 3),
            "g_loss": round(float(np.mean(history["g_loss"][last])), 3),
            "D(G(z))": round(float(np.mean(history["fake_score"][last])), 3),
            "gradient norm": float(f"{np.mean(history['g_grad_norm'][last]):.3g}"),
        })
    return row


def _flat(images):
    """Images as float32 rows of pixels in [-1, 1]: (N, 28, 28[, 1]) -> (N, 784); uint8 is normalized first."""
    images = np.asarray(images)
    if images.dtype == np.uint8:
        images = data.normalize(images)
    if images.ndim not in (3, 4) or images.shape[0] == 0:
        raise ValueError(f"expected a non-empty batch of images of shape (N, 28, 28) or (N, 28, 28, 1), got {images.shape}")
    return images.reshape(len(images), -1).astype(np.float32)


def mean_pairwise_distance(images):
    """The mean Euclidean distance between two different images of the batch: 0 when all are identical."""
    flat = _flat(images)
    count = len(flat)
    if count < 2:
        raise ValueError(f"mean_pairwise_distance needs at least 2 images, got {count}")
    distances = evaluation.pairwise_distances(flat, flat)  # (N, N)
    return float(distances.sum() / (count * (count - 1)))


def nearest_labels(images, reference_images, reference_labels, chunk=128):
    """Label each image with the label of its nearest reference image (1-nearest neighbour in pixel space)."""
    reference_labels = np.asarray(reference_labels)
    if len(reference_labels) != len(reference_images):
        raise ValueError(f"got {len(reference_images)} reference images but {len(reference_labels)} labels")
    flat_references = _flat(reference_images)
    labels = [reference_labels[evaluation.pairwise_distances(_flat(images[start:start + chunk]), flat_references).argmin(1)]
              for start in range(0, len(images), chunk)]
    return np.concatenate(labels)


def diversity(fake_images, real_images, real_labels):
    """How varied a batch of generated digits is, next to real digits.

    Returns {"classes": how many of the 10 digit classes the nearest real digits cover,
    "top_class_share": the fraction of samples in the most common class, "spread": mean pairwise
    distance of the fakes divided by that of as many real digits}. A collapsed generator scores
    few classes, a top share near 1 and a spread near 0; real digits score 10, ~0.1 and 1.0.
    """
    fake_labels = nearest_labels(fake_images, real_images, real_labels)
    counts = np.bincount(fake_labels.astype(np.int64), minlength=10)
    real_spread = mean_pairwise_distance(real_images[: len(fake_images)])
    return {
        "classes": int((counts > 0).sum()),
        "top_class_share": float(counts.max() / len(fake_labels)),
        "spread": mean_pairwise_distance(fake_images) / real_spread,
    }

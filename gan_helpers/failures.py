"""Provoking, recognising and fixing GAN failures: per-step logs, gradient norms, diversity, spectral norm.

Introduced in notebook 06_failure_modes, which makes mode collapse, an overpowering discriminator
and oscillation happen on purpose and measures them with the tools here.
"""

import keras
import numpy as np
import tensorflow as tf

from gan_helpers import config, data, evaluation, losses, training

STEP_COLUMNS = ("d_loss", "g_loss", "real_score", "fake_score", "g_grad_norm")
WRAPPED_LAYERS = (keras.layers.Dense, keras.layers.Conv2D)  # The layers with a kernel that spectral norm rescales.


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
        if not isinstance(extra_steps, int) or isinstance(extra_steps, bool) or extra_steps < 0:
            raise ValueError(f"extra_steps must be an integer >= 0, got {extra_steps!r}")
        self.extra_steps = extra_steps
        self.batch_size = batch_size
        self._generator_step = None

    def on_train_begin(self, logs=None):
        self._generator_step = tf.function(self.model.generator_step)

    def on_train_batch_end(self, batch, logs=None):
        for _ in range(self.extra_steps):
            self._generator_step(self.batch_size)


def train_steps(gan, images, steps, batch_size=64, probe_noise=None, extra_generator_steps=0, seed=config.DEFAULT_SEED):
    """Train `gan` with fit() for exactly `steps` steps on `images`; return the StepLog history.

    The data are repeated as often as needed, so runs of different settings get the same number
    of steps: an equal budget. `probe_noise` is the fixed batch for the gradient norm.
    """
    if not isinstance(steps, int) or isinstance(steps, bool) or steps < 1:
        raise ValueError(f"steps must be a positive integer, got {steps!r}")
    if probe_noise is None:
        probe_noise = training.fixed_noise(batch_size, gan.latent_dim, seed)
    dataset = data.make_dataset(images, batch_size, seed=seed).repeat().take(steps)
    step_log = StepLog(probe_noise)
    step_callbacks = [ExtraGeneratorSteps(extra_generator_steps, batch_size)] if extra_generator_steps else []
    gan.fit(dataset, epochs=1, verbose=0, callbacks=step_callbacks + [step_log])
    return step_log.results()


def _flat(images):
    """Images as float32 rows of pixels in [-1, 1]: (N, 28, 28[, 1]) -> (N, 784); uint8 is normalized first."""
    images = np.asarray(images)
    if images.dtype == np.uint8:
        images = data.normalize(images)
    if images.ndim not in (3, 4) or images.shape[0] == 0:
        raise ValueError(f"expected a non-empty batch of images of shape (N, 28, 28) or (N, 28, 28, 1), got {images.shape}")
    return images.reshape(len(images), -1).astype(np.float32)


def pairwise_distances(images, other_images):
    """Euclidean distances between every image of `images` and every one of `other_images`: shape (N, M)."""
    return evaluation.pairwise_distances(_flat(images), _flat(other_images))


def mean_pairwise_distance(images):
    """The mean Euclidean distance between two different images of the batch: 0 when all are identical."""
    count = len(_flat(images))
    if count < 2:
        raise ValueError(f"mean_pairwise_distance needs at least 2 images, got {count}")
    distances = pairwise_distances(images, images)
    return float(distances.sum() / (count * (count - 1)))


def nearest_labels(images, reference_images, reference_labels, chunk=128):
    """Label each image with the label of its nearest reference image (1-nearest neighbour in pixel space)."""
    reference_labels = np.asarray(reference_labels)
    if len(reference_labels) != len(reference_images):
        raise ValueError(f"got {len(reference_images)} reference images but {len(reference_labels)} labels")
    labels = [reference_labels[pairwise_distances(images[start:start + chunk], reference_images).argmin(1)]
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

"""GAN losses by name, computed from the discriminator's logits, and two regularisers.

Each loss is a pair: what the discriminator minimises and what the generator minimises.
Introduced in notebook 04_losses; the failure-modes notebook compares them in training.

- "minimax": the original GAN game; the generator minimises log(1 - D(G(z))), which saturates.
- "ns": non-saturating; the generator minimises -log D(G(z)) instead (Goodfellow et al., 2014).
- "lsgan": least squares on the raw outputs, targets 1 for real and 0 for fake (Mao et al., 2017).
- "hinge": max(0, 1 - D(x)) + max(0, 1 + D(G(z))) for the discriminator (Lim & Ye, 2017).
- "wgan-gp": Wasserstein critic with a gradient penalty (Gulrajani et al., 2017); the penalty
  needs the discriminator itself, so `gradient_penalty` computes it and the GAN adds it.
"""

import keras
from keras import ops

from gan_helpers import config

LOSSES = config.LOSSES
DEFAULT_LOSS = "ns"
SMOOTHABLE = config.SMOOTHABLE_LOSSES  # Losses with a "real" target that label smoothing can soften.


def check_loss_name(name):
    """Return `name` when it is a known loss; raise ValueError listing the known ones otherwise."""
    if name not in LOSSES:
        raise ValueError(f"unknown loss {name!r}; expected one of: {', '.join(LOSSES)}")
    return name


def check_label_smoothing(name, label_smoothing):
    """Raise ValueError unless `label_smoothing` is in [0, 1) and the loss `name` has a real-label target."""
    if not 0.0 <= float(label_smoothing) < 1.0:
        raise ValueError(f"label_smoothing must be in [0, 1), got {label_smoothing!r}")
    if label_smoothing and name not in SMOOTHABLE:
        raise ValueError(f"label smoothing applies to the {', '.join(SMOOTHABLE)} losses, not to {name!r}")


def binary_crossentropy(target, logits):
    """Mean binary cross-entropy between a constant `target` in [0, 1] and `logits`."""
    targets = ops.full_like(logits, target)
    return ops.mean(ops.binary_crossentropy(targets, logits, from_logits=True))


def discriminator_loss(name, real_logits, fake_logits, label_smoothing=0.0):
    """What the discriminator minimises under loss `name`.

    One-sided label smoothing (Salimans et al., 2016) sets the target for real images to
    1 - label_smoothing and leaves the fake target at 0.
    """
    check_loss_name(name)
    check_label_smoothing(name, label_smoothing)
    real_target = 1.0 - label_smoothing
    if name in ("minimax", "ns"):
        return binary_crossentropy(real_target, real_logits) + binary_crossentropy(0.0, fake_logits)
    if name == "lsgan":
        return 0.5 * ops.mean(ops.square(real_logits - real_target)) + 0.5 * ops.mean(ops.square(fake_logits))
    if name == "hinge":
        return ops.mean(ops.relu(1.0 - real_logits)) + ops.mean(ops.relu(1.0 + fake_logits))
    return ops.mean(fake_logits) - ops.mean(real_logits)  # wgan-gp, before its gradient penalty


def generator_loss(name, fake_logits):
    """What the generator minimises under loss `name`."""
    check_loss_name(name)
    if name == "minimax":
        return -binary_crossentropy(0.0, fake_logits)  # mean log(1 - D(G(z))): flat where D(G(z)) is near 0
    if name == "ns":
        return binary_crossentropy(1.0, fake_logits)  # mean -log D(G(z)): steep where D(G(z)) is near 0
    if name == "lsgan":
        return 0.5 * ops.mean(ops.square(fake_logits - 1.0))
    return -ops.mean(fake_logits)  # hinge and wgan-gp


def gradient_penalty(discriminator, real_images, fake_images, alpha):
    """WGAN-GP's penalty: mean of (||grad D(x_hat)|| - 1)^2 at x_hat = alpha * real + (1 - alpha) * fake.

    `alpha` holds one mixing weight in [0, 1] per example, shaped to broadcast: (batch, 1, 1, 1) for
    images, (batch, 1) for the 2-D toy's points. `discriminator` is called as discriminator(x, training=True).
    """
    import tensorflow as tf

    mixed_images = ops.convert_to_tensor(alpha * real_images + (1.0 - alpha) * fake_images)
    with tf.GradientTape() as tape:
        tape.watch(mixed_images)
        mixed_logits = discriminator(mixed_images, training=True)
    gradients = tape.gradient(mixed_logits, mixed_images)  # the shape of the examples: (batch, 28, 28, 1)
    norms = ops.sqrt(ops.sum(ops.square(gradients), axis=tuple(range(1, len(gradients.shape)))) + 1e-12)  # (batch,)
    return ops.mean(ops.square(norms - 1.0))


def add_instance_noise(images, stddev, seed=None):
    """Return `images` plus Gaussian noise of standard deviation `stddev` (Sønderby et al., 2016).

    Noise on both real and fake inputs blurs the two distributions into each other, so the
    discriminator cannot separate them perfectly and its gradients stay informative.
    """
    if stddev == 0:
        return images
    return images + stddev * keras.random.normal(ops.shape(images), seed=seed)

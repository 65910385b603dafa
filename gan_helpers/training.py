"""The GAN as a keras.Model: one alternating training step, its metrics, and noise.

Introduced in notebook 05_training_loop, which writes the same step out by hand and checks
that it matches `GAN.train_step`.
"""

import warnings

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from gan_helpers import config, losses

# fit() defaults to shuffle=True and Keras 3 then warns that a tf.data.Dataset is not reshuffled by
# fit; make_dataset reshuffles every epoch itself, so the warning would only confuse learners.
warnings.filterwarnings("ignore", message="`shuffle=True` was passed, but will be ignored")


def fixed_noise(num_images, latent_dim, seed=config.DEFAULT_SEED):
    """Return one reproducible noise batch of shape (num_images, latent_dim), drawn with NumPy.

    The progress grids reuse this batch every epoch, so each frame shows the same digits learning.
    """
    return np.random.default_rng(seed).standard_normal((num_images, latent_dim)).astype(np.float32)


def generate_images(generator, noise, batch_size=256):
    """Run `generator` in inference mode on `noise`; return float32 images of shape (N, 28, 28, 1)."""
    noise = np.asarray(noise, dtype=np.float32)
    batches = [generator(noise[start:start + batch_size], training=False) for start in range(0, len(noise), batch_size)]
    return np.concatenate([ops.convert_to_numpy(batch) for batch in batches])


class GAN(keras.Model):
    """A generator and a discriminator trained against each other by `fit()`.

    Each `train_step` updates the discriminator `d_steps` times on the same real batch (fresh
    noise each time), then the generator once. During the generator's update the discriminator
    runs in inference mode and only the generator's weights receive gradients, so the
    discriminator's weights stay exactly as they were.
    """

    def __init__(self, generator, discriminator, latent_dim=None, seed=config.DEFAULT_SEED, **kwargs):
        super().__init__(**kwargs)
        self.generator = generator
        self.discriminator = discriminator
        self.latent_dim = latent_dim or generator.input_shape[-1]
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")
        self.real_score_tracker = keras.metrics.Mean(name="real_score")
        self.fake_score_tracker = keras.metrics.Mean(name="fake_score")

    def compile(
        self,
        d_optimizer,
        g_optimizer,
        loss=losses.DEFAULT_LOSS,
        d_steps=1,
        label_smoothing=0.0,
        instance_noise=0.0,
        gp_weight=10.0,
        augment=0.0,
        **kwargs,
    ):
        """Set each network's optimizer, the loss by name and the training tricks.

        `d_steps` discriminator updates per generator update; `label_smoothing` sets the real
        target to 1 - label_smoothing; `instance_noise` is the standard deviation of Gaussian
        noise added to every discriminator input; `gp_weight` scales WGAN-GP's penalty.
        `augment` > 0 shifts every image the discriminator sees, real and fake, by up to that
        fraction of its size (differentiable augmentation, Zhao et al. 2020), so that with 5,000
        digits the discriminator learns shapes instead of memorising the training set.
        """
        super().compile(**kwargs)
        losses.check_loss_name(loss)
        losses.check_label_smoothing(loss, label_smoothing)
        if not isinstance(d_steps, int) or isinstance(d_steps, bool) or d_steps < 1:
            raise ValueError(f"d_steps must be a positive integer, got {d_steps!r}")
        if not 0 <= augment < 0.5:
            raise ValueError(f"augment must be a fraction of the image size in [0, 0.5), got {augment!r}")
        if instance_noise < 0:
            raise ValueError(f"instance_noise must be a standard deviation >= 0, got {instance_noise!r}")
        self.d_optimizer = d_optimizer
        self.g_optimizer = g_optimizer
        self.loss_name = loss
        self.d_steps = d_steps
        self.label_smoothing = float(label_smoothing)
        self.instance_noise = float(instance_noise)
        self.gp_weight = float(gp_weight)
        self.augment = float(augment)
        self.augmenter = None
        if self.augment > 0:
            self.augmenter = keras.layers.RandomTranslation(
                self.augment, self.augment, fill_mode="constant", fill_value=-1.0, interpolation="nearest",
                seed=self.seed + 1,  # Its own stream, so the noise stream stays the one without augmentation.
            )

    @property
    def metrics(self):
        """The trackers fit() resets every epoch; their names are the keys of the logs."""
        return [self.d_loss_tracker, self.g_loss_tracker, self.real_score_tracker, self.fake_score_tracker]

    def call(self, noise, training=False):
        """Generate images from noise of shape (batch, latent_dim)."""
        return self.generator(noise, training=training)

    def sample_noise(self, batch_size):
        """Draw a batch of Gaussian noise from the model's own seed generator."""
        return keras.random.normal((batch_size, self.latent_dim), seed=self.seed_generator)

    def discriminator_step(self, real_images):
        """Update the discriminator once; return (d_loss, real_logits, fake_logits)."""
        batch_size = ops.shape(real_images)[0]
        fake_images = self.generator(self.sample_noise(batch_size), training=True)
        with tf.GradientTape() as tape:
            real_logits = self.discriminator(self._discriminator_view(real_images), training=True)
            fake_logits = self.discriminator(self._discriminator_view(fake_images), training=True)
            d_loss = losses.discriminator_loss(self.loss_name, real_logits, fake_logits, self.label_smoothing)
            if self.loss_name == "wgan-gp":
                alpha = keras.random.uniform((batch_size, 1, 1, 1), seed=self.seed_generator)
                d_loss += self.gp_weight * losses.gradient_penalty(self.discriminator, real_images, fake_images, alpha)
        gradients = tape.gradient(d_loss, self.discriminator.trainable_weights)
        self.d_optimizer.apply_gradients(zip(gradients, self.discriminator.trainable_weights))
        return d_loss, real_logits, fake_logits

    def generator_step(self, batch_size):
        """Update the generator once against a frozen discriminator; return g_loss."""
        noise = self.sample_noise(batch_size)
        with tf.GradientTape() as tape:
            fake_images = self.generator(noise, training=True)
            fake_logits = self.discriminator(self._discriminator_view(fake_images), training=False)
            g_loss = losses.generator_loss(self.loss_name, fake_logits)
        gradients = tape.gradient(g_loss, self.generator.trainable_weights)  # Only the generator's weights.
        self.g_optimizer.apply_gradients(zip(gradients, self.generator.trainable_weights))
        return g_loss

    def train_step(self, real_images):
        """One alternating step: `d_steps` discriminator updates, then one generator update."""
        for _ in range(self.d_steps):
            d_loss, real_logits, fake_logits = self.discriminator_step(real_images)
        g_loss = self.generator_step(ops.shape(real_images)[0])
        self.d_loss_tracker.update_state(d_loss)
        self.g_loss_tracker.update_state(g_loss)
        self.real_score_tracker.update_state(ops.mean(ops.sigmoid(real_logits)))  # mean D(x)
        self.fake_score_tracker.update_state(ops.mean(ops.sigmoid(fake_logits)))  # mean D(G(z))
        return {metric.name: metric.result() for metric in self.metrics}

    def _discriminator_view(self, images):
        """What the discriminator sees of `images`: shifted when `augment` > 0, plus instance noise."""
        if self.augmenter is not None:
            images = self.augmenter(images, training=True)
        return losses.add_instance_noise(images, self.instance_noise, seed=self.seed_generator)


def make_gan(
    model="fast",
    latent_dim=None,
    loss=losses.DEFAULT_LOSS,
    learning_rate=2e-4,
    beta_1=0.5,
    d_steps=1,
    label_smoothing=0.0,
    instance_noise=0.0,
    seed=config.DEFAULT_SEED,
    augment=0.0,
):
    """Build and compile a GAN from a `--model` pair name, with Adam for each network.

    Adam(2e-4, beta_1=0.5) is the DCGAN paper's setting (Radford et al., 2016).
    """
    from gan_helpers import models

    latent_dim = latent_dim or config.default_latent_dim()
    generator_name, discriminator_name = models.model_pair(model)
    gan = GAN(
        models.build_generator(generator_name, latent_dim),
        models.build_discriminator(discriminator_name),
        latent_dim=latent_dim,
        seed=seed,
    )
    gan.compile(
        d_optimizer=keras.optimizers.Adam(learning_rate, beta_1=beta_1),
        g_optimizer=keras.optimizers.Adam(learning_rate, beta_1=beta_1),
        loss=loss,
        d_steps=d_steps,
        label_smoothing=label_smoothing,
        instance_noise=instance_noise,
        augment=augment,
    )
    return gan

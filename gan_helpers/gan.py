"""The plain GAN as a keras.Model: the alternating step of notebook 05_training_loop, and nothing more.

Notebook 05 writes this step by hand with tf.GradientTape and checks that `GAN.train_step`
makes exactly the same update. The tricks of notebook 07_beyond_dcgan change it only through
the hooks at the bottom, which here leave everything as it is (gan_helpers.tricks fills them).
"""

import keras
import tensorflow as tf
from keras import ops

from gan_helpers import checks, config, losses


def replica_share(loss):
    """`loss` scaled to this replica's share of the batch: 1/N under tf.distribute over N devices, else unchanged.

    Each replica holds 1/N of the batch and the replicas' gradients are summed, so each scales its
    own loss by 1/N; the sum is then the gradient of the whole batch's mean loss.
    """
    replicas = num_replicas()
    return loss if replicas == 1 else loss / replicas


def num_replicas():
    """How many replicas train in step: 1 on one device, N under a tf.distribute strategy over N devices."""
    replica = tf.distribute.get_replica_context()
    return replica.num_replicas_in_sync if replica is not None else tf.distribute.get_strategy().num_replicas_in_sync


class GAN(keras.Model):
    """A generator and a discriminator trained against each other by `fit()`.

    Each `train_step` updates the discriminator `d_steps` times (fresh noise each time), then
    the generator once against the discriminator held fixed: only the generator's weights get
    gradients, and the discriminator runs in inference mode.
    """

    def __init__(self, generator, discriminator, latent_dim=None, seed=config.DEFAULT_SEED, **kwargs):
        super().__init__(**kwargs)
        self.generator = generator
        self.discriminator = discriminator
        self.latent_dim = latent_dim or generator.input_shape[-1]
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)  # All the step's noise comes from here.
        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")
        self.real_score_tracker = keras.metrics.Mean(name="real_score")
        self.fake_score_tracker = keras.metrics.Mean(name="fake_score")
        self.built = True  # Both networks arrive built; fit() must not try to build the GAN on a batch of images.

    def compile(self, d_optimizer, g_optimizer, loss, d_steps=1, label_smoothing=0.0, **kwargs):
        """Give each network its optimizer and choose the loss by name (notebook 04).

        `d_steps` discriminator updates per generator update; `label_smoothing` sets the real
        target to 1 - label_smoothing.
        """
        super().compile(**kwargs)
        losses.check_loss_name(loss)
        losses.check_label_smoothing(loss, label_smoothing)
        checks.positive_int("d_steps", d_steps)
        self.d_optimizer = d_optimizer
        self.g_optimizer = g_optimizer
        self.loss_name = loss
        self.d_steps = d_steps
        self.label_smoothing = float(label_smoothing)

    @property
    def metrics(self):
        """The trackers fit() resets every epoch; their names are the keys of the logs."""
        return [self.d_loss_tracker, self.g_loss_tracker, self.real_score_tracker, self.fake_score_tracker]

    def call(self, noise, training=False):
        """Generate images from noise of shape (batch, latent_dim)."""
        return self.generator(noise, training=training)

    def sample_noise(self, batch_size):
        """A batch of Gaussian noise, shape (batch_size, latent_dim), from the GAN's own seed generator.

        Under tf.distribute each replica draws the noise of the whole batch and keeps its own
        slice, so the noise is the same as on one device.
        """
        replicas = num_replicas()
        noise = keras.random.normal((batch_size * replicas, self.latent_dim), seed=self.seed_generator)
        if replicas == 1:
            return noise
        start = tf.distribute.get_replica_context().replica_id_in_sync_group * batch_size
        return noise[start:start + batch_size]

    def discriminator_step(self, real_images):
        """Update the discriminator once; return (d_loss, real_logits, fake_logits)."""
        batch_size = ops.shape(real_images)[0]
        noise = self.sample_noise(batch_size)  # (batch, latent_dim)
        fake_images = self.generator(noise, training=True)  # Outside the tape: this update leaves G alone.
        with tf.GradientTape() as tape:
            real_view, fake_view = self.discriminator_view(real_images), self.discriminator_view(fake_images)
            real_logits = self.discriminate(real_view, training=True)  # (batch, 1)
            fake_logits = self.discriminate(fake_view, training=True)  # (batch, 1)
            d_loss = losses.discriminator_loss(self.loss_name, real_logits, fake_logits, self.label_smoothing)
            total_loss = replica_share(d_loss + self.extra_discriminator_loss(real_view, fake_view, noise))
        weights = self.discriminator_weights()
        gradients = tape.gradient(total_loss, weights)
        self.d_optimizer.apply_gradients(zip(gradients, weights))
        self.after_discriminator_update(real_view)
        return d_loss, real_logits, fake_logits

    def generator_step(self, batch_size):
        """Update the generator once against the discriminator held fixed; return g_loss."""
        noise = self.sample_noise(batch_size)  # Fresh noise: (batch, latent_dim)
        with tf.GradientTape() as tape:
            fake_images = self.generator(noise, training=True)  # Inside the tape this time.
            fake_view = self.discriminator_view(fake_images)
            fake_logits = self.discriminate(fake_view, training=False)  # Inference mode: D changes no state.
            g_loss = losses.generator_loss(self.loss_name, fake_logits)
            total_loss = replica_share(g_loss + self.extra_generator_loss(fake_view, noise))
        weights = self.generator.trainable_weights  # Only G's weights get gradients.
        gradients = tape.gradient(total_loss, weights)
        self.g_optimizer.apply_gradients(zip(gradients, weights))
        self.after_generator_update()
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

    # Hooks: the plain GAN leaves everything as it is; gan_helpers.tricks.TrickGAN fills them.

    def discriminator_view(self, images):
        """What the discriminator sees of `images`: here, the images themselves."""
        return images

    def discriminate(self, view, training):
        """The discriminator's logits for what it sees: here, simply the discriminator's output."""
        return self.discriminator(view, training=training)

    def extra_discriminator_loss(self, real_view, fake_view, noise):
        """A loss the discriminator's update adds to d_loss: here, none."""
        return 0.0

    def extra_generator_loss(self, fake_view, noise):
        """A loss the generator's update adds to g_loss: here, none."""
        return 0.0

    def after_discriminator_update(self, real_view):
        """Runs after each discriminator update: here, nothing."""

    def after_generator_update(self):
        """Runs after each generator update: here, nothing."""

    def discriminator_weights(self):
        """The weights the discriminator's optimizer trains: here, the discriminator's own."""
        return self.discriminator.trainable_weights

    def extra_networks(self):
        """Networks beyond the two that a checkpoint must keep, by name: here, none."""
        return {}

    @property
    def sampling_generator(self):
        """The network that draws the digits after training: here, the generator itself."""
        return self.generator

    def build_optimizers(self):
        """Create both optimizers' variables now (a checkpoint, or tf.distribute, needs them before the first step)."""
        for optimizer, weights in (
            (self.d_optimizer, self.discriminator_weights()),
            (self.g_optimizer, self.generator.trainable_weights),
        ):
            if not optimizer.built:
                optimizer.build(weights)

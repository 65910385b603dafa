"""A conditional GAN: both networks are told which digit, so you can ask the generator for a 7.

Mirza & Osindero (2014): the label is fed to both networks. The generator reads the noise with
the digit's one-hot vector concatenated to it; the discriminator scores an image *as that digit*,
by projecting its features onto the digit's own learned vector (Miyato & Koyama, 2018), and a
second head, which learns the digits of real images, tells the generator when a fake does not
read as the digit asked for (AC-GAN, Odena et al., 2017). Its `train_step` is gan.GAN's step
with the real batch's labels passed along. Introduced in notebook 08_conditional_gan.
"""

import keras
import numpy as np
import tensorflow as tf
from keras import layers, ops

from gan_helpers import checks, config, losses, models, tricks
from gan_helpers.gan import replica_share

NUM_DIGITS = 10
ALL_DIGITS = tuple(range(NUM_DIGITS))
GRID_COLUMNS = 8  # A progress grid: one row per digit, the same 8 noise vectors in every row.


def build_generator(latent_dim=100):
    """The fast generator reading the noise with the digit's one-hot vector concatenated: (noise, label) -> image."""
    checks.positive_int("latent_dim", latent_dim)
    noise = keras.Input(shape=(latent_dim,), name="noise")
    labels = keras.Input(shape=(), dtype="int32", name="labels")
    one_hot = layers.CategoryEncoding(NUM_DIGITS, output_mode="one_hot")(labels)  # (batch,) -> (batch, 10)
    hidden = layers.Concatenate()([noise, one_hot])  # (batch, latent_dim + 10)
    images = models.fast_generator(latent_dim + NUM_DIGITS)(hidden)  # (batch, 28, 28, 1)
    return keras.Model([noise, labels], images, name="conditional_generator")


def build_discriminator():
    """The fast discriminator told the digit: (image, label) -> (logit, 10 digit logits).

    The logit is a linear score of the features plus their dot product with the label's
    embedding (the projection discriminator), so the discriminator judges "a real 7", not just
    "a real digit". The digit logits are the auxiliary classifier's guess.
    """
    images = keras.Input(shape=models.IMAGE_SHAPE, name="images")
    labels = keras.Input(shape=(), dtype="int32", name="labels")
    features = images
    for layer in models.fast_discriminator().layers[:-1]:  # Its convolutions and Flatten, without the last Dense.
        features = layer(features)  # -> (batch, 7 * 7 * 48)
    label_vectors = layers.Embedding(NUM_DIGITS, features.shape[-1], name="label_projection")(labels)  # (batch, features)
    projection = layers.Dot(axes=-1)([label_vectors, features])  # (batch, 1)
    logits = layers.Add(name="logits")([layers.Dense(1)(features), projection])  # (batch, 1)
    digit_logits = layers.Dense(NUM_DIGITS, name="digit_logits")(features)  # (batch, 10)
    return keras.Model([images, labels], [logits, digit_logits], name="conditional_discriminator")


def is_conditional(generator):
    """True for a generator that takes (noise, labels), as build_generator makes."""
    return len(generator.inputs) == 2


def latent_dim_of(generator):
    """The length of the noise vector `generator` reads, conditional or not."""
    return generator.inputs[0].shape[-1]


def digit_loss(labels, digit_logits):
    """Mean cross-entropy between the digits asked for and the discriminator's guesses."""
    return ops.mean(ops.sparse_categorical_crossentropy(labels, digit_logits, from_logits=True))


class ConditionalGAN(tricks.TrickGAN):
    """gan.GAN's step with labels: real digits come with theirs, fakes are drawn for the same labels.

    `digit_weight` (set in compile) weighs the auxiliary classifier: the discriminator learns to
    tell real digits apart, and the generator to make fakes it reads as the digit asked for.
    Tricks that only change what the discriminator sees (shifts, instance noise) or that average
    the generator work as in the plain GAN.
    """

    UNSUPPORTED_TRICKS = (tricks.GradientPenalty, tricks.Categories, tricks.LearnedPrior)

    def __init__(self, generator, discriminator, tricks=(), latent_dim=None, seed=config.DEFAULT_SEED, **kwargs):
        if not is_conditional(generator) or len(discriminator.inputs) != 2:
            raise ValueError("ConditionalGAN needs the networks of conditional.build_generator and build_discriminator")
        unsupported = [type(trick).__name__ for trick in tricks if isinstance(trick, self.UNSUPPORTED_TRICKS)]
        if unsupported:
            raise ValueError(f"the conditional GAN does not combine with the {unsupported[0]} trick")
        super().__init__(generator, discriminator, tricks, latent_dim=latent_dim or latent_dim_of(generator), seed=seed, **kwargs)
        self.digit_loss_tracker = keras.metrics.Mean(name="digit_loss")

    def compile(self, d_optimizer, g_optimizer, loss, digit_weight=1.0, **kwargs):
        """gan.GAN.compile, and the weight of the auxiliary classifier's loss (0: off)."""
        super().compile(d_optimizer, g_optimizer, loss, **kwargs)
        self.digit_weight = tricks.checked("digit_weight", digit_weight)

    @property
    def metrics(self):
        return [*super().metrics, self.digit_loss_tracker]

    def call(self, inputs, training=False):
        """Generate images from (noise, labels) of shapes (batch, latent_dim) and (batch,)."""
        noise, labels = inputs
        return self.generator([noise, labels], training=training)

    def discriminator_step(self, real_images, labels):
        """Update the discriminator once; return (d_loss, real_logits, fake_logits)."""
        noise = self.sample_noise(ops.shape(real_images)[0])  # (batch, latent_dim)
        fake_images = self.generator([noise, labels], training=True)  # The same digits as the real batch.
        with tf.GradientTape() as tape:
            real_view, fake_view = self.discriminator_view(real_images), self.discriminator_view(fake_images)
            real_logits, real_digit_logits = self.discriminator([real_view, labels], training=True)
            fake_logits, _ = self.discriminator([fake_view, labels], training=True)
            d_loss = losses.discriminator_loss(self.loss_name, real_logits, fake_logits, self.label_smoothing)
            total_loss = replica_share(d_loss + self.digit_weight * digit_loss(labels, real_digit_logits))
        weights = self.discriminator_weights()
        self.d_optimizer.apply_gradients(zip(tape.gradient(total_loss, weights), weights))
        self.after_discriminator_update(real_view)
        return d_loss, real_logits, fake_logits

    def generator_step(self, labels):
        """Update the generator once against the discriminator held fixed; return (g_loss, digit_loss)."""
        noise = self.sample_noise(ops.shape(labels)[0])  # Fresh noise: (batch, latent_dim)
        with tf.GradientTape() as tape:
            fake_images = self.generator([noise, labels], training=True)
            fake_logits, fake_digit_logits = self.discriminator([self.discriminator_view(fake_images), labels], training=False)
            g_loss = losses.generator_loss(self.loss_name, fake_logits)
            fake_digit_loss = digit_loss(labels, fake_digit_logits)
            total_loss = replica_share(g_loss + self.digit_weight * fake_digit_loss)
        weights = self.generator.trainable_weights
        self.g_optimizer.apply_gradients(zip(tape.gradient(total_loss, weights), weights))
        self.after_generator_update()
        return g_loss, fake_digit_loss

    def train_step(self, data):
        """One alternating step on a batch of (real_images, labels)."""
        real_images, labels = data
        for _ in range(self.d_steps):
            d_loss, real_logits, fake_logits = self.discriminator_step(real_images, labels)
        g_loss, fake_digit_loss = self.generator_step(labels)
        self.d_loss_tracker.update_state(d_loss)
        self.g_loss_tracker.update_state(g_loss)
        self.real_score_tracker.update_state(ops.mean(ops.sigmoid(real_logits)))
        self.fake_score_tracker.update_state(ops.mean(ops.sigmoid(fake_logits)))
        self.digit_loss_tracker.update_state(fake_digit_loss)
        return {metric.name: metric.result() for metric in self.metrics}


def requested_labels(num_images, digits=ALL_DIGITS):
    """The digit asked for in each of `num_images` samples: `digits` in turn, (0, 1, ..., 9, 0, 1, ...)."""
    digits = np.asarray(checks.digits(digits), dtype=np.int32)
    return digits[np.arange(num_images) % len(digits)]


def grid_inputs(noise):
    """(noise, labels) for a progress grid: every digit in turn on each of the `noise` rows, one row per digit.

    Returns noise of shape (10 * len(noise), latent_dim) and labels 0, ..., 0, 1, ...: drawn
    GRID_COLUMNS wide, each row is one digit and each column one noise vector.
    """
    noise = np.asarray(noise, dtype=np.float32)
    return np.tile(noise, (NUM_DIGITS, 1)), np.repeat(np.arange(NUM_DIGITS, dtype=np.int32), len(noise))


def rows_by_digit(images, num_digits):
    """Images drawn `num_digits` in turn (as runs.digit_batches draws them), rearranged one row per digit.

    Returns (images, columns) for viz.save_grid: row d holds every d-th image, so each column
    shares one noise vector; black squares fill a last round that stopped short.
    """
    images = np.asarray(images)
    columns = -(-len(images) // num_digits)
    padded = np.zeros((columns * num_digits, *images.shape[1:]), dtype=images.dtype)
    padded[:len(images)] = images
    padded = padded.reshape(columns, num_digits, *images.shape[1:]).swapaxes(0, 1)  # (digit, column, 28, 28)
    return padded.reshape(-1, *images.shape[1:]), columns

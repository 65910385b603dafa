"""Noise, sampling, and building a compiled GAN from training settings.

`make_gan(settings)` builds the networks of a TrainSettings (gan_helpers.recipes), each with its
own Adam optimizer, and returns the plain gan.GAN or, when the settings ask for tricks, a
tricks.TrickGAN. Introduced in notebook 05_training_loop.
"""

import warnings

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from gan_helpers import checks, config, models, recipes

# fit() defaults to shuffle=True and Keras 3 then warns that a tf.data.Dataset is not reshuffled by
# fit; make_dataset reshuffles every epoch itself, so the warning would only confuse learners.
warnings.filterwarnings("ignore", message="`shuffle=True` was passed, but will be ignored")


def fixed_noise(num_images, latent_dim, seed=config.DEFAULT_SEED):
    """Return one reproducible noise batch of shape (num_images, latent_dim), drawn with NumPy.

    The progress grids reuse this batch every epoch, so each frame shows the same digits learning.
    """
    return np.random.default_rng(seed).standard_normal((num_images, latent_dim)).astype(np.float32)


def category_noise(num_codes, latent_dim, per_category, seed=config.DEFAULT_SEED):
    """Noise of shape (num_codes * per_category, latent_dim) whose rows pick categories 0, 0, ..., 1, 1, ...

    Each row is fixed_noise with its category's value raised to 10, far above any of the other
    first `num_codes` values, so a generator with codes.CategoricalCode reads that category
    whatever its prior (only which value is largest reaches the generator's layers).
    Introduced in notebook 05_training_loop, to show what each category learnt to draw.
    """
    checks.whole_number("num_codes", num_codes, 1, latent_dim - 1, f"an integer from 1 to latent_dim - 1 = {latent_dim - 1}")
    noise = fixed_noise(num_codes * per_category, latent_dim, seed)
    categories = np.repeat(np.arange(num_codes), per_category)
    noise[np.arange(len(noise)), categories] = 10.0  # Gumbel value about 53 against at most about 12 for the others.
    return noise


def generate_images(generator, noise, batch_size=256, labels=None):
    """Run `generator` in inference mode on `noise`; return float32 images of shape (N, 28, 28, 1).

    A conditional generator (notebook 08) also takes `labels`, the digit to draw for each noise vector.
    """
    noise = np.asarray(noise, dtype=np.float32)
    if labels is not None:
        labels = np.asarray(labels, dtype=np.int32)
        if labels.shape != (len(noise),):
            raise ValueError(f"expected one label per noise vector, shape ({len(noise)},), got shape {labels.shape}")

    def inputs(start):
        batch = noise[start:start + batch_size]
        return batch if labels is None else [batch, labels[start:start + batch_size]]

    batches = [generator(inputs(start), training=False) for start in range(0, len(noise), batch_size)]
    return np.concatenate([ops.convert_to_numpy(batch) for batch in batches])


def make_gan(settings=None, **overrides):
    """Build and compile the GAN of `settings` (a recipes.TrainSettings or a recipe's name; default: plain) with `overrides`.

    Each network gets Adam(learning_rate, beta_1). With no tricks asked for, this is the plain
    gan.GAN of notebook 05; otherwise a tricks.TrickGAN with tricks.tricks_for(settings). Built
    inside a tf.distribute strategy's scope, it trains on all of the strategy's devices.
    """
    from gan_helpers import conditional, gan, tricks

    if settings is None or isinstance(settings, str):
        settings = recipes.recipe(settings or "plain")
    if not isinstance(settings, recipes.TrainSettings):
        raise TypeError(f"settings must be a recipes.TrainSettings, got {type(settings).__name__}")
    settings = settings.replace(**overrides)
    conditional_model = settings.model == config.CONDITIONAL_MODEL
    if conditional_model:
        generator, discriminator = conditional.build_generator(settings.latent_dim), conditional.build_discriminator()
    else:
        generator_name, discriminator_name = models.model_pair(settings.model)
        generator = models.build_generator(
            generator_name, settings.latent_dim, num_codes=settings.codes, learned_prior=settings.prior == "learned"
        )
        discriminator = models.build_discriminator(discriminator_name)
    if tf.distribute.get_strategy().num_replicas_in_sync > 1:
        synchronize_batch_norm(generator)
    chosen_tricks = tricks.tricks_for(settings)
    extra = {}
    if conditional_model:  # Notebook 08: both networks told the digit.
        model = conditional.ConditionalGAN(
            generator, discriminator, chosen_tricks, latent_dim=settings.latent_dim, seed=settings.seed,
        )
        extra = {"digit_weight": settings.digit_weight}
    elif chosen_tricks:
        model = tricks.TrickGAN(generator, discriminator, chosen_tricks, latent_dim=settings.latent_dim, seed=settings.seed)
    else:
        model = gan.GAN(generator, discriminator, latent_dim=settings.latent_dim, seed=settings.seed)
    model.compile(
        d_optimizer=keras.optimizers.Adam(settings.learning_rate, beta_1=settings.beta_1),
        g_optimizer=keras.optimizers.Adam(settings.learning_rate, beta_1=settings.beta_1),
        loss=settings.loss,
        d_steps=settings.d_steps,
        label_smoothing=settings.label_smoothing,
        **extra,
    )
    if tf.distribute.has_strategy():
        model.build_optimizers()  # A strategy needs every variable before training starts, not inside the first step.
    return model


def synchronize_batch_norm(generator):
    """Make the generator's BatchNorm layers use the statistics of the whole batch across replicas (tf.distribute)."""
    for layer in generator.layers:
        if isinstance(layer, keras.layers.BatchNormalization):
            layer.synchronized = True
        elif isinstance(layer, keras.Model):  # The conditional generator holds the fast generator inside.
            synchronize_batch_norm(layer)

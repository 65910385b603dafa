"""The classic Keras idiom for a GAN: a combined model, noise to generator to a frozen discriminator.

Many Sequential DCGAN articles train a GAN without GradientTape: the discriminator learns with its
own `train_on_batch`, and the generator learns through `combined`, the two networks stacked, in
which the discriminator's `trainable` is False. Notebook 05_training_loop puts it beside the tape
step. In Keras 3 `trainable` is read when a model's training function is first built, at its first
`train_on_batch` or `fit` after `compile`: so the discriminator takes its first step while
trainable, and only then is frozen for the combined model.
"""

import keras
import numpy as np


def compile_pair(generator, discriminator, real_images, learning_rate=2e-4, beta_1=0.5):
    """Compile the discriminator, give it one first step (building its training function while it is
    trainable), freeze it, and return the compiled combined model: noise -> generator -> discriminator.
    """
    loss = keras.losses.BinaryCrossentropy(from_logits=True)
    discriminator.compile(optimizer=keras.optimizers.Adam(learning_rate, beta_1=beta_1), loss=loss)
    discriminator.train_on_batch(real_images, np.ones((len(real_images), 1), np.float32))
    discriminator.trainable = False  # Read when combined's training function is built: at its first step.
    noise = keras.Input(shape=generator.input_shape[1:])
    combined = keras.Model(noise, discriminator(generator(noise)), name="combined")
    combined.compile(optimizer=keras.optimizers.Adam(learning_rate, beta_1=beta_1), loss=loss)
    return combined


def combined_step(generator, discriminator, combined, real_images, noise):
    """One alternating step the classic way; return (d_loss, g_loss).

    The discriminator learns real as 1 and generated as 0 with its own train_on_batch; then the
    generator learns, through `combined`, to make the frozen discriminator say 1.
    """
    batch = len(real_images)
    fake_images = generator.predict_on_batch(noise)
    d_loss = 0.5 * (
        float(discriminator.train_on_batch(real_images, np.ones((batch, 1), np.float32)))
        + float(discriminator.train_on_batch(fake_images, np.zeros((len(noise), 1), np.float32)))
    )
    g_loss = float(combined.train_on_batch(noise, np.ones((len(noise), 1), np.float32)))
    return d_loss, g_loss

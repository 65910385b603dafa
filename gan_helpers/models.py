"""The generators and discriminators the course compares, each from a published source.

Generators map noise of shape (latent_dim,) to images of shape (28, 28, 1) in [-1, 1] (tanh).
Discriminators map images to one logit each: no sigmoid, so the losses can use the numerically
stable `from_logits` form (notebook 03_discriminator explains why).
Introduced in notebooks 02_generator and 03_discriminator.
"""

import keras
from keras import layers

from gan_helpers import checks, config
from gan_helpers.codes import CategoricalCode

IMAGE_SHAPE = (28, 28, 1)


def dcgan_generator(latent_dim):
    """The TensorFlow DCGAN tutorial's generator: Dense 7x7x256, then Conv2DTranspose 128, 64 and 1."""
    return keras.Sequential(
        [
            keras.Input(shape=(latent_dim,)),
            layers.Dense(7 * 7 * 256, use_bias=False),
            layers.BatchNormalization(),
            layers.LeakyReLU(),
            layers.Reshape((7, 7, 256)),  # (batch, 12544) -> (batch, 7, 7, 256)
            layers.Conv2DTranspose(128, 5, strides=1, padding="same", use_bias=False),  # -> (7, 7, 128)
            layers.BatchNormalization(),
            layers.LeakyReLU(),
            layers.Conv2DTranspose(64, 5, strides=2, padding="same", use_bias=False),  # -> (14, 14, 64)
            layers.BatchNormalization(),
            layers.LeakyReLU(),
            layers.Conv2DTranspose(1, 5, strides=2, padding="same", use_bias=False, activation="tanh"),  # -> (28, 28, 1)
        ],
        name="dcgan_generator",
    )


def dcgan_discriminator():
    """The TensorFlow DCGAN tutorial's discriminator: Conv 64 and 128 (5x5, stride 2), Dropout 0.3, one logit."""
    return keras.Sequential(
        [
            keras.Input(shape=IMAGE_SHAPE),
            layers.Conv2D(64, 5, strides=2, padding="same"),  # -> (14, 14, 64)
            layers.LeakyReLU(),
            layers.Dropout(0.3),
            layers.Conv2D(128, 5, strides=2, padding="same"),  # -> (7, 7, 128)
            layers.LeakyReLU(),
            layers.Dropout(0.3),
            layers.Flatten(),
            layers.Dense(1),
        ],
        name="dcgan_discriminator",
    )


def upsampling_generator(latent_dim):
    """Resize-then-convolve generator (Odena et al., "Deconvolution and Checkerboard Artifacts", Distill 2016).

    UpSampling2D followed by a 5x5 Conv2D replaces each strided Conv2DTranspose of the DCGAN
    generator, which avoids the checkerboard pattern that uneven kernel overlap paints.
    """
    return keras.Sequential(
        [
            keras.Input(shape=(latent_dim,)),
            layers.Dense(7 * 7 * 128, use_bias=False),
            layers.BatchNormalization(),
            layers.LeakyReLU(),
            layers.Reshape((7, 7, 128)),
            layers.UpSampling2D(),  # -> (14, 14, 128)
            layers.Conv2D(128, 5, padding="same", use_bias=False),
            layers.BatchNormalization(),
            layers.LeakyReLU(),
            layers.UpSampling2D(),  # -> (28, 28, 128)
            layers.Conv2D(64, 5, padding="same", use_bias=False),
            layers.BatchNormalization(),
            layers.LeakyReLU(),
            layers.Conv2D(1, 5, padding="same", activation="tanh"),  # -> (28, 28, 1)
        ],
        name="upsampling_generator",
    )


def mlp_generator(latent_dim):
    """The fully connected generator of Keras-GAN's gan.py: Dense 256-512-1024, LeakyReLU 0.2, BatchNorm, tanh."""
    model_layers = [keras.Input(shape=(latent_dim,))]
    for units in (256, 512, 1024):
        model_layers += [layers.Dense(units), layers.LeakyReLU(0.2), layers.BatchNormalization(momentum=0.8)]
    model_layers += [
        layers.Dense(28 * 28, activation="tanh"),
        layers.Reshape(IMAGE_SHAPE),  # (batch, 784) -> (batch, 28, 28, 1)
    ]
    return keras.Sequential(model_layers, name="mlp_generator")


def mlp_discriminator():
    """The fully connected discriminator of Keras-GAN's gan.py: Dense 512-256 with LeakyReLU 0.2, one logit."""
    return keras.Sequential(
        [
            keras.Input(shape=IMAGE_SHAPE),
            layers.Flatten(),  # (batch, 28, 28, 1) -> (batch, 784)
            layers.Dense(512),
            layers.LeakyReLU(0.2),
            layers.Dense(256),
            layers.LeakyReLU(0.2),
            layers.Dense(1),
        ],
        name="mlp_discriminator",
    )


def pooling_discriminator():
    """The TensorFlow MNIST CNN tutorial's layout (5x5 conv 32 and 64, each pooled, Dense 1024) as a critic.

    As the GAN hacks advise, it pools by averaging and uses LeakyReLU, so gradients stay dense.
    """
    return keras.Sequential(
        [
            keras.Input(shape=IMAGE_SHAPE),
            layers.Conv2D(32, 5, padding="same"),
            layers.LeakyReLU(0.2),
            layers.AveragePooling2D(2),  # -> (14, 14, 32)
            layers.Conv2D(64, 5, padding="same"),
            layers.LeakyReLU(0.2),
            layers.AveragePooling2D(2),  # -> (7, 7, 64)
            layers.Flatten(),
            layers.Dense(1024),
            layers.LeakyReLU(0.2),
            layers.Dense(1),
        ],
        name="pooling_discriminator",
    )


def fast_generator(latent_dim):
    """The course's own generator for CPUs: Dense 7x7x128, then two 4x4 stride-2 transposed convolutions.

    A 4x4 kernel with stride 2 overlaps evenly, so it paints no checkerboard; one transposed
    convolution fewer than DCGAN's and half its channels keep a step cheap on a laptop CPU.
    """
    return keras.Sequential(
        [
            keras.Input(shape=(latent_dim,)),
            layers.Dense(7 * 7 * 128, use_bias=False),
            layers.BatchNormalization(),
            layers.LeakyReLU(0.2),
            layers.Reshape((7, 7, 128)),  # (batch, 6272) -> (batch, 7, 7, 128)
            layers.Conv2DTranspose(64, 4, strides=2, padding="same", use_bias=False),  # -> (14, 14, 64)
            layers.BatchNormalization(),
            layers.LeakyReLU(0.2),
            layers.Conv2DTranspose(1, 4, strides=2, padding="same", activation="tanh"),  # -> (28, 28, 1)
        ],
        name="fast_generator",
    )


def strided_discriminator(filters, name):
    """Two 4x4 stride-2 convolutions and a 3x3 one with `filters` = (first, second, third), then one logit."""
    first, second, third = filters
    return keras.Sequential(
        [
            keras.Input(shape=IMAGE_SHAPE),
            layers.Conv2D(first, 4, strides=2, padding="same"),  # -> (14, 14, first)
            layers.LeakyReLU(0.2),
            layers.Conv2D(second, 4, strides=2, padding="same"),  # -> (7, 7, second)
            layers.LeakyReLU(0.2),
            layers.Conv2D(third, 3, padding="same"),  # -> (7, 7, third)
            layers.LeakyReLU(0.2),
            layers.Flatten(),
            layers.Dense(1),
        ],
        name=name,
    )


def fast_discriminator():
    """The course's own discriminator: 4x4 stride-2 convolutions with 24 and 48 filters, a 3x3 one with 48, one logit.

    The third convolution lets each feature see most of the digit (an 18-pixel receptive field
    instead of 10), so it can object to a malformed shape, not only to a bad stroke. It is narrow
    so that a step stays cheap on a laptop CPU (docs/benchmark.md measures why).
    """
    return strided_discriminator((24, 48, 48), "fast_discriminator")


def wide_discriminator():
    """`fast_discriminator` with 64, 128 and 128 filters (`--model wide`): more capacity per step, for a GPU."""
    return strided_discriminator((64, 128, 128), "wide_discriminator")


GENERATORS = {
    "fast": fast_generator,
    "dcgan": dcgan_generator,
    "upsampling": upsampling_generator,
    "mlp": mlp_generator,
}
DISCRIMINATORS = {
    "fast": fast_discriminator,
    "dcgan": dcgan_discriminator,
    "pooling": pooling_discriminator,
    "mlp": mlp_discriminator,
    "wide": wide_discriminator,
}
MODEL_PAIRS = config.MODEL_PAIRS  # What `--model NAME` trains (names only, so the CLI checks them without TensorFlow).


def _lookup(table, name, kind):
    if name not in table:
        raise ValueError(f"unknown {kind} {name!r}; expected one of: {', '.join(table)}")
    return table[name]


def build_generator(name="fast", latent_dim=100, num_codes=0, learned_prior=False):
    """Return a new generator by name: one of GENERATORS, mapping (latent_dim,) noise to (28, 28, 1) images.

    `num_codes` > 0 puts a CategoricalCode first, so the generator reads a category from its
    noise; the GAN then learns, without labels, to draw a different kind of digit for each.
    """
    builder = _lookup(GENERATORS, name, "generator")
    checks.positive_int("latent_dim", latent_dim)
    if not isinstance(num_codes, int) or isinstance(num_codes, bool) or not 0 <= num_codes < latent_dim:
        raise ValueError(f"num_codes must be an integer from 0 to latent_dim - 1 = {latent_dim - 1}, got {num_codes!r}")
    generator = builder(latent_dim)
    if num_codes == 0:
        return generator
    return keras.Sequential(
        [keras.Input(shape=(latent_dim,)), CategoricalCode(num_codes, learned_prior), *generator.layers],
        name=generator.name,
    )


def build_discriminator(name="fast"):
    """Return a new discriminator by name: one of DISCRIMINATORS, mapping (28, 28, 1) images to one logit."""
    return _lookup(DISCRIMINATORS, name, "discriminator")()


def model_pair(name):
    """Return the (generator name, discriminator name) that `--model name` trains."""
    return _lookup(MODEL_PAIRS, name, "model")

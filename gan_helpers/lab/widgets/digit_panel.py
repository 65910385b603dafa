"""The digit picker of notebook 08_conditional_gan: ask a conditional generator for a digit, move its
style along a few noise directions, and morph one digit into another with the noise held still.
"""

import numpy as np

from gan_helpers import config, training
from gan_helpers.lab.widgets.base import Control, Explorer, Panel
from gan_helpers.lab.widgets.latent import plot_path

NUM_STYLE_SLIDERS = 3  # Noise directions with a slider each.
STYLE_RANGE = 3.0  # Each slider moves the noise up to 3 units (3 standard deviations) along its direction.
MORPH_PICTURES = 9  # Digits drawn along the way from one digit to the other.
DIGITS = tuple(range(10))


def conditional_parts(generator):
    """(latent_dim, the network behind the label's one-hot vector) of a conditional generator.

    conditional.build_generator concatenates the noise with the label's one-hot vector and hands
    the result to one inner network: calling it with a mixture of two one-hot vectors draws a
    digit part of the way from one to the other.
    """
    import keras

    inner = [layer for layer in generator.layers if isinstance(layer, keras.Model)]
    if len(generator.inputs) != 2 or len(inner) != 1:
        raise ValueError("expected a conditional generator (conditional.build_generator): inputs (noise, labels)")
    return generator.inputs[0].shape[-1], inner[0]


def digit_images(generator, noise, digits):
    """The images `generator` draws from `noise` (n, latent_dim) for `digits` (n,): (n, 28, 28, 1) in [-1, 1]."""
    noise = np.atleast_2d(np.asarray(noise, np.float32))
    return training.generate_images(generator, noise, labels=np.broadcast_to(np.asarray(digits, np.int32), (len(noise),)))


def between_digits(generator, noise, from_digit, to_digit, shares):
    """The images drawn from one `noise` (latent_dim,) with the label a share of the way from `from_digit` to
    `to_digit`: for each share s in `shares`, the one-hot vectors mixed (1 - s) to s. (len(shares), 28, 28, 1).
    """
    from keras import ops

    latent_dim, inner = conditional_parts(generator)
    shares = np.atleast_1d(np.asarray(shares, np.float32))
    if shares.ndim != 1 or not np.all((shares >= 0) & (shares <= 1)):
        raise ValueError(f"shares must be numbers in [0, 1], got {shares!r}")
    for name, digit in (("from_digit", from_digit), ("to_digit", to_digit)):
        if digit not in DIGITS:
            raise ValueError(f"{name} must be a digit from 0 to 9, got {digit!r}")
    labels = np.zeros((len(shares), len(DIGITS)), np.float32)  # (n, 10): the mixed one-hot vectors
    labels[:, from_digit] += 1.0 - shares
    labels[:, to_digit] += shares
    noise = np.broadcast_to(np.asarray(noise, np.float32).reshape(1, latent_dim), (len(shares), latent_dim))
    return ops.convert_to_numpy(inner(np.concatenate([noise, labels], axis=1), training=False))


def style_directions(generator, base_noise, num_directions=NUM_STYLE_SLIDERS):
    """The `num_directions` noise directions along which all ten digits drawn from `base_noise` change
    fastest, orthonormal: (num_directions, latent_dim). The top right singular vectors of the ten
    digits' Jacobians (d pixels / d noise) stacked, so that one slider means one style for every digit.
    """
    import tensorflow as tf

    latent_dim, _ = conditional_parts(generator)
    point = tf.constant(np.tile(np.asarray(base_noise, np.float32).reshape(1, latent_dim), (len(DIGITS), 1)))
    with tf.GradientTape() as tape:
        tape.watch(point)
        images = generator([point, tf.constant(DIGITS, tf.int32)], training=False)  # (10, 28, 28, 1)
    jacobian = tape.batch_jacobian(images, point)  # (10, 28, 28, 1, latent_dim): each digit by its own noise row
    stacked = tf.reshape(jacobian, (-1, latent_dim)).numpy().astype(np.float64)  # (7840, latent_dim)
    _, _, right_vectors = np.linalg.svd(stacked, full_matrices=False)
    return right_vectors[:num_directions].astype(np.float32)


def plot_digit(image, row, digit, amounts):
    """The digit asked for, large, above the ten digits drawn in the same style; returns a Figure."""
    from matplotlib.figure import Figure

    from gan_helpers import viz

    figure = Figure(figsize=(6.4, 3.6), layout="constrained")
    large_axes, row_axes = figure.subplots(2, 1, height_ratios=[3, 1])
    large_axes.imshow(image[..., 0], cmap="gray", vmin=-1, vmax=1)
    style = ", ".join(f"{amount:+.1f}" for amount in amounts)
    large_axes.set_title(f"the digit {digit}, style ({style})", fontsize=10)
    large_axes.set_axis_off()
    row_axes.imshow(viz.image_grid(row, columns=len(row)), cmap="gray", vmin=0, vmax=255)
    row_axes.set_title("the same noise, every digit: the style stays, the digit changes", fontsize=9)
    row_axes.set_axis_off()
    return figure


def plot_morph(path_images, image, share, from_digit, to_digit):
    """The way from one digit to another, with the picture at `share` drawn large; returns a Figure."""
    return plot_path(path_images, image, share, f"the noise held still, the label from {from_digit} to {to_digit}",
                     f"{1 - share:.2f} x {from_digit} + {share:.2f} x {to_digit}")


def digit_panel(generator, base_noise, directions):
    """The panel that draws the digit picked with the buttons, in the style the sliders set."""
    controls = {"digit": Control("digit", 7, options=DIGITS, buttons=True)}
    controls.update({
        f"style_{index + 1}": Control(f"style {index + 1}", 0.0, -STYLE_RANGE, STYLE_RANGE, 0.1, readout=".1f")
        for index in range(len(directions))
    })

    def draw(digit, **amounts):
        values = np.array([amounts[f"style_{index + 1}"] for index in range(len(directions))], np.float32)
        noise = np.asarray(base_noise, np.float32) + values @ directions  # (latent_dim,)
        row = digit_images(generator, np.tile(noise, (len(DIGITS), 1)), DIGITS)  # (10, 28, 28, 1)
        return plot_digit(row[digit], row, digit, values)

    return Panel("digit", "Pick a digit, then move its style", draw, controls)


def morph_panel(generator, base_noise):
    """The panel that morphs one digit into another, the noise held still."""
    controls = {
        "from_digit": Control("from the digit", 1, options=DIGITS),
        "to_digit": Control("to the digit", 7, options=DIGITS),
        "share": Control("how far along", 0.75, 0.0, 1.0, 0.05, readout=".2f"),
    }

    def draw(from_digit, to_digit, share):
        path_images = between_digits(generator, base_noise, from_digit, to_digit, np.linspace(0.0, 1.0, MORPH_PICTURES))
        image = between_digits(generator, base_noise, from_digit, to_digit, [share])[0]
        return plot_morph(path_images, image, share, from_digit, to_digit)

    return Panel("morph", "Morph one digit into another, the noise held still", draw, controls)


def digit_picker(generator=None, seed=config.DEFAULT_SEED, num_directions=NUM_STYLE_SLIDERS):
    """Ask a conditional generator for a digit and move its style; morph one digit into another (notebook 08).

    `generator` defaults to the pretrained `conditional` one (pretrained.load_pretrained).
    """
    if generator is None:
        from gan_helpers import pretrained

        generator = pretrained.load_pretrained("conditional")
    latent_dim, _ = conditional_parts(generator)
    base_noise = training.fixed_noise(1, latent_dim, seed)[0]  # (latent_dim,)
    directions = style_directions(generator, base_noise, num_directions)
    return Explorer([digit_panel(generator, base_noise, directions), morph_panel(generator, base_noise)])

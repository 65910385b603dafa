"""The latent explorer of notebook 02_generator: a digit moved along latent directions, across
categories, and between two digits.
"""


import numpy as np

from gan_helpers import checks, codes, config, training
from gan_helpers.lab.widgets.base import Control, Explorer, Panel

NUM_DIRECTIONS = 4  # Sliders for this many latent directions: enough to find a few kinds of change.
DIRECTION_RANGE = 3.0  # Each slider moves the noise up to 3 units (3 standard deviations) along its direction.
CATEGORY_VALUE = 10.0  # As training.category_noise: far above any other code value, so the category wins under any prior.
DIGIT_CANDIDATES = 256  # Noise vectors searched for the clearest example of each digit.
PATH_PICTURES = 9  # Digits drawn along the walk from one digit to the other.
PATHS = ("great circle", "straight line")



def steepest_directions(generator, noise, num_directions=NUM_DIRECTIONS):
    """The `num_directions` directions in which `generator`'s image of `noise` (latent_dim,) changes
    fastest: (num_directions, latent_dim).

    They are the top right singular vectors of the generator's Jacobian (d pixels / d noise) at
    `noise`, orthonormal, and zero on the noise values a generator with categories reads as its
    category (codes.CategoricalCode): they move only the values it reads continuously.
    Introduced in notebook 02_generator.
    """
    import tensorflow as tf

    noise = np.asarray(noise, np.float32)
    latent_dim, num_codes = generator.input_shape[-1], codes.num_codes(generator)
    free = latent_dim - num_codes
    if noise.shape != (latent_dim,):
        raise ValueError(f"expected one noise vector of shape ({latent_dim},), got {noise.shape}")
    checks.whole_number("num_directions", num_directions, 1, free, f"an integer from 1 to the {free} continuous noise values")
    point = tf.constant(noise[None])  # (1, latent_dim)
    with tf.GradientTape() as tape:
        tape.watch(point)
        image = generator(point, training=False)  # (1, 28, 28, 1)
    jacobian = tf.reshape(tape.jacobian(image, point), (-1, latent_dim)).numpy()  # (784, latent_dim)
    _, _, right_vectors = np.linalg.svd(jacobian[:, num_codes:].astype(np.float64), full_matrices=False)  # (free, free)
    directions = np.zeros((num_directions, latent_dim), np.float32)
    directions[:, num_codes:] = right_vectors[:num_directions]
    return directions


def move_noise(base_noise, directions, amounts):
    """`base_noise` (latent_dim,) moved `amounts[i]` along `directions[i]`; amounts of shape (k,) or
    (n, k) give (latent_dim,) or (n, latent_dim).
    """
    base_noise = np.asarray(base_noise, np.float32)
    directions = np.asarray(directions, np.float32)
    amounts = np.asarray(amounts, np.float32)
    if base_noise.ndim != 1 or directions.shape[1:] != base_noise.shape or amounts.shape[-1:] != directions.shape[:1]:
        raise ValueError(
            f"expected base_noise (latent_dim,), directions (k, latent_dim) and amounts (k,) or (n, k), "
            f"got {base_noise.shape}, {directions.shape} and {amounts.shape}"
        )
    return base_noise + amounts @ directions


def latent_walk(generator, base_noise, directions, amounts):
    """The images `generator` draws from `base_noise` moved by each row of `amounts`: (n, 28, 28, 1) in [-1, 1].

    Introduced in notebook 02_generator.
    """
    noise = np.atleast_2d(move_noise(base_noise, directions, amounts))  # (n, latent_dim)
    return training.generate_images(generator, noise)


def with_category(noise, category, num_codes):
    """A copy of `noise` whose first `num_codes` values pick `category`, whatever the generator's prior."""
    if not isinstance(category, (int, np.integer)) or not 0 <= category < num_codes:
        raise ValueError(f"category must be an integer from 0 to num_codes - 1 = {num_codes - 1}, got {category!r}")
    noise = np.array(noise, np.float32, copy=True)
    noise[..., category] = CATEGORY_VALUE
    return noise


def interpolate(noise_a, noise_b, t, spherical=True):
    """The noise a fraction `t` (a number or an array in [0, 1]) of the way from `noise_a` to `noise_b`.

    `spherical` walks along the great circle, which keeps the noise about as long as its two ends
    (Gaussian noise is about sqrt(latent_dim) long); the straight line passes through shorter noise
    than the generator ever trained on. Returns (latent_dim,) for a number, (len(t), latent_dim) for an array.
    Introduced in notebook 02_generator.
    """
    noise_a, noise_b = np.asarray(noise_a, np.float64), np.asarray(noise_b, np.float64)
    if noise_a.ndim != 1 or noise_a.shape != noise_b.shape:
        raise ValueError(f"expected two noise vectors of the same shape (latent_dim,), got {noise_a.shape} and {noise_b.shape}")
    fractions = np.asarray(t, np.float64)
    if fractions.ndim > 1 or not np.all((fractions >= 0) & (fractions <= 1)):
        raise ValueError(f"t must be a number or a 1-D array of numbers in [0, 1], got {t!r}")
    fractions = fractions[..., None]  # () -> (1,), (n,) -> (n, 1): broadcasts against (latent_dim,)
    cosine = noise_a @ noise_b / (np.linalg.norm(noise_a) * np.linalg.norm(noise_b))
    angle = np.arccos(np.clip(cosine, -1.0, 1.0))
    if not spherical or np.sin(angle) < 1e-6:  # Parallel vectors: the circle and the line coincide.
        noise = (1.0 - fractions) * noise_a + fractions * noise_b
    else:
        noise = (np.sin((1.0 - fractions) * angle) * noise_a + np.sin(fractions * angle) * noise_b) / np.sin(angle)
    return noise.astype(np.float32)


def digit_noises(generator, num_candidates=DIGIT_CANDIDATES, seed=config.DEFAULT_SEED):
    """One noise vector per digit 0-9, shape (10, latent_dim): the candidate whose image the evaluation
    classifier is surest is that digit.
    """
    from gan_helpers import digit_classifier

    noise = training.fixed_noise(num_candidates, generator.input_shape[-1], seed)  # (num_candidates, latent_dim)
    probabilities, _ = digit_classifier.classify(training.generate_images(generator, noise))  # (num_candidates, 10)
    return noise[np.argmax(probabilities, axis=0)]


def plot_latent(start_image, image, amounts, category=None):
    """The digit before and after moving its noise, side by side; returns a Figure."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(5, 2.9), layout="constrained")
    moved = ", ".join(f"{amount:+.1f}" for amount in amounts)
    for index, (picture, title) in enumerate(((start_image, "the noise as drawn"), (image, f"moved ({moved})"))):
        axes = figure.add_subplot(1, 2, index + 1)
        axes.imshow(picture[..., 0], cmap="gray", vmin=-1, vmax=1)
        axes.set_title(title, fontsize=9)
        axes.set_axis_off()
    if category is not None:
        figure.suptitle(f"category {category}", fontsize=10)
    return figure


def plot_path(path_images, image, position, path_title, image_title):
    """A strip of digits along a path with a red mark at `position` (0 to 1), and the digit there drawn
    large beside it; returns a Figure."""
    from matplotlib.figure import Figure

    from gan_helpers import viz

    figure = Figure(figsize=(9, 2.6), layout="constrained")
    strip_axes, image_axes = figure.subplots(1, 2, width_ratios=[4, 1])
    strip = viz.image_grid(path_images, columns=len(path_images))  # (32, 2 + 30 * steps) uint8
    strip_axes.imshow(strip, cmap="gray", vmin=0, vmax=255)
    # Digit i of the strip is centred at column 15.5 + 30 i (28 pixels and 2 of padding each): mark the position.
    strip_axes.axvline(15.5 + position * (strip.shape[1] - 32), color="tab:red", linewidth=2)
    strip_axes.set_title(path_title, fontsize=9)
    strip_axes.set_axis_off()
    image_axes.imshow(image[..., 0], cmap="gray", vmin=-1, vmax=1)
    image_axes.set_title(image_title, fontsize=9)
    image_axes.set_axis_off()
    return figure


def plot_interpolation(path_images, image, t, start_digit, end_digit, path):
    """The walk from one digit to the other, with the digit at `t` drawn large; returns a Figure."""
    return plot_path(path_images, image, t, f"{path}: the digit {start_digit} at t = 0, the digit {end_digit} at t = 1",
                     f"t = {t:.2f}")


def latent_panel(generator, base_noise, directions):
    """The panel of sliders along `directions` and, for a generator with categories, a category slider."""
    num_codes = codes.num_codes(generator)
    controls = {
        f"direction_{index + 1}": Control(f"direction {index + 1}", 0.0, -DIRECTION_RANGE, DIRECTION_RANGE, 0.1, readout=".1f")
        for index in range(len(directions))
    }
    if num_codes:
        default_category = int(codes.code_layer(generator).categories(base_noise[None])[0])
        controls["category"] = Control("category", default_category, 0, num_codes - 1, 1)
    start_image = latent_walk(generator, base_noise, directions, np.zeros(len(directions)))[0]

    def draw(category=None, **amounts):
        values = [amounts[f"direction_{index + 1}"] for index in range(len(directions))]
        noise = base_noise if category is None else with_category(base_noise, category, num_codes)
        return plot_latent(start_image, latent_walk(generator, noise, directions, values)[0], values, category)

    title = (
        "Move the noise along the directions in which the digit changes fastest"
        + (", and pick its category" if num_codes else "")
    )
    return Panel("latent", title, draw, controls)


def interpolation_panel(generator, seed=config.DEFAULT_SEED):
    """The panel that walks from the clearest example of one digit to that of another."""
    endpoints = digit_noises(generator, seed=seed)  # (10, latent_dim)
    controls = {
        "start_digit": Control("from the digit", 3, options=tuple(range(10))),
        "end_digit": Control("to the digit", 8, options=tuple(range(10))),
        "path": Control("path", PATHS[0], options=PATHS),
        "t": Control("t: how far along", 0.5, 0.0, 1.0, 0.05, readout=".2f"),
    }

    def draw(start_digit, end_digit, path, t):
        spherical = path == PATHS[0]
        fractions = np.linspace(0.0, 1.0, PATH_PICTURES)
        path_noise = interpolate(endpoints[start_digit], endpoints[end_digit], fractions, spherical)  # (9, latent_dim)
        noise = interpolate(endpoints[start_digit], endpoints[end_digit], t, spherical)[None]  # (1, latent_dim)
        return plot_interpolation(
            training.generate_images(generator, path_noise), training.generate_images(generator, noise)[0],
            t, start_digit, end_digit, path,
        )

    return Panel("interpolation", "Walk from one digit to another", draw, controls)


def latent_explorer(generator=None, seed=config.DEFAULT_SEED, num_directions=NUM_DIRECTIONS):
    """Sliders that move a trained generator's noise and redraw its digit (notebook 02_generator).

    `generator` defaults to the pretrained `fast` one (pretrained.load_pretrained). The direction
    sliders move the noise along the directions in which its digit changes fastest
    (steepest_directions), among the values it reads continuously; the category slider, for a
    generator with categories, changes the digit's kind at once.
    """
    if generator is None:
        from gan_helpers import pretrained

        generator = pretrained.load_pretrained()
    base_noise = training.fixed_noise(1, generator.input_shape[-1], seed)[0]  # (latent_dim,)
    directions = steepest_directions(generator, base_noise, num_directions)
    return Explorer([latent_panel(generator, base_noise, directions), interpolation_panel(generator, seed)])

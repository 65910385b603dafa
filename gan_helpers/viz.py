"""Pictures of a GAN at work: digit grids, the progress GIF and the training curves.

Figures are built with matplotlib's object API (no pyplot state), so they work the same in a
notebook, where Jupyter displays a returned Figure, and on a machine without a screen.
"""

import csv
from pathlib import Path

import numpy as np

from gan_helpers import data

CURVE_PANELS = (
    ("Losses", ("d_loss", "g_loss")),
    ("Discriminator's mean output: D(x) real, D(G(z)) fake", ("real_score", "fake_score")),
)


def to_uint8_images(images):
    """Return images as uint8 of shape (N, 28, 28): uint8 passes through, floats are read as [-1, 1]."""
    images = np.asarray(images)
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]  # (N, 28, 28, 1) -> (N, 28, 28)
    if images.ndim != 3:
        raise ValueError(f"expected images of shape (N, height, width) or (N, height, width, 1), got {images.shape}")
    return images if images.dtype == np.uint8 else data.denormalize(images)


def image_grid(images, columns=None, padding=2):
    """Tile images into one uint8 picture: `columns` wide (square by default), `padding` black pixels apart."""
    images = to_uint8_images(images)
    count, height, width = images.shape
    if count == 0:
        raise ValueError("image_grid needs at least one image")
    columns = columns or int(np.ceil(np.sqrt(count)))
    rows = int(np.ceil(count / columns))
    grid = np.zeros((rows * (height + padding) + padding, columns * (width + padding) + padding), dtype=np.uint8)
    for index, image in enumerate(images):
        top = padding + (index // columns) * (height + padding)
        left = padding + (index % columns) * (width + padding)
        grid[top:top + height, left:left + width] = image
    return grid


def save_grid(images, path, columns=None, scale=2):
    """Write `images` as one PNG grid, each pixel drawn `scale` times larger; return the path."""
    import imageio.v3 as iio

    grid = image_grid(images, columns)
    grid = np.kron(grid, np.ones((scale, scale), dtype=np.uint8))
    path = Path(path)
    iio.imwrite(path, grid)
    return path


def show_grid(images, title=None, columns=None):
    """Return a matplotlib Figure of `images` in a grid, for notebooks."""
    from matplotlib.figure import Figure

    grid = image_grid(images, columns)
    figure = Figure(figsize=(4, 4 * grid.shape[0] / grid.shape[1]))
    axes = figure.add_subplot()
    axes.imshow(grid, cmap="gray", vmin=0, vmax=255)
    axes.set_axis_off()
    if title:
        axes.set_title(title)
    return figure


def make_gif(frame_paths, gif_path, duration_ms=200):
    """Write the PNG frames as an animated GIF that loops forever, `duration_ms` per frame; return the path."""
    import imageio.v3 as iio

    frame_paths = [Path(path) for path in frame_paths]
    if not frame_paths:
        raise ValueError("make_gif needs at least one frame")
    frames = np.stack([iio.imread(path) for path in frame_paths])
    iio.imwrite(gif_path, frames, duration=duration_ms, loop=0)
    return Path(gif_path)


def read_history(path):
    """Read a history.csv written during training into {column: list of floats}; {} when it has no rows.

    An empty cell (an epoch that did not log that column) reads as NaN.
    """
    with open(path, newline="") as file:
        rows = list(csv.DictReader(file))
    return {column: [float(row[column]) if row[column] else float("nan") for row in rows] for column in rows[0]} if rows else {}


def plot_history(history, path=None):
    """Plot losses, D(x) / D(G(z)) and, when logged, quality per epoch from a history dict or history.csv.

    Healthy training keeps both scores away from 0 and 1: a discriminator that wins outright
    (D(x) near 1, D(G(z)) near 0) starves the generator of useful gradients. The quality panel
    shows the classifier score (up is better, 10 at most) and the Fréchet distance (down is better).
    """
    from matplotlib.figure import Figure

    if not isinstance(history, dict):
        history = read_history(history)
    if not history:
        raise ValueError("the history holds no epochs yet: nothing to plot")
    epochs = history.get("epoch") or list(range(1, len(history["d_loss"]) + 1))
    has_quality = "classifier_score" in history and "frechet_distance" in history
    num_panels = len(CURVE_PANELS) + has_quality
    figure = Figure(figsize=(5 * num_panels, 3.5), layout="constrained")
    for index, (title, columns) in enumerate(CURVE_PANELS):
        axes = figure.add_subplot(1, num_panels, index + 1)
        for column in columns:
            axes.plot(epochs, history[column], marker="o", markersize=3, label=column)
        if index == 1:
            axes.axhline(0.5, color="gray", linestyle=":", linewidth=1, label="0.5: can't tell")
            axes.set_ylim(-0.02, 1.02)
        axes.set_title(title, fontsize=10)
        axes.set_xlabel("epoch")
        axes.legend(fontsize=8)
    if has_quality:
        plot_quality(figure.add_subplot(1, num_panels, num_panels), epochs, history)
    if path is not None:
        figure.savefig(path, dpi=100)
    return figure


def plot_quality(axes, epochs, history):
    """Classifier score (left axis) and Fréchet distance (right axis, log scale) per epoch on `axes`."""
    axes.plot(epochs, history["classifier_score"], marker="o", markersize=3, color="tab:green", label="classifier score")
    axes.set_ylim(0, 10.2)
    axes.set_ylabel("classifier score (10 at most)", color="tab:green")
    distance_axes = axes.twinx()
    distance_axes.plot(
        epochs, history["frechet_distance"], marker="s", markersize=3, color="tab:purple", label="Fréchet distance",
    )
    distance_axes.set_yscale("log")
    distance_axes.set_ylabel("Fréchet distance (lower is better)", color="tab:purple")
    axes.set_title("Quality of the fixed noise batch", fontsize=10)
    axes.set_xlabel("epoch")

"""The 2-D toy's data: the ring of 8 Gaussians and the 5x5 grid of 25, and the published scores of samples.

A sample is *high quality* when it lies within 3 standard deviations of its nearest mode, and a
mode is *captured* when at least one high-quality sample is nearest to it (Metz et al., 2017;
Srivastava et al., 2017; Lin et al., 2018). Introduced in notebook 06_failure_modes.
"""


import numpy as np

from gan_helpers import config

RING_MODES, RING_RADIUS, RING_STD = 8, 2.0, 0.02  # As in the Unrolled GAN, VEEGAN and PacGAN papers.
GRID_SIDE, GRID_SPACING, GRID_STD = 5, 2.0, 0.05  # Modes at -4, -2, 0, 2, 4 on both axes (VEEGAN, PacGAN).
NUM_SAMPLES = 2_500  # Samples the published metrics score.
HIGH_QUALITY_STDS = 3.0  # A sample within this many standard deviations of its nearest mode is high quality.
EXTENTS = {"ring": 3.0, "grid": 6.0}  # Half the side of the square that plots and decision surfaces cover.

METHODS = {
    "vanilla": "the plain minimax GAN: the generator minimises log(1 - D(G(z))) (Goodfellow et al., 2014)",
    "ns": "non-saturating: the generator minimises -log D(G(z)) instead (Goodfellow et al., 2014)",
    "wgan-gp": "a Wasserstein critic with a gradient penalty, 5 critic updates a step (Gulrajani et al., 2017)",
    "pacgan": "PacGAN2: the discriminator judges 2 samples at once, side by side (Lin et al., 2018)",
    "minibatch-std": "the discriminator also sees how spread out each group of 4 samples is (Karras et al., 2018)",
    "unrolled": "the generator answers the discriminator as it will be 5 Adam updates later (Metz et al., 2017)",
    "spectral-norm": "every discriminator layer stretches its input by at most 1 (Miyato et al., 2018)",
}


def check_dataset(dataset):
    """Return `dataset` when it is "ring" or "grid"; raise ValueError otherwise."""
    if dataset not in config.TOY_DATASETS:
        raise ValueError(f"unknown dataset {dataset!r}; expected one of: {', '.join(config.TOY_DATASETS)}")
    return dataset


def check_method(method):
    """Return `method` when it is one of METHODS; raise ValueError listing them otherwise."""
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; expected one of: {', '.join(METHODS)}")
    return method


def mode_centers(dataset="ring"):
    """The centres of the data set's Gaussians: (8, 2) on the ring, (25, 2) on the grid."""
    if check_dataset(dataset) == "ring":
        angles = 2 * np.pi * np.arange(RING_MODES) / RING_MODES
        return RING_RADIUS * np.stack([np.cos(angles), np.sin(angles)], axis=1)
    offsets = GRID_SPACING * (np.arange(GRID_SIDE) - (GRID_SIDE - 1) / 2)  # -4, -2, 0, 2, 4
    return np.stack(np.meshgrid(offsets, offsets, indexing="ij"), axis=-1).reshape(-1, 2)


def mode_std(dataset="ring"):
    """The standard deviation of each of the data set's Gaussians, on both axes."""
    return RING_STD if check_dataset(dataset) == "ring" else GRID_STD


def sample_real(num_samples, dataset="ring", seed=config.DEFAULT_SEED):
    """Draw `num_samples` real points, float32 of shape (num_samples, 2), each mode equally likely."""
    rng = np.random.default_rng(seed)
    centers = mode_centers(dataset)
    picks = rng.integers(len(centers), size=num_samples)
    return (centers[picks] + mode_std(dataset) * rng.standard_normal((num_samples, 2))).astype(np.float32)


def check_samples(samples):
    """Return `samples` as float64 points of shape (N, 2); raise ValueError for any other shape."""
    samples = np.asarray(samples, dtype=np.float64)
    if samples.ndim != 2 or samples.shape[1] != 2 or len(samples) == 0:
        raise ValueError(f"expected points of shape (N, 2) with N >= 1, got shape {samples.shape}")
    return samples


def nearest_modes(samples, dataset="ring"):
    """For each sample, the index of its nearest mode and its (Euclidean) distance to it."""
    samples = check_samples(samples)
    distances = np.linalg.norm(samples[:, None, :] - mode_centers(dataset)[None], axis=-1)  # (N, modes)
    nearest = distances.argmin(axis=1)
    return nearest, distances[np.arange(len(samples)), nearest]


def high_quality(samples, dataset="ring"):
    """One bool per sample: True when it lies within 3 standard deviations of its nearest mode."""
    _, distances = nearest_modes(samples, dataset)
    return distances <= HIGH_QUALITY_STDS * mode_std(dataset)


def high_quality_share(samples, dataset="ring"):
    """The fraction of high-quality samples; real data score 1 - exp(-9/2) = 98.9% in 2-D."""
    return float(high_quality(samples, dataset).mean())


def modes_captured(samples, dataset="ring"):
    """How many modes have at least one high-quality sample nearest to them."""
    nearest, distances = nearest_modes(samples, dataset)
    return int(len(np.unique(nearest[distances <= HIGH_QUALITY_STDS * mode_std(dataset)])))



"""How good are generated digits? A small MNIST classifier and the numbers it gives.

- **classifier score**: exp of the mean KL divergence between p(y|x) and p(y). Sharp, varied
  digits score near 10 (ten equally likely, unmistakable classes); blobs or one class score near 1.
- **Fréchet distance**: between Gaussians fitted to the classifier's 64 features of generated and
  of real digits. 0 means the same mean and spread; lower is better.
- **class histogram** and **smallest class**: the share of samples per predicted digit; a missing
  digit (mode collapse) shows up here first.
- **confident share**: samples the classifier calls with probability >= 0.9.
- **copy rate**: samples whose nearest training digit is closer than 99% of real digits are to
  their own nearest neighbour. A GAN trained on 5,000 digits can memorise; this catches it.
- **read as asked** (a conditional generator, notebook 08): per digit asked for, the share of its
  samples that the classifier reads as that digit.

Every figure is printed beside the same figure for 1,000 real digits the classifier never saw:
the floor a perfect generator would reach. Introduced in notebook 05_training_loop.
"""

import functools
from dataclasses import dataclass

import numpy as np

from gan_helpers import config
from gan_helpers.digit_classifier import (
    NUM_CLASSES,
    NUM_HELD_OUT,
    as_unit_images,
    classify,
    load_classifier,
    offline_split,
)

CONFIDENT_PROBABILITY = 0.9
COPY_PERCENTILE = 1.0  # A sample closer to the training set than 99% of real digits counts as a copy.
FRECHET_CHUNK = NUM_HELD_OUT  # Fréchet distance is biased by sample size: compare equal-sized sets.
IDENTICAL_SQUARED_DISTANCE = 1e-9  # Below this, two digits are the same digit (float64 rounding).
MAX_COPY_QUERIES = 1_000  # Real digits used to set the copy threshold on a large training set.
DEFAULT_NUM_SAMPLES = 2_000
MAX_NUM_SAMPLES = 100_000  # The most digits evaluate scores at once (their features and distances stay in memory).


def classifier_score(probabilities):
    """exp(mean KL(p(y|x) || p(y))): 10 for sharp, evenly spread digits, 1 for blobs or a single class."""
    probabilities = np.clip(np.asarray(probabilities, dtype=np.float64), 1e-12, 1.0)
    marginal = probabilities.mean(axis=0, keepdims=True)  # p(y), shape (1, 10)
    kl_divergence = (probabilities * (np.log(probabilities) - np.log(marginal))).sum(axis=1)
    return float(np.exp(kl_divergence.mean()))


def _psd_square_root(matrix):
    """The square root of a symmetric positive semi-definite matrix, from its eigendecomposition."""
    eigenvalues, eigenvectors = np.linalg.eigh(matrix)
    return (eigenvectors * np.sqrt(np.clip(eigenvalues, 0, None))) @ eigenvectors.T


def gaussian_statistics(features):
    """Mean and covariance of a (N, D) feature array."""
    features = np.asarray(features, dtype=np.float64)
    if len(features) < 2:
        raise ValueError(f"a Fréchet distance needs at least 2 digits, got {len(features)}")
    return features.mean(axis=0), np.cov(features, rowvar=False)


def frechet_distance(statistics, other_statistics):
    """|m1 - m2|^2 + Tr(C1 + C2 - 2 (C1 C2)^(1/2)) between two (mean, covariance) pairs.

    Tr((C1 C2)^(1/2)) equals the sum of square roots of the eigenvalues of C1^(1/2) C2 C1^(1/2),
    a symmetric matrix, so NumPy's eigvalsh suffices (no SciPy).
    """
    mean, covariance = statistics
    other_mean, other_covariance = other_statistics
    root = _psd_square_root(covariance)
    cross = np.linalg.eigvalsh(root @ other_covariance @ root)
    trace_of_root = np.sqrt(np.clip(cross, 0, None)).sum()
    distance = np.sum((mean - other_mean) ** 2) + np.trace(covariance) + np.trace(other_covariance) - 2 * trace_of_root
    return float(max(distance, 0.0))


def chunked_frechet_distance(features, reference_statistics, chunk=FRECHET_CHUNK):
    """Mean Fréchet distance over disjoint chunks of `chunk` samples (one chunk when there are fewer)."""
    features = np.asarray(features)
    starts = range(0, max(len(features) - chunk, 0) + 1, chunk)
    distances = [frechet_distance(gaussian_statistics(features[start:start + chunk]), reference_statistics) for start in starts]
    return float(np.mean(distances))


def _flat_unit(images):
    return as_unit_images(images).reshape(-1, 28 * 28)


def pairwise_distances(rows, columns):
    """Euclidean distances between every flat row of `rows` and every one of `columns`: shape (N, M).

    Computed in float64 as |a|^2 + |b|^2 - 2ab: float32 rounding would hide exact copies.
    """
    rows, columns = np.asarray(rows, np.float64), np.asarray(columns, np.float64)
    squared = (rows**2).sum(axis=1)[:, None] + (columns**2).sum(axis=1)[None, :] - 2.0 * rows @ columns.T
    return np.sqrt(np.maximum(squared, 0.0))


def nearest_distances(queries, references, skip_identical=False, chunk=500):
    """Euclidean distance (pixels in [0, 1]) from each flat query digit to its nearest reference digit.

    With `skip_identical`, a reference identical to the query (the query itself) does not count.
    """
    nearest = []
    for start in range(0, len(queries), chunk):
        distances = pairwise_distances(queries[start:start + chunk], references)
        if skip_identical:
            distances[distances**2 < IDENTICAL_SQUARED_DISTANCE] = np.inf
        nearest.append(distances.min(axis=1))
    return np.concatenate(nearest)


def copy_threshold(flat_images, seed=config.EVALUATION_SPLIT_SEED):
    """The distance below which a digit counts as a copy: the 1st percentile of real nearest-neighbour distances.

    Up to MAX_COPY_QUERIES real digits, drawn with a fixed seed, each look up their nearest other digit.
    """
    queries = flat_images[np.random.default_rng(seed).permutation(len(flat_images))[:MAX_COPY_QUERIES]]
    distances = nearest_distances(queries, flat_images, skip_identical=True)
    return float(np.percentile(distances, COPY_PERCENTILE))


@dataclass(eq=False)  # Hashed by identity, so real_floor can cache per reference.
class Reference:
    """What generated digits are compared with: the classifier, real feature statistics and the training set."""

    classifier: object
    feature_statistics: tuple  # (mean, covariance) of the 4,000 classifier-training digits' features
    held_out_images: np.ndarray  # uint8: the 1,000 real digits behind the floor
    training_data: str = "offline"  # what the GAN trained on, for the copy rate

    @functools.cached_property
    def training_images(self):
        """The GAN's training digits, flat float in [0, 1] (loaded on first use: only the copy rate needs them)."""
        from gan_helpers import data

        return _flat_unit(data.load_mnist(self.training_data, max_images=10**9, verbose=False)[0])

    @functools.cached_property
    def copy_threshold(self):
        return copy_threshold(self.training_images)


@functools.lru_cache(maxsize=4)
def reference(training_data="offline"):
    """The comparison set: offline real digits for the classifier figures, `training_data` for the copy rate.

    `training_data` is what the GAN trained on ("offline", "keras", a folder of IDX files...).
    """
    classifier, statistics = load_classifier()
    _, (held_out_images, _) = offline_split()
    return Reference(classifier, statistics, held_out_images, str(training_data))


def reference_for(training_data):
    """The reference for a run that trained on `training_data`, reading "auto" as what it picks on this machine."""
    if training_data == "auto":
        from gan_helpers import data

        training_data = "keras" if data.keras_mnist_available() else "offline"
    return reference(training_data)


@dataclass
class Scores:
    """The evaluation figures of one set of digits."""

    num_images: int
    classifier_score: float
    frechet_distance: float
    class_histogram: np.ndarray  # share of samples per predicted digit 0-9
    confident_share: float
    copy_rate: float
    digit_accuracy: dict | None = None  # {digit asked for: share read as it}, for a conditional generator

    @property
    def mean_digit_accuracy(self):
        """The share read as the digit asked for, averaged over the digits asked for (NaN without them)."""
        return float(np.mean(list(self.digit_accuracy.values()))) if self.digit_accuracy else float("nan")

    @property
    def smallest_class(self):
        """(digit, share) of the rarest predicted digit."""
        digit = int(np.argmin(self.class_histogram))
        return digit, float(self.class_histogram[digit])


def digit_accuracy(predictions, requested):
    """{digit: share of the samples asked to be that digit whose prediction is it}, for each digit asked for."""
    predictions, requested = np.asarray(predictions), np.asarray(requested)
    if requested.shape != predictions.shape:
        raise ValueError(f"expected one requested digit per sample, shape {predictions.shape}, got shape {requested.shape}")
    return {int(digit): float(np.mean(predictions[requested == digit] == digit)) for digit in np.unique(requested)}


def evaluate_images(images, reference_set=None, copy_rate=True, requested=None):
    """Score digits (uint8 or generator output) against `reference_set` (default: the offline reference).

    `requested`, the digit each sample was asked to be (a conditional generator), adds digit_accuracy.
    """
    reference_set = reference_set or reference()
    probabilities, features = classify(images, reference_set.classifier)
    predictions = probabilities.argmax(axis=1)
    accuracy = digit_accuracy(predictions, requested) if requested is not None else None
    histogram = np.bincount(predictions, minlength=NUM_CLASSES) / len(predictions)
    copies = float("nan")
    if copy_rate:
        distances = nearest_distances(_flat_unit(images), reference_set.training_images)
        copies = float(np.mean(distances < reference_set.copy_threshold))
    return Scores(
        num_images=len(probabilities),
        classifier_score=classifier_score(probabilities),
        frechet_distance=chunked_frechet_distance(features, reference_set.feature_statistics),
        class_histogram=histogram,
        confident_share=float(np.mean(probabilities.max(axis=1) >= CONFIDENT_PROBABILITY)),
        copy_rate=copies,
        digit_accuracy=accuracy,
    )


@functools.lru_cache(maxsize=4)
def real_floor(reference_set=None):
    """The same figures for the 1,000 held-out real digits: what a perfect generator would score.

    Held-out digits are in the GAN's training set too, so each skips itself when its nearest
    training digit is looked up, just as the digits that set the copy threshold do.
    """
    reference_set = reference_set or reference()
    scores = evaluate_images(reference_set.held_out_images, reference_set, copy_rate=False)
    distances = nearest_distances(_flat_unit(reference_set.held_out_images), reference_set.training_images, skip_identical=True)
    scores.copy_rate = float(np.mean(distances < reference_set.copy_threshold))
    return scores


def evaluation_table(scores, floor, title):
    """The figures of `scores` beside the real-digit floor, as lines of text for a terminal or a notebook."""
    ratio = scores.frechet_distance / floor.frechet_distance if floor.frechet_distance > 0 else float("inf")

    def smallest(result):
        digit, share = result.smallest_class
        return f"{share:.1%} ({digit}s)"

    rows = [
        ("classifier score (10 at most)", f"{scores.classifier_score:.2f}", f"{floor.classifier_score:.2f}", ""),
        ("Fréchet distance", f"{scores.frechet_distance:.2f}", f"{floor.frechet_distance:.2f}", f"{ratio:.1f}x the floor"),
        (
            f"confident share (p >= {CONFIDENT_PROBABILITY:g})", f"{scores.confident_share:.1%}",
            f"{floor.confident_share:.1%}", "",
        ),
        ("copy rate", f"{scores.copy_rate:.1%}" if np.isfinite(scores.copy_rate) else "-", f"{floor.copy_rate:.1%}", ""),
        ("smallest class", smallest(scores), smallest(floor), ""),
    ]
    header = ("", f"generated ({scores.num_images:,})", f"real ({floor.num_images:,})", "")
    widths = [max(len(row[column]) for row in rows + [header]) for column in range(3)]
    lines = [title, ""]
    for row in [header] + rows:
        lines.append(f"{row[0]:<{widths[0]}}  {row[1]:>{widths[1]}}  {row[2]:>{widths[2]}}  {row[3]}".rstrip())
    lines += ["", "Share of each predicted digit:"]
    lines.append("digit      " + "".join(f"{digit:>7}" for digit in range(NUM_CLASSES)))
    for label, result in (("generated", scores), ("real", floor)):
        lines.append(f"{label:<11}" + "".join(f"{share:>7.1%}" for share in result.class_histogram))
    if scores.digit_accuracy is not None:
        lines += ["", "Share read as the digit asked for:"]
        lines.append("digit      " + "".join(f"{digit:>7}" for digit in scores.digit_accuracy))
        lines.append("read as it " + "".join(f"{share:>7.1%}" for share in scores.digit_accuracy.values()))
        digit, share = min(scores.digit_accuracy.items(), key=lambda item: item[1])
        lines.append(f"lowest: {share:.1%} ({digit}s)")
    return "\n".join(lines)


def plot_class_histogram(scores, floor=None, title="Which digits does the generator draw?"):
    """Bar chart of the share of each predicted digit, with the real digits' shares beside it; returns a Figure."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(7, 3), layout="constrained")
    axes = figure.add_subplot()
    digits = np.arange(NUM_CLASSES)
    width = 0.4 if floor is not None else 0.8
    axes.bar(digits - (width / 2 if floor is not None else 0), scores.class_histogram, width, label="generated")
    if floor is not None:
        axes.bar(digits + width / 2, floor.class_histogram, width, color="lightgray", label="real (held out)")
    axes.axhline(1 / NUM_CLASSES, color="gray", linestyle=":", linewidth=1, label="10%: every digit equally")
    axes.set_xticks(digits)
    axes.set_xlabel("digit the classifier sees")
    axes.set_ylabel("share of samples")
    axes.set_title(title, fontsize=10)
    axes.legend(fontsize=8)
    return figure

"""Retrain the evaluation classifier on 4,000 offline digits and report its accuracy on the other 1,000.

    python -m tools.train_classifier            # writes gan_helpers/weights/classifier.npz
    python -m tools.train_classifier --out FILE.npz --epochs 3

Small random shifts, rotations and zooms stand in for the 55,000 digits the offline set lacks.
"""

import argparse
import sys
from pathlib import Path

import numpy as np

from gan_helpers import config, digit_classifier, evaluation

DEFAULT_EPOCHS = 40
BATCH_SIZE = 64
LEARNING_RATE = 1e-3


def augmenter():
    """Random shifts (2 pixels), rotations (about 10 degrees) and zooms (10%), applied while training only."""
    import keras
    from keras import layers

    return keras.Sequential(
        [
            layers.RandomRotation(0.03, fill_mode="constant"),
            layers.RandomZoom(0.1, fill_mode="constant"),
            layers.RandomTranslation(2 / 28, 2 / 28, fill_mode="constant"),
        ],
        name="augmenter",
    )


def train_classifier(epochs=DEFAULT_EPOCHS, seed=config.DEFAULT_SEED, verbose=2):
    """Train a new evaluation classifier; return (classifier, held-out accuracy)."""
    import keras

    config.set_seed(seed)
    (train_images, train_labels), (held_out_images, held_out_labels) = digit_classifier.offline_split()
    classifier = digit_classifier.build_classifier()
    images = keras.Input(shape=(28, 28, 1))
    logits, _ = classifier(augmenter()(images))
    trainer = keras.Model(images, logits)
    schedule = keras.optimizers.schedules.CosineDecay(LEARNING_RATE, epochs * (len(train_images) // BATCH_SIZE))
    trainer.compile(
        optimizer=keras.optimizers.Adam(schedule),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    trainer.fit(
        digit_classifier.as_unit_images(train_images), train_labels.astype(np.int32),
        batch_size=BATCH_SIZE, epochs=epochs, verbose=verbose, shuffle=True,
    )
    return classifier, held_out_accuracy(classifier, held_out_images, held_out_labels)


def held_out_accuracy(classifier=None, images=None, labels=None):
    """Share of the 1,000 held-out offline digits (or `images`, `labels`) the classifier gets right."""
    if images is None:
        _, (images, labels) = digit_classifier.offline_split()
    probabilities, _ = digit_classifier.classify(images, classifier)
    return float(np.mean(probabilities.argmax(axis=1) == labels))


def save_classifier(classifier, path=digit_classifier.CLASSIFIER_PATH):
    """Save the classifier's weights, in layer order, and its features' statistics on the 4,000 training digits.

    The statistics are what generated digits are compared with; storing them saves every
    evaluation from classifying those 4,000 digits again (a test checks they match).
    """
    (train_images, _), _ = digit_classifier.offline_split()
    _, train_features = digit_classifier.classify(train_images, classifier)
    mean, covariance = evaluation.gaussian_statistics(train_features)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    weights = {f"weight_{index:02d}": value for index, value in enumerate(classifier.get_weights())}
    np.savez_compressed(path, feature_mean=mean, feature_covariance=covariance, **weights)
    return path


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tools.train_classifier", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--epochs", type=int, default=DEFAULT_EPOCHS, help=f"passes over the 4,000 digits (default {DEFAULT_EPOCHS})",
    )
    parser.add_argument("--seed", type=int, default=config.DEFAULT_SEED, help="random seed")
    parser.add_argument("--out", type=Path, default=digit_classifier.CLASSIFIER_PATH, help="where to write the weights")
    args = parser.parse_args(argv)
    if args.epochs < 1 or args.seed < 0:
        parser.exit(2, f"{parser.prog}: error: --epochs must be >= 1 and --seed >= 0\n")
    classifier, accuracy = train_classifier(args.epochs, args.seed)
    path = save_classifier(classifier, args.out)
    print(
        f"Held-out accuracy: {accuracy:.2%} on {digit_classifier.NUM_HELD_OUT:,} digits. "
        f"Wrote {path} ({path.stat().st_size / 1e3:.0f} kB)."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

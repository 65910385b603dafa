"""Recipes side by side at an equal budget: the ladder from the plain GAN to the course recipe, over seeds.

Each configuration trains exactly as `python -m gan_helpers train` does (runs.train_run) and is
scored as `evaluate` scores a run. Notebook 07_beyond_dcgan uses it for its table; from a checkout,
`python -m tools.ablation` prints the same table for any budget and seeds (docs/ablation.md).
"""

import dataclasses
from pathlib import Path

import numpy as np

from gan_helpers import config, recipes


@dataclasses.dataclass
class Trained:
    """One configuration trained with one seed: where it lives, what it cost and how it scored."""

    name: str
    seed: int
    settings: recipes.TrainSettings
    run_dir: Path
    steps: int
    seconds: float
    scores: object  # evaluation.Scores

    def gan(self):
        """The trained GAN rebuilt from the run's checkpoint: its raw generator, its tricks and all."""
        from gan_helpers import checkpoints, training

        gan = training.make_gan(self.settings)
        checkpoints.load_checkpoint(self.run_dir, gan)
        return gan


def ladder(leave_one_out=False):
    """[(name, settings)]: the plain GAN, then each rung of recipes.LADDER (each adds its trick to the
    tricks the course kept before it; the last is the course recipe).

    With `leave_one_out`, also the course recipe without each of its tricks, one at a time (a
    learned prior needs categories, so leaving out categories leaves out the prior too), and with
    each trick it left out.
    """
    configurations = [("plain", recipes.ladder(0))]
    configurations += [(f"+ {rung.name}", recipes.ladder(index)) for index, rung in enumerate(recipes.LADDER, start=1)]
    if leave_one_out:
        plain, course = recipes.TrainSettings(), recipes.recipe("course")
        for rung in recipes.LADDER:
            if not rung.in_course:
                configurations.append((f"course with {rung.name}", course.replace(**rung.changes)))
                continue
            back = {name: getattr(plain, name) for name in rung.changes}
            if "codes" in rung.changes:
                back["prior"] = plain.prior
            configurations.append((f"course without {rung.name}", course.replace(**back)))
    return configurations


def train_and_score(
    name, settings, run_dir, images=None, minutes=None, epochs=None, num_samples=None, sample_seed=config.DEFAULT_SEED,
):
    """Train `settings` into the new folder `run_dir` for `minutes` or `epochs`, then score its digits."""
    from gan_helpers import evaluation, runs, viz

    result = runs.train_run(run_dir, settings, minutes=minutes, epochs=epochs, images=images, verbose=0)
    history = viz.read_history(Path(run_dir) / runs.HISTORY_FILE)
    digits = runs.sample_digits(runs.load_generator(run_dir), num_samples or evaluation.DEFAULT_NUM_SAMPLES, seed=sample_seed)
    reference_set = evaluation.reference_for(settings.data)
    return Trained(
        name=name, seed=settings.seed, settings=settings, run_dir=Path(run_dir), steps=result.steps,
        seconds=float(history["seconds"][-1]), scores=evaluation.evaluate_images(digits, reference_set),
    )


def run(configurations, seeds, root, images=None, minutes=None, epochs=None, num_samples=None, report=print):
    """Train every (name, settings) of `configurations` with every seed into folders under `root`; return the Trained list."""
    results = []
    for seed in seeds:
        for name, settings in configurations:
            run_dir = Path(root) / f"{name.replace(' ', '_').replace('+', 'with')}_seed{seed}"
            trained = train_and_score(name, settings.replace(seed=seed), run_dir, images, minutes, epochs, num_samples)
            results.append(trained)
            if report:
                report(f"{name}, seed {seed}: {summary(trained)}")
    return results


def summary(trained):
    """One line of figures: classifier score, Fréchet distance, smallest class, copy rate, steps and seconds."""
    scores = trained.scores
    digit, share = scores.smallest_class
    return (
        f"CS {scores.classifier_score:.2f}, FD {scores.frechet_distance:.2f}, smallest class {share:.1%} ({digit}s), "
        f"copy rate {scores.copy_rate:.1%}, {trained.steps:,} steps in {trained.seconds:.0f} s"
    )


def markdown_table(results, floor):
    """The mean and the worst seed of each configuration, in the order they were trained, as a Markdown table."""
    names = list(dict.fromkeys(trained.name for trained in results))
    lines = [
        "| configuration | seeds | steps | classifier score (worst) | Fréchet distance, x floor (worst) "
        "| smallest class (worst) | copy rate (worst) | seconds |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name in names:
        rows = [trained for trained in results if trained.name == name]
        scores = [trained.scores for trained in rows]
        cs = np.array([s.classifier_score for s in scores])
        fd = np.array([s.frechet_distance for s in scores]) / floor.frechet_distance
        smallest = np.array([s.smallest_class[1] for s in scores])
        copies = np.array([s.copy_rate for s in scores])
        lines.append(
            f"| {name} | {', '.join(str(t.seed) for t in rows)} | {np.mean([t.steps for t in rows]):,.0f} "
            f"| {cs.mean():.2f} ({cs.min():.2f}) | {fd.mean():.1f}x ({fd.max():.1f}x) "
            f"| {smallest.mean():.1%} ({smallest.min():.1%}) | {copies.mean():.1%} ({copies.max():.1%}) "
            f"| {np.mean([t.seconds for t in rows]):.0f} |"
        )
    return "\n".join(lines)


def learning_rate_curve(settings, num_steps=1_000):
    """The learning rate `settings` train with at each of `num_steps` evenly spaced points of a run (notebook 07)."""
    from gan_helpers import callbacks

    progress = np.linspace(0.0, 1.0, num_steps)
    if settings.schedule == "constant":
        return progress, np.full(num_steps, settings.learning_rate)
    rates = [callbacks.held_cosine_rate(settings.learning_rate, p, settings.cosine_hold, settings.cosine_floor) for p in progress]
    return progress, np.array(rates)


def memorisation(settings, train_images, held_out_images, steps, every=40):
    """How much more "real" the discriminator finds the digits it trains on than real digits it never saw.

    Trains `settings` on the uint8 `train_images` for `steps` steps at its starting learning rate and
    returns {"step": ..., "trained": ..., "unseen": ...}: the discriminator's mean D(x) on the training
    digits and on `held_out_images` every `every` steps. A gap that opens between the two is
    memorisation: the discriminator has learnt the training digits, not what makes a digit.
    """
    import keras

    from gan_helpers import data, training

    config.set_seed(settings.seed)
    gan = training.make_gan(settings)
    trained_digits = data.normalize(train_images)[..., np.newaxis]  # (N, 28, 28, 1) in [-1, 1]
    unseen_digits = data.normalize(held_out_images)[..., np.newaxis]

    def mean_score(digits):
        logits = keras.ops.convert_to_numpy(gan.discriminator(digits, training=False))  # (N, 1)
        return float(np.mean(1.0 / (1.0 + np.exp(-logits))))

    curves = {"step": [], "trained": [], "unseen": []}
    dataset = data.make_dataset(train_images, settings.batch_size, seed=settings.seed).repeat()
    for done in range(every, steps + every, every):
        gan.fit(dataset, steps_per_epoch=min(every, steps - done + every), epochs=1, verbose=0)
        curves["step"].append(min(done, steps))
        curves["trained"].append(mean_score(trained_digits))
        curves["unseen"].append(mean_score(unseen_digits))
    return {name: np.array(values) for name, values in curves.items()}

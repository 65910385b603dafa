"""`python -m tools.bench`: the TensorFlow DCGAN tutorial against this course's default, at equal time.

Both train, one after the other in one process, on the same digits and machine, for the same
wall-clock budget; then each draws 2,000 digits for `gan_helpers.evaluation`. The tutorial's
side is a faithful copy of https://www.tensorflow.org/tutorials/generative/dcgan: its two
networks (`models.dcgan_generator` and `models.dcgan_discriminator`), Adam(1e-4) for each,
batches of 256, and its `train_step`, which updates both networks at once from one noise batch.
The course's side is exactly `python -m gan_helpers train --minutes M`.

    python -m tools.bench --minutes 5

`--throughput` adds the training speed (images per second) of every `--model` pair.
"""

import platform
import sys
import tempfile
import time

import numpy as np

from gan_helpers import config, recipes

TUTORIAL_BATCH_SIZE = 256
TUTORIAL_LEARNING_RATE = 1e-4
TUTORIAL_LATENT_DIM = 100
THROUGHPUT_STEPS = 30  # Timed steps per model pair, after the steps that compile the graph.


def tutorial_gan(seed=config.DEFAULT_SEED):
    """The tutorial's generator, discriminator, optimizers and `train_step` (a tf.function taking a batch)."""
    import keras
    import tensorflow as tf

    from gan_helpers import models

    config.set_seed(seed)
    generator = models.dcgan_generator(TUTORIAL_LATENT_DIM)
    discriminator = models.dcgan_discriminator()
    generator_optimizer = keras.optimizers.Adam(TUTORIAL_LEARNING_RATE)
    discriminator_optimizer = keras.optimizers.Adam(TUTORIAL_LEARNING_RATE)
    cross_entropy = keras.losses.BinaryCrossentropy(from_logits=True)

    @tf.function
    def train_step(images):
        noise = tf.random.normal([TUTORIAL_BATCH_SIZE, TUTORIAL_LATENT_DIM])
        with tf.GradientTape() as gen_tape, tf.GradientTape() as disc_tape:
            generated_images = generator(noise, training=True)
            real_output = discriminator(images, training=True)
            fake_output = discriminator(generated_images, training=True)
            gen_loss = cross_entropy(tf.ones_like(fake_output), fake_output)
            disc_loss = (
                cross_entropy(tf.ones_like(real_output), real_output) + cross_entropy(tf.zeros_like(fake_output), fake_output)
            )
        generator_gradients = gen_tape.gradient(gen_loss, generator.trainable_variables)
        discriminator_gradients = disc_tape.gradient(disc_loss, discriminator.trainable_variables)
        generator_optimizer.apply_gradients(zip(generator_gradients, generator.trainable_variables))
        discriminator_optimizer.apply_gradients(zip(discriminator_gradients, discriminator.trainable_variables))
        return gen_loss, disc_loss

    return generator, train_step


def train_tutorial(images, seconds, seed=config.DEFAULT_SEED, clock=time.monotonic):
    """Train the tutorial's DCGAN for `seconds` of wall-clock time; return (generator, steps, seconds taken)."""
    import tensorflow as tf

    from gan_helpers import data

    generator, train_step = tutorial_gan(seed)
    # The tutorial's pipeline: from_tensor_slices, shuffle, batch(256) keeping the last partial batch.
    dataset = tf.data.Dataset.from_tensor_slices(data.normalize(images)[..., np.newaxis].astype(np.float32))
    dataset = dataset.shuffle(len(images), seed=seed).batch(TUTORIAL_BATCH_SIZE)
    batches = iter(dataset.repeat())  # A new shuffle every pass, as the tutorial's epochs have.
    steps, start = 0, clock()
    while True:
        train_step(next(batches))
        steps += 1
        seconds_taken = clock() - start
        if seconds_taken >= seconds:
            return generator, steps, seconds_taken


def train_default(images, seconds, run_dir, seed=config.DEFAULT_SEED):
    """Train the course's default exactly as `train --minutes` does; return (generator, steps, seconds taken)."""
    from gan_helpers import runs, viz

    result = runs.train_run(run_dir, "course", minutes=seconds / 60, data="offline", images=images, seed=seed, verbose=0)
    history = viz.read_history(result.run_dir / runs.HISTORY_FILE)
    return runs.load_generator(run_dir), result.steps, history["seconds"][-1]


def compare(minutes, num_samples=2_000, seed=config.DEFAULT_SEED):
    """Train both for `minutes` each and evaluate them; return a list of result rows (dicts)."""
    from gan_helpers import data, evaluation, runs

    images, _ = data.load_mnist("offline", verbose=False)
    rows = []
    with tempfile.TemporaryDirectory() as run_dir:
        trainers = (
            ("TF tutorial DCGAN (batch 256, Adam 1e-4)", TUTORIAL_BATCH_SIZE, lambda: train_tutorial(images, 60 * minutes, seed)),
            (
                "this course: train (fast, course recipe)", recipes.recipe("course").batch_size,
                lambda: train_default(images, 60 * minutes, run_dir, seed),
            ),
        )
        for name, batch_size, trainer in trainers:
            generator, steps, seconds = trainer()
            scores = evaluation.evaluate_images(runs.sample_digits(generator, num_samples, seed=seed))
            rows.append({
                "name": name, "steps": steps, "seconds": seconds,
                "images_per_second": steps * batch_size / seconds, "scores": scores,
            })
    return rows


def comparison_table(rows, floor, minutes):
    """The rows of `compare` and the real floor as a Markdown table."""
    lines = [
        f"Equal budget: {minutes:g} min of training each, on {machine()}; {rows[0]['scores'].num_images:,} samples each.",
        "",
        "| | steps | images/s | classifier score | Fréchet distance | classes >= 7% | smallest class | copy rate |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in rows + [{"name": "real held-out digits (floor)", "scores": floor}]:
        scores = row["scores"]
        digit, share = scores.smallest_class
        speed = (f"{row['steps']:,}", f"{row['images_per_second']:,.0f}") if "steps" in row else ("", "")
        ratio = scores.frechet_distance / floor.frechet_distance
        lines.append(
            f"| {row['name']} | {speed[0]} | {speed[1]} | {scores.classifier_score:.2f} | "
            f"{scores.frechet_distance:.2f} ({ratio:.1f}x) "
            f"| {int(np.sum(scores.class_histogram >= 0.07))} of 10 | {share:.1%} ({digit}s) | {scores.copy_rate:.1%} |"
        )
    return "\n".join(lines)


def throughput(model, batch_size=None, steps=THROUGHPUT_STEPS, seed=config.DEFAULT_SEED):
    """Training images per second of `--model` pair `model` with train's settings, timed over `steps` steps."""
    from gan_helpers import data, training

    settings = recipes.recipe("course", model=model, seed=seed)
    batch_size = batch_size or settings.batch_size
    images, _ = data.load_mnist("offline", verbose=False)
    config.set_seed(seed)
    gan = training.make_gan(settings)
    dataset = data.make_dataset(images, batch_size, seed=seed).repeat()
    gan.fit(dataset, steps_per_epoch=3, epochs=1, verbose=0)  # Traces and compiles the step.
    start = time.perf_counter()
    gan.fit(dataset, steps_per_epoch=steps, epochs=1, verbose=0)
    return steps * batch_size / (time.perf_counter() - start)


def machine():
    """A short description of this machine: processor, cores and any GPU TensorFlow sees."""
    import os

    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")
    name = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as cpuinfo:  # Linux names the processor model here.
            name = next(line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    gpu_names = [tf.config.experimental.get_device_details(gpu).get("device_name", gpu.name) for gpu in gpus]
    return f"{name}, {cores} CPU cores" + (f", GPU: {', '.join(gpu_names)}" if gpus else ", no GPU")


def main(argv=None):
    from gan_helpers import arguments, cli

    parser = arguments.Parser(prog="python -m tools.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=arguments.positive_float, default=5.0, help="training budget for each side (default 5)")
    parser.add_argument("--num", type=arguments.positive_int, default=2_000, help="digits each side draws for the evaluation")
    parser.add_argument("--throughput", action="store_true", help="also time every --model pair (images per second)")
    parser.add_argument("--seed", type=arguments.non_negative_int, default=config.DEFAULT_SEED, help="seed for both sides")
    args = parser.parse_args(argv)
    cli.import_tensorflow_quietly()
    from gan_helpers import evaluation, models

    rows = compare(args.minutes, args.num, args.seed)
    print(comparison_table(rows, evaluation.real_floor(), args.minutes))
    if args.throughput:
        print("\n| model | images/s (batch 64, train's settings) |\n|---|---|")
        for model in models.MODEL_PAIRS:
            print(f"| {model} | {throughput(model, seed=args.seed):,.0f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

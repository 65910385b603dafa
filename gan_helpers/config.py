"""Quick mode, the defaults it shrinks, and seeds: every knob that is set in one place.

`GAN_QUICK=1` in the environment makes each default small, so that notebooks and tests
run in seconds. Nothing else changes in quick mode: explicit arguments always win.
"""

import os
import platform

from gan_helpers import checks

DEFAULT_SEED = 42  # Seeds training, noise and the fixed noise batch of the sample grids.
DATA_ORDER_SEED = 0  # Shuffles the data once on loading, so any prefix holds every class.
EVALUATION_SPLIT_SEED = 1  # Picks the 1,000 offline digits the evaluation classifier never trains on.
SCHEDULES = ("constant", "cosine")  # How `train` moves the learning rate over a run (train --schedule).
PRIORS = ("uniform", "learned")  # How often `train` draws each category (train --prior).
LOSSES = ("minimax", "ns", "lsgan", "hinge", "wgan-gp")  # The GAN losses of notebook 04 (gan_helpers.losses).
SMOOTHABLE_LOSSES = ("minimax", "ns", "lsgan")  # Losses with a "real" target that label smoothing can soften.
# What `--model NAME` trains: a generator and a discriminator (gan_helpers.models) that belong together.
MODEL_PAIRS = {
    "fast": ("fast", "fast"),
    "dcgan": ("dcgan", "dcgan"),
    "upsampling": ("upsampling", "dcgan"),
    "mlp": ("mlp", "mlp"),
    "pooling": ("dcgan", "pooling"),
    "wide": ("fast", "wide"),  # The fast generator against a wider discriminator: more per step, fewer steps per minute.
}
CONDITIONAL_MODEL = "conditional"  # `--model conditional`: the fast pair told which digit to draw (gan_helpers.conditional).
MODELS = (*MODEL_PAIRS, CONDITIONAL_MODEL)  # What `train --model` accepts.
TOY_METHODS = ("vanilla", "ns", "wgan-gp", "pacgan", "minibatch-std", "unrolled", "spectral-norm")  # toy --method.
TOY_DATASETS = ("ring", "grid")  # The 2-D toy's mixtures of Gaussians (toy --dataset).
TOY_SEEDS = (0, 1, 2, 3, 4)  # Every figure of the 2-D toy is over these five seeds: all of them, none picked.


def prefer_onednn():
    """Ask TensorFlow for its oneDNN CPU kernels on x86-64, unless TF_ENABLE_ONEDNN_OPTS is set already.

    TensorFlow switches them on by itself only on recent Intel chips; on other x86-64 CPUs they make
    the GAN's step faster too (docs/benchmark.md). It acts only before TensorFlow is imported, so
    importing gan_helpers calls it.
    """
    if platform.machine().lower() in ("x86_64", "amd64"):
        os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "1")
    return os.environ.get("TF_ENABLE_ONEDNN_OPTS")


def quick_mode():
    """Return True when the environment variable GAN_QUICK asks for small, fast defaults."""
    return os.environ.get("GAN_QUICK", "").strip().lower() not in ("", "0", "false", "no")


def pick(full, quick):
    """Return `quick` in quick mode and `full` otherwise."""
    return quick if quick_mode() else full


def default_train_steps():
    """Generator updates of a training run: 30 epochs of the 5,000 offline digits at batch 64, 8 in quick mode."""
    return pick(full=2_340, quick=8)


def default_epochs(num_images, batch_size):
    """Epochs that give about `default_train_steps()` updates: 30 on the offline digits, 2 on Keras's 60,000."""
    steps_per_epoch = max(1, num_images // batch_size)
    return max(1, round(default_train_steps() / steps_per_epoch))


def default_max_images():
    """How many images `load_mnist` keeps: all of them in full mode, a few hundred in quick mode."""
    return pick(full=None, quick=512)


def quality_samples():
    """Digits scored after every epoch for the classifier score and Fréchet distance in history.csv."""
    return pick(full=1_000, quick=200)


def default_batch_size():
    """Images per training step."""
    return 64


def default_latent_dim():
    """Length of the noise vector the generator turns into an image."""
    return 100


def set_seed(seed=DEFAULT_SEED):
    """Seed Python, NumPy and TensorFlow in one call (keras.utils.set_random_seed)."""
    import keras

    checks.whole_number("seed", seed, 0, expected="a non-negative integer")
    keras.utils.set_random_seed(seed)
    return seed


def default_toy_steps():
    """Generator updates of a 2-D toy run (gan_helpers.toy): the same budget for every method, 20 in quick mode."""
    return pick(full=6_000, quick=20)

"""gan_helpers: the small tested package behind the GAN course notebooks.

Submodules, one concern each: config (quick mode, defaults, seeds), data, models, losses,
training (the GAN model), checkpoints, callbacks, viz, runs (training runs on disk), toy (the 2-D
ring and grid of Gaussians, where mode collapse shows in seconds) and cli.
Importing this package is cheap; TensorFlow loads with the submodules that need it.
"""

from gan_helpers.config import DEFAULT_SEED, prefer_onednn, quick_mode, set_seed

prefer_onednn()  # Before anything imports TensorFlow: its faster CPU kernels on every x86-64 machine.

__version__ = "0.1.0"
__all__ = ["DEFAULT_SEED", "quick_mode", "set_seed", "__version__"]

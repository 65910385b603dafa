"""gan_helpers: the small tested package behind the GAN course notebooks.

One concern a module: config (quick mode, defaults, seeds), data, models, codes, losses, recipes
(every training setting), gan (the plain GAN), tricks (the recipe on top), conditional (told the
digit), training, checkpoints, callbacks, viz, runs (training runs on disk), run_folder and
safe_files (what a run may write, and whole), digit_classifier and evaluation, pretrained,
ablation, notebook (every Setup cell), summaries, and the command line (arguments, cli).
gan_helpers.lab holds what only the notebooks use: the exercise checks, the failure kit, the
2-D toy and the widgets.
Importing this package is cheap; TensorFlow loads with the submodules that need it.
"""

from gan_helpers.config import DEFAULT_SEED, prefer_onednn, quick_mode, set_seed

prefer_onednn()  # Before anything imports TensorFlow: its faster CPU kernels on every x86-64 machine.

__version__ = "0.1.0"
__all__ = ["DEFAULT_SEED", "quick_mode", "set_seed", "__version__"]

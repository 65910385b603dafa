"""The command line's arguments: every flag of `python -m gan_helpers`, read and checked before TensorFlow starts.

Training flags come from recipes.TrainSettings, so their defaults, ranges and help are written once.
"""

import argparse
from pathlib import Path

from gan_helpers import checks, config, recipes

EXIT_BAD_INPUT = 2
EXIT_TRAINING_FAILED = 1
EXIT_INTERRUPTED = 130


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line, without the usage block."""

    def error(self, message):
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def flag_type(check, kind, name):
    """An argparse type that reads a flag's text as `kind` and checks it with `check` (gan_helpers.checks)."""

    def read(text):
        try:
            return checks.read(check, kind, text)
        except ValueError as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    read.__name__ = name  # argparse names the type in some messages.
    return read


positive_int = flag_type(checks.accepts_whole_number(1), int, "positive_int")
non_negative_int = flag_type(checks.accepts_whole_number(0), int, "non_negative_int")
positive_float = flag_type(checks.accepts_positive_number(), float, "positive_float")


def build_parser():
    """The argument parser for the train, settings, sample, evaluate and toy commands."""
    parser = Parser(prog="python -m gan_helpers", description="Train a GAN on MNIST digits and sample from it.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="{train,settings,sample,evaluate,toy}")

    train = commands.add_parser(
        "train",
        help="train a GAN and write samples, a GIF, curves, checkpoints and the generator",
        description=(
            "Train a GAN. Writes the generator (for `sample`), history.csv, a sample grid per epoch, "
            "progress.gif, curves.png and a checkpoint after every epoch into --out. A recipe sets every "
            "setting; single flags change one. GAN_QUICK=1 makes the defaults tiny (1 epoch, 512 images)."
        ),
    )
    train.add_argument("--out", required=True, type=Path, help="run folder to create (or to continue with --resume)")
    budget = train.add_mutually_exclusive_group()
    budget.add_argument(
        "--epochs", type=positive_int,
        help="total epochs to reach (default: about 2,340 steps: 30 epochs of the offline digits, 2 of Keras's 60,000)",
    )
    budget.add_argument(
        "--minutes", type=positive_float,
        help="time budget: stop at the first epoch end past it (mid-epoch, saving, once 10%% over)",
    )
    train.add_argument(
        "--resume", action="store_true",
        help="continue the run in --out from its last checkpoint, with its settings",
    )
    train.add_argument("--tensorboard", action="store_true", help="also write TensorBoard logs to OUT/logs")
    add_settings_arguments(train)

    settings = commands.add_parser(
        "settings",
        help="print the settings a recipe (and single flags) give, as JSON",
        description="Print the training settings that `train` would use with the same --recipe and flags, as JSON.",
    )
    settings.add_argument(
        "--markdown", action="store_true",
        help="print the table of every setting, plain against course, instead",
    )
    add_settings_arguments(settings)

    sample = commands.add_parser(
        "sample",
        help="write generated digits from a trained run or a pretrained generator as a .npy array (and a .png grid)",
        description=(
            "Write N generated digits as a uint8 array of shape (N, 28, 28) to FILE.npy. "
            "When FILE ends in .png, also write a grid picture there and the array beside it as .npy."
        ),
    )
    sample.add_argument("run_dir", type=Path, nargs="?", help="the --out folder of a finished `train` run (or --pretrained)")
    add_pretrained_arguments(sample)
    sample.add_argument("--num", type=positive_int, required=True, help="how many digits")
    sample.add_argument("--out", type=Path, required=True, help="FILE.npy, or FILE.png for a grid plus FILE.npy")
    sample.add_argument("--seed", type=non_negative_int, default=config.DEFAULT_SEED, help="noise seed")
    add_digit_argument(sample, "the digit to draw from a conditional generator, or a comma-separated list drawn in turn "
                       "(default: 0 to 9 in turn)")

    evaluate = commands.add_parser(
        "evaluate",
        help="score digits: classifier score, Fréchet distance, classes, copies, beside real digits",
        description=(
            "Print the evaluation table of generated digits beside 1,000 real held-out digits (the floor). "
            "TARGET is a .npy array of digits (uint8 in [0, 255] or floats in [-1, 1] or [0, 1]; shape (N, 28, 28), "
            "(N, 28, 28, 1) or (N, 784)) or the --out folder of a finished `train` run."
        ),
    )
    evaluate.add_argument("target", type=Path, nargs="?", help="FILE.npy or RUN_DIR (or --pretrained)")
    add_pretrained_arguments(evaluate)
    evaluate.add_argument(
        "--num", type=positive_int,
        help=(
            f"digits to score: drawn from a run (default {evaluation_default_samples()}), "
            "or the first N of a .npy (default all)"
        ),
    )
    evaluate.add_argument("--seed", type=non_negative_int, default=config.DEFAULT_SEED, help="noise seed for a run's digits")
    add_digit_argument(evaluate, "the digits to ask a conditional generator for, in turn (default: 0 to 9); also reports "
                       "the share of each that the classifier reads as asked")
    evaluate.add_argument(
        "--data",
        help="what the generator trained on, for the copy rate (default: the run's own data, offline for a .npy)",
    )

    toy = commands.add_parser(
        "toy",
        help="train one GAN method on the 2-D ring of 8 Gaussians in seconds and write 2,500 samples",
        description=(
            "Train one method on a 2-D toy data set (the ring of 8 Gaussians by default), print the modes "
            "captured and the share of high-quality samples, and write 2,500 samples as a float32 array of "
            "shape (2500, 2) to FILE.npy. GAN_QUICK=1 makes the default budget tiny."
        ),
    )
    toy.add_argument("--method", choices=config.TOY_METHODS, metavar="NAME", help="vanilla, or a fix (see --list-methods)")
    toy.add_argument("--list-methods", action="store_true", help="print the method names, one a line, and exit")
    toy.add_argument(
        "--seed", type=non_negative_int, default=config.TOY_SEEDS[0],
        help=f"random seed (default {config.TOY_SEEDS[0]})",
    )
    toy.add_argument("--out", type=Path, help="FILE.npy for the samples")
    toy.add_argument("--steps", type=positive_int, help=f"generator updates (default {config.default_toy_steps():,})")
    toy.add_argument("--dataset", choices=config.TOY_DATASETS, default="ring", help="ring (default) or grid (5x5 Gaussians)")
    return parser


def setting_type(name):
    """An argparse type that reads training setting `name` with its one check (gan_helpers.recipes)."""
    field = recipes.FIELDS[name]
    return flag_type(field.metadata["check"], field.metadata["kind"], name)


def setting_help(name):
    """A flag's help: the setting's meaning, what it accepts, and its value in each recipe."""
    field = recipes.FIELDS[name]
    values = {recipe: getattr(recipes.recipe(recipe), name) for recipe in recipes.RECIPES}
    if len(set(values.values())) == 1:
        chosen = f"default {next(iter(values.values()))}"
    else:
        chosen = ", ".join(f"{recipe} {value}" for recipe, value in values.items())
    return f"{field.metadata['meaning']}; {field.metadata['check'].expected} ({chosen})".replace("%", "%%")


def add_settings_arguments(parser):
    """--recipe and one flag per training setting, each read and checked as recipes.TrainSettings checks it."""
    parser.add_argument(
        "--recipe", choices=tuple(recipes.RECIPES),
        help=(
            "named settings: plain (notebook 05's DCGAN), course (notebook 07's tricks on top; the default for new runs) "
            "or conditional (notebook 08: told which digit to draw; the default with --model conditional)"
        ),
    )
    for name in recipes.FIELDS:
        parser.add_argument("--" + name.replace("_", "-"), type=setting_type(name), metavar="VALUE", help=setting_help(name))


def given_settings(args):
    """The training settings given as flags on the command line: {name: value}, without those left out."""
    return {name: getattr(args, name) for name in recipes.FIELDS if getattr(args, name) is not None}


def evaluation_default_samples():
    from gan_helpers import evaluation

    return f"{evaluation.DEFAULT_NUM_SAMPLES:,}"


DEFAULT_PRETRAINED = "fast"


def add_pretrained_arguments(parser):
    parser.add_argument("--pretrained", action="store_true", help="use a generator shipped with the package instead of a run")
    parser.add_argument(
        "--model",
        help=f"which pretrained generator: {DEFAULT_PRETRAINED} (default), dcgan or conditional; with a run, the run's model",
    )


def read_digits(text):
    """Read --digit: one digit from 0 to 9, or a comma-separated list of them ("3" or "0,2,4")."""
    try:
        return checks.digits([int(part) for part in text.split(",")])
    except ValueError:
        expected = "a digit from 0 to 9 or a comma-separated list of them"
        raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}") from None


def add_digit_argument(parser, help_text):
    parser.add_argument("--digit", type=read_digits, metavar="D[,D...]", help=help_text)

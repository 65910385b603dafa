"""The command line: `python -m gan_helpers train ...`, `sample ...`, `evaluate ...` and `toy ...`.

Bad input exits with status 2 and one line on stderr that says what was expected.
"""

import argparse
import os
import sys
from pathlib import Path

from gan_helpers import config, recipes

EXIT_BAD_INPUT = 2
EXIT_TRAINING_FAILED = 1
EXIT_INTERRUPTED = 130


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line, without the usage block."""

    def error(self, message):
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def whole_number(text, minimum):
    try:
        value = int(text)
    except ValueError:
        value = None
    if value is None or value < minimum:
        raise argparse.ArgumentTypeError(f"expected a whole number >= {minimum}, got {text!r}")
    return value


def positive_int(text):
    return whole_number(text, 1)


def non_negative_int(text):
    return whole_number(text, 0)


def positive_float(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}")
    return value


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
    train.add_argument("--resume", action="store_true", help="continue the run in --out from its last checkpoint, with its settings")
    train.add_argument("--tensorboard", action="store_true", help="also write TensorBoard logs to OUT/logs")
    add_settings_arguments(train)

    settings = commands.add_parser(
        "settings",
        help="print the settings a recipe (and single flags) give, as JSON",
        description="Print the training settings that `train` would use with the same --recipe and flags, as JSON.",
    )
    settings.add_argument("--markdown", action="store_true", help="print the table of every setting, plain against course, instead")
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
        help=f"digits to score: drawn from a run (default {evaluation_default_samples()}), or the first N of a .npy (default all)",
    )
    evaluate.add_argument("--seed", type=non_negative_int, default=config.DEFAULT_SEED, help="noise seed for a run's digits")
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
    toy.add_argument("--seed", type=non_negative_int, default=config.TOY_SEEDS[0], help=f"random seed (default {config.TOY_SEEDS[0]})")
    toy.add_argument("--out", type=Path, help="FILE.npy for the samples")
    toy.add_argument("--steps", type=positive_int, help=f"generator updates (default {config.default_toy_steps():,})")
    toy.add_argument("--dataset", choices=config.TOY_DATASETS, default="ring", help="ring (default) or grid (5x5 Gaussians)")
    return parser


def setting_type(name):
    """An argparse type that reads training setting `name` with its one check (gan_helpers.recipes)."""

    def read(text):
        try:
            return recipes.parse(name, text)
        except ValueError as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    read.__name__ = name  # argparse names the type in some messages.
    return read


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
        help="named settings: plain (notebook 05's DCGAN) or course (notebook 07's tricks on top; the default for new runs)",
    )
    for name in recipes.FIELDS:
        parser.add_argument("--" + name.replace("_", "-"), type=setting_type(name), metavar="VALUE", help=setting_help(name))


def given_settings(args):
    """The training settings given as flags on the command line: {name: value}, without those left out."""
    return {name: getattr(args, name) for name in recipes.FIELDS if getattr(args, name) is not None}


def evaluation_default_samples():
    from gan_helpers import evaluation

    return f"{evaluation.DEFAULT_NUM_SAMPLES:,}"


def add_pretrained_arguments(parser):
    parser.add_argument("--pretrained", action="store_true", help="use a generator shipped with the package instead of a run")
    parser.add_argument("--model", default="fast", help="which pretrained generator: fast (default) or dcgan")


def import_tensorflow_quietly():
    """Import TensorFlow with its start-up chatter silenced, so errors stay one line."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    sys.stderr.flush()
    saved_stderr, devnull = os.dup(2), os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    try:
        import tensorflow  # noqa: F401
    finally:
        os.dup2(saved_stderr, 2)
        os.close(saved_stderr)
        os.close(devnull)


def check_data_argument(value):
    """A --data value is a named source or a folder with IDX files; raise ValueError before TensorFlow starts otherwise."""
    from gan_helpers import data

    if value is not None and value not in data.SOURCES:
        data.find_idx_files(value)


def record_command(args):
    """Append this train command to the run's commands.txt, so a run (and a pretrained generator) says how it was made."""
    import shlex

    from gan_helpers import runs

    line = "python -m gan_helpers " + shlex.join(args.argv)
    with open(args.out / runs.COMMANDS_FILE, "a") as file:
        file.write(line + "\n")


def run_train(args):
    """Check the train arguments before TensorFlow starts, train, and print where the results are."""
    from gan_helpers import runs

    if str(args.out) == ".":
        raise ValueError("--out must name a run folder, not the current folder")
    settings = runs.resolve_settings(args.out, args.resume, args.recipe, given_settings(args))
    check_data_argument(settings.data)
    import_tensorflow_quietly()
    runs.check_writable(args.out)
    try:
        result = runs.train_run(
            args.out, settings, epochs=args.epochs, minutes=args.minutes, resume=args.resume, tensorboard=args.tensorboard,
        )
    except KeyboardInterrupt:
        from gan_helpers import checkpoints

        record_command(args)
        if checkpoints.find_checkpoint(args.out) is None:
            print("\nInterrupted before the first epoch finished: nothing to resume yet.", file=sys.stderr)
        else:
            print(
                f"\nInterrupted. The last finished epoch is saved in {args.out}; continue with:\n"
                f"  python -m gan_helpers train --out {args.out} --resume",
                file=sys.stderr,
            )
        return EXIT_INTERRUPTED
    record_command(args)
    if result.stop_reason == "nan":
        print(result.summary(), file=sys.stderr)
        return EXIT_TRAINING_FAILED
    print(result.summary())
    print(f"Sample from it with: python -m gan_helpers sample {args.out} --num 16 --out digits.png")
    return 0


def run_settings(args):
    """Print the resolved settings of a recipe and flags as JSON, or the settings table as Markdown."""
    import json

    if args.markdown:
        print(recipes.markdown_table())
        return 0
    settings = recipes.recipe(args.recipe or recipes.DEFAULT_RECIPE, **given_settings(args))
    print(json.dumps(settings.as_dict(), indent=2))
    return 0


def check_source(given, pretrained, model, what):
    """Exactly one of a run folder (or file) and --pretrained; --model only with --pretrained."""
    if given is None and not pretrained:
        raise ValueError(f"expected {what} or --pretrained")
    if given is not None and pretrained:
        raise ValueError(f"give either {what} or --pretrained, not both")
    if pretrained:
        from gan_helpers import pretrained as pretrained_module

        names = pretrained_module.available()
        if model not in names:
            raise ValueError(f"no pretrained generator {model!r}; expected one of: {', '.join(names)}")


def load_chosen_generator(run_dir, pretrained, model):
    from gan_helpers import runs

    if pretrained:
        from gan_helpers import pretrained as pretrained_module

        return pretrained_module.load_pretrained(model)
    return runs.load_generator(run_dir)


def run_sample(args):
    """Write generated digits to .npy (and a .png grid)."""
    suffix = args.out.suffix.lower()
    if suffix not in (".npy", ".png"):
        raise ValueError(f"--out must end in .npy or .png, got {str(args.out)!r}")
    check_source(args.run_dir, args.pretrained, args.model, "a run folder")
    import_tensorflow_quietly()
    from gan_helpers import runs

    runs.check_writable(args.out.parent)
    generator = load_chosen_generator(args.run_dir, args.pretrained, args.model)
    digits = runs.sample_digits(generator, args.num, seed=args.seed)  # (num, 28, 28) uint8
    array_path = args.out.with_suffix(".npy")
    import numpy as np

    np.save(array_path, digits)
    message = f"Wrote {args.num} digits, uint8 of shape {digits.shape}, to {array_path}"
    if suffix == ".png":
        from gan_helpers import viz

        viz.save_grid(digits, args.out)
        message += f", and a grid picture to {args.out}"
    print(message)
    return 0


def load_digit_file(path, num):
    """The digits in a .npy file (the first `num` when given); ValueError with one line when unusable."""
    import numpy as np

    try:
        digits = np.load(path, allow_pickle=False)
    except (OSError, ValueError) as error:
        raise ValueError(f"{path} is not a readable .npy array: {str(error).splitlines()[0] if str(error) else error}") from None
    if num is not None:
        if num > len(digits):
            raise ValueError(f"--num {num} asks for more digits than {path} holds ({len(digits)})")
        digits = digits[:num]
    return digits


def run_evaluate(args):
    """Print the evaluation table for a .npy of digits, a run's generator or a pretrained one."""
    import json

    from gan_helpers import evaluation

    check_source(args.target, args.pretrained, args.model, "FILE.npy or a run folder")
    check_data_argument(args.data)
    target = args.target
    training_data = args.data
    if target is not None and target.is_file():
        if target.suffix.lower() != ".npy":
            raise ValueError(f"expected a .npy file of digits or a run folder, got {str(target)!r}")
        digits = load_digit_file(target, args.num)
        evaluation.as_unit_images(digits)  # Check the shape and range before TensorFlow starts.
        title = f"Evaluation of {len(digits):,} digits from {target}"
        import_tensorflow_quietly()
    elif target is not None and not target.exists():
        raise ValueError(f"no such file or run folder: {target}")
    else:
        num = args.num or evaluation.DEFAULT_NUM_SAMPLES
        import_tensorflow_quietly()
        from gan_helpers import runs

        generator = load_chosen_generator(target, args.pretrained, args.model)
        digits = runs.sample_digits(generator, num, seed=args.seed)
        if target is not None and training_data is None:
            config_path = target / runs.CONFIG_FILE
            training_data = json.loads(config_path.read_text()).get("data") if config_path.exists() else None
        name = f"the pretrained {args.model!r} generator" if args.pretrained else str(target)
        title = f"Evaluation of {num:,} digits from {name} (noise seed {args.seed})"
    reference_set = evaluation.reference_for(training_data or "offline")  # `auto`: what it picked on this machine.
    training_data = reference_set.training_data
    if training_data == "fashion":
        print("Note: the classifier knows digits, not clothes; these figures mean little for Fashion-MNIST.")
    scores = evaluation.evaluate_images(digits, reference_set)
    title += f"\nagainst 1,000 real held-out digits (the floor); copies looked up in the training digits (--data {training_data})"
    print(evaluation.evaluation_table(scores, evaluation.real_floor(reference_set), title))
    return 0


def run_toy(args):
    """List the toy's methods, or train one on the 2-D toy, print its scores and write its samples."""
    if args.list_methods:
        print("\n".join(config.TOY_METHODS))
        return 0
    if args.method is None:
        raise ValueError("expected --method NAME (see --list-methods)")
    if args.out is None:
        raise ValueError("expected --out FILE.npy for the samples")
    if args.out.suffix.lower() != ".npy":
        raise ValueError(f"--out must end in .npy, got {str(args.out)!r}")
    import_tensorflow_quietly()
    from gan_helpers import runs
    from gan_helpers.lab import toy

    runs.check_writable(args.out.parent)
    result = toy.train(args.method, dataset=args.dataset, seed=args.seed, steps=args.steps)
    import numpy as np

    np.save(args.out, result.samples)
    print(result.summary())
    print(f"Wrote {len(result.samples):,} samples, float32 of shape {result.samples.shape}, to {args.out}")
    return 0


def main(argv=None):
    """Run the command line; return the exit status."""
    args = build_parser().parse_args(argv)
    args.argv = list(sys.argv[1:] if argv is None else argv)
    handler = {"train": run_train, "settings": run_settings, "sample": run_sample, "evaluate": run_evaluate, "toy": run_toy}
    handler = handler[args.command]
    try:
        return handler(args)
    except (ValueError, TypeError, OSError) as error:
        message = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        print(f"python -m gan_helpers {args.command}: error: {message}", file=sys.stderr)
        return EXIT_BAD_INPUT

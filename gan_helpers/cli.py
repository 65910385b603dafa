"""The command line: `python -m gan_helpers train ...` and `python -m gan_helpers sample ...`.

Bad input exits with status 2 and one line on stderr that says what was expected.
"""

import argparse
import os
import sys
from pathlib import Path

from gan_helpers import config

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


def fraction(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number in [0, 1), got {text!r}") from None
    if not 0 <= value < 1:
        raise argparse.ArgumentTypeError(f"expected a number in [0, 1), got {text!r}")
    return value


def build_parser():
    """The argument parser for both commands."""
    parser = Parser(prog="python -m gan_helpers", description="Train a GAN on MNIST digits and sample from it.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="{train,sample}")

    train = commands.add_parser(
        "train",
        help="train a GAN and write samples, a GIF, curves, checkpoints and the generator",
        description=(
            "Train a GAN. Writes the generator (for `sample`), history.csv, a sample grid per epoch, "
            "progress.gif, curves.png and a checkpoint after every epoch into --out. "
            "GAN_QUICK=1 makes the defaults tiny (1 epoch, 512 images)."
        ),
    )
    train.add_argument("--out", required=True, type=Path, help="run folder to create (or to continue with --resume)")
    train.add_argument("--model", help="network pair: fast (default), dcgan, upsampling, mlp, pooling")
    train.add_argument("--loss", help="minimax, ns (non-saturating, default), lsgan, hinge or wgan-gp")
    budget = train.add_mutually_exclusive_group()
    budget.add_argument(
        "--epochs", type=positive_int,
        help="total epochs to reach (default: about 2,340 steps: 30 epochs of the offline digits, 2 of Keras's 60,000)",
    )
    budget.add_argument(
        "--minutes", type=positive_float,
        help="time budget: stop at the first epoch end past it (mid-epoch, saving, once 10%% over)",
    )
    train.add_argument("--batch-size", type=positive_int, help="images per step (default 64)")
    train.add_argument("--latent-dim", type=positive_int, help="length of the noise vector (default 100)")
    train.add_argument("--seed", type=non_negative_int, help=f"random seed (default {config.DEFAULT_SEED})")
    train.add_argument("--data", help="auto (default), offline, keras, fashion, or a folder of MNIST-format IDX files")
    train.add_argument("--learning-rate", type=positive_float, help="Adam's learning rate for both networks (default 2e-4)")
    train.add_argument("--d-steps", type=positive_int, help="discriminator updates per generator update (default 1)")
    train.add_argument("--label-smoothing", type=fraction, help="one-sided: real target 1 - this (default 0)")
    train.add_argument("--instance-noise", type=positive_float, help="std of Gaussian noise on D's inputs (default none)")
    train.add_argument("--tensorboard", action="store_true", help="also write TensorBoard logs to OUT/logs")
    train.add_argument("--resume", action="store_true", help="continue the run in --out from its last checkpoint")

    sample = commands.add_parser(
        "sample",
        help="write generated digits from a trained run as a .npy array (and a .png grid)",
        description=(
            "Write N generated digits as a uint8 array of shape (N, 28, 28) to FILE.npy. "
            "When FILE ends in .png, also write a grid picture there and the array beside it as .npy."
        ),
    )
    sample.add_argument("run_dir", type=Path, help="the --out folder of a finished `train` run")
    sample.add_argument("--num", type=positive_int, required=True, help="how many digits")
    sample.add_argument("--out", type=Path, required=True, help="FILE.npy, or FILE.png for a grid plus FILE.npy")
    sample.add_argument("--seed", type=non_negative_int, default=config.DEFAULT_SEED, help="noise seed")
    return parser


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


def run_train(args):
    """Validate the train arguments, train, and print where the results are."""
    from gan_helpers import data

    if args.data is not None and args.data not in data.SOURCES:
        data.find_idx_files(args.data)
    import_tensorflow_quietly()
    from gan_helpers import runs

    runs.check_writable(args.out)
    try:
        result = runs.train_run(
            args.out, model=args.model, loss=args.loss, epochs=args.epochs, minutes=args.minutes,
            batch_size=args.batch_size, latent_dim=args.latent_dim, seed=args.seed, data=args.data,
            resume=args.resume, learning_rate=args.learning_rate, d_steps=args.d_steps,
            label_smoothing=args.label_smoothing, instance_noise=args.instance_noise, tensorboard=args.tensorboard,
        )
    except KeyboardInterrupt:
        from gan_helpers import checkpoints

        if checkpoints.find_checkpoint(args.out) is None:
            print("\nInterrupted before the first epoch finished: nothing to resume yet.", file=sys.stderr)
        else:
            print(
                f"\nInterrupted. The last finished epoch is saved in {args.out}; continue with:\n"
                f"  python -m gan_helpers train --out {args.out} --resume",
                file=sys.stderr,
            )
        return EXIT_INTERRUPTED
    if result.stop_reason == "nan":
        print(result.summary(), file=sys.stderr)
        return EXIT_TRAINING_FAILED
    print(result.summary())
    print(f"Sample from it with: python -m gan_helpers sample {args.out} --num 16 --out digits.png")
    return 0


def run_sample(args):
    """Write generated digits to .npy (and a .png grid)."""
    suffix = args.out.suffix.lower()
    if suffix not in (".npy", ".png"):
        raise ValueError(f"--out must end in .npy or .png, got {str(args.out)!r}")
    import_tensorflow_quietly()
    from gan_helpers import runs

    runs.check_writable(args.out.parent)
    generator = runs.load_generator(args.run_dir)
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


def main(argv=None):
    """Run the command line; return the exit status."""
    args = build_parser().parse_args(argv)
    handler = {"train": run_train, "sample": run_sample}[args.command]
    try:
        return handler(args)
    except (ValueError, TypeError, OSError) as error:
        message = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        print(f"python -m gan_helpers {args.command}: error: {message}", file=sys.stderr)
        return EXIT_BAD_INPUT

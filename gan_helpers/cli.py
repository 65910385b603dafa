"""The command line: `python -m gan_helpers train ...`, `sample ...`, `evaluate ...` and `toy ...`.

Each command checks its arguments (gan_helpers.arguments) before TensorFlow starts. Bad input exits
with status 2 and one line on stderr that says what was expected.
"""

import contextlib
import os
import sys

from gan_helpers import config, recipes
from gan_helpers.arguments import (
    DEFAULT_PRETRAINED,
    EXIT_BAD_INPUT,
    EXIT_INTERRUPTED,
    EXIT_TRAINING_FAILED,
    build_parser,
    given_settings,
)
from gan_helpers.run_folder import CONFIG_FILE, record_end, record_start


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


GRID_LIMIT = 1_024  # The most digits a sample grid picture shows (32 x 32).
def run_train(args):
    """Check the train arguments before TensorFlow starts, hold the folder, train, and say where the results are."""
    from gan_helpers import checkpoints, runs, safe_files

    if str(args.out) == ".":
        raise ValueError("--out must name a run folder, not the current folder")
    with contextlib.ExitStack() as held:
        if (args.out / safe_files.LOCK_FILE).exists():  # A folder in use by another train: stop before anything else.
            held.enter_context(safe_files.run_lock(args.out))
        settings = runs.resolve_settings(args.out, args.resume, args.recipe, given_settings(args))
        check_data_argument(settings.data)
        runs.check_writable(args.out)
        held.enter_context(safe_files.run_lock(args.out))
        record_start(args)
        try:
            import_tensorflow_quietly()
            result = runs.train_run(
                args.out, settings, epochs=args.epochs, minutes=args.minutes, resume=args.resume,
                tensorboard=args.tensorboard,
            )
        except KeyboardInterrupt:
            kept = checkpoints.find_checkpoint(args.out)
            record_end(args, "interrupted")
            if kept is None:
                print("Interrupted before the first epoch finished: nothing to resume yet.", file=sys.stderr)
            else:
                print(
                    f"Interrupted; the last finished epoch is saved in {args.out}: "
                    f"continue with python -m gan_helpers train --out {args.out} --resume",
                    file=sys.stderr,
                )
            return EXIT_INTERRUPTED
        except runs.RunFailed as failure:
            record_end(args, f"failed: {failure}")
            print(f"python -m gan_helpers train: training failed: {failure}", file=sys.stderr)
            return EXIT_TRAINING_FAILED
        result.given = tuple(given_settings(args))
        if result.stop_reason == "nan":
            record_end(args, f"stopped: the loss turned NaN in epoch {result.nan_epoch}")
            print(result.summary(), file=sys.stderr)
            return EXIT_TRAINING_FAILED
        record_end(args, f"finished at epoch {result.epochs_done}")
    print(result.summary())
    if result.settings.model == config.CONDITIONAL_MODEL:
        print(f"Ask it for a digit with: python -m gan_helpers sample {args.out} --digit 7 --num 16 --out sevens.png")
    else:
        print(f"Sample from it with: python -m gan_helpers sample {args.out} --num 16 --out digits.png")
    return 0


def run_settings(args):
    """Print the resolved settings of a recipe and flags as JSON, or the settings table as Markdown."""
    import json

    if args.markdown:
        print(recipes.markdown_table())
        return 0
    settings = recipes.recipe(args.recipe, **given_settings(args))
    print(json.dumps(settings.as_dict(), indent=2))
    return 0


def check_source(given, pretrained, model, what):
    """Exactly one of a run folder (or file) and --pretrained; return the --model of the generator chosen.

    With --pretrained, --model names the generator (default fast); with a run, it must be the
    run's own. None when it cannot be told before TensorFlow starts (a .npy, a run without config.json).
    """
    if given is None and not pretrained:
        raise ValueError(f"expected {what} or --pretrained")
    if given is not None and pretrained:
        raise ValueError(f"give either {what} or --pretrained, not both")
    if pretrained:
        from gan_helpers import pretrained as pretrained_module

        names = pretrained_module.available()
        name = model or DEFAULT_PRETRAINED
        if name not in names:
            raise ValueError(f"no pretrained generator {name!r}; expected one of: {', '.join(names)}")
        return pretrained_module.model_of(name)
    if given.is_dir():
        saved = run_setting(given / CONFIG_FILE, "model")
        if model is not None and saved is not None and model != saved:
            raise ValueError(f"{given} was trained with --model {saved}, not {model}")
        return saved
    return None


def check_digit_request(digits, model, what):
    """--digit only for a conditional generator: ValueError naming `what` was chosen otherwise."""
    if digits is not None and model != config.CONDITIONAL_MODEL:
        raise ValueError(f"--digit needs a conditional generator (--model conditional); {what} draws any digit it likes")


def load_chosen_generator(run_dir, pretrained, model):
    from gan_helpers import runs

    if pretrained:
        from gan_helpers import pretrained as pretrained_module

        return pretrained_module.load_pretrained(model or DEFAULT_PRETRAINED)
    return runs.load_generator(run_dir)


def chosen_name(args, source):
    """How the messages name the generator chosen: the pretrained one or the run folder."""
    return f"the pretrained {args.model or DEFAULT_PRETRAINED!r} generator" if args.pretrained else str(source)


def run_sample(args):
    """Write generated digits to .npy (and a .png grid)."""
    suffix = args.out.suffix.lower()
    if suffix not in (".npy", ".png"):
        raise ValueError(f"--out must end in .npy or .png, got {str(args.out)!r}")
    model = check_source(args.run_dir, args.pretrained, args.model, "a run folder")
    if model is not None:  # Known before TensorFlow starts; otherwise runs.digit_batches checks the generator itself.
        check_digit_request(args.digit, model, chosen_name(args, args.run_dir))
    from gan_helpers import runs

    if args.num > runs.MAX_DIGITS:
        raise ValueError(f"--num {args.num:,} is more than the {runs.MAX_DIGITS:,} digits sample writes at once")
    runs.check_writable(args.out.parent)
    import_tensorflow_quietly()
    generator = load_chosen_generator(args.run_dir, args.pretrained, args.model)
    try:
        array_path = runs.save_digits(generator, args.num, args.out.with_suffix(".npy"), seed=args.seed, digits=args.digit)
    except OSError as error:  # A full disk, say: a failure during the work, not bad input.
        print(f"python -m gan_helpers sample: failed: could not write {error.filename or args.out}: {error.strerror or error}",
              file=sys.stderr)
        return EXIT_TRAINING_FAILED
    message = f"Wrote {args.num:,} digits, uint8 of shape ({args.num}, 28, 28), to {array_path}"
    if suffix == ".png":
        import numpy as np

        from gan_helpers import conditional, safe_files, viz

        shown = min(args.num, GRID_LIMIT)
        images, columns = np.load(array_path, mmap_mode="r")[:shown], None
        if conditional.is_conditional(generator):  # One row per digit asked for, one column per noise vector.
            images, columns = conditional.rows_by_digit(images, len(args.digit or conditional.ALL_DIGITS))
        with safe_files.replace_atomically(args.out) as temporary:
            viz.save_grid(images, temporary, columns=columns)
        message += f", and a grid picture of {'the first ' if shown < args.num else ''}{shown:,} to {args.out}"
    print(message)
    return 0


def npy_header(path):
    """(shape, dtype) of a .npy file from its header alone; ValueError when the header is unreadable or
    promises more bytes than the file holds.
    """
    import numpy as np

    try:
        with open(path, "rb") as file:
            version = np.lib.format.read_magic(file)
            read_header = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
            shape, _, dtype = read_header(file)
            header_end = file.tell()
    except (OSError, ValueError) as error:
        raise ValueError(f"{path} is not a readable .npy array: {str(error).splitlines()[0] if str(error) else error}") from None
    promised = int(np.prod(shape, dtype=np.float64)) * dtype.itemsize
    if dtype.hasobject or promised > path.stat().st_size - header_end:
        raise ValueError(f"{path} is not a readable .npy array: its header promises more data than the file holds")
    return shape, dtype


def load_digit_file(path, num):
    """The digits in a .npy file (the first `num` when given), read only as far as needed; ValueError when unusable."""
    import numpy as np

    from gan_helpers import evaluation

    shape, _ = npy_header(path)
    length = shape[0] if shape else 0
    if num is not None and num > length:
        raise ValueError(f"--num {num} asks for more digits than {path} holds ({length})")
    if num is None and length > evaluation.MAX_NUM_SAMPLES:
        raise ValueError(
            f"{path} holds {length:,} digits; evaluate scores at most {evaluation.MAX_NUM_SAMPLES:,}: pass --num"
        )
    digits = np.load(path, mmap_mode="r", allow_pickle=False)
    return np.array(digits[:num] if num is not None else digits)


def run_setting(config_path, name):
    """Setting `name` of a run, from its config.json (None when it has none); ValueError naming a corrupt file."""
    import json

    if not config_path.exists():
        return None
    try:
        return json.loads(config_path.read_text()).get(name)
    except (ValueError, AttributeError) as error:
        raise ValueError(f"{config_path} is corrupt: {error}") from None


def run_evaluate(args):
    """Print the evaluation table for a .npy of digits, a run's generator or a pretrained one."""

    from gan_helpers import digit_classifier, evaluation

    model = check_source(args.target, args.pretrained, args.model, "FILE.npy or a run folder")
    check_data_argument(args.data)
    if args.target is not None and args.target.is_file() and args.digit is not None:
        raise ValueError(f"--digit asks a conditional generator for digits; {args.target} holds digits drawn already")
    if model is not None:  # Known before TensorFlow starts; otherwise runs.digit_batches checks the generator itself.
        check_digit_request(args.digit, model, chosen_name(args, args.target))
    if args.num is not None and args.num > evaluation.MAX_NUM_SAMPLES:
        raise ValueError(f"--num {args.num:,} is more than the {evaluation.MAX_NUM_SAMPLES:,} digits evaluate scores at once")
    target = args.target
    training_data = args.data
    requested = None
    if target is not None and target.is_file():
        if target.suffix.lower() != ".npy":
            raise ValueError(f"expected a .npy file of digits or a run folder, got {str(target)!r}")
        digits = load_digit_file(target, args.num)
        digit_classifier.as_unit_images(digits)  # Check the shape and range before TensorFlow starts.
        title = f"Evaluation of {len(digits):,} digits from {target}"
        import_tensorflow_quietly()
    elif target is not None and not target.exists():
        raise ValueError(f"no such file or run folder: {target}")
    else:
        num = args.num or evaluation.DEFAULT_NUM_SAMPLES
        import_tensorflow_quietly()
        from gan_helpers import conditional, runs

        generator = load_chosen_generator(target, args.pretrained, args.model)
        digits = runs.sample_digits(generator, num, seed=args.seed, digits=args.digit)
        if conditional.is_conditional(generator):
            requested = conditional.requested_labels(num, args.digit or conditional.ALL_DIGITS)
        if target is not None and training_data is None:
            training_data = run_setting(target / runs.CONFIG_FILE, "data")
        title = f"Evaluation of {num:,} digits from {chosen_name(args, target)} (noise seed {args.seed})"
        if requested is not None:
            title += f", asked for the digits {', '.join(map(str, args.digit or conditional.ALL_DIGITS))} in turn"
    reference_set = evaluation.reference_for(training_data or "offline")  # `auto`: what it picked on this machine.
    training_data = reference_set.training_data
    if training_data == "fashion":
        print("Note: the classifier knows digits, not clothes; these figures mean little for Fashion-MNIST.")
    scores = evaluation.evaluate_images(digits, reference_set, requested=requested)
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
    except KeyboardInterrupt:  # Ctrl-C while TensorFlow imports, while sampling, ...: one line, no traceback.
        print(f"python -m gan_helpers {args.command}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # The reader went away (`settings | head`): nothing more to say.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except (ValueError, TypeError, OSError) as error:
        message = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        print(f"python -m gan_helpers {args.command}: error: {message}", file=sys.stderr)
        return EXIT_BAD_INPUT

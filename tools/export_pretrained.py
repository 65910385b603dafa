"""Export a finished training run as a pretrained generator shipped in gan_helpers/pretrained/.

    python -m tools.export_pretrained RUN_DIR [--name NAME]

It writes NAME.npz (float16 weights), NAME.json (the run's settings and commands, and the
evaluation of the float16 weights) and NAME_history.csv. A conditional generator is evaluated on
the digits 0 to 9 in turn, and the json also records the share read as each digit asked for.
"""

import json
import shutil
import sys
from pathlib import Path

import numpy as np

from gan_helpers import arguments, config
from gan_helpers.pretrained import PRETRAINED_DIR


def export(run_dir, name=None, num_samples=2_000, seed=config.DEFAULT_SEED, directory=PRETRAINED_DIR):
    """Store a finished run's generator as a pretrained one, with its commands and evaluation; return the .npz path."""
    from gan_helpers import conditional, evaluation, run_folder, runs, viz

    run_dir = Path(run_dir)
    generator = runs.load_generator(run_dir)
    settings = json.loads((run_dir / runs.CONFIG_FILE).read_text())
    name = name or settings["model"]
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    weights_path = directory / f"{name}.npz"
    weights = generator.get_weights()
    np.savez_compressed(weights_path, **{f"weight_{index:02d}": value.astype(np.float16) for index, value in enumerate(weights)})
    # Evaluate what users will load: the float16 weights, not the run's float32 ones.
    generator.set_weights([weight.astype(np.float16).astype(np.float32) for weight in weights])
    reference_set = evaluation.reference(settings.get("data", "offline"))
    requested = conditional.requested_labels(num_samples) if conditional.is_conditional(generator) else None  # 0 to 9 in turn
    scores = evaluation.evaluate_images(runs.sample_digits(generator, num_samples, seed=seed), reference_set, requested=requested)
    floor = evaluation.real_floor(reference_set)
    history = viz.read_history(run_dir / runs.HISTORY_FILE)
    shutil.copyfile(run_dir / runs.HISTORY_FILE, directory / f"{name}_history.csv")
    commands_path = run_dir / run_folder.COMMANDS_FILE
    details = {
        "name": name,
        "settings": settings,
        "commands": commands_path.read_text().splitlines() if commands_path.exists() else [],
        "export_command": (
            f"python -m tools.export_pretrained {run_dir}" + (f" --name {name}" if name != settings["model"] else "")
        ),
        "epochs": int(history["epoch"][-1]),
        "training_seconds": round(history["seconds"][-1], 1) if "seconds" in history else None,
        "evaluation": {
            "num_samples": num_samples, "seed": seed, "generated": scores_dict(scores), "real_floor": scores_dict(floor),
        },
    }
    (directory / f"{name}.json").write_text(json.dumps(details, indent=2) + "\n")
    print(evaluation.evaluation_table(
        scores, floor, f"Pretrained generator {name!r} ({weights_path.stat().st_size / 1e6:.2f} MB):",
    ))
    return weights_path


def scores_dict(scores):
    """Scores as plain JSON numbers (with the share read as each digit asked for, for a conditional generator)."""
    numbers = {
        "classifier_score": round(scores.classifier_score, 3),
        "frechet_distance": round(scores.frechet_distance, 3),
        "confident_share": round(scores.confident_share, 4),
        "copy_rate": round(scores.copy_rate, 4),
        "class_histogram": [round(float(share), 4) for share in scores.class_histogram],
    }
    if scores.digit_accuracy is not None:
        numbers["digit_accuracy"] = {str(digit): round(share, 4) for digit, share in scores.digit_accuracy.items()}
    return numbers


def main(argv=None):
    parser = arguments.Parser(
        prog="python -m tools.export_pretrained", description="Export a finished run as a pretrained generator.",
    )
    parser.add_argument("run_dir", type=Path, help="the --out folder of a finished `train` run")
    parser.add_argument("--name", help="name to ship it under (default: the run's model)")
    parser.add_argument(
        "--into", type=Path, default=PRETRAINED_DIR, help="folder to write it to (default: the package's pretrained/)",
    )
    args = parser.parse_args(argv)
    try:
        export(args.run_dir, args.name, directory=args.into)
    except (ValueError, OSError) as error:
        print(f"{parser.prog}: error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())

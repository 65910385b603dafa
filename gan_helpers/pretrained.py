"""Pretrained generators shipped in the package, so a class can skip training.

Each `pretrained/NAME.npz` holds a generator's weights (float16, which halves the file and
changes no pixel a person can see), `pretrained/NAME.json` the exact commands that trained it
and its evaluation, and `pretrained/NAME_history.csv` its training run's history. Export a finished run with

    python -m gan_helpers.pretrained RUN_DIR

Used by `python -m gan_helpers sample --pretrained`, notebook 05's "skip training" path and the sliders.
"""

import argparse
import json
import shutil
import sys
from pathlib import Path

import numpy as np

from gan_helpers import config

PRETRAINED_DIR = Path(__file__).parent / "pretrained"


def available():
    """Names of the pretrained generators shipped in the package."""
    return sorted(path.stem for path in PRETRAINED_DIR.glob("*.npz"))


def info(name="fast"):
    """The recorded commands, settings and evaluation of pretrained generator `name`."""
    path = PRETRAINED_DIR / f"{name}.json"
    if not path.exists():
        raise ValueError(f"no pretrained generator {name!r}; expected one of: {', '.join(available()) or 'none shipped'}")
    return json.loads(path.read_text())


def history(name="fast"):
    """The history.csv of the run that made pretrained generator `name`, as {column: list of floats}."""
    from gan_helpers import viz

    info(name)  # A clear error for an unknown name.
    return viz.read_history(PRETRAINED_DIR / f"{name}_history.csv")


def load_pretrained(name="fast"):
    """Return the pretrained generator `name` ("fast" or "dcgan"), ready to draw digits in [-1, 1]."""
    from gan_helpers import models

    details = info(name)
    settings = details["settings"]
    generator = models.build_generator(
        settings["model"], settings["latent_dim"], num_codes=settings.get("codes", 0),
        learned_prior=settings.get("prior") == "learned",
    )
    with np.load(PRETRAINED_DIR / f"{name}.npz") as archive:
        generator.set_weights([archive[key].astype(np.float32) for key in sorted(archive.files)])
    return generator


def export(run_dir, name=None, num_samples=2_000, seed=config.DEFAULT_SEED, directory=PRETRAINED_DIR):
    """Store a finished run's generator as a pretrained one, with its commands and evaluation; return the .npz path."""
    from gan_helpers import evaluation, runs, viz

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
    scores = evaluation.evaluate_images(runs.sample_digits(generator, num_samples, seed=seed), reference_set)
    floor = evaluation.real_floor(reference_set)
    history = viz.read_history(run_dir / runs.HISTORY_FILE)
    shutil.copyfile(run_dir / runs.HISTORY_FILE, directory / f"{name}_history.csv")
    commands_path = run_dir / runs.COMMANDS_FILE
    details = {
        "name": name,
        "settings": settings,
        "commands": commands_path.read_text().splitlines() if commands_path.exists() else [],
        "export_command": f"python -m gan_helpers.pretrained {run_dir}" + (f" --name {name}" if name != settings["model"] else ""),
        "epochs": int(history["epoch"][-1]),
        "training_seconds": round(history["seconds"][-1], 1) if "seconds" in history else None,
        "evaluation": {"num_samples": num_samples, "seed": seed, "generated": scores_dict(scores), "real_floor": scores_dict(floor)},
    }
    (directory / f"{name}.json").write_text(json.dumps(details, indent=2) + "\n")
    print(evaluation.evaluation_table(scores, floor, f"Pretrained generator {name!r} ({weights_path.stat().st_size / 1e6:.2f} MB):"))
    return weights_path


def scores_dict(scores):
    """Scores as plain JSON numbers."""
    return {
        "classifier_score": round(scores.classifier_score, 3),
        "frechet_distance": round(scores.frechet_distance, 3),
        "confident_share": round(scores.confident_share, 4),
        "copy_rate": round(scores.copy_rate, 4),
        "class_histogram": [round(float(share), 4) for share in scores.class_histogram],
    }


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m gan_helpers.pretrained", description="Export a finished run as a pretrained generator.")
    parser.add_argument("run_dir", type=Path, help="the --out folder of a finished `train` run")
    parser.add_argument("--name", help="name to ship it under (default: the run's model)")
    args = parser.parse_args(argv)
    try:
        export(args.run_dir, args.name)
    except (ValueError, OSError) as error:
        print(f"{parser.prog}: error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Pretrained generators shipped in the package, so a class can skip training.

Each `pretrained/NAME.npz` holds a generator's weights (float16, which halves the file and
changes no pixel a person can see), `pretrained/NAME.json` the exact commands that trained it
and its evaluation, and `pretrained/NAME_history.csv` its training run's history. A checkout
exports a finished run with `python -m tools.export_pretrained RUN_DIR`.

Used by `python -m gan_helpers sample --pretrained`, notebook 05's "skip training" path and the sliders;
`conditional` by `sample --pretrained --model conditional --digit 7` and notebook 08.
"""

import json
from pathlib import Path

import numpy as np

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


def model_of(name="fast"):
    """The `--model` that pretrained generator `name` was trained with ("conditional" for the one told its digits)."""
    return info(name)["settings"]["model"]


def history(name="fast"):
    """The history.csv of the run that made pretrained generator `name`, as {column: list of floats}."""
    from gan_helpers import viz

    info(name)  # A clear error for an unknown name.
    return viz.read_history(PRETRAINED_DIR / f"{name}_history.csv")


def load_pretrained(name="fast"):
    """Return the pretrained generator `name` ("fast", "dcgan" or "conditional"), ready to draw digits in [-1, 1].

    The conditional one (notebook 08) takes (noise, labels): say which digit each noise vector draws.
    """
    from gan_helpers import conditional, config, models

    details = info(name)
    settings = details["settings"]
    if settings["model"] == config.CONDITIONAL_MODEL:
        generator = conditional.build_generator(settings["latent_dim"])
    else:
        generator = models.build_generator(
            settings["model"], settings["latent_dim"], num_codes=settings.get("codes", 0),
            learned_prior=settings.get("prior") == "learned",
        )
    with np.load(PRETRAINED_DIR / f"{name}.npz") as archive:
        generator.set_weights([archive[key].astype(np.float32) for key in sorted(archive.files)])
    return generator

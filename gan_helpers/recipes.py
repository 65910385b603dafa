"""Every training setting in one place (its default, its range and its meaning) and the named recipes.

`TrainSettings` holds what a run trains with. Its defaults are the plain DCGAN that notebook
05_training_loop writes by hand; a recipe names only the settings that differ from them: `plain`
changes nothing, `course` adds the tricks that notebook 07_beyond_dcgan teaches one at a time, and
`conditional` trains notebook 08's conditional GAN with the course's rate and shifts.
The command line's flags and help, a run's config.json and the README's settings table are all
made from the fields below. This module does not import TensorFlow.
"""

import dataclasses

from gan_helpers import checks, config
from gan_helpers.checks import (
    accepts_number,
    accepts_one_of,
    accepts_positive_number,
    accepts_text,
    accepts_whole_number,
)

DEFAULT_RECIPE = "course"  # What `python -m gan_helpers train` and runs.train_run use when no recipe is named.


def setting(default, meaning, check, kind, fixed_on_resume=False):
    """A TrainSettings field: its default, a one-line meaning, its check and how to read it from text."""
    return dataclasses.field(
        default=default, metadata={"meaning": meaning, "check": check, "kind": kind, "fixed_on_resume": fixed_on_resume}
    )


@dataclasses.dataclass(frozen=True)
class TrainSettings:
    """Every setting a training run uses. Defaults: the plain DCGAN of notebook 05. Bad values raise ValueError."""

    model: str = setting(
        "fast", "network pair (notebooks 02, 03); conditional: told which digit to draw (notebook 08)",
        accepts_one_of(config.MODELS), str, True,
    )
    loss: str = setting("ns", "GAN loss (notebook 04)", accepts_one_of(config.LOSSES), str, True)
    latent_dim: int = setting(config.default_latent_dim(), "length of the noise vector", accepts_whole_number(1), int, True)
    batch_size: int = setting(config.default_batch_size(), "images per step", accepts_whole_number(1), int)
    seed: int = setting(
        config.DEFAULT_SEED, "seeds the weights, the noise and the data order", accepts_whole_number(0, 2**32 - 1), int,
    )
    data: str = setting("auto", "auto, offline, keras, fashion, or a folder of MNIST-format IDX files", accepts_text(), str)
    learning_rate: float = setting(
        2e-4, "Adam's learning rate for both networks (the peak of a cosine schedule)", accepts_positive_number(), float,
    )
    beta_1: float = setting(
        0.5, "Adam's momentum; the DCGAN paper's 0.5 swings less than Adam's default 0.9", accepts_number(0, 1), float,
    )
    schedule: str = setting(
        "constant", "learning rate over the run: constant, or cosine (held, then falling)", accepts_one_of(config.SCHEDULES), str,
    )
    cosine_hold: float = setting(
        0.5, "share of the run that cosine holds its peak rate before falling", accepts_number(0, 1), float,
    )
    cosine_floor: float = setting(
        0.05, "cosine's last rate as a share of its peak", accepts_number(0, 1, high_included=True), float,
    )
    d_steps: int = setting(1, "discriminator updates per generator update", accepts_whole_number(1), int)
    label_smoothing: float = setting(
        0.0, "one-sided label smoothing: the real target is 1 minus this", accepts_number(0, 1), float,
    )
    instance_noise: float = setting(
        0.0, "std of Gaussian noise added to every image the discriminator sees", accepts_number(0), float,
    )
    gp_weight: float = setting(10.0, "weight of WGAN-GP's gradient penalty (loss wgan-gp only)", accepts_number(0), float)
    augment: float = setting(
        0.0, "shift what the discriminator sees by up to this share of the image (0: off)", accepts_number(0, 0.5), float,
    )
    ema: float = setting(
        0.0, "decay of the averaged generator that draws samples (0: the latest weights)", accepts_number(0, 1), float,
    )
    codes: int = setting(0, "InfoGAN categories the generator reads from its noise (0: off)", accepts_whole_number(0), int, True)
    code_weight: float = setting(
        1.0, "weight of the InfoGAN loss that makes each category recognisable", accepts_number(0), float,
    )
    prior: str = setting(
        "uniform", "how often each category is drawn: uniform, or learned from real digits", accepts_one_of(config.PRIORS), str,
        True,
    )
    digit_weight: float = setting(
        1.0, "weight of the loss that makes each fake read as the digit asked for (model conditional only)",
        accepts_number(0), float,
    )

    def __post_init__(self):
        for field in dataclasses.fields(self):
            try:
                value = field.metadata["check"](getattr(self, field.name))
            except ValueError as error:
                raise ValueError(f"{field.name}: {error}") from None
            object.__setattr__(self, field.name, value)  # Stored as its kind: 1 becomes 1.0 for a rate.
        if self.codes >= self.latent_dim:
            raise ValueError(
                f"codes: expected fewer categories than latent_dim = {self.latent_dim}, got {self.codes} (0 turns them off)"
            )
        if self.model == config.CONDITIONAL_MODEL and (self.codes or self.loss == "wgan-gp"):
            raise ValueError(
                f"model: the conditional model is told each digit, so it takes neither categories nor wgan-gp; "
                f"got codes={self.codes}, loss={self.loss!r} (--recipe conditional sets what it needs)"
            )
        if self.label_smoothing and self.loss not in config.SMOOTHABLE_LOSSES:
            raise ValueError(
                f"label_smoothing: applies to the {', '.join(config.SMOOTHABLE_LOSSES)} losses, not to {self.loss!r}"
            )

    def replace(self, **changes):
        """A copy with `changes` applied (and checked); unknown names raise ValueError."""
        check_names(changes)
        return dataclasses.replace(self, **changes)

    def as_dict(self):
        """The settings as a plain dict, in field order, as config.json stores them."""
        return dataclasses.asdict(self)

    def differences(self, other):
        """{name: (this value, other value)} for every setting where `other` differs."""
        return {
            name: (value, getattr(other, name)) for name, value in self.as_dict().items() if value != getattr(other, name)
        }


FIELDS = {field.name: field for field in dataclasses.fields(TrainSettings)}
FIXED_ON_RESUME = tuple(name for name, field in FIELDS.items() if field.metadata["fixed_on_resume"])


def check_names(changes):
    """Raise ValueError naming any key of `changes` that is not a training setting."""
    unknown = sorted(set(changes) - set(FIELDS))
    if unknown:
        raise ValueError(f"unknown setting {unknown[0]!r}; expected one of: {', '.join(FIELDS)}")


def parse(name, text_value):
    """Read setting `name` from text (a command-line flag) and check it; ValueError says what was expected."""
    field = FIELDS[name]
    return checks.read(field.metadata["check"], field.metadata["kind"], text_value)


@dataclasses.dataclass(frozen=True)
class Rung:
    """One trick on top of the plain GAN: a short name, the settings it changes, why, and whether the course keeps it."""

    name: str
    changes: dict
    why: str
    in_course: bool = True  # False: measured and left out (docs/ablation.md); still available by its settings.


# The tricks in the order notebook 07 adds them to the plain GAN; the course recipe is those it keeps.
LADDER = (
    Rung(
        "faster learning rate", {"learning_rate": 2e-3, "schedule": "cosine"},
        "ten times the plain rate, held for half the run, then lowered along a cosine: "
        "big steps find digits, small ones settle them",
    ),
    Rung(
        "shifts", {"augment": 0.07},
        "the discriminator sees every image, real or fake, shifted by up to 2 pixels, so it cannot memorise 5,000 digits",
    ),
    Rung(
        "averaged generator", {"ema": 0.999},
        "samples come from an average of the generator's recent weights; once the rate falls, the latest hardly wobble",
        in_course=False,
    ),
    Rung(
        "categories", {"codes": 30},
        "InfoGAN: the generator reads one of 30 categories from its noise and must make it recognisable",
    ),
    Rung(
        "learned prior", {"prior": "learned"},
        "each category is drawn as often as real digits look like it, so every digit appears",
    ),
)
NUM_RUNGS = len(LADDER)
RECIPES = {
    "plain": {},  # The DCGAN of notebook 05: Adam 2e-4 with beta_1 0.5, constant, no extras.
    "course": {name: value for rung in LADDER if rung.in_course for name, value in rung.changes.items()},
}
# Notebook 08's conditional GAN: the course's rate and shifts, told the digit instead of finding categories.
RECIPES["conditional"] = {
    **{name: value for name, value in RECIPES["course"].items() if name not in ("codes", "prior")},
    "model": config.CONDITIONAL_MODEL,
}


def check_recipe(name):
    """Return `name` when it names a recipe; raise ValueError listing the recipes otherwise."""
    if name not in RECIPES:
        raise ValueError(f"unknown recipe {name!r}; expected one of: {', '.join(RECIPES)}")
    return name


def default_recipe(model=None):
    """The recipe a new run takes when none is named: conditional for `--model conditional`, else DEFAULT_RECIPE."""
    return "conditional" if model == config.CONDITIONAL_MODEL else DEFAULT_RECIPE


def recipe(name=None, **overrides):
    """The TrainSettings of recipe `name` ("plain", "course" or "conditional"), with `overrides` on top.

    Without a name, default_recipe(the model asked for): the course recipe, or conditional for that model.
    """
    name = name or default_recipe(overrides.get("model"))
    check_recipe(name)
    check_names(overrides)
    return TrainSettings(**{**RECIPES[name], **overrides})


def ladder(rungs=NUM_RUNGS):
    """The settings of rung `rungs` (0: plain): the tricks the course keeps up to it, then that rung's own trick.

    So each rung adds its trick to what the course has kept so far, and the last rung is the course recipe.
    """
    if isinstance(rungs, bool) or not isinstance(rungs, int) or not 0 <= rungs <= len(LADDER):
        raise ValueError(f"rungs must be a whole number from 0 to {len(LADDER)}, got {rungs!r}")
    if rungs == 0:
        return TrainSettings()
    chosen = [rung for rung in LADDER[:rungs - 1] if rung.in_course] + [LADDER[rungs - 1]]
    return TrainSettings(**{name: value for rung in chosen for name, value in rung.changes.items()})


def from_saved(saved):
    """The TrainSettings a run's config.json holds.

    A run saved before a setting existed trained without it, and the plain defaults are exactly
    "without it" (no categories, no average, a constant rate), so missing names take them.
    """
    if not isinstance(saved, dict):
        raise ValueError(f"expected a JSON object of settings, got {type(saved).__name__}")
    check_names(saved)
    return TrainSettings(**saved)


def markdown_table():
    """The settings table of the README: flag, plain default, each other recipe's value and meaning of every setting."""
    plain = TrainSettings()
    others = {name: recipe(name) for name in RECIPES if name != "plain"}
    lines = ["| flag | plain | " + " | ".join(others) + " | meaning |", "|---|---|" + "---|" * len(others) + "---|"]

    def text(value):
        return f"{value:g}" if isinstance(value, float) else str(value)

    for name, field in FIELDS.items():
        plain_value = getattr(plain, name)
        cells = [
            "same" if getattr(settings, name) == plain_value else f"**{text(getattr(settings, name))}**"
            for settings in others.values()
        ]
        fixed = " A resumed run keeps it." if field.metadata["fixed_on_resume"] else ""
        lines.append(
            f"| `--{name.replace('_', '-')}` | {text(plain_value)} | {' | '.join(cells)} | "
            f"{field.metadata['meaning']} ({field.metadata['check'].expected}).{fixed} |"
        )
    return "\n".join(lines)

"""Every training setting in one place (gan_helpers.recipes): its checks, the recipes, and what is made from it."""

import dataclasses
import json
import math
import re

import pytest

from gan_helpers import arguments, config, recipes
from tools import colab


def test_the_defaults_are_the_plain_dcgan_and_course_changes_only_its_tricks():
    plain = recipes.TrainSettings()
    assert plain == recipes.recipe("plain")
    assert (plain.learning_rate, plain.beta_1, plain.schedule) == (2e-4, 0.5, "constant")
    assert (plain.augment, plain.ema, plain.codes) == (0.0, 0.0, 0)
    assert (plain.latent_dim, plain.batch_size, plain.seed) == (
        config.default_latent_dim(), config.default_batch_size(), config.DEFAULT_SEED,
    )
    course = recipes.recipe("course")
    assert set(plain.differences(course)) == set(recipes.RECIPES["course"])
    kept = {name for rung in recipes.LADDER if rung.in_course for name in rung.changes}
    assert set(recipes.RECIPES["course"]) == kept
    assert recipes.DEFAULT_RECIPE == "course"


def test_the_ladder_adds_one_trick_at_a_time_and_ends_at_the_course_recipe():
    assert recipes.ladder(0) == recipes.TrainSettings()
    assert recipes.ladder() == recipes.recipe("course")
    for number, rung in enumerate(recipes.LADDER, start=1):
        settings = recipes.ladder(number)
        for name, value in rung.changes.items():
            assert getattr(settings, name) == value  # Each rung has its own trick...
        for earlier in recipes.LADDER[:number - 1]:
            for name, value in earlier.changes.items():
                assert (getattr(settings, name) == value) == earlier.in_course  # ...and those the course kept before it.
    with pytest.raises(ValueError, match="rungs must be a whole number from 0 to 5"):
        recipes.ladder(6)


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"model": "huge"}, "model: expected one of: fast, dcgan"),
        ({"loss": "kl"}, "loss: expected one of: minimax, ns, lsgan, hinge, wgan-gp, got 'kl'"),
        ({"latent_dim": 0}, "latent_dim: expected a whole number >= 1, got 0"),
        ({"batch_size": 2.0}, "batch_size: expected a whole number >= 1, got 2.0"),
        ({"seed": True}, "seed: expected a whole number from 0 to 4,294,967,295, got True"),
        ({"seed": 2**32}, "seed: expected a whole number from 0 to 4,294,967,295"),
        ({"data": ""}, "data: expected a non-empty string"),
        ({"learning_rate": 0}, "learning_rate: expected a positive number, got 0"),
        ({"learning_rate": math.inf}, "learning_rate: expected a positive number, got inf"),
        ({"beta_1": 1.0}, r"beta_1: expected a number in \[0, 1\), got 1.0"),
        ({"schedule": "linear"}, "schedule: expected one of: constant, cosine, got 'linear'"),
        ({"cosine_hold": -0.1}, r"cosine_hold: expected a number in \[0, 1\)"),
        ({"cosine_floor": 1.5}, r"cosine_floor: expected a number in \[0, 1\]"),
        ({"d_steps": 0}, "d_steps: expected a whole number >= 1"),
        ({"label_smoothing": 1}, r"label_smoothing: expected a number in \[0, 1\)"),
        ({"loss": "hinge", "label_smoothing": 0.1}, "label_smoothing: applies to the minimax, ns, lsgan losses, not to 'hinge'"),
        ({"instance_noise": float("nan")}, "instance_noise: expected a number >= 0, got nan"),
        ({"augment": 0.5}, r"augment: expected a number in \[0, 0.5\)"),
        ({"ema": -0.1}, r"ema: expected a number in \[0, 1\)"),
        ({"codes": 100}, "codes: expected fewer categories than latent_dim = 100, got 100"),
        ({"code_weight": -1}, "code_weight: expected a number >= 0"),
        ({"prior": "even"}, "prior: expected one of: uniform, learned, got 'even'"),
        ({"gp_weight": "ten"}, "gp_weight: expected a number >= 0, got 'ten'"),
    ],
)
def test_every_setting_is_checked_once_with_a_line_that_says_what_was_expected(changes, message):
    with pytest.raises(ValueError, match=message):
        recipes.TrainSettings(**changes)


def test_settings_are_frozen_stored_in_their_kind_and_replaced_by_name():
    settings = recipes.TrainSettings(learning_rate=1, augment=0)
    assert settings.learning_rate == 1.0 and isinstance(settings.learning_rate, float) and isinstance(settings.augment, float)
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.learning_rate = 0.1
    assert settings.replace(ema=0.5).ema == 0.5 and settings.ema == 0.0
    with pytest.raises(ValueError, match="unknown setting 'emma'; expected one of: model, loss"):
        settings.replace(emma=0.5)
    with pytest.raises(ValueError, match="unknown recipe 'fancy'; expected one of: plain, course"):
        recipes.recipe("fancy")


def test_settings_round_trip_through_config_json():
    course = recipes.recipe("course", seed=3)
    assert recipes.from_saved(json.loads(json.dumps(course.as_dict()))) == course
    assert list(course.as_dict()) == list(recipes.FIELDS)
    with pytest.raises(ValueError, match="expected a JSON object of settings, got list"):
        recipes.from_saved([1, 2])


@pytest.mark.parametrize("name", list(recipes.FIELDS))
def test_each_setting_reads_its_own_text_and_refuses_other_text(name):
    value = getattr(recipes.recipe("course"), name)
    assert recipes.parse(name, str(value)) == value
    bad = ("" if name == "data" else "-7.5e99") if isinstance(value, str) else "nonsense"
    with pytest.raises(ValueError, match=re.escape(f"expected {recipes.FIELDS[name].metadata['check'].expected}, got {bad!r}")):
        recipes.parse(name, bad)


def test_the_command_line_has_one_flag_per_setting_with_its_range_and_recipe_values():
    parser = arguments.build_parser()
    (train,) = [action for action in parser._subparsers._group_actions[0].choices.values() if action.prog.endswith("train")]
    flags = {option for action in train._actions for option in action.option_strings}
    for name in recipes.FIELDS:
        assert "--" + name.replace("_", "-") in flags
    assert "plain 0.0002, course 0.002" in arguments.setting_help("learning_rate")
    assert "a number in [0, 0.5)" in arguments.setting_help("augment")


def test_the_readme_settings_table_is_made_from_the_settings():
    table = recipes.markdown_table()
    for name in recipes.FIELDS:
        assert f"`--{name.replace('_', '-')}`" in table
    assert table in (colab.ROOT / "README.md").read_text()

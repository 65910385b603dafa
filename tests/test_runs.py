import json

import numpy as np
import pytest

from gan_helpers import recipes, runs


def saved_run(folder, settings):
    """A run folder with `settings` in its config.json and a finished epoch's checkpoint marker."""
    (folder / runs.CONFIG_FILE).write_text(json.dumps(settings))
    (folder / "checkpoint").mkdir()
    (folder / "checkpoint" / "state.json").write_text('{"epoch": 1}')


def test_a_run_that_never_finished_an_epoch_may_start_over(tmp_path):
    (tmp_path / runs.CONFIG_FILE).write_text(json.dumps(recipes.recipe("plain").as_dict()))
    assert runs.resolve_settings(tmp_path) == recipes.recipe(recipes.DEFAULT_RECIPE)
    with pytest.raises(ValueError, match="nothing to resume"):
        runs.resolve_settings(tmp_path, resume=True)


def test_a_new_run_takes_a_recipe_or_settings_then_single_changes(tmp_path):
    assert runs.resolve_settings(tmp_path, settings="plain") == recipes.TrainSettings()
    assert runs.resolve_settings(tmp_path, settings="plain", overrides={"ema": 0.9, "model": None}).ema == 0.9
    chosen = recipes.TrainSettings(batch_size=16)
    assert runs.resolve_settings(tmp_path, settings=chosen, overrides={"seed": 3}) == chosen.replace(seed=3)
    with pytest.raises(ValueError, match="unknown recipe 'fancy'; expected one of: plain, course"):
        runs.resolve_settings(tmp_path, settings="fancy")
    with pytest.raises(ValueError, match="unknown setting 'learning_rat'"):
        runs.resolve_settings(tmp_path, overrides={"learning_rat": 0.1})


def test_settings_come_from_given_then_saved(tmp_path):
    saved_run(tmp_path, recipes.recipe("course", batch_size=32, learning_rate=1e-3).as_dict())
    settings = runs.resolve_settings(tmp_path, resume=True, overrides={"learning_rate": 5e-4, "model": None})
    assert (settings.batch_size, settings.learning_rate, settings.model, settings.codes) == (32, 5e-4, "fast", 30)
    with pytest.raises(ValueError, match="was trained with latent_dim=100"):
        runs.resolve_settings(tmp_path, resume=True, overrides={"latent_dim": 64})
    with pytest.raises(ValueError, match="a resumed run keeps the settings it was trained with"):
        runs.resolve_settings(tmp_path, resume=True, settings="plain")


@pytest.mark.parametrize("name", recipes.FIXED_ON_RESUME)
def test_every_setting_that_shapes_the_networks_is_kept_on_resume(tmp_path, name):
    saved_run(tmp_path, recipes.recipe("course").as_dict())
    changed = {"model": "dcgan", "loss": "hinge", "latent_dim": 64, "codes": 10, "prior": "uniform"}[name]
    with pytest.raises(ValueError, match=f"was trained with {name}="):
        runs.resolve_settings(tmp_path, resume=True, overrides={name: changed})


def test_a_config_from_an_older_version_resumes_with_what_it_trained_with(tmp_path):
    # What an earlier version wrote for its main job: no beta_1, hold or floor, no code or penalty weight.
    older = {
        "model": "fast", "loss": "ns", "latent_dim": 100, "batch_size": 64, "seed": 42, "data": "auto",
        "learning_rate": 0.002, "d_steps": 1, "label_smoothing": 0.0, "instance_noise": 0.0, "augment": 0.07,
        "codes": 30, "ema": 0.999, "prior": "learned", "schedule": "cosine",
    }
    saved_run(tmp_path, older)
    assert runs.resolve_settings(tmp_path, resume=True) == recipes.recipe("course", ema=0.999)  # The course of its day.
    for key in ("codes", "ema", "schedule", "prior"):
        del older[key]  # Older still: a run saved before categories, averaging and the schedule existed.
    (tmp_path / runs.CONFIG_FILE).write_text(json.dumps(older))
    settings = runs.resolve_settings(tmp_path, resume=True)
    assert (settings.codes, settings.ema, settings.schedule, settings.prior) == (0, 0.0, "constant", "uniform")
    (tmp_path / runs.CONFIG_FILE).write_text(json.dumps({**older, "colour": "red"}))
    with pytest.raises(ValueError, match=r"config.json is corrupt: unknown setting 'colour'"):
        runs.resolve_settings(tmp_path, resume=True)


def test_truncate_history_keeps_the_saved_epochs(tmp_path):
    path = tmp_path / "history.csv"
    path.write_text("epoch,d_loss\n1,0.5\n2,0.4\n3,nan\n")
    runs.truncate_history(path, 2)
    assert path.read_text().splitlines() == ["epoch,d_loss", "1,0.5", "2,0.4"]


@pytest.mark.parametrize(("epochs", "minutes", "message"), [(0, None, "epochs"), (2.5, None, "epochs"), (None, -1, "minutes")])
def test_bad_budgets_are_refused(epochs, minutes, message):
    with pytest.raises(ValueError, match=message):
        runs.check_budget(epochs, minutes)


@pytest.mark.slow
def test_nan_in_the_data_stops_training_and_keeps_the_good_epoch(tmp_path, offline_digits):
    images, _ = offline_digits
    first = runs.train_run(tmp_path, epochs=1, images=images[:128], batch_size=32, verbose=0)
    assert first.stop_reason == "epochs" and first.epochs_done == 1
    poisoned = np.full((128, 28, 28), np.nan, np.float32)
    second = runs.train_run(tmp_path, epochs=3, images=poisoned, batch_size=32, resume=True, verbose=0)
    assert second.stop_reason == "nan" and second.nan_epoch == 2 and second.epochs_done == 1
    assert "loss turned NaN in epoch 2" in second.summary()
    generator = runs.load_generator(tmp_path)
    digits = runs.sample_digits(generator, 8)
    assert digits.shape == (8, 28, 28) and digits.std() > 0


def test_default_length_is_a_number_of_steps_not_epochs(monkeypatch):
    from gan_helpers import config

    assert config.default_epochs(5_000, 64) == 30  # The offline digits: the README's main job.
    assert config.default_epochs(60_000, 64) == 2  # Keras's MNIST: about as many steps, not 12 times more.
    monkeypatch.setenv("GAN_QUICK", "1")
    assert config.default_epochs(512, 64) == 1

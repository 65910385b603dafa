import json

import numpy as np
import pytest

from gan_helpers import runs


def test_a_run_that_never_finished_an_epoch_may_start_over(tmp_path):
    (tmp_path / runs.CONFIG_FILE).write_text(json.dumps(runs.DEFAULT_SETTINGS))
    assert runs.resolve_settings(tmp_path, resume=False, given={})["model"] == "fast"
    with pytest.raises(ValueError, match="nothing to resume"):
        runs.resolve_settings(tmp_path, resume=True, given={})


def test_settings_come_from_given_then_saved_then_defaults(tmp_path):
    saved = {**runs.DEFAULT_SETTINGS, "batch_size": 32, "learning_rate": 1e-3}
    (tmp_path / runs.CONFIG_FILE).write_text(json.dumps(saved))
    (tmp_path / "checkpoint").mkdir()
    (tmp_path / "checkpoint" / "state.json").write_text('{"epoch": 1}')
    settings = runs.resolve_settings(tmp_path, resume=True, given={"learning_rate": 5e-4, "model": None})
    assert settings["batch_size"] == 32 and settings["learning_rate"] == 5e-4 and settings["model"] == "fast"
    with pytest.raises(ValueError, match="was trained with latent_dim=100"):
        runs.resolve_settings(tmp_path, resume=True, given={"latent_dim": 64})


def test_truncate_history_keeps_the_saved_epochs(tmp_path):
    path = tmp_path / "history.csv"
    path.write_text("epoch,d_loss\n1,0.5\n2,0.4\n3,nan\n")
    runs.truncate_history(path, 2)
    assert path.read_text().splitlines() == ["epoch,d_loss", "1,0.5", "2,0.4"]


@pytest.mark.parametrize(("epochs", "minutes", "message"), [(0, None, "epochs"), (2.5, None, "epochs"), (None, -1, "minutes")])
def test_bad_budgets_are_refused(epochs, minutes, message):
    with pytest.raises(ValueError, match=message):
        runs.check_budget(epochs, minutes)


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

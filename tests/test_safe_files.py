"""Whole-or-nothing writes, the run folder's rules, a run's length, and digits drawn in bounded batches."""

import json

import numpy as np
import pytest

from gan_helpers import callbacks, models, run_folder, runs, safe_files, training, viz


def test_a_failed_write_leaves_the_old_file_and_no_partial_one(tmp_path):
    path = tmp_path / "history.csv"
    path.write_text("the old, whole file")
    with pytest.raises(OSError), safe_files.replace_atomically(path) as temporary:
        temporary.write_text("half of the new")
        raise OSError(28, "No space left on device")
    assert path.read_text() == "the old, whole file"
    assert sorted(item.name for item in tmp_path.iterdir()) == ["history.csv"]
    safe_files.write_json(path.with_name("config.json"), {"a": 1})
    assert json.loads((tmp_path / "config.json").read_text()) == {"a": 1}


def test_the_lock_is_reentrant_in_one_process_and_released_after(tmp_path):
    with safe_files.run_lock(tmp_path), safe_files.run_lock(tmp_path):
        assert (tmp_path / safe_files.LOCK_FILE).read_text().strip().isdigit()
    assert not safe_files._held


def test_train_writes_only_into_a_new_an_empty_or_its_own_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    run_folder.check_run_folder(tmp_path / "new")
    (tmp_path / "empty").mkdir()
    run_folder.check_run_folder(tmp_path / "empty")
    started = tmp_path / "started"  # A run killed before its first epoch: its own files only, so it may start over.
    (started / "samples").mkdir(parents=True)
    for name in ("config.json", "fixed_noise.npy", "commands.txt", ".lock", ".generator.partial.keras"):
        (started / name).write_text("")
    run_folder.check_run_folder(started)
    (started / "essay.docx").write_text("mine")
    with pytest.raises(ValueError, match="is not empty and is not a run folder"):
        run_folder.check_run_folder(started)
    with pytest.raises(ValueError, match="not the current folder"):
        run_folder.check_run_folder("")
    (tmp_path / "file").write_text("")
    with pytest.raises(ValueError, match="is a file"):
        run_folder.check_run_folder(tmp_path / "file")


def test_a_run_keeps_its_length_and_a_time_budget_counts_earlier_sessions(tmp_path):
    assert run_folder.read_length(tmp_path) == (None, None)  # An older run: the default length.
    safe_files.write_json(tmp_path / run_folder.LENGTH_FILE, {"epochs": 6, "minutes": None})
    assert run_folder.read_length(tmp_path) == (6, None)
    (tmp_path / run_folder.LENGTH_FILE).write_text("{broken")
    with pytest.raises(ValueError, match="length.json is corrupt"):
        run_folder.read_length(tmp_path)
    clock = iter([100.0, 130.0]).__next__
    budget = callbacks.TimeBudget(1, clock=clock, spent_before=45.0)
    budget.on_train_begin()
    assert budget.elapsed_seconds() == 75.0  # 45 s earlier plus 30 s now, of the run's 60.


def test_digits_come_in_bounded_batches_and_the_file_holds_what_sample_digits_gives(tmp_path):
    generator = models.build_generator("fast", latent_dim=8)
    batches = list(runs.digit_batches(generator, 2_500, seed=3, batch_size=1_000))
    assert [len(batch) for batch in batches] == [1_000, 1_000, 500]
    whole = runs.sample_digits(generator, 2_500, seed=3)
    np.testing.assert_array_equal(np.concatenate(batches), whole)
    np.testing.assert_array_equal(whole[:10], runs.sample_digits(generator, 10, seed=3))  # The first N never change.
    direct = training.generate_images(generator, training.fixed_noise(5, 8, seed=3))
    np.testing.assert_array_equal(whole[:5], viz.to_uint8_images(direct))  # The digits fixed_noise has always given.
    path = runs.save_digits(generator, 2_500, tmp_path / "digits.npy", seed=3)
    np.testing.assert_array_equal(np.load(path), whole)
    with pytest.raises(ValueError, match="more than the 1,000,000 digits"):
        runs.save_digits(generator, runs.MAX_DIGITS + 1, tmp_path / "too_many.npy")


def test_a_nan_message_names_the_settings_it_diverged_with():
    from gan_helpers import recipes

    result = runs.RunResult(run_dir="x", epochs_done=1, stop_reason="nan", nan_epoch=2)
    result.settings = recipes.recipe("plain", learning_rate=1e6)
    result.given = ("learning_rate",)
    message = result.summary()
    assert "It diverged with learning_rate=1000000.0" in message and "This command set --learning-rate" in message

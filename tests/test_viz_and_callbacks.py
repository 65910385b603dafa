import math

import imageio.v3 as iio
import numpy as np
import pytest

from gan_helpers import callbacks, viz


def test_image_grid_shape_and_pixels():
    images = np.concatenate([-np.ones((5, 28, 28, 1)), np.ones((5, 28, 28, 1))]).astype(np.float32)
    grid = viz.image_grid(images, padding=2)  # 10 images: 4 columns, 3 rows.
    assert grid.shape == (3 * 30 + 2, 4 * 30 + 2) and grid.dtype == np.uint8
    assert grid[2:30, 2:30].max() == 0  # -1 is black.
    assert grid[2 + 30:30 + 30, 2 + 30:30 + 30].min() == 255  # Image 6 (row 1, column 1) is +1: white.
    assert grid[0, :].max() == 0  # The padding is black.
    assert viz.image_grid(np.zeros((6, 28, 28), np.uint8), columns=6).shape == (32, 182)


def test_image_grid_rejects_bad_shapes():
    with pytest.raises(ValueError, match=r"expected images of shape \(N, height, width\)"):
        viz.image_grid(np.zeros((28, 28)))


def test_save_grid_writes_a_scaled_png(tmp_path):
    path = viz.save_grid(np.zeros((4, 28, 28), np.uint8), tmp_path / "grid.png", scale=2)
    assert iio.imread(path).shape == (2 * 62, 2 * 62)


def test_gif_has_every_frame_the_duration_and_loops(tmp_path):
    frames = []
    for index in range(3):
        frames.append(viz.save_grid(np.full((4, 28, 28), 80 * index, np.uint8), tmp_path / f"f{index}.png"))
    gif = viz.make_gif(frames, tmp_path / "progress.gif", duration_ms=150)
    assert iio.imread(gif, index=None).shape[0] == 3
    metadata = iio.immeta(gif)
    assert metadata["duration"] == 150 and metadata["loop"] == 0
    with pytest.raises(ValueError, match="at least one frame"):
        viz.make_gif([], tmp_path / "empty.gif")


def test_history_csv_and_curves(tmp_path):
    history_path = tmp_path / "history.csv"
    recorder = callbacks.HistoryCSV(history_path)
    recorder.on_train_begin()
    for epoch in range(3):
        recorder.on_epoch_end(epoch, {"d_loss": 1.0 + epoch, "g_loss": 0.7, "real_score": 0.6, "fake_score": 0.4})
    history = viz.read_history(history_path)
    assert history["epoch"] == [1.0, 2.0, 3.0] and history["d_loss"] == [1.0, 2.0, 3.0]
    figure = viz.plot_history(history_path, tmp_path / "curves.png")
    assert len(figure.axes) == 2 and len(figure.axes[0].lines) == 2
    assert iio.imread(tmp_path / "curves.png").shape[0] > 100
    (tmp_path / "empty.csv").write_text("")
    assert viz.read_history(tmp_path / "empty.csv") == {}


def test_history_csv_leaves_missing_cells_empty_and_adds_new_columns(tmp_path):
    history_path = tmp_path / "history.csv"
    recorder = callbacks.HistoryCSV(history_path)
    recorder.on_train_begin()
    recorder.on_epoch_end(0, {"d_loss": 1.0, "classifier_score": 5.0})
    recorder.on_epoch_end(1, {"d_loss": float("nan")})  # A NaN epoch is not scored.
    recorder.on_epoch_end(2, {"d_loss": 0.9, "classifier_score": 6.0, "seconds": 3.0})  # A new column.
    history = viz.read_history(history_path)
    assert history["epoch"] == [1.0, 2.0, 3.0]
    assert history["classifier_score"][0] == 5.0 and math.isnan(history["classifier_score"][1])
    assert math.isnan(history["seconds"][0]) and history["seconds"][2] == 3.0


def test_curves_gain_a_quality_panel_when_the_history_has_scores():
    history = {"epoch": [1.0, 2.0], "d_loss": [1.2, 1.1], "g_loss": [0.8, 0.9], "real_score": [0.6, 0.6],
               "fake_score": [0.4, 0.4], "classifier_score": [5.0, 7.5], "frechet_distance": [90.0, 40.0]}
    figure = viz.plot_history(history)
    assert len(figure.axes) == 4  # Losses, scores, and the quality panel with its twin axis for the distance.
    assert list(figure.axes[2].lines[0].get_ydata()) == [5.0, 7.5]
    assert list(figure.axes[3].lines[0].get_ydata()) == [90.0, 40.0]


class FakeModel:
    stop_training = False


def with_model(callback):
    callback.set_model(FakeModel())
    return callback


def test_time_budget_stops_at_an_epoch_end_then_mid_epoch_once_well_past():
    now = [0.0]
    budget = with_model(callbacks.TimeBudget(minutes=1, clock=lambda: now[0]))
    budget.on_train_begin()
    now[0] = 61.0
    budget.on_train_batch_end(0)
    assert not budget.model.stop_training  # Past the budget, but not 10% past: finish the epoch.
    budget.on_epoch_end(0)
    assert budget.model.stop_training and not budget.stopped_mid_epoch

    long_epoch = with_model(callbacks.TimeBudget(minutes=1, clock=lambda: now[0]))
    now[0] = 0.0
    long_epoch.on_train_begin()
    now[0] = 66.5
    long_epoch.on_train_batch_end(0)
    assert long_epoch.model.stop_training and long_epoch.stopped_mid_epoch


def test_stop_on_nan_names_the_epoch():
    guard = with_model(callbacks.StopOnNaN())
    guard.on_epoch_begin(0)
    guard.on_train_batch_end(0, {"d_loss": 0.5, "g_loss": 0.7})
    assert not guard.model.stop_training
    guard.on_epoch_begin(1)
    guard.on_train_batch_end(3, {"d_loss": math.nan, "g_loss": 0.7})
    assert guard.model.stop_training and guard.nan_epoch == 2
    assert not callbacks.logs_are_finite({"g_loss": math.inf})


def test_quality_log_adds_the_classifier_score_and_frechet_distance_to_the_logs():
    from gan_helpers import models, training

    class GeneratorHolder(FakeModel):
        sampling_generator = models.build_generator("fast", 8)  # What GAN.sampling_generator returns.

    quality = callbacks.QualityLog(training.fixed_noise(50, 8, seed=0))
    quality.set_model(GeneratorHolder())
    logs = {"d_loss": 1.0}
    quality.on_epoch_end(0, logs)
    assert 1.0 <= logs["classifier_score"] <= 10.0 and logs["frechet_distance"] > 0
    nan_logs = {"d_loss": float("nan")}
    quality.on_epoch_end(1, nan_logs)
    assert "classifier_score" not in nan_logs  # A NaN generator is not scored.


def test_elapsed_time_counts_on_from_earlier_sessions():
    now = [100.0]
    elapsed = callbacks.ElapsedTime(seconds_before=30.0, clock=lambda: now[0])
    elapsed.on_train_begin()
    now[0] = 112.5
    logs = {}
    elapsed.on_epoch_end(0, logs)
    assert logs["seconds"] == 42.5


def test_seconds_so_far_reads_the_last_row(tmp_path):
    from gan_helpers import runs

    path = tmp_path / "history.csv"
    assert runs.seconds_so_far(path) == 0.0
    path.write_text("epoch,d_loss\n1,1.0\n")
    assert runs.seconds_so_far(path) == 0.0  # A history from before the seconds column.
    path.write_text("epoch,d_loss,seconds\n1,1.0,5.5\n2,1.0,11.0\n")
    assert runs.seconds_so_far(path) == 11.0

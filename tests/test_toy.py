"""The 2-D toy: data sets, the published metrics on inputs with known answers, every method, the toy command."""

import math

import numpy as np
import pytest

from gan_helpers import config
from gan_helpers.lab import toy, toy_gan
from tests.test_cli import cli


def test_the_ring_has_8_modes_of_radius_2_every_45_degrees():
    centers = toy.mode_centers("ring")
    assert centers.shape == (8, 2)
    np.testing.assert_allclose(np.linalg.norm(centers, axis=1), 2.0)
    np.testing.assert_allclose(centers[0], [2.0, 0.0], atol=1e-12)
    np.testing.assert_allclose(centers[2], [0.0, 2.0], atol=1e-12)
    angles = np.degrees(np.arctan2(centers[:, 1], centers[:, 0])) % 360
    np.testing.assert_allclose(np.sort(angles), np.arange(0, 360, 45), atol=1e-9)
    assert toy.mode_std("ring") == 0.02


def test_the_grid_has_25_modes_at_minus_4_to_4_in_steps_of_2():
    centers = toy.mode_centers("grid")
    assert centers.shape == (25, 2)
    assert {tuple(center) for center in centers} == {(x, y) for x in (-4, -2, 0, 2, 4) for y in (-4, -2, 0, 2, 4)}
    assert toy.mode_std("grid") == 0.05


@pytest.mark.parametrize("dataset", ["ring", "grid"])
def test_real_samples_have_the_shape_spread_and_balance_of_the_mixture(dataset):
    samples = toy.sample_real(5_000, dataset, seed=0)
    assert samples.shape == (5_000, 2) and samples.dtype == np.float32
    nearest, distances = toy.nearest_modes(samples, dataset)
    counts = np.bincount(nearest, minlength=len(toy.mode_centers(dataset)))
    assert counts.min() > 0.6 * counts.mean()  # Every mode is drawn about equally often.
    offsets = samples - toy.mode_centers(dataset)[nearest]
    assert np.std(offsets) == pytest.approx(toy.mode_std(dataset), rel=0.05)
    np.testing.assert_array_equal(samples, toy.sample_real(5_000, dataset, seed=0))  # Same seed, same points.


@pytest.mark.parametrize("dataset", ["ring", "grid"])
def test_real_samples_capture_every_mode_and_are_high_quality_as_often_as_3_stds_allow(dataset):
    samples = toy.sample_real(toy.NUM_SAMPLES, dataset, seed=1)
    assert toy.modes_captured(samples, dataset) == len(toy.mode_centers(dataset))
    # In 2-D the distance to the centre over the std follows a Rayleigh law: P(r <= 3) = 1 - exp(-9 / 2).
    assert toy.high_quality_share(samples, dataset) == pytest.approx(1 - math.exp(-4.5), abs=0.006)


def test_samples_all_at_one_mode_capture_one():
    samples = np.repeat(toy.mode_centers("ring")[3:4], 100, axis=0)
    assert toy.modes_captured(samples, "ring") == 1
    assert toy.high_quality_share(samples, "ring") == 1.0


def test_far_away_or_in_between_points_capture_nothing():
    assert toy.modes_captured(np.full((50, 2), 40.0), "ring") == 0
    assert toy.high_quality_share(np.full((50, 2), 40.0), "ring") == 0.0
    centers = toy.mode_centers("ring")
    midpoints = (centers + np.roll(centers, 1, axis=0)) / 2  # Halfway between neighbouring modes.
    assert toy.modes_captured(midpoints, "ring") == 0
    assert toy.modes_captured(np.zeros((10, 2)), "grid") == 1  # The grid has a mode at the origin.


def test_high_quality_means_within_3_stds_of_the_nearest_mode():
    # Points 0.059 and 0.061 from the mode at (2, 0): 3 stds is 0.06.
    samples = np.array([[2.059, 0.0], [2.061, 0.0], [2.0, -0.05]])
    np.testing.assert_array_equal(toy.high_quality(samples, "ring"), [True, False, True])
    assert toy.high_quality_share(samples, "ring") == pytest.approx(2 / 3)
    # A mode counts only through a high-quality sample: 7 poor samples near 7 modes add nothing.
    centers = toy.mode_centers("ring")
    poor = centers[1:] + 0.1
    assert toy.modes_captured(np.concatenate([samples, poor]), "ring") == 1


@pytest.mark.parametrize("bad", [np.zeros((5, 3)), np.zeros(4), np.zeros((0, 2))])
def test_metrics_reject_anything_but_points_in_the_plane(bad):
    with pytest.raises(ValueError, match=r"shape \(N, 2\)"):
        toy.modes_captured(bad, "ring")


def test_unknown_names_raise_with_the_known_ones():
    with pytest.raises(ValueError, match="expected one of: ring, grid"):
        toy.mode_centers("spiral")
    with pytest.raises(ValueError, match="expected one of: vanilla, ns"):
        toy.train("magic", steps=1)
    with pytest.raises(ValueError, match="steps must be a positive integer"):
        toy.train("ns", steps=0)
    with pytest.raises(ValueError, match="batch_size must be a multiple of 4"):
        toy.train("ns", steps=1, batch_size=6)
    with pytest.raises(ValueError, match="seed must be a non-negative integer"):
        toy.train("ns", steps=1, seed=-1)
    with pytest.raises(ValueError, match="d_learning_rate must be a positive number"):
        toy.train("ns", steps=1, d_learning_rate=0.0)


def test_the_methods_are_the_ones_the_command_line_lists():
    assert list(toy.METHODS) == list(config.TOY_METHODS)
    assert config.TOY_METHODS[0] == "vanilla"


def test_minibatch_std_appends_each_groups_spread_by_hand():
    features = np.array([[0.0, 1.0], [2.0, 1.0], [5.0, 5.0], [5.0, 5.0]], dtype=np.float32)
    layer = toy.MinibatchStd(group_size=2)
    output = np.asarray(layer(features))
    assert output.shape == (4, 3)
    np.testing.assert_allclose(output[:, :2], features)
    # Group 1: stds 1 and 0, mean 0.5. Group 2: identical rows, spread 0.
    np.testing.assert_allclose(output[:, 2], [0.5, 0.5, 0.0, 0.0], atol=1e-6)


@pytest.mark.slow
@pytest.mark.parametrize("method", config.TOY_METHODS)
def test_every_method_trains_a_few_steps_without_nan(method):
    result = toy.train(method, seed=0, steps=3)
    assert result.samples.shape == (toy.NUM_SAMPLES, 2) and result.samples.dtype == np.float32
    assert np.all(np.isfinite(result.samples))
    assert result.d_loss.shape == result.g_loss.shape == (3,)
    assert np.all(np.isfinite(result.d_loss)) and np.all(np.isfinite(result.g_loss))
    assert 0 <= result.modes_captured <= 8 and 0.0 <= result.high_quality_share <= 1.0
    surface = toy.decision_surface(result.discriminator, resolution=16, context=result.samples)
    assert surface.shape == (16, 16) and np.all((surface >= 0) & (surface <= 1))


def test_a_seed_gives_the_same_run_twice_and_another_seed_another():
    first = toy.train("pacgan", seed=3, steps=30)
    again = toy.train("pacgan", seed=3, steps=30)
    other = toy.train("pacgan", seed=4, steps=30)
    np.testing.assert_array_equal(first.samples, again.samples)
    np.testing.assert_array_equal(first.d_loss, again.d_loss)
    assert not np.array_equal(first.samples, other.samples)


def test_snapshots_record_samples_and_surfaces_from_step_0():
    result = toy.train("ns", dataset="grid", seed=0, steps=10, snapshot_every=4)
    assert [snapshot.step for snapshot in result.snapshots] == [0, 4, 8, 10]
    for snapshot in result.snapshots:
        assert snapshot.samples.shape == (toy.NUM_SAMPLES, 2)
        assert snapshot.surface.shape == (toy.SURFACE_RESOLUTION, toy.SURFACE_RESOLUTION)
    np.testing.assert_array_equal(result.snapshots[-1].samples, result.samples)
    assert "of 25 modes captured" in result.summary() == str(result)


def test_decision_surface_of_a_known_discriminator():
    import keras

    # D(x) = sigmoid(x): real to the right, fake to the left, one half on the y axis.
    discriminator = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    discriminator.layers[0].set_weights([np.array([[1.0], [0.0]]), np.zeros(1)])
    surface = toy.decision_surface(discriminator, extent=3.0, resolution=7)
    assert surface.shape == (7, 7)
    expected_row = 1 / (1 + np.exp(-np.linspace(-3, 3, 7)))
    np.testing.assert_allclose(surface, np.tile(expected_row, (7, 1)), rtol=1e-5)


def test_surfaces_of_discriminators_that_judge_groups_come_one_per_grid_point():
    for method in ("pacgan", "minibatch-std"):
        discriminator = toy.build_discriminator(method)
        assert toy.judged_together(discriminator) == {"pacgan": toy_gan.PACK, "minibatch-std": toy_gan.GROUP_SIZE}[method]
        alone = toy.decision_surface(discriminator, resolution=8)
        beside = toy.decision_surface(discriminator, resolution=8, context=toy.sample_real(100, "ring"))
        assert alone.shape == beside.shape == (8, 8)
        assert np.all((beside > 0) & (beside < 1))
    result = toy.train("pacgan", seed=0, steps=2)
    assert result.surface(resolution=10).shape == (10, 10)


@pytest.mark.slow
def test_plots_return_figures():
    result = toy.train("minibatch-std", seed=0, steps=4, snapshot_every=2)
    assert len(toy.plot_snapshots(result).axes) == 3
    assert len(toy.plot_losses(result).axes) == 1
    assert len(toy.plot_samples(result.samples, "ring", result.snapshots[-1].surface).axes) == 1
    with pytest.raises(ValueError, match="snapshot_every"):
        toy.plot_snapshots(toy.train("ns", seed=0, steps=1))


@pytest.mark.slow
def test_compare_gives_one_row_per_method_and_a_markdown_table():
    finished = []
    rows = toy.compare(["vanilla", "ns"], seeds=[0, 1], steps=2, progress=finished.append)
    assert [row["method"] for row in rows] == ["vanilla", "ns"]
    assert len(finished) == 4 and all(isinstance(result, toy.ToyResult) for result in finished)
    for row in rows:
        assert len(row["modes"]) == len(row["high_quality"]) == len(row["seconds"]) == 2
        assert row["modes_mean"] == pytest.approx(np.mean(row["modes"]))
    table = toy.markdown_table(rows).splitlines()
    assert len(table) == 4 and table[0].startswith("| method |") and "(0, 1)" in table[0]
    assert table[2].startswith("| vanilla | ")


def test_cli_lists_the_methods_one_a_line():
    finished = cli("toy", "--list-methods")
    assert finished.returncode == 0, finished.stderr
    assert finished.stdout.split() == list(config.TOY_METHODS)
    assert finished.stderr == ""


@pytest.mark.slow
def test_cli_writes_2500_float_samples_and_prints_the_scores(tmp_path):
    out = tmp_path / "samples.npy"
    finished = cli("toy", "--method", "ns", "--seed", "1", "--steps", "5", "--out", out)
    assert finished.returncode == 0, finished.stderr
    assert finished.stderr.strip() == ""
    samples = np.load(out)
    assert samples.shape == (2_500, 2) and samples.dtype == np.float32
    score_line = finished.stdout.splitlines()[0]
    assert f"{toy.modes_captured(samples, 'ring')} of 8 modes captured" in score_line
    assert f"{toy.high_quality_share(samples, 'ring'):.1%} high-quality samples" in score_line


@pytest.mark.slow
def test_cli_bad_input_exits_2_with_one_line(tmp_path):
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    out = tmp_path / "samples.npy"
    cases = [
        (["--method", "magic", "--out", out], "--method: invalid choice: 'magic'"),
        (["--method", "ns", "--seed", "-1", "--out", out], "--seed: expected a whole number >= 0"),
        (["--method", "ns", "--steps", "0", "--out", out], "--steps: expected a whole number >= 1"),
        (["--method", "ns", "--out", tmp_path / "samples.txt"], "--out must end in .npy"),
        (["--method", "ns", "--out", blocker / "samples.npy"], "cannot write to output folder"),
        (["--method", "ns", "--dataset", "spiral", "--out", out], "--dataset: invalid choice: 'spiral'"),
        (["--out", out], "expected --method NAME"),
        (["--method", "ns"], "expected --out FILE.npy"),
    ]
    failures = []
    for args, expected in cases:
        finished = cli("toy", *args)
        lines = finished.stderr.strip().splitlines()
        if finished.returncode != 2 or len(lines) != 1 or expected not in lines[0] or "Traceback" in finished.stderr:
            failures.append((args, finished.returncode, finished.stderr[-300:]))
    assert not failures
    assert not out.exists()

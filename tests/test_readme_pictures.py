"""tools.readme_pictures: the README's pictures come from a finished run's folder; bad folders exit 2.

No training here: a fake run folder of small PNG grids and a GIF stands in for the main job.
"""

import subprocess
import sys
from pathlib import Path

import imageio.v3 as iio
import numpy as np
import pytest

from tools import readme_pictures

REPO = Path(__file__).resolve().parent.parent


def fake_run(run_dir, epochs=(1, 2, 10), gif_frames=3, frame_size=16):
    """A run folder with samples/epoch_NNNN.png grids (epoch N filled with N) and a progress.gif."""
    (run_dir / "samples").mkdir(parents=True)
    for epoch in epochs:
        iio.imwrite(run_dir / "samples" / f"epoch_{epoch:04d}.png", np.full((8, 8), epoch, dtype=np.uint8))
    random = np.random.default_rng(0)
    frames = random.integers(0, 256, size=(gif_frames, frame_size, frame_size), dtype=np.uint8)
    iio.imwrite(run_dir / "progress.gif", frames, duration=250, loop=0)
    return run_dir


def test_the_last_epochs_grid_and_the_gif_are_copied(tmp_path):
    run_dir = fake_run(tmp_path / "run", epochs=(1, 2, 10, 9))  # Epoch 10 is the last, listed or not.
    samples, gif = readme_pictures.copy_pictures(run_dir, tmp_path / "images")
    assert samples == tmp_path / "images" / "main_job_samples.png"
    assert np.array_equal(iio.imread(samples), np.full((8, 8), 10, dtype=np.uint8))
    assert gif.read_bytes() == (run_dir / "progress.gif").read_bytes()


def test_a_large_gif_is_written_again_with_fewer_frames_ending_on_the_last(tmp_path):
    run_dir = fake_run(tmp_path / "run", gif_frames=12, frame_size=64)
    source_bytes = (run_dir / "progress.gif").stat().st_size
    _, gif = readme_pictures.copy_pictures(run_dir, tmp_path / "images", max_gif_bytes=source_bytes // 3)
    assert gif.stat().st_size <= source_bytes // 3
    source_frames, small_frames = iio.imread(run_dir / "progress.gif", index=None), iio.imread(gif, index=None)
    assert 2 <= len(small_frames) < len(source_frames)
    assert np.array_equal(small_frames[-1], source_frames[-1])


def test_the_command_line_copies_from_a_finished_run(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(readme_pictures, "IMAGES_DIR", tmp_path / "images")
    assert readme_pictures.main(["--run-dir", str(fake_run(tmp_path / "run"))]) == 0
    assert sorted(path.name for path in (tmp_path / "images").iterdir()) == ["main_job_progress.gif", "main_job_samples.png"]
    assert "main_job_samples.png" in capsys.readouterr().out


@pytest.mark.parametrize("problem", ["missing", "no samples", "no gif"])
def test_a_bad_run_folder_exits_2_with_one_line(tmp_path, problem):
    run_dir = tmp_path / "run"
    if problem != "missing":
        fake_run(run_dir)
        if problem == "no samples":
            for path in (run_dir / "samples").iterdir():
                path.unlink()
        else:
            (run_dir / "progress.gif").unlink()
    done = subprocess.run(
        [sys.executable, "-m", "tools.readme_pictures", "--run-dir", str(run_dir)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("python -m tools.readme_pictures: error:"), done.stderr
    assert "Traceback" not in done.stderr

"""Remake the README's pictures of the main job: its last sample grid and its progress GIF, in docs/images/.

    python -m tools.readme_pictures                    # trains the main job into runs/readme_pictures first
    python -m tools.readme_pictures --run-dir runs/first   # or takes them from a finished run

Training is exactly the README's first command, `python -m gan_helpers train --out DIR` (about 5 minutes
on a 2-core CPU). A GIF larger than MAX_GIF_BYTES is written again with fewer frames.
"""

import argparse
import math
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_RUN_DIR = Path("runs/readme_pictures")
IMAGES_DIR = ROOT / "docs" / "images"
SAMPLES_NAME = "main_job_samples.png"
GIF_NAME = "main_job_progress.gif"
MAX_GIF_BYTES = 1_500_000
GIF_FRAME_MS = 250  # As gan_helpers.runs writes progress.gif; a thinned GIF shows each frame longer.
EXIT_BAD_INPUT = 2
FRAME_NAME = re.compile(r"^epoch_(\d+)\.png$")


def last_sample_grid(run_dir):
    """The grid of the run's last epoch, samples/epoch_NNNN.png with the highest N; ValueError if none."""
    frames = [path for path in (Path(run_dir) / "samples").glob("epoch_*.png") if FRAME_NAME.match(path.name)]
    if not frames:
        raise ValueError(f"{run_dir} has no samples/epoch_NNNN.png: expected the --out folder of a finished train run")
    return max(frames, key=lambda path: int(FRAME_NAME.match(path.name).group(1)))


def check_finished_run(run_dir):
    """Raise ValueError with one readable line unless `run_dir` holds sample grids and progress.gif."""
    run_dir = Path(run_dir)
    if not run_dir.is_dir():
        raise ValueError(f"{run_dir} is not a folder: expected the --out folder of a finished train run")
    last_sample_grid(run_dir)
    if not (run_dir / "progress.gif").is_file():
        raise ValueError(f"{run_dir} has no progress.gif: expected the --out folder of a finished train run")


def train_main_job(run_dir):
    """Run `python -m gan_helpers train --out run_dir`, the README's first command; return its exit status."""
    command = [sys.executable, "-m", "gan_helpers", "train", "--out", str(run_dir)]
    print("Training the main job:", " ".join(["python"] + command[1:]), flush=True)
    return subprocess.run(command, check=False).returncode


def write_small_gif(source, target, max_bytes=MAX_GIF_BYTES, frame_ms=GIF_FRAME_MS):
    """Copy the GIF; if it is over `max_bytes`, keep every k-th frame (and the last) until it fits."""
    source, target = Path(source), Path(target)
    shutil.copyfile(source, target)
    if target.stat().st_size <= max_bytes:
        return target
    import imageio.v3 as iio

    frames = iio.imread(source, index=None)  # (frames, height, width[, channels])
    step = 1
    while target.stat().st_size > max_bytes and math.ceil(len(frames) / step) > 2:
        step += 1
        keep = list(range(len(frames) - 1, -1, -step))[::-1]  # Counted back from the last frame, so it stays.
        iio.imwrite(target, frames[keep], duration=frame_ms * step, loop=0)
    print(f"{source} is {source.stat().st_size:,} bytes: kept {len(keep)} of its {len(frames)} frames")
    return target


def copy_pictures(run_dir, images_dir=None, max_gif_bytes=MAX_GIF_BYTES):
    """Copy a finished run's last sample grid and its (small) GIF into images_dir (docs/images/); return both paths."""
    check_finished_run(run_dir)
    images_dir = Path(images_dir or IMAGES_DIR)
    images_dir.mkdir(parents=True, exist_ok=True)
    samples = shutil.copyfile(last_sample_grid(run_dir), images_dir / SAMPLES_NAME)
    gif = write_small_gif(Path(run_dir) / "progress.gif", images_dir / GIF_NAME, max_gif_bytes)
    return Path(samples), gif


def main(argv=None):
    """`python -m tools.readme_pictures`: train the main job unless given a finished run, then copy its pictures."""
    parser = argparse.ArgumentParser(prog="python -m tools.readme_pictures", description=__doc__.splitlines()[0])
    parser.add_argument("--run-dir", type=Path, help="a finished train run to take the pictures from (default: train one)")
    args = parser.parse_args(argv)
    try:
        run_dir = args.run_dir
        if run_dir is None:
            run_dir = DEFAULT_RUN_DIR
            if run_dir.exists():
                raise ValueError(f"{run_dir} already exists: remove it, or pass --run-dir {run_dir} to use it")
            status = train_main_job(run_dir)
            if status != 0:
                return status  # The command line has said why, in one line.
        for path in copy_pictures(run_dir):
            print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path} ({path.stat().st_size:,} bytes)")
    except (ValueError, OSError) as error:
        print(f"python -m tools.readme_pictures: error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    return 0


if __name__ == "__main__":
    sys.exit(main())

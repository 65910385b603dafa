"""The command line as a user runs it: in a subprocess, in quick mode, on the offline digits (the slow tier)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import imageio.v3 as iio
import numpy as np
import pytest

from tests.test_arguments import bad_inputs

REPO = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow  # Each test starts a Python that imports TensorFlow (tests/test_arguments.py: the fast checks).


def cli(*args, quick=True):
    """Run `python -m gan_helpers ARGS`; return the finished process (text output captured)."""
    env = {**os.environ, "GAN_QUICK": "1" if quick else "0", "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "gan_helpers", *map(str, args)], capture_output=True, text=True, env=env, timeout=600
    )


@pytest.fixture(scope="module")
def trained_run(tmp_path_factory):
    """One quick training run, shared by the tests that only read it."""
    run_dir = tmp_path_factory.mktemp("runs") / "first"
    finished = cli("train", "--out", run_dir, "--data", "offline", "--tensorboard")
    assert finished.returncode == 0, finished.stderr
    return run_dir, finished


def test_train_writes_every_promised_file(trained_run):
    run_dir, finished = trained_run
    for name in ("generator.keras", "history.csv", "progress.gif", "curves.png", "config.json",
                 "samples/epoch_0001.png", "checkpoint/state.json"):
        assert (run_dir / name).is_file(), name
        assert str(run_dir / name.split("/")[0]) in finished.stdout  # Printed where it is.
    assert "Data: offline MNIST" in finished.stdout
    assert finished.stderr.strip() == ""  # No TensorFlow start-up noise.
    assert json.loads((run_dir / "config.json").read_text())["model"] == "fast"
    assert list((run_dir / "logs").rglob("events.out.tfevents.*"))  # --tensorboard wrote event files.
    header = (run_dir / "history.csv").read_text().splitlines()[0].split(",")
    assert {"classifier_score", "frechet_distance", "seconds"} <= set(header)  # Quality and time per epoch.
    assert (run_dir / "commands.txt").read_text().splitlines() == [
        f"python -m gan_helpers train --out {run_dir} --data offline --tensorboard  # finished at epoch 1"
    ]


def test_evaluate_a_run_prints_its_figures_beside_the_real_floor(trained_run):
    run_dir, _ = trained_run
    finished = cli("evaluate", run_dir, "--num", 300)
    assert finished.returncode == 0, finished.stderr
    assert finished.stderr.strip() == ""
    assert f"Evaluation of 300 digits from {run_dir}" in finished.stdout
    for label in ("classifier score", "Fréchet distance", "x the floor", "copy rate", "smallest class", "generated", "real"):
        assert label in finished.stdout


def test_evaluate_a_npy_of_real_digits_scores_them_like_the_floor(tmp_path):
    from gan_helpers import digit_classifier

    _, (held_out, _) = digit_classifier.offline_split()
    np.save(tmp_path / "real.npy", held_out)
    finished = cli("evaluate", tmp_path / "real.npy", "--num", 1000)
    assert finished.returncode == 0, finished.stderr
    score_line = next(line for line in finished.stdout.splitlines() if line.startswith("Fréchet distance"))
    assert "1.0x the floor" in score_line  # The same digits as the floor: the same distance.


def test_sample_and_evaluate_the_pretrained_generator(tmp_path):
    finished = cli("sample", "--pretrained", "--num", 12, "--out", tmp_path / "pretrained.png", "--seed", 5)
    assert finished.returncode == 0, finished.stderr
    digits = np.load(tmp_path / "pretrained.npy")
    assert digits.shape == (12, 28, 28) and digits.dtype == np.uint8 and digits.std() > 20
    finished = cli("evaluate", "--pretrained", "--model", "dcgan", "--num", 200)
    assert finished.returncode == 0, finished.stderr
    assert "the pretrained 'dcgan' generator" in finished.stdout


def test_sample_writes_uint8_digits_and_a_grid(trained_run, tmp_path):
    run_dir, _ = trained_run
    finished = cli("sample", run_dir, "--num", 10, "--out", tmp_path / "digits.npy", "--seed", 3)
    assert finished.returncode == 0, finished.stderr
    digits = np.load(tmp_path / "digits.npy")
    assert digits.shape == (10, 28, 28) and digits.dtype == np.uint8
    assert not (tmp_path / "digits.png").exists()

    finished = cli("sample", run_dir, "--num", 10, "--out", tmp_path / "grid.png", "--seed", 3)
    assert finished.returncode == 0, finished.stderr
    np.testing.assert_array_equal(np.load(tmp_path / "grid.npy"), digits)  # Same seed, same digits.
    assert iio.imread(tmp_path / "grid.png").ndim == 2


def test_resume_continues_from_the_checkpoint(trained_run, tmp_path):
    run_dir = tmp_path / "resumed"
    subprocess.run(["cp", "-r", str(trained_run[0]), str(run_dir)], check=True)
    finished = cli("train", "--out", run_dir, "--epochs", 2, "--resume")
    assert finished.returncode == 0, finished.stderr
    assert "Epoch 2/2" in finished.stdout and "Epoch 1/" not in finished.stdout
    history = (run_dir / "history.csv").read_text().splitlines()
    assert [row.split(",")[0] for row in history] == ["epoch", "1", "2"]
    assert json.loads((run_dir / "checkpoint" / "state.json").read_text())["epoch"] == 2
    assert iio.imread(run_dir / "progress.gif", index=None).shape[0] == 2

    again = cli("train", "--out", run_dir, "--epochs", 2, "--resume")
    assert again.returncode == 0 and "already at epoch 2" in again.stdout


def test_a_loss_that_turns_nan_stops_and_keeps_the_last_good_checkpoint(trained_run, tmp_path):
    run_dir = tmp_path / "exploding"
    subprocess.run(["cp", "-r", str(trained_run[0]), str(run_dir)], check=True)
    finished = cli("train", "--out", run_dir, "--epochs", 3, "--resume", "--learning-rate", "1e30")
    assert finished.returncode == 1
    assert "loss turned NaN in epoch 2" in finished.stderr and "last good checkpoint (epoch 1)" in finished.stderr
    assert "It diverged with learning_rate=1e+30" in finished.stderr and "This command set --learning-rate" in finished.stderr
    assert "Traceback" not in finished.stderr
    assert json.loads((run_dir / "checkpoint" / "state.json").read_text())["epoch"] == 1
    sampled = cli("sample", run_dir, "--num", 4, "--out", tmp_path / "after_nan.npy")
    assert sampled.returncode == 0, sampled.stderr
    assert np.load(tmp_path / "after_nan.npy").std() > 0  # The kept generator still draws.


def test_bad_input_exits_2_with_one_line_and_no_traceback(trained_run, tmp_path):
    """The same cases as tests/test_arguments.py, each in a process of its own against a real trained run."""
    failures = []
    for args, expected in bad_inputs(tmp_path, trained_run[0]):
        finished = cli(*args)
        lines = finished.stderr.strip().splitlines()
        if finished.returncode != 2 or len(lines) != 1 or expected not in lines[0] or "Traceback" in finished.stderr:
            failures.append((args, finished.returncode, finished.stderr[-500:]))
    assert not failures
    assert not (tmp_path / "new_run" / "checkpoint").exists()  # Nothing trained on bad input.


def test_train_with_the_plain_recipe_keeps_exactly_the_plain_settings(tmp_path):
    finished = cli("train", "--recipe", "plain", "--out", tmp_path / "plain", "--epochs", 1, "--data", "offline")
    assert finished.returncode == 0, finished.stderr
    saved = json.loads((tmp_path / "plain" / "config.json").read_text())
    assert saved == {**json.loads(cli("settings", "--recipe", "plain").stdout), "data": "offline"}
    assert (tmp_path / "plain" / "generator.keras").is_file()


def test_ctrl_c_keeps_the_last_checkpoint_and_resume_continues(tmp_path):
    import signal
    import time

    run_dir = tmp_path / "interrupted"
    total_epochs = 20  # Quick-mode epochs take about a second: Ctrl-C lands in the middle.
    env = {**os.environ, "GAN_QUICK": "1", "PYTHONPATH": str(REPO)}
    process = subprocess.Popen(
        [sys.executable, "-m", "gan_helpers", "train", "--out", str(run_dir), "--epochs", str(total_epochs), "--data", "offline"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        # As a terminal starts it: Ctrl-C on. (A test run started in the background by a script has
        # SIGINT ignored, and the child would inherit that and never see the signal.)
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 300
    while not (run_dir / "checkpoint" / "state.json").exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(1.0)  # Let a few more epochs finish.
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 130
    assert len(stderr.strip().splitlines()) == 1, stderr
    assert "Interrupted" in stderr and "--resume" in stderr and "Traceback" not in stderr
    saved_epoch = json.loads((run_dir / "checkpoint" / "state.json").read_text())["epoch"]
    assert 1 <= saved_epoch < total_epochs
    assert (run_dir / "commands.txt").read_text().splitlines()[-1].endswith("# interrupted")

    resumed = cli("train", "--out", run_dir, "--resume")  # The hint's command: the same run, to its own end.
    assert resumed.returncode == 0, resumed.stderr
    assert f"Epoch {total_epochs}/{total_epochs}" in resumed.stdout
    assert json.loads((run_dir / "checkpoint" / "state.json").read_text())["epoch"] == total_epochs
    history = (run_dir / "history.csv").read_text().splitlines()
    assert [row.split(",")[0] for row in history[1:]] == [str(epoch) for epoch in range(1, total_epochs + 1)]
    commands = (run_dir / "commands.txt").read_text().splitlines()
    assert commands[-1] == f"python -m gan_helpers train --out {run_dir} --resume  # finished at epoch {total_epochs}"


def start_training(run_dir, *args):
    """Start `train --out RUN_DIR ARGS` in quick mode as a terminal would (Ctrl-C on); return the process."""
    import signal

    env = {**os.environ, "GAN_QUICK": "1", "PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        [sys.executable, "-m", "gan_helpers", "train", "--out", str(run_dir), *map(str, args)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


def wait_for(condition, seconds=300):
    import time

    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def test_a_second_train_on_a_folder_in_use_exits_2_at_once_and_the_first_run_stays_whole(tmp_path):
    run_dir = tmp_path / "busy"
    first = start_training(run_dir, "--epochs", 6, "--data", "offline")
    wait_for(lambda: (run_dir / "checkpoint" / "state.json").exists())
    for args in ((), ("--resume",)):
        second = cli("train", "--out", run_dir, *args)
        lines = second.stderr.strip().splitlines()
        assert second.returncode == 2 and len(lines) == 1, second.stderr
        assert f"{run_dir.resolve()} is being trained by another process (pid {first.pid})" in lines[0]
    first.communicate(timeout=300)
    assert first.returncode == 0
    history = (run_dir / "history.csv").read_text().splitlines()
    assert [row.split(",")[0] for row in history[1:]] == ["1", "2", "3", "4", "5", "6"]
    assert len((run_dir / "commands.txt").read_text().splitlines()) == 1  # The refused commands wrote nothing.
    again = cli("train", "--out", run_dir, "--resume", "--epochs", 7)  # The lock died with the first process.
    assert again.returncode == 0, again.stderr


def test_a_kill_while_the_generator_is_written_keeps_the_old_generator(trained_run, tmp_path):
    import signal

    run_dir = tmp_path / "killed"
    subprocess.run(["cp", "-r", str(trained_run[0]), str(run_dir)], check=True)
    before = (run_dir / "generator.keras").read_bytes()
    writer = (
        "import sys, time\nfrom gan_helpers import safe_files\n"
        "with safe_files.replace_atomically(sys.argv[1]) as temporary:\n"
        "    with open(temporary, 'wb') as file:\n"
        "        file.write(b'half a generator'); file.flush(); print('writing', flush=True); time.sleep(60)\n"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", writer, str(run_dir / "generator.keras")], stdout=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert process.stdout.readline().strip() == "writing"
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert (run_dir / "generator.keras").read_bytes() == before
    sampled = cli("sample", run_dir, "--num", 4, "--out", tmp_path / "after_kill.npy")
    assert sampled.returncode == 0, sampled.stderr
    resumed = cli("train", "--out", run_dir, "--resume", "--epochs", 2)  # The half-written file is no foreign file.
    assert resumed.returncode == 0, resumed.stderr


def test_a_full_disk_ends_with_status_1_one_line_and_keeps_the_last_checkpoint(trained_run, tmp_path):
    import resource
    import signal

    run_dir = tmp_path / "full"
    subprocess.run(["cp", "-r", str(trained_run[0]), str(run_dir)], check=True)
    generator_before = (run_dir / "generator.keras").read_bytes()

    def small_disk():  # Files may grow to 256 kB: the checkpoint's generator weights (2.6 MB) cannot be written.
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # A write past the limit then fails with EFBIG, as on a full disk.
        resource.setrlimit(resource.RLIMIT_FSIZE, (256_000, 256_000))

    finished = subprocess.run(
        [sys.executable, "-m", "gan_helpers", "train", "--out", str(run_dir), "--resume", "--epochs", "2"],
        capture_output=True, text=True, timeout=600, preexec_fn=small_disk,
        env={**os.environ, "GAN_QUICK": "1", "PYTHONPATH": str(REPO)},
    )
    lines = finished.stderr.strip().splitlines()
    assert finished.returncode == 1 and len(lines) == 1, finished.stderr[-2000:]
    assert "training failed: could not write" in lines[0] and "kept the last good checkpoint" in lines[0]
    assert json.loads((run_dir / "checkpoint" / "state.json").read_text())["epoch"] == 1
    assert (run_dir / "generator.keras").read_bytes() == generator_before
    assert (run_dir / "commands.txt").read_text().splitlines()[-1].split("  # ")[1].startswith("failed: could not write")
    resumed = cli("train", "--out", run_dir, "--resume", "--epochs", 2)  # With room again, the run goes on.
    assert resumed.returncode == 0, resumed.stderr


def test_ctrl_c_while_tensorflow_imports_is_one_line_and_status_130(tmp_path):
    import signal
    import time

    process = start_training(tmp_path / "early", "--epochs", 1, "--data", "offline")
    time.sleep(1.0)  # Still importing TensorFlow.
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 130 and len(stderr.strip().splitlines()) == 1, stderr
    assert "Traceback" not in stderr

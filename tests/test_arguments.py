"""The command line's arguments, checked in this process: every bad input exits 2 with one line, before any work.

tests/test_cli.py runs the same cases each in a process of its own against a real trained run (the slow tier).
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from gan_helpers import arguments, cli, recipes, runs

REPO = Path(__file__).resolve().parent.parent


def run_in_process(args, capsys):
    """Run `python -m gan_helpers ARGS` as cli.main; return (exit status, stdout, stderr)."""
    try:
        status = cli.main([str(arg) for arg in args])
    except SystemExit as stop:  # argparse's own errors and --help leave through SystemExit.
        status = stop.code
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def fake_run(folder):
    """A run folder as a finished epoch leaves it, as far as the argument checks look: its settings and a checkpoint."""
    (folder / "checkpoint").mkdir(parents=True)
    (folder / "checkpoint" / "state.json").write_text(json.dumps({"epoch": 1}))
    settings = recipes.recipe("course", data="offline")
    (folder / runs.CONFIG_FILE).write_text(json.dumps(settings.as_dict()))
    return folder


def bad_inputs(tmp_path, run_dir):
    """Each bad input with a piece of the one line that must explain it."""
    empty = tmp_path / "empty"
    empty.mkdir()
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    corrupt = tmp_path / "corrupt"
    corrupt.mkdir()
    (corrupt / "generator.keras").write_bytes(b"this is not a keras archive")
    out = tmp_path / "new_run"
    wrong_shape = tmp_path / "wrong_shape.npy"
    np.save(wrong_shape, np.zeros((5, 32, 32), np.uint8))
    not_numpy = tmp_path / "not_numpy.npy"
    not_numpy.write_text("not an array")
    foreign = tmp_path / "my_project"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("the learner's own notes")
    broken_config = tmp_path / "broken_config"
    (broken_config / "checkpoint").mkdir(parents=True)
    (broken_config / "checkpoint" / "state.json").write_text("{}")
    (broken_config / "config.json").write_text("{not json")
    huge = tmp_path / "huge.npy"
    with open(huge, "wb") as file:  # A header that promises a terabyte, and no data.
        np.lib.format.write_array_header_1_0(file, {"descr": "|u1", "fortran_order": False, "shape": (10**9, 28, 28)})
    return [
        (["train", "--out", foreign], "is not empty and is not a run folder (it holds 'notes.txt')"),
        (["train", "--out", ""], "--out must name a run folder, not the current folder"),
        (["train", "--out", broken_config, "--resume"], "config.json is corrupt"),
        (["sample", run_dir, "--num", "2000000", "--out", tmp_path / "x.npy"], "is more than the 1,000,000 digits"),
        (["evaluate", run_dir, "--num", "200000"], "is more than the 100,000 digits evaluate scores at once"),
        (["evaluate", huge], "its header promises more data than the file holds"),
        (
            ["train", "--out", out, "--model", "gigantic"],
            "--model: expected one of: fast, dcgan, upsampling, mlp, pooling, wide, conditional, got 'gigantic'",
        ),
        (["train", "--out", out, "--loss", "kl"], "--loss: expected one of: minimax, ns, lsgan, hinge, wgan-gp, got 'kl'"),
        (["train", "--out", out, "--recipe", "fancy"], "--recipe: invalid choice: 'fancy'"),
        (["train", "--out", run_dir, "--resume", "--recipe", "plain"], "a resumed run keeps the settings it was trained with"),
        (["train", "--out", "."], "--out must name a run folder, not the current folder"),
        (["train", "--out", out, "--learning-rate", "fast"], "--learning-rate: expected a positive number, got 'fast'"),
        (["train", "--out", out, "--beta-1", "1"], "--beta-1: expected a number in [0, 1), got '1'"),
        (["train", "--out", out, "--seed", "4294967296"], "--seed: expected a whole number from 0 to 4,294,967,295"),
        (["train", "--out", out, "--loss", "hinge", "--label-smoothing", "0.1"], "label_smoothing: applies to the minimax, ns"),
        (["settings", "--recipe", "fancy"], "--recipe: invalid choice: 'fancy'"),
        (["settings", "--d-steps", "0"], "--d-steps: expected a whole number >= 1, got '0'"),
        (["train", "--out", out, "--epochs", "0"], "--epochs: expected a whole number >= 1"),
        (["train", "--out", out, "--minutes", "-2"], "--minutes: expected a positive number"),
        (["train", "--out", out, "--augment", "0.7"], "--augment: expected a number in [0, 0.5)"),
        (["train", "--out", out, "--codes", "-1"], "--codes: expected a whole number >= 0"),
        (["train", "--out", out, "--codes", "100"], "codes: expected fewer categories than latent_dim = 100, got 100"),
        (["train", "--out", out, "--ema", "1"], "--ema: expected a number in [0, 1)"),
        (["train", "--out", out, "--schedule", "linear"], "--schedule: expected one of: constant, cosine, got 'linear'"),
        (["train", "--out", out, "--prior", "even"], "--prior: expected one of: uniform, learned, got 'even'"),
        (["train", "--out", run_dir, "--resume", "--codes", "3"], "was trained with codes="),
        (["train", "--out", out, "--epochs", "2", "--minutes", "1"], "not allowed with argument"),
        (["train", "--out", out, "--data", empty], "no MNIST-format IDX files"),
        (["train", "--out", out, "--data", tmp_path / "nowhere"], "is not a directory of MNIST-format IDX files"),
        (["train", "--out", blocker / "run"], "cannot write to output folder"),
        (["train", "--out", empty, "--resume"], "nothing to resume"),
        (["train", "--out", run_dir], "already holds a training run: pass --resume"),
        (["train", "--out", run_dir, "--resume", "--model", "mlp"], "was trained with model='fast'"),
        (["sample", run_dir, "--num", "0", "--out", tmp_path / "x.npy"], "--num: expected a whole number >= 1"),
        (["sample", run_dir, "--digit", "3", "--num", "4", "--out", tmp_path / "x.npy"], "--digit needs a conditional generator"),
        (["sample", run_dir, "--digit", "10", "--num", "4", "--out", tmp_path / "x.npy"], "--digit: expected a digit from 0"),
        (["evaluate", run_dir, "--digit", "2"], "--digit needs a conditional generator"),
        (["train", "--out", out, "--recipe", "course", "--model", "conditional"], "the conditional model is told each digit"),
        (["sample", tmp_path / "missing", "--num", "4", "--out", tmp_path / "x.npy"], "no run folder at"),
        (["sample", empty, "--num", "4", "--out", tmp_path / "x.npy"], "holds no generator.keras"),
        (["sample", corrupt, "--num", "4", "--out", tmp_path / "x.npy"], "could not be loaded"),
        (["sample", run_dir, "--num", "4", "--out", blocker / "x.npy"], "cannot write to output folder"),
        (["sample", run_dir, "--num", "4", "--out", tmp_path / "x.txt"], "--out must end in .npy or .png"),
        (["sample", "--num", "4", "--out", tmp_path / "x.npy"], "expected a run folder or --pretrained"),
        (["sample", run_dir, "--pretrained", "--num", "4", "--out", tmp_path / "x.npy"], "not both"),
        (
            ["sample", "--pretrained", "--model", "huge", "--num", "4", "--out", tmp_path / "x.npy"],
            "no pretrained generator 'huge'",
        ),
        (["evaluate"], "expected FILE.npy or a run folder or --pretrained"),
        (["evaluate", tmp_path / "missing.npy"], "no such file or run folder"),
        (["evaluate", blocker], "expected a .npy file of digits or a run folder"),
        (["evaluate", wrong_shape], "expected digits of shape (N, 28, 28)"),
        (["evaluate", not_numpy], "is not a readable .npy array"),
        (["evaluate", wrong_shape, "--num", "99"], "asks for more digits than"),
        (["evaluate", empty], "holds no generator.keras"),
        (["evaluate", run_dir, "--num", "0"], "--num: expected a whole number >= 1"),
        (["evaluate", run_dir, "--data", tmp_path / "nowhere"], "is not a directory of MNIST-format IDX files"),
    ]


def test_bad_input_exits_2_with_one_line_and_no_traceback(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("GAN_QUICK", "1")
    run_dir = fake_run(tmp_path / "run")
    failures = []
    for args, expected in bad_inputs(tmp_path, run_dir):
        status, _, error = run_in_process(args, capsys)
        lines = error.strip().splitlines()
        if status != arguments.EXIT_BAD_INPUT or len(lines) != 1 or expected not in lines[0] or "Traceback" in error:
            failures.append((args, status, error[-500:]))
    assert not failures
    assert not (tmp_path / "new_run" / "checkpoint").exists()  # Nothing trained on bad input.
    assert sorted(path.name for path in (tmp_path / "my_project").iterdir()) == ["notes.txt"]  # Nothing written there.


def test_help_is_available_for_each_command(capsys):
    for command in ("train", "settings", "sample", "evaluate", "toy"):
        status, output, _ = run_in_process([command, "--help"], capsys)
        assert status == 0 and "--seed" in output


def test_settings_prints_each_recipe_as_json_and_they_differ(capsys):
    def settings(*args):
        status, output, error = run_in_process(["settings", *args], capsys)
        assert status == 0, error
        return json.loads(output)

    plain, course = settings("--recipe", "plain"), settings("--recipe", "course")
    assert plain["learning_rate"] == 2e-4 and plain["schedule"] == "constant" and plain["codes"] == 0
    assert course["learning_rate"] == 2e-3 and course["schedule"] == "cosine" and course["codes"] == 30
    assert settings() == course  # The course recipe is the default.
    changed = settings("--recipe", "plain", "--ema", "0.99", "--batch-size", "32")
    assert changed == {**plain, "ema": 0.99, "batch_size": 32}  # Single flags change single settings.


def test_the_markdown_table_lists_every_setting(capsys):
    status, output, _ = run_in_process(["settings", "--markdown"], capsys)
    assert status == 0
    for name in recipes.FIELDS:
        assert f"--{name.replace('_', '-')}" in output


def test_a_flag_reads_text_with_the_settings_own_check():
    assert arguments.setting_type("learning_rate")("0.5") == 0.5
    assert arguments.positive_int("3") == 3 and arguments.non_negative_int("0") == 0
    for read, text in ((arguments.positive_int, "0"), (arguments.positive_int, "2.5"), (arguments.positive_float, "inf"),
                       (arguments.setting_type("augment"), "0.5"), (arguments.setting_type("model"), "huge")):
        with pytest.raises(Exception, match="expected"):
            read(text)


def python_without_tensorflow(args):
    """Run cli.main in a fresh Python; return (whether TensorFlow got imported, exit status, seconds)."""
    script = (
        "import sys\nfrom gan_helpers import cli\n"
        "try:\n    status = cli.main(sys.argv[1:])\nexcept SystemExit as stop:\n    status = stop.code\n"
        "print('tensorflow' in sys.modules, status)"
    )
    start = time.perf_counter()
    finished = subprocess.run(
        [sys.executable, "-c", script, *map(str, args)], capture_output=True, text=True, timeout=120,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    imported, status = finished.stdout.split()
    return imported == "True", int(status), time.perf_counter() - start


def test_bad_settings_are_refused_before_tensorflow_is_imported(tmp_path):
    for args in (["train", "--out", tmp_path / "x", "--model", "nope"], ["train", "--out", tmp_path / "y", "--codes", "200"],
                 ["train", "--out", tmp_path / "z", "--data", tmp_path / "nowhere"], ["sample", "--num", "4", "--out", "x.txt"]):
        imported, status, _ = python_without_tensorflow(args)
        assert (imported, status) == (False, arguments.EXIT_BAD_INPUT), args


def test_a_bad_model_is_refused_in_under_two_seconds(tmp_path):
    start = time.perf_counter()
    finished = subprocess.run(
        [sys.executable, "-m", "gan_helpers", "train", "--model", "nope", "--out", str(tmp_path / "x")],
        capture_output=True, text=True, timeout=60, env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    seconds = time.perf_counter() - start
    assert finished.returncode == 2 and len(finished.stderr.strip().splitlines()) == 1
    assert seconds < 2.0, f"{seconds:.2f} s"


def test_a_folder_another_process_trains_is_refused_at_once_naming_it(tmp_path, capsys):
    run_dir = fake_run(tmp_path / "busy")
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time\nfrom gan_helpers import safe_files\n"
         "with safe_files.run_lock(sys.argv[1]):\n    print('locked', flush=True); time.sleep(60)\n", str(run_dir)],
        stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        for args in (["train", "--out", run_dir, "--resume"], ["train", "--out", run_dir]):
            status, _, error = run_in_process(args, capsys)
            assert status == 2 and len(error.strip().splitlines()) == 1
            assert f"{run_dir.resolve()} is being trained by another process (pid {holder.pid})" in error
    finally:
        holder.kill()
        holder.wait()

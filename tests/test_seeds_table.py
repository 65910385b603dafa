"""The seeds table (tools/seeds_table.py): its rows, the targets' verdicts, the mean and the worst, the doc page, bad input."""

import subprocess
import sys

import numpy as np
import pytest

from gan_helpers import ablation, arguments, evaluation, recipes, runs
from tools import seeds_table

REPO = seeds_table.REPO


def fake_scores(cs, fd, smallest, copies, digit=3):
    histogram = np.full(10, (1 - smallest) / 9)
    histogram[digit] = smallest
    return evaluation.Scores(num_images=2_000, classifier_score=cs, frechet_distance=fd, class_histogram=histogram,
                             confident_share=0.9, copy_rate=copies)


def fake_trained(seed, cs, fd, smallest, copies, steps=2_500, seconds=300.0, digit=3):
    scores = fake_scores(cs, fd, smallest, copies, digit)
    return ablation.Trained(f"seed {seed}", seed, recipes.recipe("course", seed=seed), None, steps, seconds, scores)


FLOOR = fake_scores(9.69, 2.0, 0.08, 0.008, digit=7)


@pytest.mark.parametrize(
    "figures, met",
    [
        ((9.2, 7.0, 0.075, 0.01), [True, True, True, True]),  # Each figure exactly at its bound meets it.
        ((9.19, 7.02, 0.074, 0.0105), [False, False, False, False]),
        ((9.5, 6.0, 0.09, 0.02), [True, True, True, False]),
    ],
)
def test_each_target_is_met_at_its_bound_and_missed_past_it(figures, met):
    verdicts = seeds_table.verdicts(fake_trained(0, *figures), FLOOR)
    assert list(verdicts) == ["classifier score", "Fréchet distance", "smallest class", "copy rate"]
    assert list(verdicts.values()) == met


def test_the_targets_are_the_issues():
    assert (seeds_table.MIN_CLASSIFIER_SCORE, seeds_table.MAX_FRECHET_RATIO) == (9.2, 3.5)
    assert (seeds_table.MIN_CLASS_SHARE, seeds_table.MAX_COPY_RATE) == (0.075, 0.01)


def test_a_seed_row_shows_each_figure_marked_and_the_count_met():
    row = seeds_table.seed_row(fake_trained(3, 9.31, 8.2, 0.066, 0.002, steps=2_652, seconds=301.4, digit=2), FLOOR)
    assert row == "| 3 | 2,652 | 301 | 9.31 ✓ | 8.20 (4.1x) ✗ | 6.6% (2s) ✗ | 0.2% ✓ | 2 of 4 |"


def test_the_mean_row_averages_and_the_worst_row_takes_each_figures_worst_seed():
    outcomes = [
        fake_trained(0, 9.4, 6.0, 0.080, 0.004, steps=2_600, seconds=300.0, digit=5),
        fake_trained(1, 9.3, 8.0, 0.070, 0.002, steps=2_500, seconds=302.0, digit=2),
    ]
    mean, worst = seeds_table.summary_rows(outcomes, FLOOR)
    assert mean == "| mean | 2,550 | 301 | 9.35 | 7.00 (3.5x) | 7.5% | 0.3% |  |"
    assert worst == "| worst | 2,500 | 302 | 9.30 ✓ | 8.00 (4.0x) ✗ | 7.0% (2s) ✗ | 0.4% ✓ | 2 of 4 |"


def test_a_failed_seed_misses_every_target_and_the_worst_row_says_so():
    outcomes = [fake_trained(0, 9.5, 6.0, 0.09, 0.0), seeds_table.Failed(1, "the loss turned NaN in epoch 3")]
    table = seeds_table.markdown_table(outcomes, FLOOR).splitlines()
    assert table[3] == "| 1 | - | - | failed ✗ | failed ✗ | failed ✗ | failed ✗ | 0 of 4 |"
    assert table[-1].endswith("| 0 of 4 |") and table[-1].count("✗") == 4  # The trained seed alone would meet all four.
    assert seeds_table.missed(outcomes, FLOOR) == (
        "Missed: classifier score (seed 1); Fréchet distance (seed 1); smallest class (seed 1); copy rate (seed 1). "
        "Seed 1 failed: the loss turned NaN in epoch 3"
    )
    assert seeds_table.markdown_table([outcomes[1]], FLOOR).splitlines()[-1].startswith("| 1 | - |")  # No mean of nothing.


def test_the_verdict_line_names_the_seeds_that_miss_each_target():
    outcomes = [fake_trained(0, 9.5, 6.0, 0.09, 0.0), fake_trained(1, 9.1, 6.0, 0.07, 0.0), fake_trained(2, 9.0, 6.0, 0.09, 0.0)]
    assert seeds_table.missed(outcomes, FLOOR) == "Missed: classifier score (seeds 1, 2); smallest class (seed 1)."
    assert seeds_table.missed(outcomes[:1], FLOOR) == "Every seed meets every target."


def test_the_report_is_the_table_between_what_ran_and_where_it_ran():
    outcomes = [fake_trained(0, 9.5, 6.0, 0.09, 0.0), fake_trained(1, 9.3, 6.5, 0.08, 0.001)]
    text = seeds_table.report(outcomes, FLOOR, "--minutes 5", "course", 2_000, "AMD EPYC, 2 CPU cores, no GPU", "2026-12-02",
                              "python -m tools.seeds_table --minutes 5")
    lines = text.splitlines()
    assert lines[0].startswith("Each seed: python -m gan_helpers train --data offline --seed S, --minutes 5, recipe course;")
    assert "2,000 digits scored as python -m gan_helpers evaluate RUN --num 2000" in lines[0] and "Quick mode" not in lines[0]
    table = [line for line in lines if line.startswith("|")]
    assert len(table) == 2 + 2 + 2 and all(line.count("|") == 9 for line in table)
    assert [line.split(" | ")[0] for line in table[2:]] == ["| 0", "| 1", "| mean", "| worst"]
    assert lines[-3].startswith("Targets: classifier score >= 9.2, Fréchet distance <= 3.5x the floor, smallest class >= 7.5%")
    assert lines[-3].endswith("Every seed meets every target.")
    assert lines[-2].startswith("Real held-out digits (the floor): classifier score 9.69, Fréchet distance 2.00")
    assert lines[-1] == ("Machine: AMD EPYC, 2 CPU cores, no GPU. Date: 2026-12-02. "
                         "Command: python -m tools.seeds_table --minutes 5")


def test_writing_replaces_only_its_budgets_section_and_keeps_the_prose(tmp_path):
    page = tmp_path / "seeds.md"
    start = seeds_table.SECTION_START.format(budget="--minutes 5")
    end = seeds_table.SECTION_END.format(budget="--minutes 5")
    page.write_text(f"# Seeds\n\nProse.\n\n## `--minutes 5`\n\n{start}\n\nNot measured yet.\n\n{end}\n\nMore prose.\n")
    seeds_table.write_section(page, "--minutes 5", "| the table |")
    seeds_table.write_section(page, "the default length", "| the main job |")
    seeds_table.write_section(page, "--minutes 5", "| the newer table |")
    text = page.read_text()
    assert text.startswith("# Seeds\n\nProse.\n\n## `--minutes 5`\n\n") and "\n\nMore prose.\n\n## The default length\n\n" in text
    assert "Not measured yet" not in text and "| the table |" not in text
    assert text.count("| the newer table |") == 1 and text.count("| the main job |") == 1 and text.endswith(" -->\n")


def test_the_shipped_page_has_a_section_for_each_budget_the_issue_names():
    text = (REPO / "docs" / "seeds.md").read_text()
    for budget in ("--minutes 5", "the default length", "--minutes 3"):
        assert seeds_table.SECTION_START.format(budget=budget) in text
        assert seeds_table.SECTION_END.format(budget=budget) in text


@pytest.mark.parametrize("minutes, epochs", [(5.0, None), (None, 12), (None, None), (0.05, None)])
def test_each_seed_runs_the_train_command_of_the_issue(tmp_path, minutes, epochs):
    argv = seeds_table.train_argv(tmp_path / "run", 3, minutes=minutes, epochs=epochs)
    args, settings = seeds_table.resolve(argv)  # The command line's own parser and resolution.
    assert args.command == "train" and args.out == tmp_path / "run" and (args.minutes, args.epochs) == (minutes, epochs)
    assert settings == recipes.recipe("course", seed=3, data="offline")
    _, plain = seeds_table.resolve(seeds_table.train_argv(tmp_path / "run", 0, recipe="plain"))
    assert plain == recipes.recipe("plain", seed=0, data="offline")
    assert seeds_table.run_folder(tmp_path, 3, minutes, epochs).name == {
        5.0: "minutes5_seed3", 0.05: "minutes0.05_seed3"}.get(minutes, f"epochs{epochs}_seed3" if epochs else "default_seed3")


def test_a_failed_train_raises_its_last_unindented_line(monkeypatch, tmp_path):
    stderr = "Training stopped: the loss turned NaN in epoch 3. Kept the last good checkpoint (epoch 2).\n  settings     x\n"
    monkeypatch.setattr(seeds_table.subprocess, "run",
                        lambda *a, **k: subprocess.CompletedProcess(a[0], arguments.EXIT_TRAINING_FAILED, "", stderr))
    with pytest.raises(runs.RunFailed, match=r"^Training stopped: the loss turned NaN in epoch 3\. Kept"):
        seeds_table.train_seed(seeds_table.train_argv(tmp_path / "run", 0))


BAD_INPUTS = {  # case: (arguments, with {tmp} for the test's folder; what the error line says)
    "unknown recipe": (["--recipe", "fancy"], "invalid choice: 'fancy'"),
    "negative minutes": (["--minutes", "-5"], "expected a positive number, got '-5'"),
    "zero epochs": (["--epochs", "0"], "expected a whole number >= 1"),
    "both budgets": (["--minutes", "5", "--epochs", "30"], "not allowed with argument"),
    "negative seed": (["--seeds", "0", "-1"], "expected a whole number from 0 to 4,294,967,295, got '-1'"),
    "seed too large": (["--seeds", str(2**32)], "expected a whole number from 0 to 4,294,967,295"),
    "no seeds": (["--seeds"], "expected at least one argument"),
    "a seed twice": (["--seeds", "1", "2", "1"], "give each seed once, got 1 2 1"),
    "too many digits": (["--num", "100001"], "is more than the 100,000 digits"),
    "--out a file": (["--out", "{tmp}/file.txt"], "is a file, not a folder"),
    "--out unwritable": (["--out", "{tmp}/file.txt/runs"], "cannot write to output folder"),
    "--out holds a seed's folder": (["--minutes", "5", "--out", "{tmp}/taken"], "is not empty and is not a run"),
    "--write not markdown": (["--write", "{tmp}/seeds.txt"], "must name a Markdown page (.md)"),
    "--write no folder": (["--write", "{tmp}/nowhere/seeds.md"], "no folder"),
}


@pytest.mark.parametrize("case", BAD_INPUTS)
def test_bad_input_exits_2_with_one_line_before_anything_trains(case, tmp_path, capsys, monkeypatch):
    (tmp_path / "file.txt").write_text("not a folder")
    (tmp_path / "taken" / "minutes5_seed1").mkdir(parents=True)
    (tmp_path / "taken" / "minutes5_seed1" / "notes.txt").write_text("someone else's")
    argv, message = BAD_INPUTS[case]
    monkeypatch.setattr(seeds_table, "train_seed", lambda argv: pytest.fail("trained despite bad input"))
    with pytest.raises(SystemExit) as stop:
        seeds_table.main([argument.format(tmp=tmp_path) for argument in argv])
    error = capsys.readouterr().err
    assert stop.value.code == arguments.EXIT_BAD_INPUT
    assert len(error.strip().splitlines()) == 1 and error.startswith("python -m tools.seeds_table: error: ")
    assert message in error


def test_bad_input_from_the_shell_is_one_line_without_a_traceback():
    completed = subprocess.run([sys.executable, "-m", "tools.seeds_table", "--minutes", "-1"], capture_output=True, text=True,
                               cwd=REPO)
    assert completed.returncode == 2 and completed.stdout == ""
    assert len(completed.stderr.strip().splitlines()) == 1 and "Traceback" not in completed.stderr


@pytest.mark.slow
def test_two_quick_seeds_print_the_table_and_write_the_page(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("GAN_QUICK", "1")  # Each seed's `train` inherits it: one epoch of 512 digits, 8 steps.
    page = tmp_path / "seeds.md"
    argv = ["--seeds", "0", "1", "--num", "200", "--out", str(tmp_path / "runs"), "--write", str(page)]
    assert seeds_table.main(argv) == 0
    output = capsys.readouterr().out
    table = [line for line in output.splitlines() if line.startswith("|")]
    assert len(table) == 6 and all(line.count("|") == 9 for line in table)
    assert [line.split(" | ")[:2] for line in table[2:4]] == [["| 0", "8"], ["| 1", "8"]]
    assert table[4].startswith("| mean | 8 |") and table[5].startswith("| worst | 8 |")
    assert "Quick mode (GAN_QUICK=1)" in output and "Command: GAN_QUICK=1 python -m tools.seeds_table --seeds 0 1" in output
    assert table[2] in page.read_text() and "## The default length" in page.read_text()
    run_dir = tmp_path / "runs" / "default_seed0"
    assert "python -m gan_helpers train --out" in (run_dir / "commands.txt").read_text()  # `train` itself ran.
    # Scored as `evaluate` scores the run: the same classifier score.
    from gan_helpers import cli

    assert cli.main(["evaluate", str(run_dir), "--num", "200"]) == 0
    evaluated = capsys.readouterr().out
    score = next(line.split()[-2] for line in evaluated.splitlines() if line.startswith("classifier score"))
    assert table[2].split(" | ")[3] == f"{score} ✗"


def test_a_failed_seed_does_not_stop_the_others_and_the_command_exits_1(tmp_path, monkeypatch, capsys):
    from gan_helpers import cli
    from tools import bench

    def train_seed(argv):
        if argv[argv.index("--seed") + 1] == "1":
            raise runs.RunFailed("python -m gan_helpers train: training failed: could not write x: No space left on device")

    monkeypatch.setattr(seeds_table, "train_seed", train_seed)
    def score_run(run_dir, num_samples):
        return fake_trained(int(run_dir.name.rsplit("seed", 1)[1]), 9.5, 6.0, 0.09, 0.0), 34

    monkeypatch.setattr(seeds_table, "score_run", score_run)
    monkeypatch.setattr(cli, "import_tensorflow_quietly", lambda: None)
    monkeypatch.setattr(bench, "machine", lambda: "a test machine")
    monkeypatch.setattr(evaluation, "reference_for", lambda data: None)
    monkeypatch.setattr(evaluation, "real_floor", lambda reference: FLOOR)
    page = tmp_path / "seeds.md"
    assert seeds_table.main(["--minutes", "3", "--seeds", "0", "1", "2", "--write", str(page)]) == arguments.EXIT_TRAINING_FAILED
    output = capsys.readouterr().out
    assert "seed 0: 2,500 steps (34 epochs) in 300 s, targets met 4 of 4" in output
    assert "seed 1: failed: python -m gan_helpers train: training failed: could not write x" in output
    assert [line.split(" | ")[0] for line in output.splitlines() if line.startswith("|")][2:] == [
        "| 0", "| 1", "| 2", "| mean", "| worst"]
    assert "Machine: a test machine, load average" in output
    assert "## `--minutes 3`" in page.read_text() and "Seed 1 failed: python -m gan_helpers train" in page.read_text()

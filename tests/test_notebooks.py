"""The notebooks as stored: in order, one format, one structure, and in step with the repository URL.

nbval executes them (see notebooks/conftest.py); these tests read them without running them, and run
only a one-cell notebook of their own to check how expected outputs are recorded.
"""

import json
import os
import re
import shutil

import nbformat
import pytest

from gan_helpers import recipes
from tools import colab

NOTEBOOKS = [
    "01_data_loading",
    "02_generator",
    "03_discriminator",
    "04_losses",
    "05_training_loop",
    "06_failure_modes",
    "07_beyond_dcgan",
    "08_conditional_gan",
]


def load(name):
    return nbformat.read(colab.ROOT / "notebooks" / f"{name}.ipynb", as_version=4)


def load_solution(name):
    return nbformat.read(colab.ROOT / colab.SOLUTIONS_FOLDER / f"{name}.ipynb", as_version=4)


def test_the_notebooks_exist_in_order():
    assert [path.stem for path in colab.notebook_paths()] == NOTEBOOKS


def test_generated_files_are_up_to_date():
    # Badges, install lines, run times, formatting and colab_links.md all follow pyproject.toml.
    assert colab.regenerate(check=True) == [], "run: python -m tools.colab"


def test_colab_links_lists_every_notebook_with_its_link():
    table = (colab.ROOT / "colab_links.md").read_text()
    url = colab.repository_url()
    for name in NOTEBOOKS:
        assert colab.colab_url(url, f"notebooks/{name}.ipynb") in table


def test_run_times_are_measured_for_every_notebook():
    run_times = colab.load_run_times()
    assert sorted(run_times) == NOTEBOOKS
    for name, times in run_times.items():
        assert set(times) == {"quick_cpu", "full_cpu", "colab_gpu"}, name
        assert re.search(r"\d", times["quick_cpu"]) and re.search(r"\d", times["full_cpu"]), f"{name}: {times}"
        assert "measured" in times["colab_gpu"] or "an estimate:" in times["colab_gpu"], (
            f"{name}: say what a GPU time rests on"
        )


STUDENT_FACING = [*(f"notebooks/{name}.ipynb" for name in NOTEBOOKS), "colab_links.md", "notebooks/run_times.json"]
MACHINE_TALK = re.compile(
    r"EPYC|Xeon|\bAMD\b|\bIntel\b|not measured|was lent|no GPU was|wasn't available|was not available", re.I,
)


@pytest.mark.parametrize("path", STUDENT_FACING)
def test_student_facing_text_speaks_of_the_course_not_of_the_machines_it_was_built_on(path):
    text = (colab.ROOT / path).read_text()
    assert not MACHINE_TALK.findall(text), path


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_stored_clean(name):
    notebook = load(name)
    assert notebook.metadata.kernelspec.name == "python3"
    assert notebook.metadata.accelerator == "GPU" and notebook.metadata.colab.gpuType == "T4"  # Colab opens it on a GPU.
    for cell in notebook.cells:
        assert cell.metadata == {}
        if cell.cell_type == "code":
            assert cell.execution_count is None and cell.outputs == [], f"{name}: {cell.id} is stored with outputs"


def test_every_checked_cell_has_its_expected_output():
    expected = colab.load_expected_outputs()
    assert sorted(expected) == NOTEBOOKS
    for name in NOTEBOOKS:
        checked = [cell.id for cell in load(name).cells if colab.is_checked(cell)]
        assert sorted(expected[name]) == sorted(checked), f"{name}: run python -m tools.colab --record"
        assert all(expected[name][cell_id] for cell_id in checked), f"{name}: a checked cell expects no output"


def test_nbval_receives_the_expected_outputs():
    class FakeItem:  # What nbval's IPyNbCell offers: the notebook path and its copy of the cell.
        def __init__(self, cell):
            self.fspath = colab.ROOT / "notebooks" / "04_losses.ipynb"
            self.cell = cell

    cells = load("04_losses").cells
    items = [FakeItem(cell) for cell in cells if cell.cell_type == "code"]
    colab.give_nbval_expected_outputs(items)
    expected = colab.load_expected_outputs()["04_losses"]
    for item in items:
        if colab.is_checked(item.cell):
            assert item.cell.outputs == expected[item.cell.id] and item.cell.execution_count == 1
        else:
            assert item.cell.outputs == [] and item.cell.execution_count is None


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_every_notebook_opens_and_closes_the_same_way(name):
    cells = load(name).cells
    number = name[:2]
    intro = cells[0].source
    assert cells[0].cell_type == "markdown" and intro.startswith(f"# {number} · ")
    assert "What you will learn" in intro and "Prerequisites" in intro
    assert colab.BADGE_MARKER in cells[1].source and "Run time" in cells[1].source
    setup = cells[2].source
    assert cells[2].cell_type == "code" and "notebook.setup(" in setup and "REPO_URL" in setup
    assert not re.search(r"tensorflow\s*[=<>~]=", setup)  # Colab keeps its own TensorFlow.
    settings_index = next(i for i, c in enumerate(cells) if c.cell_type == "markdown" and "## Settings" in c.source)
    constants = re.findall(r"^([A-Z][A-Z0-9_]*)\s*=", cells[settings_index + 1].source, re.MULTILINE)
    assert constants, f"{name}: the Settings cell defines no UPPER_CASE constants"
    sources = "\n".join(cell.source for cell in cells)
    assert "## Exercises" in sources and len(re.findall(r"exercises\.check_\w+\(", sources)) >= 2
    if name != NOTEBOOKS[-1]:
        following = NOTEBOOKS[NOTEBOOKS.index(name) + 1]
        assert f"({following}.ipynb)" in cells[-1].source
    assert sum("NBVAL_CHECK_OUTPUT" in cell.source for cell in cells if cell.cell_type == "code") >= 1


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebooks_import_the_library_instead_of_pasting_it(name):
    sources = "\n".join(cell.source for cell in load(name).cells if cell.cell_type == "code")
    assert "from gan_helpers import" in sources
    assert f"from gan_helpers.lab import exercises_{name[:2]} as exercises" in sources  # Each its own checks.


def test_a_new_repository_url_reaches_every_generated_file(tmp_path):
    shutil.copytree(colab.ROOT / "notebooks", tmp_path / "notebooks")
    shutil.copy(colab.ROOT / "colab_links.md", tmp_path / "colab_links.md")
    pyproject = (colab.ROOT / "pyproject.toml").read_text()
    moved = re.sub(r'Repository = "[^"]+"', 'Repository = "https://github.com/someone/fork"', pyproject)
    (tmp_path / "pyproject.toml").write_text(moved)
    stale = colab.regenerate(tmp_path, check=True)
    notebooks = [f"notebooks/{name}.ipynb" for name in NOTEBOOKS] + [f"notebooks/solutions/{name}.ipynb" for name in NOTEBOOKS]
    assert sorted(stale) == sorted(notebooks + ["colab_links.md"])
    colab.regenerate(tmp_path)
    assert colab.regenerate(tmp_path, check=True) == []
    assert "github/someone/fork/blob/main/notebooks/01_data_loading.ipynb" in (tmp_path / "colab_links.md").read_text()
    setup = json.loads((tmp_path / "notebooks" / "01_data_loading.ipynb").read_text())["cells"][2]["source"]
    assert 'REPO_URL = "https://github.com/someone/fork"\n' in setup


@pytest.mark.slow
def test_recording_runs_a_notebook_as_nbval_does_and_joins_its_prints(tmp_path, monkeypatch):
    monkeypatch.delenv("GAN_QUICK", raising=False)
    monkeypatch.delenv("GAN_STATIC_WIDGETS", raising=False)
    stored = {}
    monkeypatch.setattr(colab, "load_expected_outputs", lambda: {})
    monkeypatch.setattr(colab, "save_expected_outputs", stored.update)
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "# NBVAL_CHECK_OUTPUT\n"
        "import os, sys, time\n"
        "print(os.environ['GAN_QUICK'], os.environ['GAN_STATIC_WIDGETS'])\n"
        "sys.stdout.flush(); time.sleep(0.5)  # The kernel sends the two prints as two messages.\n"
        "print('second')"
    )])
    path = tmp_path / "tiny.ipynb"
    nbformat.write(colab.normalize(notebook), path)
    colab.record_checked_outputs(path, timeout=120)
    (outputs,) = stored["tiny"].values()
    assert [(output.output_type, output.text) for output in outputs] == [("stream", "1 1\nsecond\n")]
    assert "GAN_QUICK" not in os.environ and "GAN_STATIC_WIDGETS" not in os.environ  # Put back as they were.


def test_every_setting_where_the_course_differs_from_plain_is_taught_in_07():
    text = "\n".join(cell.source for cell in load("07_beyond_dcgan").cells if cell.cell_type == "markdown")
    differing = recipes.recipe("plain").differences(recipes.recipe("course"))
    assert differing  # The two recipes differ...
    for name in differing:  # ...and the notebook names each setting that does, where it explains it.
        assert f"`{name}`" in text, f"notebook 07 does not explain `{name}`"
    headings = [line.lower() for line in text.splitlines() if line.startswith("## ")]
    for rung in recipes.LADDER:  # Every trick it adds, kept or not, has a section of its own.
        assert any(rung.name in heading for heading in headings), f"notebook 07 has no section on the {rung.name}"


def test_notebook_05_trains_the_plain_recipe_it_proves():
    sources = "\n".join(cell.source for cell in load("05_training_loop").cells if cell.cell_type == "code")
    assert 'recipes.recipe("plain")' in sources and "training.make_gan(SETTINGS)" in sources
    assert "runs.train_run(\n        run_dir, SETTINGS," in sources  # The run trains the settings the step was proved with.


def test_one_command_points_a_fork_at_its_own_repository(tmp_path, capsys):
    shutil.copytree(colab.ROOT / "notebooks", tmp_path / "notebooks")
    shutil.copy(colab.ROOT / "colab_links.md", tmp_path / "colab_links.md")
    shutil.copy(colab.ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    colab.set_repository_url("https://github.com/a-teacher/gan-course/", tmp_path)
    assert colab.repository_url(tmp_path) == "https://github.com/a-teacher/gan-course"
    colab.regenerate(tmp_path)
    assert "github/a-teacher/gan-course/blob/main/notebooks/05_training_loop.ipynb" in (tmp_path / "colab_links.md").read_text()
    intro = json.loads((tmp_path / "notebooks" / "01_data_loading.ipynb").read_text())["cells"][0]["source"]
    assert "https://raw.githubusercontent.com/a-teacher/gan-course/main/docs/images/gan_game.png" in "".join(intro)
    with pytest.raises(ValueError, match="expected a repository address like https://github.com/OWNER/REPO"):
        colab.set_repository_url("gitlab.com/x", tmp_path)
    assert colab.main(["--repository", "not a url"]) == 2
    assert capsys.readouterr().err.count("\n") == 1
    assert colab.repository_url() == "https://github.com/gan-course/gan-notebooks"  # The checkout's own is untouched.


def test_the_course_opens_with_the_game_and_the_step_as_pictures_that_exist():
    intro = load("01_data_loading").cells[0].source
    pictures = re.findall(r"!\[[^\]]+\]\((\S+)\)", intro)
    base = colab.raw_file_base(colab.repository_url())
    assert [picture.removeprefix(base) for picture in pictures] == [
        "docs/images/gan_game.png", "docs/images/alternating_update.png", "docs/images/main_job_progress.gif",
    ]
    for picture in pictures:
        assert (colab.ROOT / picture.removeprefix(base)).stat().st_size > 10_000
    assert "generative" in intro and "discriminative" in intro


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_the_learner_notebook_is_its_solution_notebook_with_the_answers_cleared(name):
    solution, learner = load_solution(name), load(name)
    assert [cell.id for cell in solution.cells] == [cell.id for cell in learner.cells]
    solution_cells = [cell for cell in solution.cells if colab.is_solution_cell(cell)]
    assert len(solution_cells) >= 2, f"{name}: every notebook's exercises have solutions"
    grade_ids = [cell.metadata.nbgrader.grade_id for cell in solution_cells]
    assert len(set(grade_ids)) == len(grade_ids)  # nbgrader needs them unique within a notebook.
    for solution_cell, learner_cell in zip(solution.cells, learner.cells):
        assert learner_cell.metadata == {}
        if not colab.is_solution_cell(solution_cell):
            assert solution_cell.source == learner_cell.source
            assert "SOLUTION" not in solution_cell.source
            continue
        assert solution_cell.metadata.nbgrader.solution and not solution_cell.metadata.nbgrader.grade
        answers = re.findall(r"### BEGIN SOLUTION\n(.*?)\n\s*### END SOLUTION", solution_cell.source, re.DOTALL)
        assert answers and "SOLUTION" not in learner_cell.source
        assert learner_cell.source.count(colab.CODE_STUB) == len(answers)
        for answer in answers:
            assert answer.strip() not in learner_cell.source


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_every_exercise_check_meets_a_solution_first(name):
    cells = load_solution(name).cells
    for index, cell in enumerate(cells):
        if cell.cell_type == "code" and re.search(r"exercises\.check_\w+\(", cell.source):  # After its solution.
            assert colab.is_solution_cell(cell) or colab.is_solution_cell(cells[index - 1]), f"{name} cell {index}"


def test_a_learner_notebook_edited_by_hand_is_out_of_date(tmp_path):
    for name in ("notebooks", "colab_links.md", "pyproject.toml", "README.md"):
        copy = shutil.copytree if (colab.ROOT / name).is_dir() else shutil.copy
        copy(colab.ROOT / name, tmp_path / name)
    assert colab.regenerate(tmp_path, check=True) == []
    path = tmp_path / "notebooks" / "02_generator.ipynb"
    notebook = nbformat.read(path, as_version=4)
    cell = next(cell for cell in notebook.cells if colab.CODE_STUB in cell.source)
    cell.source = cell.source.replace(colab.CODE_STUB, "return latent_dim * 7 * 7 * 256")
    nbformat.write(notebook, path)
    assert colab.regenerate(tmp_path, check=True) == ["notebooks/02_generator.ipynb"]
    (tmp_path / "notebooks" / "solutions" / "02_generator.ipynb").unlink()
    with pytest.raises(ValueError, match="has no source in notebooks/solutions"):
        colab.regenerate(tmp_path, check=True)


@pytest.mark.slow
def test_nbgrader_releases_the_solution_notebooks_as_the_learner_notebooks(tmp_path):
    """A teacher who uses nbgrader gets, from `nbgrader generate_assignment`, exactly what learners open."""
    import subprocess
    import sys

    for name in NOTEBOOKS:
        (tmp_path / "source" / "gan").mkdir(parents=True, exist_ok=True)
        shutil.copy(colab.ROOT / colab.SOLUTIONS_FOLDER / f"{name}.ipynb", tmp_path / "source" / "gan")
    (tmp_path / "nbgrader_config.py").write_text(
        f"c = get_config()\nc.ClearSolutions.code_stub = {{'python': {colab.CODE_STUB!r}}}\n"
    )
    subprocess.run([sys.executable, "-m", "nbgrader", "generate_assignment", "gan", "--force"], cwd=tmp_path,
                   check=True, capture_output=True, timeout=300)
    for name in NOTEBOOKS:
        released = nbformat.read(tmp_path / "release" / "gan" / f"{name}.ipynb", as_version=4)
        assert [cell.source for cell in released.cells] == [cell.source for cell in load(name).cells], name


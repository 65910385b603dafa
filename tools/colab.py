"""Keep the notebooks, their Colab badges and colab_links.md in step with one repository URL.

The notebooks' source is notebooks/solutions/: each notebook with the answers to its exercises between
nbgrader's `### BEGIN SOLUTION` and `### END SOLUTION` lines. The notebooks learners open,
notebooks/NAME.ipynb, are generated from them by nbgrader's ClearSolutions preprocessor, which puts
`# YOUR CODE HERE` where each answer was; edit the solutions, never the learner notebooks.

The URL lives in pyproject.toml under [project.urls] Repository. Run

    python -m tools.colab            # write the learner notebooks from the solutions; rewrite badges,
                                           # install lines, formatting, colab_links.md, and the README's
                                           # settings table (from gan_helpers/recipes.py)
    python -m tools.colab --check    # exit 1 and name the files that are out of date

after changing the URL, a notebook or a run time. It also stores every notebook in one format: no
outputs, no execution counts, empty cell metadata (a solution cell keeps its nbgrader metadata, which
this tool writes), numbered cell ids, the python3 kernel.

Cells marked `# NBVAL_CHECK_OUTPUT` have their expected text output kept beside the notebooks, in
notebooks/expected_outputs.json; notebooks/conftest.py hands it to nbval, which compares it on
every test run, so the notebooks themselves stay free of outputs.

    python -m tools.colab --record notebooks/NAME.ipynb   # run it in quick mode, keep those outputs
"""

import argparse
import json
import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
BRANCH = "main"
BADGE_IMAGE = "https://colab.research.google.com/assets/colab-badge.svg"
BADGE_MARKER = "colab-badge.svg"
INSTALL_LINE = re.compile(r'^REPO_URL = ".*"$', re.MULTILINE)
CHECK_MARKER = "# NBVAL_CHECK_OUTPUT"
KERNELSPEC = {"display_name": "Python 3", "language": "python", "name": "python3"}
# Colab opens each notebook on a GPU runtime (the free T4) when one is available.
COLAB_METADATA = {"accelerator": "GPU", "colab": {"gpuType": "T4", "provenance": []}}
# Measured run times: quick mode and full mode on this project's 2-core CPU machines, and the
# expectation on a Colab GPU. Measure with:
#   GAN_QUICK=1 jupyter nbconvert --to notebook --execute --stdout notebooks/NAME.ipynb >/dev/null
RUN_TIMES_FILE = "notebooks/run_times.json"
EXPECTED_OUTPUTS_FILE = "notebooks/expected_outputs.json"
SOLUTIONS_FOLDER = "notebooks/solutions"
BEGIN_SOLUTION, END_SOLUTION = "### BEGIN SOLUTION", "### END SOLUTION"
# What ClearSolutions puts in place of an answer. A comment, not nbgrader's default `raise
# NotImplementedError()`, so that a learner's notebook runs from top to bottom: each check prints a hint.
CODE_STUB = "# YOUR CODE HERE"
TEXT_STUB = "YOUR ANSWER HERE"


def set_repository_url(url, root=ROOT):
    """Point the course at `url` (https://github.com/OWNER/REPO): rewrite the one line of pyproject.toml that holds it."""
    if not re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+/?", url):
        raise ValueError(f"expected a repository address like https://github.com/OWNER/REPO, got {url!r}")
    path = Path(root) / "pyproject.toml"
    text = path.read_text()
    repository_url(root)  # Fails with its own line when the entry is missing.
    path.write_text(re.sub(r'^Repository\s*=\s*"[^"]+"', f'Repository = "{url.rstrip("/")}"', text, count=1, flags=re.MULTILINE))


def repository_url(root=ROOT):
    """Read [project.urls] Repository from pyproject.toml."""
    text = (Path(root) / "pyproject.toml").read_text()
    section = re.search(r"^\[project\.urls\]\s*$(.*?)(?=^\[|\Z)", text, re.MULTILINE | re.DOTALL)
    match = section and re.search(r'^Repository\s*=\s*"([^"]+)"', section.group(1), re.MULTILINE)
    if not match:
        raise ValueError("pyproject.toml has no [project.urls] Repository = \"https://github.com/OWNER/REPO\"")
    return match.group(1).rstrip("/")


RAW_FILE = re.compile(r"https://raw\.githubusercontent\.com/[\w.-]+/[\w.-]+/[\w.-]+/")


def raw_file_base(repo_url):
    """The address under which GitHub serves the repository's files as they are (docs/images/... follows it)."""
    github_path = re.sub(r"^https://github\.com/", "", repo_url)
    return f"https://raw.githubusercontent.com/{github_path}/{BRANCH}/"


def colab_url(repo_url, notebook_path):
    """The Open-in-Colab address of a notebook in a GitHub repository."""
    github_path = re.sub(r"^https://github\.com/", "", repo_url)
    return f"https://colab.research.google.com/github/{github_path}/blob/{BRANCH}/{notebook_path}"


def run_times_line(times):
    """One Markdown line with a notebook's measured run times."""
    return (
        f"**Run time:** quick mode (`GAN_QUICK=1`) {times['quick_cpu']} and full mode {times['full_cpu']} "
        f"on a 2-core CPU (measured); on a Colab GPU: {times['colab_gpu']}."
    )


def badge_source(repo_url, notebook_path, times):
    """The source of a notebook's generated badge cell: the Colab badge and the run times."""
    url = colab_url(repo_url, notebook_path)
    return f"[![Open In Colab]({BADGE_IMAGE})]({url})\n\n{run_times_line(times)}"


def notebook_title(notebook):
    """The first Markdown heading of a notebook, without the '#'."""
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            match = re.search(r"^#\s+(.+)$", cell.source, re.MULTILINE)
            if match:
                return match.group(1).strip()
    raise ValueError("a notebook must open with a Markdown title ('# ...')")


def is_checked(cell):
    """True for a code cell whose output nbval compares: its first line is the NBVAL_CHECK_OUTPUT marker."""
    return cell.cell_type == "code" and cell.source.lstrip().startswith(CHECK_MARKER)


def text_outputs(outputs):
    """Keep only printed text and plain-text results, without execution counts.

    Consecutive prints to one stream become one output, as nbval compares them: how a kernel
    splits a cell's printing into messages depends on how busy the machine is.
    """
    kept = []
    for output in outputs:
        if output.output_type == "stream" and kept and kept[-1].output_type == "stream" and kept[-1].name == output.name:
            kept[-1].text += output.text
        elif output.output_type == "stream":
            kept.append(nbformat.v4.new_output("stream", name=output.name, text=output.text))
        elif output.output_type == "execute_result" and "text/plain" in output.get("data", {}):
            kept.append(nbformat.v4.new_output("execute_result", data={"text/plain": output.data["text/plain"]}))
    return kept


def normalize(notebook, solution=False):
    """Store a notebook clean: no outputs or counts, empty cell metadata, numbered ids, python3 kernel.

    With solution=True, each cell holding a `### BEGIN SOLUTION` line gets nbgrader's solution-cell
    metadata (so that `nbgrader generate_assignment` takes the notebook as it is), numbered in order.
    """
    notebook.metadata = nbformat.NotebookNode(
        {"kernelspec": KERNELSPEC, "language_info": {"name": "python"}, **COLAB_METADATA}
    )
    notebook.nbformat, notebook.nbformat_minor = 4, 5
    solutions = 0
    for index, cell in enumerate(notebook.cells):
        cell.id = f"cell-{index:02d}"
        cell.metadata = nbformat.NotebookNode()
        if solution and BEGIN_SOLUTION in cell.source:
            solutions += 1
            cell.metadata.nbgrader = nbformat.NotebookNode({
                "grade": False, "grade_id": f"exercise-{solutions}", "locked": False,
                "schema_version": 3, "solution": True, "task": False,
            })
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        cell.pop("attachments", None)
    return notebook


def is_solution_cell(cell):
    """True for a cell that nbgrader treats as a solution cell."""
    return bool(cell.metadata.get("nbgrader", {}).get("solution"))


def clear_solutions(solution_notebook):
    """The learner's copy of a solution notebook: nbgrader's ClearSolutions with the course's stubs."""
    import copy

    from nbgrader.preprocessors import ClearSolutions

    clearer = ClearSolutions(code_stub={"python": CODE_STUB}, text_stub=TEXT_STUB)
    learner, _ = clearer.preprocess(copy.deepcopy(solution_notebook), {})
    return learner


def render(notebook, relative, repo_url, times, solution=False):
    """A notebook as stored text: its badge cell (pointing at `relative`) and install line rewritten, normalized."""
    badge_cells = [cell for cell in notebook.cells if cell.cell_type == "markdown" and BADGE_MARKER in cell.source]
    if len(badge_cells) != 1:
        raise ValueError(f"{relative} must have exactly one Markdown cell with the Colab badge, found {len(badge_cells)}")
    badge_cells[0].source = badge_source(repo_url, relative, times)
    for cell in notebook.cells:
        if cell.cell_type == "code" and INSTALL_LINE.search(cell.source):
            cell.source = INSTALL_LINE.sub(f'REPO_URL = "{repo_url}"', cell.source)
        if cell.cell_type == "markdown":  # Pictures from docs/images/, by address: GitHub and Colab show them unrun.
            cell.source = RAW_FILE.sub(raw_file_base(repo_url), cell.source)
    return nbformat.writes(normalize(notebook, solution=solution)) + "\n"


def render_pair(solution_path, repo_url, times, root=ROOT):
    """{path: text} for a solution notebook and the learner notebook generated from it."""
    root = Path(root).resolve()
    solution_path = Path(solution_path).resolve()
    learner_path = root / "notebooks" / solution_path.name
    # Both badges open the learner's notebook: a notebook released from the solutions never links to them.
    relative = relative_to(learner_path, root)
    solution_text = render(nbformat.read(solution_path, as_version=4), relative, repo_url, times, solution=True)
    learner = clear_solutions(nbformat.reads(solution_text, as_version=4))
    return {solution_path: solution_text, learner_path: render(learner, relative, repo_url, times)}


def relative_to(path, root):
    """`path` relative to the repository root, with forward slashes."""
    return Path(path).resolve().relative_to(Path(root).resolve()).as_posix()


def record_checked_outputs(path, timeout=900):
    """Execute a notebook in quick mode and store the outputs of its NBVAL_CHECK_OUTPUT cells."""
    import os

    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)
    # As nbval runs them (notebooks/conftest.py): quick mode, and static pictures for widgets, since
    # no browser listens; with live widgets nbclient here now and then waits out its whole timeout.
    wanted = {"GAN_QUICK": "1", "GAN_STATIC_WIDGETS": os.environ.get("GAN_STATIC_WIDGETS", "1")}
    previous = {name: os.environ.get(name) for name in wanted}
    os.environ.update(wanted)
    try:
        NotebookClient(notebook, timeout=timeout, kernel_name="python3",
                       resources={"metadata": {"path": str(Path(path).parent)}}).execute()
    finally:
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name)
            else:
                os.environ[name] = value
    expected = load_expected_outputs()
    expected[Path(path).stem] = {
        cell.id: text_outputs(executed.outputs)
        for cell, executed in zip(normalize(nbformat.read(path, as_version=4)).cells, notebook.cells)
        if is_checked(cell)
    }
    save_expected_outputs(expected)


def load_expected_outputs(root=ROOT):
    """{notebook name: {cell id: expected outputs}} for the NBVAL_CHECK_OUTPUT cells."""
    path = Path(root) / EXPECTED_OUTPUTS_FILE
    return json.loads(path.read_text()) if path.exists() else {}


def save_expected_outputs(expected, root=ROOT):
    """Write the expected outputs, sorted, one format."""
    text = json.dumps(expected, indent=1, sort_keys=True, ensure_ascii=False)
    (Path(root) / EXPECTED_OUTPUTS_FILE).write_text(text + "\n")


def give_nbval_expected_outputs(items, root=ROOT):
    """Hand nbval the expected outputs of NBVAL_CHECK_OUTPUT cells (a pytest_collection_modifyitems hook).

    nbval compares a cell's fresh output with the outputs stored in its notebook; ours are stored
    in expected_outputs.json instead, so they are put on nbval's copy of each cell here.
    (tests/test_notebooks.py fails when a checked cell has no expected output.)
    """
    expected = load_expected_outputs(root)
    for item in items:
        cell = getattr(item, "cell", None)
        if cell is None or not is_checked(cell):
            continue
        outputs = expected.get(Path(str(item.fspath)).stem, {}).get(cell.get("id"))
        if not outputs:
            continue
        cell.outputs = [nbformat.from_dict(output) for output in outputs]
        cell.execution_count = 1  # nbval ignores the outputs of a cell that was never run.


def links_table(root, repo_url, run_times):
    """colab_links.md: every notebook's title, Colab link and run times."""
    lines = [
        "# Open the course in Colab",
        "",
        "Generated by `python -m tools.colab` from the repository URL in `pyproject.toml`; do not edit by hand.",
        "Run times: quick mode (`GAN_QUICK=1`) and full mode measured on a 2-core CPU; "
        "on a Colab GPU, estimates that say what they rest on.",
        "",
        "| # | notebook | open | quick, CPU | full, CPU | Colab GPU |",
        "|---|---|---|---|---|---|",
    ]
    for index, path in enumerate(notebook_paths(root), start=1):
        relative = path.relative_to(root).as_posix()
        title = notebook_title(nbformat.read(path, as_version=4))
        times = run_times[path.stem]
        badge = f"[![Open In Colab]({BADGE_IMAGE})]({colab_url(repo_url, relative)})"
        lines.append(
            f"| {index} | [{title}]({relative}) | {badge} | {times['quick_cpu']} | {times['full_cpu']} | {times['colab_gpu']} |"
        )
    return "\n".join(lines) + "\n"


def notebook_paths(root=ROOT):
    """The course notebooks learners open, in order."""
    return sorted((Path(root) / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def solution_paths(root=ROOT):
    """The notebooks with their exercises' solutions, in order: the source of the learner notebooks."""
    return sorted((Path(root) / SOLUTIONS_FOLDER).glob("[0-9][0-9]_*.ipynb"))


def solution_path_for(path, root=ROOT):
    """The solution notebook behind a learner notebook (or the solution notebook itself)."""
    return Path(root).resolve() / SOLUTIONS_FOLDER / Path(path).name


def load_run_times(root=ROOT):
    """The measured run times per notebook, from notebooks/run_times.json."""
    return json.loads((Path(root) / RUN_TIMES_FILE).read_text())


SETTINGS_TABLE_START = "<!-- settings table: written by python -m tools.colab from gan_helpers/recipes.py -->"
SETTINGS_TABLE_END = "<!-- end of settings table -->"


def readme_with_settings_table(text):
    """The README's text with the block between the settings-table markers rewritten from recipes.TrainSettings."""
    from gan_helpers import recipes

    start, end = text.find(SETTINGS_TABLE_START), text.find(SETTINGS_TABLE_END)
    if start < 0 or end < start:
        raise ValueError(f"README.md must hold the lines {SETTINGS_TABLE_START!r} and {SETTINGS_TABLE_END!r}")
    return text[:start] + SETTINGS_TABLE_START + "\n" + recipes.markdown_table() + "\n" + text[end:]


def regenerate(root=ROOT, check=False):
    """Rewrite (or, with check=True, only compare) every generated file; return those out of date."""
    root = Path(root).resolve()
    repo_url, run_times = repository_url(root), load_run_times(root)
    wanted = {}
    readme = root / "README.md"
    if readme.exists():
        wanted[readme] = readme_with_settings_table(readme.read_text())
    solutions = {path.name for path in solution_paths(root)}
    for path in notebook_paths(root):
        if path.name not in solutions:
            raise ValueError(f"notebooks/{path.name} has no source in {SOLUTIONS_FOLDER}/: learner notebooks are generated")
    for path in solution_paths(root):
        if path.stem not in run_times:
            raise ValueError(f"{RUN_TIMES_FILE} has no run times for {path.stem}")
        wanted.update(render_pair(path, repo_url, run_times[path.stem], root))
    wanted[root / "colab_links.md"] = links_table(root, repo_url, run_times)
    stale = [path for path, text in wanted.items() if not path.exists() or path.read_text() != text]
    if not check:
        for path in stale:
            path.write_text(wanted[path])
    return [path.relative_to(root).as_posix() for path in stale]


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tools.colab", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if any file is out of date")
    parser.add_argument(
        "--repository", metavar="URL",
        help="a fork's address (https://github.com/OWNER/REPO): point every badge, install line and link at it",
    )
    parser.add_argument(
        "--only", type=Path, help="rewrite just this one notebook and its solution notebook (colab_links.md is left alone)"
    )
    parser.add_argument("--record", type=Path, help="run this notebook in quick mode and store its checked outputs")
    args = parser.parse_args(argv)
    if args.repository:
        try:
            set_repository_url(args.repository)
        except ValueError as error:
            print(f"{parser.prog}: error: {error}", file=sys.stderr)
            return 2
    if args.record:
        record_checked_outputs(args.record)
        args.only = args.record
    if args.only:
        path = solution_path_for(args.only)
        times = load_run_times().get(path.stem)
        if times is None or not path.exists():
            raise SystemExit(f"{args.only} is not a course notebook with run times and a solution notebook")
        for target, text in render_pair(path, repository_url(), times).items():
            target.write_text(text)
        return 0
    stale = regenerate(check=args.check)
    verb = "out of date" if args.check else "rewrote"
    for path in stale:
        print(f"{verb}: {path}")
    if args.check and stale:
        print("Run: python -m tools.colab", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

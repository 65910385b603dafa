"""Build the course's website: every notebook executed, with its figures, beside the README and docs pages.

    python -m tools.site                 # full mode, as learners run them (estimate: their full-mode times, ~40 min)
    python -m tools.site --quick         # quick mode (GAN_QUICK=1), a few minutes; every page says so
    python -m tools.site --out DIR       # write the HTML into DIR instead of site/_build/html

Needs the site extra: pip install -e ".[site]" (Sphinx, MyST-NB and the Jupyter Book theme). Open
site/_build/html/index.html in a browser; the pages need no server.

The site's sources are site/conf.py and site/index.md. This tool stages them with README.md,
colab_links.md, docs/ (with its pictures) and notebooks/ into a temporary folder laid out as the
repository is, so every relative link between pages keeps working, and runs sphinx-build there.
MyST-NB executes each notebook with its cwd in the staged notebooks/ folder, where the Setup cell
finds ../gan_helpers, and with GAN_STATIC_WIDGETS=1, so each widget shows its default picture and
note. Pictures that the markdown loads from GitHub (docs/images/...) and the Colab badge are pointed
at copies in the site, so they show offline. (Maths in the notebooks is drawn by MathJax, which the
pages load from the web: offline, formulas show as their LaTeX source.)
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from tools import colab

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "site"
DEFAULT_OUT = SITE / "_build" / "html"
PROG = "python -m tools.site"
# What the site shows, relative to the repository root; folders are copied whole.
STAGED = ("README.md", "colab_links.md", "docs")
BADGE_FILE = "colab-badge.svg"  # site/'s own Open-in-Colab badge: Colab's is on the web, and the site works offline.
NOTEBOOK_FILES = ("*.ipynb", "*.json")  # The notebooks, and run_times.json, which docs/teaching.md links to.
QUICK_SETTING = "GAN_QUICK"
QUICK_NOTE = (
    "Built in quick mode (GAN_QUICK=1): every notebook ran with tiny settings, so its figures show that "
    "the code runs; their numbers mean nothing."
)
QUICK_CELL = (
    "```{admonition} Built in quick mode\n"
    ":class: warning\n\n"
    f"{QUICK_NOTE} Run the notebook yourself, or build the site without `--quick`, for the real results.\n"
    "```"
)
JOBS = 1  # Notebooks one at a time: two at once took longer on 2 cores (each kernel's TensorFlow uses every core).
CELL_TIMEOUT_QUICK = 900  # Seconds a cell may take, as nbval allows (pyproject.toml).
CELL_TIMEOUT_FULL = 3600
SETUP_MARKER = "# Setup"  # The first line of every notebook's Setup cell.
DOCS_GLOB = "docs/*"  # The line of site/index.md that lists the docs pages it does not name.
RAW_PICTURE = re.compile(r"https://raw\.githubusercontent\.com/[\w.-]+/[\w.-]+/[\w.-]+/([\w./-]+)")


def quick_build():
    """True when the build runs in quick mode: site/conf.py asks, in the sphinx-build that build() starts."""
    from gan_helpers import config

    return config.quick_mode()


def local_pictures(text, up="../", root=ROOT):
    """Markdown whose pictures show offline: each address on GitHub (raw.githubusercontent.com/OWNER/REPO/
    BRANCH/PATH) of a file in this checkout becomes a relative path, and the Colab badge the site's own copy.
    `up` leads from the page's folder to the repository root ("../" for notebooks/ and docs/)."""

    def local(match):
        return f"{up}{match.group(1)}" if (Path(root) / match.group(1)).is_file() else match.group(0)

    return RAW_PICTURE.sub(local, text).replace(colab.BADGE_IMAGE, up + BADGE_FILE)


def with_quick_note(notebook):
    """Put the quick-mode note right under the notebook's title (or first, without one)."""
    import nbformat

    for cell in notebook.cells:
        title = re.search(r"^#\s.*$", cell.source, re.MULTILINE) if cell.cell_type == "markdown" else None
        if title:
            cell.source = f"{cell.source[:title.end()]}\n\n{QUICK_CELL}\n{cell.source[title.end():]}"
            return notebook
    notebook.cells.insert(0, nbformat.v4.new_markdown_cell(QUICK_CELL, id="site-quick-mode"))
    return notebook


def stage_notebook(source, target, quick, root=ROOT):
    """Copy a notebook for the site: pictures from the checkout, no TensorFlow start-up chatter under the
    Setup cell, and in quick mode the note after its title."""
    import nbformat

    notebook = nbformat.read(source, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            cell.source = local_pictures(cell.source, "../", root)
    setup = next((cell for cell in notebook.cells if cell.cell_type == "code" and cell.source.startswith(SETUP_MARKER)), None)
    if setup is not None:
        # TensorFlow's C++ log lines at import ("oneDNN custom operations are on", "Could not find cuda
        # drivers") ignore TF_CPP_MIN_LOG_LEVEL; MyST-NB drops this one cell's stderr.
        setup.metadata["mystnb"] = {"output_stderr": "remove"}
    if quick:
        with_quick_note(notebook)
    nbformat.write(notebook, target)


def index_page(text, root=ROOT):
    """site/index.md, less its `docs/*` line when it names every docs page already (Sphinx warns of a glob
    that matches nothing)."""
    named = set(re.findall(r"^(docs/\w+)$", text, re.MULTILINE))
    if {f"docs/{path.stem}" for path in (Path(root) / "docs").glob("*.md")} <= named:
        text = re.sub(rf"^{re.escape(DOCS_GLOB)}\n", "", text, flags=re.MULTILINE)
    return text


def stage(into, quick, root=ROOT):
    """Lay out the site's sources in `into` as the repository lays them out; return `into`."""
    root, into = Path(root), Path(into)
    into.mkdir(parents=True, exist_ok=True)
    (into / "index.md").write_text(index_page((SITE / "index.md").read_text(), root))
    shutil.copy2(SITE / BADGE_FILE, into / BADGE_FILE)
    for name in STAGED:
        source = root / name
        if source.is_dir():
            shutil.copytree(source, into / name, dirs_exist_ok=True)
        elif source.is_file():
            shutil.copy2(source, into / name)
    for page in into.glob("**/*.md"):
        up = "../" * (len(page.relative_to(into).parts) - 1)
        page.write_text(local_pictures(page.read_text(), up, root))
    (into / "notebooks").mkdir(exist_ok=True)
    for pattern in NOTEBOOK_FILES:
        for source in sorted((root / "notebooks").glob(pattern)):
            if source.suffix == ".ipynb":
                stage_notebook(source, into / "notebooks" / source.name, quick, root)
            else:
                shutil.copy2(source, into / "notebooks" / source.name)
    # The Setup cells import ../gan_helpers, and docs/teaching.md links to the exercise checks in it.
    (into / "gan_helpers").symlink_to(root / "gan_helpers", target_is_directory=True)
    return into


def build_environment(quick, root=ROOT):
    """The environment of sphinx-build and so of every notebook kernel it starts."""
    env = dict(os.environ)
    env[QUICK_SETTING] = "1" if quick else "0"  # Explicit: a GAN_QUICK=1 left in the shell must not leak into a full build.
    env["GAN_STATIC_WIDGETS"] = "1"  # No browser listens: each widget shows its default picture and note.
    env["TF_CPP_MIN_LOG_LEVEL"] = "3"
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(root), env.get("PYTHONPATH", "")]))
    return env


def check_out_folder(out):
    """Refuse a folder that holds anything but an earlier build: sphinx-build would write its pages among the files."""
    if out.exists() and not out.is_dir():
        raise ValueError(f"--out {out} is a file, not a folder")
    if out.is_dir() and any(out.iterdir()) and not (out / ".buildinfo").exists():
        raise ValueError(f"--out {out} holds files that are not an earlier build of the site; give a new or empty folder")


def missing_packages():
    """The site builder's packages that are not installed, by their pip names."""
    import importlib.util

    wanted = {"sphinx": "sphinx", "myst_nb": "myst-nb", "sphinx_book_theme": "sphinx-book-theme"}
    return [name for module, name in wanted.items() if importlib.util.find_spec(module) is None]


def build(out=DEFAULT_OUT, quick=False, root=ROOT):
    """Stage the sources, run sphinx-build, and put the HTML in `out` (in place of an earlier build); return
    sphinx-build's exit status.

    Everything else a build writes stays in a temporary folder: MyST-NB puts its executed notebooks and
    cache beside the HTML folder, not in it.
    """
    out = Path(out).resolve()
    with tempfile.TemporaryDirectory(prefix="gan-site-") as work:
        work = Path(work)
        source = stage(work / "source", quick, root)
        command = [
            sys.executable, "-m", "sphinx", "-b", "html", "-E", "-j", str(JOBS),
            "-c", str(SITE), "-d", str(work / "doctrees"), str(source), str(work / "html"),
        ]
        print(f"Building the site in {'quick' if quick else 'full'} mode", flush=True)
        status = subprocess.run(command, env=build_environment(quick, root), cwd=source).returncode
        if status == 0:
            if out.exists():
                shutil.rmtree(out)  # An earlier build (check_out_folder), or an empty folder.
            shutil.copytree(work / "html", out)
        return status


def main(argv=None):
    from gan_helpers import arguments

    parser = arguments.Parser(prog=PROG, description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="run the notebooks in quick mode (GAN_QUICK=1); every page says so")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, metavar="DIR",
                        help="folder for the HTML (default site/_build/html): new, empty or an earlier build")
    args = parser.parse_args(argv)
    try:
        check_out_folder(args.out)
    except ValueError as error:
        parser.error(str(error))
    missing = missing_packages()
    if missing:
        print(f"{PROG}: error: the site needs {', '.join(missing)}: pip install -e \".[site]\"", file=sys.stderr)
        return 1
    status = build(args.out, args.quick)
    if status == 0:
        print(f"The site: {Path(args.out).resolve() / 'index.html'}")
    return status


if __name__ == "__main__":
    sys.exit(main())

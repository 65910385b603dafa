"""Sphinx settings for the course's website: `python -m tools.site [--quick]` builds it.

The tool stages README.md, colab_links.md, docs/ and notebooks/ beside a copy of index.md in a
temporary source folder laid out as the repository is, so every relative link keeps working, and
runs sphinx-build there with this folder as its configuration. MyST-NB executes each notebook
(cwd: the staged notebooks/ folder) with GAN_STATIC_WIDGETS=1, so widgets show their pictures,
and GAN_QUICK=1 with --quick.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tools import colab  # noqa: E402  After making the checkout importable.
from tools import site as site_tool  # noqa: E402

QUICK = site_tool.quick_build()

project = "A GAN course in notebooks"
author = "The GAN course's authors"
copyright = "the GAN course's authors, MIT licence"
html_title = project + (" (quick mode)" if QUICK else "")

extensions = ["myst_nb"]
root_doc = "index"
# The staged gan_helpers/ is there for the Setup cells and for download links to the exercise checks.
exclude_patterns = ["_build", "gan_helpers", "**.ipynb_checkpoints", "Thumbs.db", ".DS_Store"]

# MyST: $...$ maths in the notebooks, and GitHub's heading anchors (docs/command_line.md#when-things-go-wrong-...).
myst_enable_extensions = ["dollarmath"]
myst_heading_anchors = 4
# A notebook may step from # to ### (01 does); GitHub and Jupyter show that as written, so Sphinx need not warn.
suppress_warnings = ["myst.header"]

# MyST-NB: run every notebook at every build, fail the build when a cell fails, print its traceback.
nb_execution_mode = "force"
nb_execution_timeout = site_tool.CELL_TIMEOUT_QUICK if QUICK else site_tool.CELL_TIMEOUT_FULL
nb_execution_raise_on_error = True
nb_execution_show_tb = True
nb_execution_in_temp = False  # cwd is the staged notebooks/ folder: the Setup cells find ../gan_helpers.
nb_merge_streams = True  # One block per cell for what it prints, however the kernel split it.
nb_render_markdown_format = "myst"  # Markdown that cells display (the package's tables) gets tables and maths too.
smartquotes = False  # Text as written, as GitHub and Jupyter show it: `--quick` stays two hyphens, quotes stay straight.

html_theme = "sphinx_book_theme"
html_theme_options = {
    "repository_url": colab.repository_url(ROOT),
    "repository_branch": colab.BRANCH,
    "path_to_docs": "",  # The staged pages sit where they sit in the repository.
    "use_repository_button": True,
    "use_download_button": True,
    "launch_buttons": {"colab_url": "https://colab.research.google.com"},
    "show_toc_level": 2,
}
if QUICK:
    html_theme_options["announcement"] = site_tool.QUICK_NOTE

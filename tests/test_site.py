"""tools.site: the course's website, built by Sphinx and MyST-NB from the executed notebooks.

The fast tests check the arguments and the staging; the slow one builds the site in quick mode and
reads every notebook's page for its figures, its widgets' pictures and the quick-mode note.
"""

import html
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest

from tools import colab, site

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted(path.stem for path in (REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
DOCS = sorted(path.stem for path in (REPO / "docs").glob("*.md"))
BUILD_MINUTES = 15  # The quick build takes about 4 minutes on 2 cores; a stuck kernel must not hang the suite.


@pytest.mark.parametrize("argv", [["--nope"], ["--quick", "extra"], ["--out"]])
def test_bad_arguments_exit_2_with_one_line(argv, capsys):
    with pytest.raises(SystemExit) as stop:
        site.main(argv)
    assert stop.value.code == 2 and len(capsys.readouterr().err.strip().splitlines()) == 1


def test_an_out_folder_with_other_files_or_a_file_is_refused_before_building(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("mine")
    for out in (tmp_path, tmp_path / "notes.txt"):
        with pytest.raises(SystemExit) as stop:
            site.main(["--quick", "--out", str(out)])
        error = capsys.readouterr().err.strip().splitlines()
        assert stop.value.code == 2 and len(error) == 1 and str(out) in error[0]
    assert [path.name for path in tmp_path.iterdir()] == ["notes.txt"]


def test_the_staged_sources_keep_the_repository_layout_and_say_quick_mode(tmp_path):
    staged = site.stage(tmp_path / "source", quick=True)
    assert (staged / "index.md").is_file() and (staged / "README.md").is_file()
    assert sorted(path.stem for path in (staged / "docs").glob("*.md")) == DOCS
    assert (staged / "gan_helpers" / "__init__.py").is_file()  # What the Setup cells import as ../gan_helpers.
    for name in NOTEBOOKS:
        original = nbformat.read(REPO / "notebooks" / f"{name}.ipynb", as_version=4)
        copy = nbformat.read(staged / "notebooks" / f"{name}.ipynb", as_version=4)
        assert len(copy.cells) == len(original.cells)
        title = original.cells[0].source.splitlines()[0]
        assert copy.cells[0].source.startswith(f"{title}\n\n```{{admonition}}") and site.QUICK_NOTE in copy.cells[0].source
        assert not any("raw.githubusercontent.com" in cell.source and "docs/images/" in cell.source for cell in copy.cells)
    full = nbformat.read(site.stage(tmp_path / "full", quick=False) / "notebooks" / f"{NOTEBOOKS[0]}.ipynb", as_version=4)
    assert not any(site.QUICK_NOTE in cell.source for cell in full.cells)


def test_pictures_on_the_web_become_the_sites_own_copies_where_it_has_them(tmp_path):
    (tmp_path / "docs" / "images").mkdir(parents=True)
    (tmp_path / "docs" / "images" / "game.png").write_bytes(b"png")
    base = "https://raw.githubusercontent.com/someone/course/main/"
    text = f"![game]({base}docs/images/game.png) and ![gone]({base}docs/images/nowhere.png)"
    wanted = f"![game](../docs/images/game.png) and ![gone]({base}docs/images/nowhere.png)"
    assert site.local_pictures(text, "../", tmp_path) == wanted
    assert site.local_pictures(f"[![Open In Colab]({colab.BADGE_IMAGE})](https://x)", "") == "[![Open In Colab](colab-badge.svg)](https://x)"


class OutputImages(HTMLParser):
    """Per MyST-NB cell output (div.cell_output): how many <img> it shows and its text."""

    def __init__(self):
        super().__init__()
        self.outputs, self.depth = [], 0  # depth: open divs inside the current cell output, 0 outside one.

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if tag == "div" and self.depth:
            self.depth += 1
        elif tag == "div" and "cell_output" in classes:
            self.depth = 1
            self.outputs.append({"images": 0, "text": ""})
        elif tag == "img" and self.depth:
            self.outputs[-1]["images"] += 1

    def handle_endtag(self, tag):
        if tag == "div" and self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.outputs[-1]["text"] += data


def output_images(page):
    parser = OutputImages()
    parser.feed(page)
    return parser.outputs


@pytest.mark.slow
def test_the_quick_site_shows_every_notebook_with_its_figures_and_says_quick_mode(tmp_path):
    for module in ("sphinx", "myst_nb", "sphinx_book_theme"):
        pytest.importorskip(module)
    from gan_helpers.lab.widgets import base

    out = tmp_path / "html"
    done = subprocess.run(
        [sys.executable, "-m", "tools.site", "--quick", "--out", str(out)],
        cwd=REPO, capture_output=True, text=True, timeout=BUILD_MINUTES * 60,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert not (tmp_path / "jupyter_execute").exists()  # MyST-NB's by-products stay in the build's temporary folder.
    for page in ["index", "README", "colab_links", *(f"docs/{name}" for name in DOCS)]:
        assert (out / f"{page}.html").is_file(), page
    widget_pictures = 0
    for name in NOTEBOOKS:
        page = (out / "notebooks" / f"{name}.html").read_text()
        assert html.escape(site.QUICK_NOTE, quote=False) in page, name
        for address in ("raw.githubusercontent.com", colab.BADGE_IMAGE):
            assert address not in page, f"{name} loads a picture from the web, not from the site: {address}"
        outputs = output_images(page)
        figures = sum(output["images"] for output in outputs)
        assert figures >= (1 if name.startswith("01") else 3), f"{name}: {figures} figures"
        for output in outputs:
            if base.STATIC_NOTE in output["text"]:  # A widget's fallback: its picture, then this note.
                assert output["images"] >= 1, f"{name}: a widget's note without its picture"
                widget_pictures += 1
    assert widget_pictures >= 1, "no widget showed its fallback picture"
    assert all(path.stat().st_size > 0 for path in (out / "_images").iterdir())

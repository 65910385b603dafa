"""The widgets in a real browser: JupyterLab on 127.0.0.1, Debian's Chromium driven headless by Playwright.

For each notebook in WIDGET_CHECKS the test opens it in JupyterLab, runs every cell in quick mode,
moves each listed slider by dragging its handle with the mouse (or clicks one of a row of buttons,
such as notebook 08's digit picker), and checks that the picture the control belongs to changed:
the screenshots of the picture before and after must differ in at least MIN_CHANGED_SHARE of their
pixels. A panel with a button must not change when only the slider moves;
it must change once the button is pressed. Screenshots go to a pytest temporary folder, whose path
the test prints at the end of the run.

Marked `browser`: `python -m pytest` runs it with everything else, `python -m pytest -m browser` runs
only it. It skips only where /usr/bin/chromium is missing (.ci/run installs it with apt-get).
Nothing is downloaded: Playwright drives the system Chromium (no `playwright install`), and the
notebooks are copies in a temporary folder, so the repository's own stay clean.
"""

import io
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
# No GPU, no sandbox (CI runs as root), and no network: this machine reaches nothing but the package registries.
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
MIN_CHANGED_SHARE = 0.01  # A changed picture differs in at least 1% of its pixels; a changed title alone does not.
NOTEBOOK = ".jp-NotebookPanel:not(.lm-mod-hidden)"  # The notebook on show.
RUN_ALL_SECONDS = 300  # Every cell of a notebook, in quick mode.
TRAIN_SECONDS = 120  # One press of a training button, in quick mode.
# JupyterLab settings for the test: every cell in the page (no windowing, so each widget can be
# found), the notebook's own kernel started without asking, and no news fetched or offered.
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none", "autoStartDefaultKernel": True},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false", "checkForUpdates": False},
}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM}: apt-get install chromium (.ci/run does)"),
]


@dataclass(frozen=True)
class SliderCheck:
    """Move the slider gan-control-CONTROL of panel gan-panel-PANEL (or, with `pick`, click its button of that
    name); its picture must change (after the button, if `button`)."""

    panel: str
    control: str
    button: bool = False
    pick: str = ""


# The sliders to move, notebook by notebook: one of each kind the widgets have (gan_helpers.widgets).
WIDGET_CHECKS = {
    "02_generator": [SliderCheck("latent", "direction_1"), SliderCheck("latent", "category"), SliderCheck("interpolation", "t")],
    "04_losses": [SliderCheck("losses", "fake_logit")],
    "05_training_loop": [SliderCheck("training", "g_learning_rate", button=True)],
    "06_failure_modes": [SliderCheck("toy", "g_learning_rate", button=True)],
    "08_conditional_gan": [
        SliderCheck("digit", "digit", pick="3"), SliderCheck("digit", "style_1"), SliderCheck("morph", "share"),
    ],
}


def free_port():
    """A TCP port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def api(server, path, method="GET"):
    """Call the Jupyter server's REST API; return the decoded JSON (None for an empty answer)."""
    request = urllib.request.Request(
        f"{server['url']}{path}", method=method, headers={"Authorization": f"token {server['token']}"},
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        body = answer.read()
    return json.loads(body) if body else None


def shut_down_kernels(server):
    """End every session and its kernel, freeing its memory for the next notebook (a server already gone has none)."""
    try:
        for session in api(server, "/api/sessions"):
            api(server, f"/api/sessions/{session['id']}", method="DELETE")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        pass


def write_lab_settings(settings_dir):
    """Write LAB_SETTINGS as JupyterLab's user settings in `settings_dir` (its JUPYTERLAB_SETTINGS_DIR)."""
    for name, values in LAB_SETTINGS.items():
        path = settings_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))


@pytest.fixture(scope="module")
def screenshot_dir(tmp_path_factory, request):
    """Where the screenshots go; its path is printed at the end of the run, whatever pytest captures."""
    folder = tmp_path_factory.mktemp("browser_screenshots")
    yield folder
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is not None and capture is not None:
        with capture.global_and_fixture_disabled():  # Past pytest's capture, straight to the terminal.
            reporter.write_line(f"\nBrowser test screenshots: {folder}")


@pytest.fixture(scope="module")
def jupyter_server(tmp_path_factory):
    """JupyterLab on 127.0.0.1 serving copies of the notebooks, its kernels in quick mode with live widgets."""
    home = tmp_path_factory.mktemp("jupyter")
    notebooks = home / "notebooks"
    notebooks.mkdir()
    for name in WIDGET_CHECKS:
        shutil.copy(ROOT / "notebooks" / f"{name}.ipynb", notebooks)
    write_lab_settings(home / "settings")
    port, token = free_port(), "browser-test"
    environment = {
        **os.environ,
        "GAN_QUICK": "1",
        "GAN_STATIC_WIDGETS": "0",  # notebooks/conftest.py sets 1 for nbval in this same pytest process.
        "TF_CPP_MIN_LOG_LEVEL": "3",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),  # This checkout's gan_helpers.
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
    }
    command = [
        sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root", "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={notebooks}",
    ]
    log_path = home / "jupyter.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(command, env=environment, stdout=log, stderr=subprocess.STDOUT)
    server = {"url": f"http://127.0.0.1:{port}", "token": token, "log": log_path}
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                api(server, "/api/status")
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"JupyterLab did not start; its log:\n{log_path.read_text()[-3000:]}")
                time.sleep(0.5)
        yield server
    finally:
        try:
            api(server, "/api/shutdown", method="POST")  # Shuts its kernels down too.
            process.wait(timeout=30)
        except (urllib.error.URLError, ConnectionError, TimeoutError, subprocess.TimeoutExpired):
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """Headless Chromium from Debian with a fresh profile, driven by Playwright."""
    from playwright.sync_api import sync_playwright

    profile = tmp_path_factory.mktemp("chromium_profile")  # Playwright passes it as --user-data-dir.
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile), executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS,
            viewport={"width": 1400, "height": 1000},
        )
        yield context
        context.close()


def run_all_cells(page, server, notebook):
    """Open `notebook` in JupyterLab, run every cell, and wait until each has run."""
    # A workspace of its own: JupyterLab would otherwise reopen the notebooks of the pages before.
    page.goto(f"{server['url']}/lab/workspaces/{notebook}/tree/{notebook}.ipynb?reset&token={server['token']}")
    page.locator(f"{NOTEBOOK} .jp-CodeCell").first.wait_for()
    # The kernel is ready when the status bar says "<kernel name> | Idle". (The toolbar's indicator
    # says idle before any kernel has started: Run All would then skip every cell.)
    page.wait_for_function(
        """() => [...document.querySelectorAll('.jp-StatusBar-Widget')]
            .some(widget => /\\| Idle/.test(widget.textContent) && !widget.textContent.includes('No Kernel'))""",
        timeout=90_000,
        polling=250,
    )
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel").get_by_text("Run All Cells", exact=True).click()
    # Done when every code cell shows its execution count, or when one failed (Run All then stops).
    page.wait_for_function(
        """(notebook) => {
            const prompts = [...document.querySelectorAll(`${notebook} .jp-CodeCell .jp-InputPrompt`)];
            const failed = [...document.querySelectorAll(`${notebook} .jp-OutputArea-output`)]
                .some(output => output.textContent.includes('Traceback'));
            return failed || (prompts.length > 0 && prompts.every(prompt => /\\[\\d+\\]/.test(prompt.textContent)));
        }""",
        arg=NOTEBOOK,
        timeout=RUN_ALL_SECONDS * 1000,
        polling=500,
    )
    text = page.locator(f"{NOTEBOOK} .jp-Notebook").inner_text()
    assert "Traceback" not in text and "Error displaying widget" not in text, f"{notebook} did not run cleanly:\n{text[-3000:]}"


def picture_source(page, selector):
    """The src of the picture's img: a data URL that changes with every redraw."""
    return page.locator(f"{selector} img").get_attribute("src")


def drag_slider(page, slider):
    """Drag the slider's handle with the mouse to the far side of its track: right of 85% or left of 15%."""
    track = slider.locator(".noUi-target").bounding_box()
    handle = slider.locator(".noUi-handle").bounding_box()
    x, y = handle["x"] + handle["width"] / 2, handle["y"] + handle["height"] / 2
    share = (x - track["x"]) / track["width"]
    target = track["x"] + track["width"] * (0.15 if share > 0.5 else 0.85)
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(target, y, steps=10)
    page.mouse.up()


def changed_share(before, after):
    """The share of pixels that differ by more than a faint shade between two screenshots (1.0 when their sizes differ)."""
    from PIL import Image

    before, after = (np.asarray(Image.open(io.BytesIO(png)).convert("L"), np.int16) for png in (before, after))
    if before.shape != after.shape:
        return 1.0
    return float(np.mean(np.abs(before - after) > 24))


def check_slider(page, notebook, check, screenshot_dir):
    """Move one slider and return the share of the picture's pixels that changed."""
    panel = f"{NOTEBOOK} .gan-panel-{check.panel}"
    picture = f"{panel} .gan-picture"
    slider = page.locator(f"{panel} .gan-control-{check.control}")
    slider.scroll_into_view_if_needed()
    page.locator(f"{picture} img").wait_for()
    name = f"{notebook}_{check.panel}_{check.control}"
    before = page.locator(f"{picture} img").screenshot(path=screenshot_dir / f"{name}_before.png")
    source = picture_source(page, picture)
    if check.pick:  # A row of buttons: click the one named `pick`; it shows as pressed.
        slider.get_by_role("button", name=check.pick, exact=True).click()
        page.wait_for_function(
            "([selector, name]) => [...document.querySelectorAll(selector)].some("
            "button => button.textContent.trim() === name && button.classList.contains('mod-active'))",
            arg=[f"{panel} .gan-control-{check.control} button", check.pick],
        )
    else:
        readout = slider.locator(".widget-readout").inner_text()
        drag_slider(page, slider)
        page.wait_for_function(
            "([selector, old]) => document.querySelector(selector).textContent !== old",
            arg=[f"{panel} .gan-control-{check.control} .widget-readout", readout],
        )
    if check.button:
        page.wait_for_timeout(1500)  # Time enough for a wrong redraw to arrive.
        assert picture_source(page, picture) == source, f"{name}: the picture changed before the button was pressed"
        page.locator(f"{panel} .gan-button").click()
        # The progress indication reacts at once: "starting..." while the step compiles, then "step k of n".
        page.wait_for_function(
            "(selector) => /starting|step/.test(document.querySelector(selector).textContent)",
            arg=f"{panel} .gan-status",
            polling="raf",
        )
    page.wait_for_function(
        "([selector, old]) => { const img = document.querySelector(selector); "
        "return img !== null && img.getAttribute('src') !== old; }",
        arg=[f"{picture} img", source],
        timeout=(TRAIN_SECONDS if check.button else 30) * 1000,
    )
    page.wait_for_timeout(300)  # Let the new picture finish painting.
    after = page.locator(f"{picture} img").screenshot(path=screenshot_dir / f"{name}_after.png")
    if check.button:  # The progress bar is full, and the status says how long it took.
        assert "width:100%" in page.locator(f"{panel} .gan-progress .progress-bar").get_attribute("style").replace(" ", "")
        assert page.locator(f"{panel} .gan-status").inner_text().startswith("done in")
    return changed_share(before, after)


@pytest.mark.parametrize("notebook", list(WIDGET_CHECKS))
def test_sliders_change_their_pictures_in_chromium(notebook, jupyter_server, browser, screenshot_dir):
    page = browser.new_page()
    page.set_default_timeout(60_000)
    try:
        run_all_cells(page, jupyter_server, notebook)
        shares = {check.control: check_slider(page, notebook, check, screenshot_dir) for check in WIDGET_CHECKS[notebook]}
        print(f"{notebook}: share of changed pixels per slider: {shares}")
        for control, share in shares.items():
            assert share >= MIN_CHANGED_SHARE, f"{notebook}: moving {control} changed only {share:.2%} of its picture"
    finally:
        page.screenshot(path=screenshot_dir / f"{notebook}_last.png")  # What the page showed last, also on failure.
        page.close()
        shut_down_kernels(jupyter_server)

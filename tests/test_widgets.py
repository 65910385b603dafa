"""The widgets' logic without a browser: the plain functions against hand-computed references, and the wiring.

tests/test_browser.py drives the same widgets in Chromium; these tests run in seconds on the CPU.
"""

import base64
import math
import sys
from pathlib import Path
from types import SimpleNamespace

import IPython
import ipywidgets
import keras
import numpy as np
import pytest
from matplotlib.figure import Figure

from gan_helpers import (
    codes,
    config,
    digit_classifier,
    losses,
    pretrained,
    recipes,
    training,
)
from gan_helpers.lab import widgets

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def generator():
    """The pretrained fast generator: 100 noise values, the first 30 read as a category."""
    return pretrained.load_pretrained("fast")


@pytest.fixture
def kernel_present(monkeypatch):
    """Pretend to run in a Jupyter kernel with a frontend: live widgets, not static pictures."""
    monkeypatch.delenv(widgets.STATIC_SETTING, raising=False)
    monkeypatch.setattr(IPython, "get_ipython", lambda: SimpleNamespace(kernel=object()))


def counting_panel(button=""):
    """A panel whose picture writes its one value, and which remembers every call of its draw."""
    calls = []

    def draw(amount, progress=None):
        calls.append({"amount": amount, "progress": progress})
        if progress is not None:
            for done in range(1, 4):
                progress(done, 3)
        figure = Figure(figsize=(2, 1))
        figure.text(0.5, 0.5, f"{amount:.1f}", fontsize=20)
        return figure

    panel = widgets.Panel("counting", "A value", draw, {"amount": widgets.Control("amount", 0.5, 0.0, 1.0, 0.1)}, button=button)
    return panel, calls


# ---------------------------------------------------------------- detection and framework


def test_widgets_render_only_in_a_kernel(monkeypatch):
    monkeypatch.delenv(widgets.STATIC_SETTING, raising=False)
    assert not widgets.widgets_can_render()  # pytest is no kernel.
    monkeypatch.setattr(IPython, "get_ipython", lambda: SimpleNamespace(kernel=object()))
    assert widgets.widgets_can_render()
    monkeypatch.setattr(IPython, "get_ipython", lambda: SimpleNamespace())  # A terminal IPython has no kernel.
    assert not widgets.widgets_can_render()


@pytest.mark.parametrize("setting, live", [("1", False), ("true", False), ("0", True), ("", True)])
def test_gan_static_widgets_asks_for_static_pictures(kernel_present, monkeypatch, setting, live):
    monkeypatch.setenv(widgets.STATIC_SETTING, setting)
    assert widgets.widgets_can_render() is live


def test_controls_pick_their_widget_and_check_their_range():
    assert widgets.Control("x", 0.5, 0.0, 1.0, 0.1).kind == "float"
    assert widgets.Control("n", 2, 1, 5, 1).kind == "int"
    assert widgets.Control("rate", 1e-3, 1e-5, 1e-2, 0.1, log=True).kind == "log"
    assert widgets.Control("loss", "ns", options=losses.LOSSES).kind == "menu"
    assert widgets.Control("digit", 7, options=tuple(range(10)), buttons=True).kind == "buttons"
    with pytest.raises(ValueError, match="minimum <= value <= maximum"):
        widgets.Control("x", 2.0, 0.0, 1.0, 0.1)
    with pytest.raises(ValueError, match="positive step"):
        widgets.Control("x", 0.5, 0.0, 1.0)
    with pytest.raises(ValueError, match="one of the options"):
        widgets.Control("loss", "l1", options=losses.LOSSES)


def test_sliders_report_on_release_and_carry_the_class_the_browser_test_finds():
    controls = {
        "x": (widgets.Control("x", 0.5, 0.0, 1.0, 0.1), ipywidgets.FloatSlider),
        "n": (widgets.Control("n", 2, 1, 5, 1), ipywidgets.IntSlider),
        "rate": (widgets.Control("rate", 1e-3, 1e-5, 1e-2, 0.1, log=True, readout=".1e"), ipywidgets.FloatLogSlider),
        "loss": (widgets.Control("loss", "ns", options=losses.LOSSES), ipywidgets.Dropdown),
        "digit": (widgets.Control("digit", 7, options=tuple(range(10)), buttons=True), ipywidgets.ToggleButtons),
    }
    for name, (control, kind) in controls.items():
        widget = widgets.make_widget(name, control)
        assert type(widget) is kind and widget.value == pytest.approx(control.value)
        assert f"gan-control-{name}" in widget._dom_classes
        if kind not in (ipywidgets.Dropdown, ipywidgets.ToggleButtons):
            assert widget.continuous_update is False
    rate = widgets.make_widget("rate", controls["rate"][0])
    assert (rate.min, rate.max, rate.base) == (pytest.approx(-5), pytest.approx(-2), 10)


def test_a_slider_redraws_its_picture(kernel_present):
    panel, calls = counting_panel()
    view = widgets.PanelView(panel)
    assert f"gan-panel-{panel.name}" in view.box._dom_classes and "gan-picture" in view.output._dom_classes
    view.redraw()
    first_png = view.png
    view.controls["amount"].value = 0.9
    assert view.draw_count == 2 and calls[-1] == {"amount": 0.9, "progress": None}
    assert view.png != first_png and view.png.startswith(b"\x89PNG")


def test_a_button_panel_draws_only_when_pressed_and_shows_progress(kernel_present):
    panel, calls = counting_panel(button="Train")
    view = widgets.PanelView(panel)
    view.controls["amount"].value = 0.2
    assert calls == []  # Training waits for the button.
    view.button.click()
    assert [call["amount"] for call in calls] == [0.2] and view.draw_count == 1
    assert (view.progress.value, view.progress.max) == (3, 3)
    assert view.status.value.startswith("done in") and not view.button.disabled
    assert "gan-button" in view.button._dom_classes and "gan-status" in view.status._dom_classes  # The browser test finds them.


def test_a_refused_setting_is_said_in_one_line(kernel_present, capsys):
    def draw(loss, progress=None):
        losses.check_label_smoothing(loss, 0.1)
        return Figure()

    panel = widgets.Panel(
        "refusing", "Refuses hinge", draw, {"loss": widgets.Control("loss", "hinge", options=losses.LOSSES)}, button="Train",
    )
    view = widgets.PanelView(panel)
    view.button.click()
    assert "Not with these settings: label smoothing applies to" in capsys.readouterr().out
    assert view.draw_count == 0 and view.png is None and not view.button.disabled and view.status.value == "not trained"


def test_explorer_is_static_where_widgets_cannot_render(monkeypatch, capsys):
    monkeypatch.setenv(widgets.STATIC_SETTING, "1")
    panel, calls = counting_panel()
    explorer = widgets.Explorer([panel])
    explorer._ipython_display_()
    assert widgets.STATIC_NOTE in capsys.readouterr().out
    assert explorer.views == [] and calls == [{"amount": 0.5, "progress": None}]


class RecordedDisplay:
    """Stands in for IPython's display: remembers each bundle sent and each update of it."""

    def __init__(self):
        self.sent = []  # [(bundle, "shown" or "update")], in the order they were sent.

    def __call__(self, bundle, raw=False, display_id=None):
        if not raw:
            return None  # The picture a panel draws into its own Output widget.
        handle = SimpleNamespace(update=lambda new, raw=False: self.sent.append((new, "update"))) if display_id else None
        self.sent.append((bundle, "shown"))
        return handle


def test_explorer_is_live_in_a_kernel(kernel_present, capsys, monkeypatch):
    shown = RecordedDisplay()
    monkeypatch.setattr(IPython.display, "display", shown)
    panel, calls = counting_panel()
    explorer = widgets.Explorer([panel, counting_panel(button="Train")[0]])
    explorer._ipython_display_()
    assert widgets.STATIC_NOTE not in capsys.readouterr().out
    assert [view.draw_count for view in explorer.views] == [1, 1]  # Each panel shows its default picture at once.
    # The quick panel goes out once, picture included; the training panel first without, then updated with it.
    assert [how for _, how in shown.sent] == ["shown", "shown", "update"]
    quick, training_before, training_after = (bundle for bundle, _ in shown.sent)
    assert "image/png" in quick and "image/png" not in training_before and "image/png" in training_after
    for bundle, view in ((quick, explorer.views[0]), (training_after, explorer.views[1])):
        assert bundle[widgets.WIDGET_VIEW]["model_id"] == view.box.model_id
        assert base64.b64decode(bundle["image/png"]) == view.png


def test_fallback_bundle_keeps_the_widget_and_adds_the_picture_and_note(monkeypatch):
    widget_data = {"text/plain": "VBox(...)", widgets.WIDGET_VIEW: {"version_major": 2, "version_minor": 0, "model_id": "abc"}}
    png = widgets.figure_png(Figure(figsize=(1, 1)))
    bundle = widgets.fallback_bundle((widget_data, {}), png)
    assert bundle[widgets.WIDGET_VIEW] == widget_data[widgets.WIDGET_VIEW]
    assert base64.b64decode(bundle["image/png"]) == png and bundle["text/plain"] == widgets.FALLBACK_NOTE
    assert f'src="data:image/png;base64,{bundle["image/png"]}"' in bundle["text/html"]
    assert widgets.FALLBACK_NOTE.split(":")[0] in bundle["text/html"]
    assert widgets.fallback_bundle(widget_data, None) == widget_data  # Nothing drawn yet: the widget alone.
    monkeypatch.setitem(sys.modules, "google.colab", SimpleNamespace())
    assert widgets.fallback_bundle(widget_data, png) == widget_data  # Colab always has its browser.
    with pytest.raises(ValueError, match="expected a widget's display bundle"):
        widgets.fallback_bundle({"text/plain": "x"}, png)


def run_in_a_kernel_without_a_browser(sources, timeout=300):
    """Execute `sources` in a fresh python3 kernel with no frontend, as `jupyter nbconvert --execute` does.

    Returns a notebook of the cells and the outputs their messages built, updates of a display
    included; as in nbclient, what goes to an Output widget while it captures stays in the widget.
    It reads the kernel's messages with jupyter_client's blocking client: nbclient's asyncio poll
    here sometimes misses the reply and waits out its whole cell timeout.
    """
    import nbformat
    from jupyter_client.manager import start_new_kernel

    manager, client = start_new_kernel(kernel_name="python3")
    try:
        cells = []
        for source in sources:
            cell, shown = nbformat.v4.new_code_cell(source), {}  # {display_id: index of its output}
            message_id, captured = client.execute(source), False
            while True:
                message = client.get_iopub_msg(timeout=timeout)
                if message["parent_header"].get("msg_id") != message_id:
                    continue
                kind, content = message["msg_type"], message["content"]
                if kind == "status" and content["execution_state"] == "idle":
                    break
                if kind == "error":
                    raise AssertionError("\n".join(content["traceback"]))
                display_id = content.get("transient", {}).get("display_id")
                if kind == "comm_msg" and "msg_id" in content["data"].get("state", {}):
                    captured = content["data"]["state"]["msg_id"] == message_id  # An Output widget's `with` block.
                elif captured:
                    continue
                elif kind == "update_display_data":
                    cell.outputs[shown[display_id]]["data"] = content["data"]
                elif kind in ("display_data", "execute_result", "stream"):
                    if display_id:
                        shown[display_id] = len(cell.outputs)
                    cell.outputs.append(nbformat.v4.output_from_msg(message))
            cells.append(cell)
        return nbformat.v4.new_notebook(cells=cells)
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


@pytest.mark.slow
def test_a_kernel_without_a_browser_keeps_the_picture_and_note(monkeypatch):
    """`jupyter nbconvert --execute` runs a real kernel with no browser: its saved outputs must hold the fallback."""
    from nbconvert import HTMLExporter

    monkeypatch.delenv(widgets.STATIC_SETTING, raising=False)  # notebooks/conftest.py sets it for nbval.
    monkeypatch.setenv("GAN_QUICK", "1")
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    notebook = run_in_a_kernel_without_a_browser([
        "from gan_helpers.lab import widgets\nwidgets.loss_explorer()",
        "from matplotlib.figure import Figure\n"
        "def draw(amount, progress=None):\n    progress(1, 1)\n    return Figure(figsize=(1, 1))\n"
        "widgets.Explorer([widgets.Panel('trains', 'Trains', draw, "
        "{'amount': widgets.Control('amount', 1, 0, 2, 1)}, button='Train')])",
    ])
    for cell in notebook.cells:  # A quick panel, then a training one, whose display was updated with its picture.
        bundles = [output["data"] for output in cell.outputs if output["output_type"] == "display_data"]
        assert len(bundles) == 1, cell.outputs
        assert widgets.WIDGET_VIEW in bundles[0] and bundles[0]["text/plain"] == widgets.FALLBACK_NOTE
        assert base64.b64decode(bundles[0]["image/png"]).startswith(b"\x89PNG")
    page, _ = HTMLExporter().from_notebook_node(notebook)  # No saved widget state: the page shows the pictures.
    assert page.count('src="data:image/png;base64,') == 2 and page.count("Static picture of the default settings") == 2


# ---------------------------------------------------------------- the latent explorer (notebook 02)


def test_steepest_directions_of_a_linear_generator_are_its_largest_axes():
    # A linear "generator": image = noise @ kernel. Rows of the kernel at right angles, of lengths 1, 3
    # and 2, so the image changes fastest along noise axis 1, then axis 2, then axis 0.
    kernel = np.zeros((3, 784), np.float32)
    kernel[0, 0], kernel[1, 1], kernel[2, 2] = 1.0, 3.0, 2.0
    linear = keras.Sequential([keras.Input((3,)), keras.layers.Dense(784, use_bias=False)])
    linear.layers[0].kernel.assign(kernel)
    directions = widgets.steepest_directions(linear, np.zeros(3), num_directions=3)
    np.testing.assert_allclose(np.abs(directions), np.eye(3)[[1, 2, 0]], atol=1e-6)


def test_steepest_directions_leave_the_category_alone_and_change_the_digit_most(generator):
    noise = training.fixed_noise(1, 100, seed=7)[0]
    directions = widgets.steepest_directions(generator, noise)
    assert directions.shape == (widgets.NUM_DIRECTIONS, 100)
    assert np.all(directions[:, :30] == 0)  # The 30 category values of the fast generator.
    np.testing.assert_allclose(directions @ directions.T, np.eye(len(directions)), atol=1e-5)
    random_direction = np.zeros(100, np.float32)
    random_direction[30:] = np.random.default_rng(0).standard_normal(70)
    random_direction /= np.linalg.norm(random_direction)
    start = training.generate_images(generator, noise[None])
    change = {
        name: np.abs(training.generate_images(generator, (noise + 0.5 * direction)[None]) - start).mean()
        for name, direction in (("steepest", directions[0]), ("random", random_direction))
    }
    assert change["steepest"] > 2 * change["random"], change
    with pytest.raises(ValueError, match="from 1 to the 70 continuous"):
        widgets.steepest_directions(generator, noise, num_directions=71)
    with pytest.raises(ValueError, match=r"shape \(100,\)"):
        widgets.steepest_directions(generator, noise[:50])


def test_latent_walk_moves_the_noise_along_the_directions(generator):
    base = training.fixed_noise(1, 100, seed=3)[0]
    directions = np.eye(100, dtype=np.float32)[[40, 50]]
    moved = widgets.move_noise(base, directions, [1.5, -2.0])
    expected = base.copy()
    expected[40] += 1.5
    expected[50] -= 2.0
    np.testing.assert_allclose(moved, expected, rtol=1e-6)
    assert widgets.move_noise(base, directions, np.zeros((5, 2))).shape == (5, 100)
    images = widgets.latent_walk(generator, base, directions, [[0.0, 0.0], [3.0, 0.0]])
    assert images.shape == (2, 28, 28, 1)
    # Equal up to float rounding: oneDNN may pick other kernels for a batch of 2 than for a batch of 1.
    np.testing.assert_allclose(images[0], training.generate_images(generator, base[None])[0], atol=1e-5)
    with pytest.raises(ValueError, match="amounts"):
        widgets.move_noise(base, directions, [1.0, 2.0, 3.0])


def test_with_category_picks_every_category_whatever_the_prior(generator):
    noise = training.fixed_noise(30, 100, seed=5)
    layer = codes.code_layer(generator)
    for category in range(30):
        assert np.all(np.asarray(layer.categories(widgets.with_category(noise, category, 30))) == category)
    np.testing.assert_array_equal(widgets.with_category(noise, 4, 30)[:, 30:], noise[:, 30:])  # The rest is untouched.
    for wrong in (30, -1, 2.5):
        with pytest.raises(ValueError, match="category must be an integer from 0 to num_codes - 1 = 29"):
            widgets.with_category(noise, wrong, 30)


def test_interpolate_by_hand():
    a, b = np.array([1.0, 0.0]), np.array([0.0, 1.0])  # At right angles, both of length 1.
    np.testing.assert_allclose(widgets.interpolate(a, b, 0.0), a, atol=1e-7)
    np.testing.assert_allclose(widgets.interpolate(a, b, 1.0), b, atol=1e-7)
    np.testing.assert_allclose(widgets.interpolate(a, b, 0.5, spherical=False), [0.5, 0.5])
    # The great circle's midpoint: sin(pi/4) / sin(pi/2) of each, still of length 1.
    np.testing.assert_allclose(widgets.interpolate(a, b, 0.5), [math.sqrt(0.5), math.sqrt(0.5)], rtol=1e-6)
    path = widgets.interpolate(a, b, np.linspace(0, 1, 5))
    assert path.shape == (5, 2)
    np.testing.assert_allclose(np.linalg.norm(path, axis=1), 1.0, rtol=1e-6)
    np.testing.assert_allclose(widgets.interpolate(a, 2 * a, 0.5), 1.5 * a)  # Parallel: the circle is the line.
    with pytest.raises(ValueError, match=r"in \[0, 1\]"):
        widgets.interpolate(a, b, 1.5)
    with pytest.raises(ValueError, match="same shape"):
        widgets.interpolate(a, np.ones(3), 0.5)


def test_digit_noises_draw_each_digit(generator):
    noises = widgets.digit_noises(generator)
    assert noises.shape == (10, 100)
    probabilities, _ = digit_classifier.classify(training.generate_images(generator, noises))
    np.testing.assert_array_equal(probabilities.argmax(axis=1), np.arange(10))


def test_latent_explorer_panels_redraw_what_their_sliders_say(generator):
    explorer = widgets.latent_explorer(generator)
    latent, walk = explorer.panels
    assert set(latent.controls) == {"direction_1", "direction_2", "direction_3", "direction_4", "category"}
    noise = training.fixed_noise(1, 100, 42)
    assert latent.controls["category"].value == int(codes.code_layer(generator).categories(noise)[0])
    assert all(isinstance(figure, Figure) for figure in explorer.static_figures())
    default = widgets.figure_png(latent.figure())
    for name, value in (("direction_1", 2.0), ("category", (latent.controls["category"].value + 1) % 30)):
        assert widgets.figure_png(latent.figure({**latent.defaults(), name: value})) != default, name
    assert widgets.figure_png(walk.figure({**walk.defaults(), "t": 0.9})) != widgets.figure_png(walk.figure())


# ---------------------------------------------------------------- the loss explorer (notebook 04)


def test_loss_at_by_hand():
    # At a logit of 0, D(G(z)) = 0.5: -log 0.5 = log 2 for ns, log 0.5 for minimax, both with slope -1/2.
    at_zero = widgets.loss_at(0.0)
    assert at_zero["ns"] == pytest.approx((math.log(2), -0.5), abs=1e-6)
    assert at_zero["minimax"] == pytest.approx((-math.log(2), -0.5), abs=1e-6)
    assert at_zero["lsgan"] == pytest.approx((0.5, -1.0))
    assert at_zero["hinge"] == at_zero["wgan-gp"] == pytest.approx((0.0, -1.0))
    # Where the discriminator rejects a fake (logit -4, D(G(z)) = 0.018): minimax hears almost nothing.
    at_minus_four = widgets.loss_at(-4.0)
    assert at_minus_four["ns"][1] == pytest.approx(-0.98201379, abs=1e-6)  # sigmoid(-4) - 1
    assert at_minus_four["minimax"][1] == pytest.approx(-0.01798621, abs=1e-6)  # -sigmoid(-4)
    assert at_minus_four["lsgan"] == pytest.approx((12.5, -5.0))  # (l - 1)^2 / 2 and l - 1


def test_loss_at_an_array_is_the_same_as_at_each_point():
    logits = np.array([-3.0, -0.5, 2.0])
    curves = widgets.loss_at(logits)
    for name in losses.LOSSES:
        for index, logit in enumerate(logits):
            assert (curves[name][0][index], curves[name][1][index]) == pytest.approx(widgets.loss_at(logit)[name], abs=1e-6)
    sigmoid = 1 / (1 + np.exp(-logits))
    np.testing.assert_allclose(curves["ns"][1], sigmoid - 1, atol=1e-6)
    with pytest.raises(ValueError, match="1-D array"):
        widgets.loss_at(np.zeros((2, 2)))


def test_loss_explorer_moves_its_point():
    explorer = widgets.loss_explorer()
    (panel,) = explorer.panels
    assert panel.defaults() == {"fake_logit": -4.0}
    figure = panel.figure()
    assert len(figure.axes) == 2
    assert widgets.figure_png(panel.figure({"fake_logit": 1.0})) != widgets.figure_png(figure)


# ---------------------------------------------------------------- the training knobs (notebook 05)


def test_step_history_recovers_each_step_from_the_running_means():
    reports = []
    recorder = widgets.StepHistory(lambda done, total: reports.append((done, total)))
    recorder.set_params({"steps": 3})
    for batch, mean in enumerate([1.0, 2.0, 3.0]):  # Running means of the values 1, 3 and 5.
        recorder.on_train_batch_end(batch, {"d_loss": mean, "g_loss": -mean, "real_score": 0.5, "fake_score": mean / 10})
    assert recorder.history["d_loss"] == pytest.approx([1.0, 3.0, 5.0])
    assert recorder.history["g_loss"] == pytest.approx([-1.0, -3.0, -5.0])
    assert recorder.history["real_score"] == pytest.approx([0.5, 0.5, 0.5])
    assert reports == [(1, 3), (2, 3), (3, 3)]


def test_short_run_gan_gives_each_network_its_own_rate():
    gan = widgets.short_run_gan(1e-3, 5e-4, batch_size=32, d_steps=2, label_smoothing=0.1, loss="lsgan")
    assert float(gan.d_optimizer.learning_rate) == pytest.approx(1e-3)
    assert float(gan.g_optimizer.learning_rate) == pytest.approx(5e-4)
    assert (gan.d_steps, gan.label_smoothing, gan.loss_name, type(gan).__name__) == (2, 0.1, "lsgan", "GAN")  # The plain GAN.
    with pytest.raises(ValueError, match="g_learning_rate must be a positive number"):
        widgets.short_run_gan(1e-3, 0.0, 32, 1, 0.0, "ns")
    with pytest.raises(ValueError, match="label_smoothing: applies to"):
        widgets.short_run_gan(1e-3, 1e-3, 32, 1, 0.1, "hinge")


@pytest.fixture(scope="module")
def short_runs():
    """Three 4-step runs on 256 digits: the defaults twice, and a slower generator once."""
    from gan_helpers import data

    images, _ = data.load_mnist("offline", max_images=256, verbose=False)
    reports = []
    first = widgets.train_short_run(
        batch_size=32, steps=4, images=images, progress=lambda done, total: reports.append((done, total)),
    )
    again = widgets.train_short_run(batch_size=32, steps=4, images=images)
    slower = widgets.train_short_run(batch_size=32, steps=4, images=images, g_learning_rate=1e-4)
    return SimpleNamespace(first=first, again=again, slower=slower, reports=reports, images=images)


@pytest.mark.slow
def test_short_run_returns_digits_curves_and_histogram(short_runs):
    run = short_runs.first
    assert run.samples.shape == (widgets.NUM_SAMPLES, 28, 28) and run.samples.dtype == np.uint8
    assert sorted(run.history) == ["d_loss", "fake_score", "g_loss", "real_score"]
    assert all(len(values) == 4 and np.all(np.isfinite(values)) for values in run.history.values())
    assert all(0 <= score <= 1 for score in run.history["real_score"] + run.history["fake_score"])
    assert run.class_histogram.shape == (10,) and run.class_histogram.sum() == pytest.approx(1.0)
    assert 1.0 <= run.classifier_score <= 10.0
    assert short_runs.reports == [(step, 4) for step in range(1, 5)]
    assert run.settings == dict(
        d_learning_rate=2e-4, g_learning_rate=2e-4, batch_size=32, d_steps=1, label_smoothing=0.0, loss="ns", steps=4,
    )


def test_short_runs_repeat_exactly_and_follow_their_knobs(short_runs):
    np.testing.assert_array_equal(short_runs.first.samples, short_runs.again.samples)
    assert short_runs.first.history == short_runs.again.history
    assert not np.array_equal(short_runs.first.samples, short_runs.slower.samples)


def test_short_run_refuses_bad_settings(short_runs):
    with pytest.raises(ValueError, match="steps must be a positive integer"):
        widgets.train_short_run(steps=0, images=short_runs.images)
    with pytest.raises(ValueError, match=r"batch_size must be an integer from 1 to the number of images \(256\)"):
        widgets.train_short_run(batch_size=512, steps=2, images=short_runs.images)
    with pytest.raises(ValueError, match="d_learning_rate must be a positive number"):
        widgets.train_short_run(d_learning_rate=-1e-3, steps=2, images=short_runs.images)


def test_plot_short_run_and_its_smoothing(short_runs):
    np.testing.assert_allclose(widgets.moving_average([1, 2, 3, 4], 2), [1.0, 1.5, 2.5, 3.5])
    figure = widgets.plot_short_run(short_runs.first)
    assert len(figure.axes) == 4 and "4 updates" in figure._suptitle.get_text()


def test_training_knobs_start_from_the_plain_recipe():
    (panel,) = widgets.training_knobs(steps=2).panels
    assert panel.button == "Train"
    plain = recipes.recipe("plain")
    assert panel.defaults() == dict(
        d_learning_rate=plain.learning_rate, g_learning_rate=plain.learning_rate, batch_size=plain.batch_size,
        d_steps=plain.d_steps, label_smoothing=plain.label_smoothing, loss=plain.loss,
    )
    assert panel.controls["d_learning_rate"].kind == "log" and panel.controls["loss"].options == losses.LOSSES


def test_toy_lab_trains_on_the_press_and_reports_modes_and_progress():
    (panel,) = widgets.toy_lab(steps=40).panels
    assert panel.button == "Train"
    assert panel.defaults() == dict(method="vanilla", d_learning_rate=1e-3, g_learning_rate=3e-3, steps=40)
    assert panel.controls["method"].options == config.TOY_METHODS and panel.controls["g_learning_rate"].kind == "log"
    calls = []
    figure = panel.figure(dict(panel.defaults(), method="pacgan"), progress=lambda done, total: calls.append((done, total)))
    title = figure.axes[0].get_title()
    assert title.startswith("pacgan, 40 steps: ") and " of 8 modes, " in title and "high quality" in title
    assert calls and calls[-1] == (40, 40)
    assert len(figure.axes[0].images) == 1  # The discriminator's heat map under the points.


@pytest.fixture(scope="module")
def conditional_generator():
    """The pretrained conditional generator: (noise, labels) -> digits."""
    return pretrained.load_pretrained("conditional")


def test_between_digits_starts_and_ends_on_the_two_digits(conditional_generator):
    noise = training.fixed_noise(1, 100, seed=3)[0]
    ends = widgets.between_digits(conditional_generator, noise, 1, 7, [0.0, 1.0])  # (2, 28, 28, 1)
    drawn = widgets.digit_images(conditional_generator, np.stack([noise, noise]), [1, 7])
    np.testing.assert_allclose(ends, drawn, atol=1e-5)
    middle = widgets.between_digits(conditional_generator, noise, 1, 7, 0.5)[0]
    assert np.abs(middle - drawn[0]).mean() > 0.01 and np.abs(middle - drawn[1]).mean() > 0.01
    with pytest.raises(ValueError, match=r"shares must be numbers in \[0, 1\]"):
        widgets.between_digits(conditional_generator, noise, 1, 7, [1.5])
    with pytest.raises(ValueError, match="to_digit must be a digit from 0 to 9"):
        widgets.between_digits(conditional_generator, noise, 1, 10, [0.5])


def test_the_digit_picker_needs_a_conditional_generator(generator):
    with pytest.raises(ValueError, match="expected a conditional generator"):
        widgets.digit_picker(generator)


def test_style_directions_are_orthonormal_and_change_every_digit(conditional_generator):
    noise = training.fixed_noise(1, 100, seed=5)[0]
    directions = widgets.style_directions(conditional_generator, noise, 3)
    assert directions.shape == (3, 100)
    np.testing.assert_allclose(directions @ directions.T, np.eye(3), atol=1e-5)
    before = widgets.digit_images(conditional_generator, np.tile(noise, (10, 1)), range(10))
    after = widgets.digit_images(conditional_generator, np.tile(noise + 2.0 * directions[0], (10, 1)), range(10))
    assert np.all(np.abs(after - before).mean(axis=(1, 2, 3)) > 0.01)  # One slider changes the style of every digit.


def test_digit_picker_panels_draw_the_digit_and_the_morph_they_are_asked_for(conditional_generator):
    picker = widgets.digit_picker(conditional_generator)
    digit_panel, morph_panel = picker.panels
    assert (digit_panel.name, morph_panel.name) == ("digit", "morph")
    assert digit_panel.controls["digit"].kind == "buttons"
    assert set(digit_panel.controls) == {"digit", "style_1", "style_2", "style_3"}
    seven, three = (widgets.figure_png(digit_panel.figure({**digit_panel.defaults(), "digit": digit})) for digit in (7, 3))
    assert seven != three
    assert "the digit 3" in digit_panel.figure({**digit_panel.defaults(), "digit": 3}).axes[0].get_title()
    figure = morph_panel.figure({"from_digit": 2, "to_digit": 5, "share": 0.25})
    assert isinstance(figure, Figure) and "0.75 x 2 + 0.25 x 5" in figure.axes[1].get_title()


"""Sliders that explore a GAN and buttons that retrain one, made of core ipywidgets only.

- notebook 02_generator: `latent_explorer`, a trained generator's digit moved along a few latent
  directions and across its categories, and a walk from one digit to another;
- notebook 04_losses: `loss_explorer`, every generator loss and its gradient at one output of the
  discriminator;
- notebook 05_training_loop: `training_knobs`, learning rates, batch size, d_steps, label smoothing
  and loss, and a button that trains a short run.

Every widget is an `Explorer` of `Panel`s. A panel lists its controls (`Control`, described without
ipywidgets) and a `draw` function that turns their values into a matplotlib Figure; the logic behind
each picture is a plain function (`latent_walk`, `interpolate`, `loss_at`, `train_short_run`, ...)
that the tests call without a browser. To add a widget, write its plain functions, a function that
returns an Explorer of its panels, and one line in tests/test_browser.py's WIDGET_CHECKS.

Where live widgets cannot render, an Explorer shows each panel's default picture and a one-line
note instead: outside a Jupyter kernel, and wherever GAN_STATIC_WIDGETS=1 is in the environment
(notebooks/conftest.py sets it for nbval). In a kernel, each panel goes out as one display bundle:
the live widget, which JupyterLab ranks first, plus its default picture and the note as HTML, PNG
and plain text. A kernel cannot see whether a browser listens, so a run with none
(`jupyter nbconvert --execute`) stores that picture and note, and a viewer that cannot draw
widgets (nbconvert's HTML of a notebook without saved widget state, say) shows them instead.
"""

import base64
import html
import io
import math
import os
import sys
import time
from dataclasses import dataclass, field

import keras
import numpy as np

from gan_helpers import config, losses, models, recipes, training

STATIC_SETTING = "GAN_STATIC_WIDGETS"  # 1 in the environment: static pictures even in a live kernel.
STATIC_NOTE = (
    "Static picture of the default settings: the sliders need a live Jupyter kernel in a browser "
    "(JupyterLab, Notebook 7, Colab), which this run has not, or GAN_STATIC_WIDGETS=1 asked for pictures."
)
FALLBACK_NOTE = (
    "Static picture of the default settings: this viewer cannot draw the live sliders; run the notebook "
    "in JupyterLab, Notebook 7 or Colab to move them."
)
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"  # The mimetype of a live widget in a display bundle.
PNG_DPI = 80  # Pictures travel to the browser as PNG: sharp enough, small enough to redraw quickly.
DESCRIPTION_WIDTH = "260px"  # One width for every control's label, so that the sliders line up.

# The latent explorer (notebook 02).
NUM_DIRECTIONS = 4  # Sliders for this many latent directions: enough to find a few kinds of change.
DIRECTION_RANGE = 3.0  # Each slider moves the noise up to 3 units (3 standard deviations) along its direction.
CATEGORY_VALUE = 10.0  # As training.category_noise: far above any other code value, so the category wins under any prior.
DIGIT_CANDIDATES = 256  # Noise vectors searched for the clearest example of each digit.
PATH_PICTURES = 9  # Digits drawn along the walk from one digit to the other.
PATHS = ("great circle", "straight line")

# The loss explorer (notebook 04).
LOGIT_RANGE = 6.0  # The slider runs over raw outputs from -6 to 6: D(G(z)) from 0.0025 to 0.9975.
CURVE_POINTS = 121  # Points per loss curve: a step of 0.1.

# The training knobs (notebook 05).
BATCH_SIZES = (16, 32, 64, 128)
NUM_SAMPLES = 64  # The 8 x 8 grid of a short run, drawn from one fixed noise batch.
LEARNING_RATE_RANGE = (1e-5, 1e-2)  # The learning-rate sliders run over powers of ten between these.


def short_run_steps():
    """Generator updates of `train_short_run`: 250 (about half a minute on a 2-core CPU), 10 in quick mode."""
    return config.pick(full=250, quick=10)


def histogram_samples():
    """Digits the evaluation classifier sorts for a short run's class histogram: 500, 100 in quick mode."""
    return config.pick(full=500, quick=100)


# ---------------------------------------------------------------- the framework


def widgets_can_render():
    """True when live widgets can show: an IPython kernel with ipywidgets, and GAN_STATIC_WIDGETS unset or 0.

    A kernel cannot tell whether a browser is listening (`jupyter nbconvert --execute` runs one too),
    so live panels carry their default picture for viewers without widgets (`fallback_bundle`);
    GAN_STATIC_WIDGETS=1 asks for the pictures alone, as notebooks/conftest.py does for nbval.
    """
    if os.environ.get(STATIC_SETTING, "").strip().lower() not in ("", "0", "false", "no"):
        return False
    try:
        import ipywidgets  # noqa: F401  Only needed for live widgets; the notebooks' extra installs it.
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


@dataclass(frozen=True)
class Control:
    """A slider or a menu, described without ipywidgets: a static picture needs only its default `value`.

    With `options` it is a menu; with `log=True` a slider over powers of ten between `minimum` and
    `maximum`, `step` then counting in powers of ten; otherwise an integer slider when `value`,
    `minimum`, `maximum` and `step` are all integers, and a float slider when they are not.
    """

    label: str
    value: object
    minimum: float = None
    maximum: float = None
    step: float = None
    options: tuple = ()
    log: bool = False
    readout: str = ""  # A format such as ".2f"; empty: ipywidgets' default for the kind of slider.

    def __post_init__(self):
        if self.options:
            if self.value not in self.options:
                raise ValueError(f"{self.label}: the value must be one of the options {self.options}, got {self.value!r}")
            return
        if None in (self.minimum, self.maximum, self.step) or not self.minimum <= self.value <= self.maximum or self.step <= 0:
            raise ValueError(
                f"{self.label}: a slider needs minimum <= value <= maximum and a positive step, "
                f"got value {self.value!r}, minimum {self.minimum!r}, maximum {self.maximum!r}, step {self.step!r}"
            )

    @property
    def kind(self):
        """Which ipywidget shows this control: "menu", "log", "int" or "float"."""
        if self.options:
            return "menu"
        if self.log:
            return "log"
        numbers = (self.value, self.minimum, self.maximum, self.step)
        return "int" if all(isinstance(number, int) and not isinstance(number, bool) for number in numbers) else "float"


def make_widget(name, control):
    """The ipywidget for `control`, tagged with the CSS class gan-control-NAME; it reports a value only on release."""
    import ipywidgets

    common = dict(description=control.label, style={"description_width": DESCRIPTION_WIDTH}, layout={"width": "560px"})
    if control.kind == "menu":
        widget = ipywidgets.Dropdown(options=list(control.options), value=control.value, **common)
    else:
        # continuous_update=False: the picture is redrawn once, when the handle is released, not at every pixel.
        slider = dict(value=control.value, step=control.step, continuous_update=False, **common)
        if control.readout:
            slider["readout_format"] = control.readout
        if control.kind == "log":
            widget = ipywidgets.FloatLogSlider(min=math.log10(control.minimum), max=math.log10(control.maximum), base=10, **slider)
        elif control.kind == "int":
            widget = ipywidgets.IntSlider(min=control.minimum, max=control.maximum, **slider)
        else:
            widget = ipywidgets.FloatSlider(min=control.minimum, max=control.maximum, **slider)
    widget.add_class(f"gan-control-{name}")
    return widget


@dataclass
class Panel:
    """One picture and the controls that change it: `draw(**values)` returns a matplotlib Figure.

    With a `button` label, the picture is redrawn only when that button is pressed (anything that
    trains), and `draw` also receives `progress`, a function (done, total) that moves a progress bar,
    or None.
    """

    name: str  # The page finds the panel by the CSS class gan-panel-NAME.
    title: str
    draw: object
    controls: dict = field(default_factory=dict)  # {argument of draw: Control}
    button: str = ""

    def defaults(self):
        """The controls' default values, as `draw` takes them."""
        return {name: control.value for name, control in self.controls.items()}

    def figure(self, values=None, progress=None):
        """Draw the picture for `values` (default: the controls' defaults)."""
        values = self.defaults() if values is None else values
        return self.draw(**values, progress=progress) if self.button else self.draw(**values)


def figure_png(figure):
    """A matplotlib Figure as PNG bytes."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=PNG_DPI)
    return buffer.getvalue()


class PanelView:
    """A Panel as live ipywidgets: its controls, its button and progress bar if it has one, and an Output."""

    def __init__(self, panel):
        import ipywidgets

        self.panel = panel
        self.controls = {name: make_widget(name, control) for name, control in panel.controls.items()}
        self.output = ipywidgets.Output()
        self.output.add_class("gan-picture")
        self.png = None  # The picture on show, as PNG bytes.
        self.draw_count = 0
        self.button = self.progress = self.status = None
        children = [ipywidgets.HTML(f"<b>{panel.title}</b>"), *self.controls.values()]
        if panel.button:
            self.button = ipywidgets.Button(description=panel.button, button_style="primary", icon="play")
            self.button.add_class("gan-button")
            self.progress = ipywidgets.IntProgress(value=0, min=0, max=1)
            self.progress.add_class("gan-progress")
            self.status = ipywidgets.Label("")
            self.status.add_class("gan-status")
            self.button.on_click(lambda _: self.redraw())
            children.append(ipywidgets.HBox([self.button, self.progress, self.status]))
        else:
            for widget in self.controls.values():
                widget.observe(lambda _: self.redraw(), names="value")
        self.box = ipywidgets.VBox([*children, self.output])
        self.box.add_class(f"gan-panel-{panel.name}")

    def bundle(self):
        """The panel's display data: the live widget, then, once drawn, its picture and FALLBACK_NOTE for viewers without widgets."""
        return fallback_bundle(self.box._repr_mimebundle_(), self.png)

    def values(self):
        """The controls' current values, as `draw` takes them."""
        return {name: widget.value for name, widget in self.controls.items()}

    def report(self, done, total):
        """Move the progress bar: `done` of `total` steps."""
        self.progress.max = total
        self.progress.value = done
        self.status.value = f"step {done} of {total}"

    def redraw(self):
        """Draw the picture for the controls' current values into the Output, in place of the last one."""
        from IPython.display import Image, clear_output, display

        start, drawn = time.perf_counter(), False
        if self.button:
            self.button.disabled = True  # No second run queued behind this one.
            self.status.value = "starting..."
        try:
            with self.output:  # In a kernel, an error inside shows in the Output as a traceback.
                clear_output(wait=True)  # The old picture stays until the new one arrives: no flicker.
                try:
                    figure = self.panel.figure(self.values(), progress=self.report if self.button else None)
                except ValueError as error:
                    print(f"Not with these settings: {error}")  # A setting the library refuses, in one line.
                    return
                self.png = figure_png(figure)
                self.draw_count += 1
                display(Image(data=self.png))
                drawn = True
        finally:
            if self.button:
                self.button.disabled = False
                self.status.value = f"done in {time.perf_counter() - start:.0f} s" if drawn else "not trained"


class Explorer:
    """Panels shown as live widgets in a notebook, or as static pictures with a one-line note where widgets cannot render.

    A notebook cell displays it by ending with it, as it would a Figure.
    """

    def __init__(self, panels):
        self.panels = list(panels)
        self.views = []

    def static_figures(self):
        """Each panel's picture for its default settings."""
        return [panel.figure() for panel in self.panels]

    def _ipython_display_(self):
        from IPython.display import Image, display

        if not widgets_can_render():
            for figure in self.static_figures():
                display(Image(data=figure_png(figure)))
            print(STATIC_NOTE)
            return
        self.views = [PanelView(panel) for panel in self.panels]
        for view in self.views:
            if not view.button:
                view.redraw()  # A quick picture: drawn first, so the one bundle sent carries it.
                display(view.bundle(), raw=True)
                continue
            shown = display(view.bundle(), raw=True, display_id=True)
            view.redraw()  # Training: after display, so the progress bar shows; then the bundle gains the picture.
            if shown is not None:  # None where IPython has no display publisher to update.
                shown.update(view.bundle(), raw=True)


def in_colab():
    """True inside a Google Colab kernel, whose browser is always there to draw the widgets."""
    return "google.colab" in sys.modules


def fallback_bundle(widget_data, png, note=FALLBACK_NOTE):
    """A widget's display bundle plus, when `png` is given, the picture and `note` as HTML, PNG and plain text.

    Frontends draw the richest mimetype they can: JupyterLab ranks the widget view first (rank -10),
    while nbconvert's HTML of a notebook without saved widget state falls back on the picture.
    Colab is left with the widget alone: it always has a browser, and its ranking is not documented.
    """
    data = dict(widget_data[0] if isinstance(widget_data, tuple) else widget_data)  # (data, metadata) or data.
    if WIDGET_VIEW not in data:
        raise ValueError(f"expected a widget's display bundle with {WIDGET_VIEW}, got the mimetypes {sorted(data)}")
    if png is None or in_colab():
        return data
    encoded = base64.b64encode(png).decode("ascii")
    data["text/html"] = f'<img src="data:image/png;base64,{encoded}" alt="the default picture"><p><em>{html.escape(note)}</em></p>'
    data["image/png"] = encoded
    data["text/plain"] = note
    return data


# ---------------------------------------------------------------- the latent explorer (notebook 02)


def steepest_directions(generator, noise, num_directions=NUM_DIRECTIONS):
    """The `num_directions` directions in which `generator`'s image of `noise` (latent_dim,) changes fastest: (num_directions, latent_dim).

    They are the top right singular vectors of the generator's Jacobian (d pixels / d noise) at
    `noise`, orthonormal, and zero on the noise values a generator with categories reads as its
    category (models.CategoricalCode): they move only the values it reads continuously.
    Introduced in notebook 02_generator.
    """
    import tensorflow as tf

    noise = np.asarray(noise, np.float32)
    latent_dim, num_codes = generator.input_shape[-1], models.num_codes(generator)
    free = latent_dim - num_codes
    if noise.shape != (latent_dim,):
        raise ValueError(f"expected one noise vector of shape ({latent_dim},), got {noise.shape}")
    if not isinstance(num_directions, int) or isinstance(num_directions, bool) or not 0 < num_directions <= free:
        raise ValueError(f"num_directions must be an integer from 1 to the {free} continuous noise values, got {num_directions!r}")
    point = tf.constant(noise[None])  # (1, latent_dim)
    with tf.GradientTape() as tape:
        tape.watch(point)
        image = generator(point, training=False)  # (1, 28, 28, 1)
    jacobian = tf.reshape(tape.jacobian(image, point), (-1, latent_dim)).numpy()  # (784, latent_dim)
    _, _, right_vectors = np.linalg.svd(jacobian[:, num_codes:].astype(np.float64), full_matrices=False)  # (free, free)
    directions = np.zeros((num_directions, latent_dim), np.float32)
    directions[:, num_codes:] = right_vectors[:num_directions]
    return directions


def move_noise(base_noise, directions, amounts):
    """`base_noise` (latent_dim,) moved `amounts[i]` along `directions[i]`; amounts of shape (k,) or (n, k) give (latent_dim,) or (n, latent_dim)."""
    base_noise, directions, amounts = np.asarray(base_noise, np.float32), np.asarray(directions, np.float32), np.asarray(amounts, np.float32)
    if base_noise.ndim != 1 or directions.shape[1:] != base_noise.shape or amounts.shape[-1:] != directions.shape[:1]:
        raise ValueError(
            f"expected base_noise (latent_dim,), directions (k, latent_dim) and amounts (k,) or (n, k), "
            f"got {base_noise.shape}, {directions.shape} and {amounts.shape}"
        )
    return base_noise + amounts @ directions


def latent_walk(generator, base_noise, directions, amounts):
    """The images `generator` draws from `base_noise` moved by each row of `amounts`: (n, 28, 28, 1) in [-1, 1].

    Introduced in notebook 02_generator.
    """
    noise = np.atleast_2d(move_noise(base_noise, directions, amounts))  # (n, latent_dim)
    return training.generate_images(generator, noise)


def with_category(noise, category, num_codes):
    """A copy of `noise` whose first `num_codes` values pick `category`, whatever the generator's prior."""
    if not isinstance(category, (int, np.integer)) or not 0 <= category < num_codes:
        raise ValueError(f"category must be an integer from 0 to num_codes - 1 = {num_codes - 1}, got {category!r}")
    noise = np.array(noise, np.float32, copy=True)
    noise[..., category] = CATEGORY_VALUE
    return noise


def interpolate(noise_a, noise_b, t, spherical=True):
    """The noise a fraction `t` (a number or an array in [0, 1]) of the way from `noise_a` to `noise_b`.

    `spherical` walks along the great circle, which keeps the noise about as long as its two ends
    (Gaussian noise is about sqrt(latent_dim) long); the straight line passes through shorter noise
    than the generator ever trained on. Returns (latent_dim,) for a number, (len(t), latent_dim) for an array.
    Introduced in notebook 02_generator.
    """
    noise_a, noise_b = np.asarray(noise_a, np.float64), np.asarray(noise_b, np.float64)
    if noise_a.ndim != 1 or noise_a.shape != noise_b.shape:
        raise ValueError(f"expected two noise vectors of the same shape (latent_dim,), got {noise_a.shape} and {noise_b.shape}")
    fractions = np.asarray(t, np.float64)
    if fractions.ndim > 1 or not np.all((fractions >= 0) & (fractions <= 1)):
        raise ValueError(f"t must be a number or a 1-D array of numbers in [0, 1], got {t!r}")
    fractions = fractions[..., None]  # () -> (1,), (n,) -> (n, 1): broadcasts against (latent_dim,)
    cosine = noise_a @ noise_b / (np.linalg.norm(noise_a) * np.linalg.norm(noise_b))
    angle = np.arccos(np.clip(cosine, -1.0, 1.0))
    if not spherical or np.sin(angle) < 1e-6:  # Parallel vectors: the circle and the line coincide.
        noise = (1.0 - fractions) * noise_a + fractions * noise_b
    else:
        noise = (np.sin((1.0 - fractions) * angle) * noise_a + np.sin(fractions * angle) * noise_b) / np.sin(angle)
    return noise.astype(np.float32)


def digit_noises(generator, num_candidates=DIGIT_CANDIDATES, seed=config.DEFAULT_SEED):
    """One noise vector per digit 0-9, shape (10, latent_dim): the candidate whose image the evaluation classifier is surest is that digit."""
    from gan_helpers import evaluation

    noise = training.fixed_noise(num_candidates, generator.input_shape[-1], seed)  # (num_candidates, latent_dim)
    probabilities, _ = evaluation.classify(training.generate_images(generator, noise))  # (num_candidates, 10)
    return noise[np.argmax(probabilities, axis=0)]


def plot_latent(start_image, image, amounts, category=None):
    """The digit before and after moving its noise, side by side; returns a Figure."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(5, 2.9), layout="constrained")
    moved = ", ".join(f"{amount:+.1f}" for amount in amounts)
    for index, (picture, title) in enumerate(((start_image, "the noise as drawn"), (image, f"moved ({moved})"))):
        axes = figure.add_subplot(1, 2, index + 1)
        axes.imshow(picture[..., 0], cmap="gray", vmin=-1, vmax=1)
        axes.set_title(title, fontsize=9)
        axes.set_axis_off()
    if category is not None:
        figure.suptitle(f"category {category}", fontsize=10)
    return figure


def plot_interpolation(path_images, image, t, start_digit, end_digit, path):
    """The walk from one digit to the other, with the digit at `t` drawn large; returns a Figure."""
    from matplotlib.figure import Figure

    from gan_helpers import viz

    figure = Figure(figsize=(9, 2.6), layout="constrained")
    strip_axes, image_axes = figure.subplots(1, 2, width_ratios=[4, 1])
    strip = viz.image_grid(path_images, columns=len(path_images))  # (32, 2 + 30 * steps) uint8
    strip_axes.imshow(strip, cmap="gray", vmin=0, vmax=255)
    # Digit i of the strip is centred at column 15.5 + 30 i (28 pixels and 2 of padding each): mark where t lies.
    strip_axes.axvline(15.5 + t * (strip.shape[1] - 32), color="tab:red", linewidth=2)
    strip_axes.set_title(f"{path}: the digit {start_digit} at t = 0, the digit {end_digit} at t = 1", fontsize=9)
    strip_axes.set_axis_off()
    image_axes.imshow(image[..., 0], cmap="gray", vmin=-1, vmax=1)
    image_axes.set_title(f"t = {t:.2f}", fontsize=9)
    image_axes.set_axis_off()
    return figure


def latent_panel(generator, base_noise, directions):
    """The panel of sliders along `directions` and, for a generator with categories, a category slider."""
    num_codes = models.num_codes(generator)
    controls = {
        f"direction_{index + 1}": Control(f"direction {index + 1}", 0.0, -DIRECTION_RANGE, DIRECTION_RANGE, 0.1, readout=".1f")
        for index in range(len(directions))
    }
    if num_codes:
        default_category = int(models.code_layer(generator).categories(base_noise[None])[0])
        controls["category"] = Control("category", default_category, 0, num_codes - 1, 1)
    start_image = latent_walk(generator, base_noise, directions, np.zeros(len(directions)))[0]

    def draw(category=None, **amounts):
        values = [amounts[f"direction_{index + 1}"] for index in range(len(directions))]
        noise = base_noise if category is None else with_category(base_noise, category, num_codes)
        return plot_latent(start_image, latent_walk(generator, noise, directions, values)[0], values, category)

    title = "Move the noise along the directions in which the digit changes fastest" + (", and pick its category" if num_codes else "")
    return Panel("latent", title, draw, controls)


def interpolation_panel(generator, seed=config.DEFAULT_SEED):
    """The panel that walks from the clearest example of one digit to that of another."""
    endpoints = digit_noises(generator, seed=seed)  # (10, latent_dim)
    controls = {
        "start_digit": Control("from the digit", 3, options=tuple(range(10))),
        "end_digit": Control("to the digit", 8, options=tuple(range(10))),
        "path": Control("path", PATHS[0], options=PATHS),
        "t": Control("t: how far along", 0.5, 0.0, 1.0, 0.05, readout=".2f"),
    }

    def draw(start_digit, end_digit, path, t):
        spherical = path == PATHS[0]
        fractions = np.linspace(0.0, 1.0, PATH_PICTURES)
        path_noise = interpolate(endpoints[start_digit], endpoints[end_digit], fractions, spherical)  # (9, latent_dim)
        noise = interpolate(endpoints[start_digit], endpoints[end_digit], t, spherical)[None]  # (1, latent_dim)
        return plot_interpolation(
            training.generate_images(generator, path_noise), training.generate_images(generator, noise)[0],
            t, start_digit, end_digit, path,
        )

    return Panel("interpolation", "Walk from one digit to another", draw, controls)


def latent_explorer(generator=None, seed=config.DEFAULT_SEED, num_directions=NUM_DIRECTIONS):
    """Sliders that move a trained generator's noise and redraw its digit (notebook 02_generator).

    `generator` defaults to the pretrained `fast` one (pretrained.load_pretrained). The direction
    sliders move the noise along the directions in which its digit changes fastest
    (steepest_directions), among the values it reads continuously; the category slider, for a
    generator with categories, changes the digit's kind at once.
    """
    if generator is None:
        from gan_helpers import pretrained

        generator = pretrained.load_pretrained()
    base_noise = training.fixed_noise(1, generator.input_shape[-1], seed)[0]  # (latent_dim,)
    directions = steepest_directions(generator, base_noise, num_directions)
    return Explorer([latent_panel(generator, base_noise, directions), interpolation_panel(generator, seed)])


# ---------------------------------------------------------------- the loss explorer (notebook 04)


def loss_at(fake_logits, names=losses.LOSSES):
    """Each generator loss at a raw discriminator output on a fake, and its derivative there: {name: (g_loss, d g_loss / d output)}.

    `fake_logits` is one number (then each entry holds two floats) or a 1-D array (then two arrays
    of its length). Computed by losses.generator_loss and GradientTape, so it is the library's
    loss, not a copy. For minimax and ns the output is a logit and D(G(z)) = sigmoid(output).
    Introduced in notebook 04_losses.
    """
    import tensorflow as tf

    points = np.asarray(fake_logits, np.float32)
    if points.ndim > 1:
        raise ValueError(f"expected one raw output or a 1-D array of them, got shape {points.shape}")
    logits = tf.constant(points.reshape(-1, 1, 1))  # (N, 1, 1): N batches of one fake, whose mean is its own loss.
    results = {}
    for name in names:
        with tf.GradientTape() as tape:
            tape.watch(logits)
            g_losses = tf.map_fn(lambda batch: losses.generator_loss(name, batch), logits)  # (N,): one loss per fake
            total = tf.reduce_sum(g_losses)  # Each output's derivative is that of its own loss.
        gradients = tf.convert_to_tensor(tape.gradient(total, logits)).numpy().reshape(-1)  # (N,); dense even for N = 1
        g_losses = g_losses.numpy().astype(np.float64)
        results[name] = (float(g_losses[0]), float(gradients[0])) if points.ndim == 0 else (g_losses, gradients.astype(np.float64))
    return results


LOSS_COLORS = {"minimax": "tab:red", "ns": "tab:blue", "lsgan": "tab:green", "hinge": "tab:orange", "wgan-gp": "tab:purple"}


def plot_losses_at(fake_logit, curves, logits):
    """Every generator loss over the raw output, with each one's tangent at `fake_logit`, and the gradients there as bars."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(11, 3.9), layout="constrained")
    curve_axes, bar_axes = figure.subplots(1, 2)
    point = loss_at(fake_logit, list(curves))
    for name, (values, _) in curves.items():
        style = "--" if name == "hinge" else "-"  # Hinge's generator loss is Wasserstein's: dashed over it.
        curve_axes.plot(logits, values, style, color=LOSS_COLORS[name], label=name)
        g_loss, gradient = point[name]
        reach = np.array([-0.8, 0.8])  # The tangent: the gradient is its slope.
        curve_axes.plot(fake_logit + reach, g_loss + gradient * reach, color=LOSS_COLORS[name], linewidth=3, alpha=0.5)
        curve_axes.plot(fake_logit, g_loss, "o", color=LOSS_COLORS[name])
    curve_axes.axvline(fake_logit, color="gray", linestyle=":", linewidth=1)
    curve_axes.set(xlabel="raw output of D on a fake (a logit for minimax and ns)", ylabel="g_loss", ylim=(-6.5, 7))
    curve_axes.set_title("Each generator loss, and its tangent where you are", fontsize=10)
    curve_axes.legend(fontsize=8, loc="upper right")
    names = list(point)
    gradients = [point[name][1] for name in names]
    bar_axes.barh(names, gradients, color=[LOSS_COLORS[name] for name in names])
    for index, gradient in enumerate(gradients):
        bar_axes.text(gradient, index, f" {gradient:+.3f} ", va="center", ha="right" if gradient < 0 else "left", fontsize=9)
    bar_axes.axvline(0, color="black", linewidth=0.8)
    bar_axes.set(xlim=(-LOGIT_RANGE - 1.5, LOGIT_RANGE - 0.5), xlabel="d g_loss / d output: below 0 pushes the output up")
    bar_axes.invert_yaxis()
    bar_axes.set_title("How hard each loss pushes this fake", fontsize=10)
    probability = 1.0 / (1.0 + math.exp(-fake_logit))
    figure.suptitle(f"raw output {fake_logit:+.1f}: for minimax and ns, D(G(z)) = sigmoid({fake_logit:+.1f}) = {probability:.4f}", fontsize=10)
    return figure


def loss_explorer(names=losses.LOSSES):
    """A slider for the discriminator's raw output on a fake, and every generator loss and gradient there (notebook 04_losses)."""
    logits = np.linspace(-LOGIT_RANGE, LOGIT_RANGE, CURVE_POINTS)
    curves = loss_at(logits, names)  # Computed once: only the point moves.
    controls = {"fake_logit": Control("raw output D(G(z))", -4.0, -LOGIT_RANGE, LOGIT_RANGE, 0.1, readout=".1f")}

    def draw(fake_logit):
        return plot_losses_at(fake_logit, curves, logits)

    return Explorer([Panel("losses", "Where the discriminator puts a fake, and how hard each loss pushes it", draw, controls)])


# ---------------------------------------------------------------- the training knobs (notebook 05)


@dataclass
class ShortRun:
    """What `train_short_run` returns: its digits, its curves step by step, its class histogram and its time."""

    samples: np.ndarray  # uint8 (64, 28, 28): the fixed noise batch through the trained generator
    history: dict  # {"d_loss", "g_loss", "real_score", "fake_score"}: one float per generator update
    class_histogram: np.ndarray  # (10,): the share of each digit among histogram_samples() digits, as the classifier sees them
    classifier_score: float
    seconds: float
    settings: dict


class StepHistory(keras.callbacks.Callback):
    """Record each step's own d_loss, g_loss, D(x) and D(G(z)) during one epoch, and report progress.

    After batch k Keras passes the mean of the epoch so far, m_k; the step's own value is
    k * m_k - (k - 1) * m_(k-1).
    """

    def __init__(self, progress=None):
        super().__init__()
        self.progress = progress
        self.history = {name: [] for name in ("d_loss", "g_loss", "real_score", "fake_score")}
        self.means = {name: 0.0 for name in self.history}

    def on_train_batch_end(self, batch, logs=None):
        step = batch + 1
        for name, values in self.history.items():
            mean = float(logs[name])
            values.append(step * mean - batch * self.means[name])
            self.means[name] = mean
        if self.progress is not None:
            self.progress(step, self.params["steps"])


def short_run_gan(d_learning_rate, g_learning_rate, batch_size, d_steps, label_smoothing, loss, seed=config.DEFAULT_SEED):
    """The compiled plain GAN of a short run (notebook 05's recipe) with these knobs, each network its own rate."""
    for label, rate in (("d_learning_rate", d_learning_rate), ("g_learning_rate", g_learning_rate)):
        if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0 < rate < math.inf:
            raise ValueError(f"{label} must be a positive number, got {rate!r}")
    settings = recipes.recipe(
        "plain", learning_rate=d_learning_rate, batch_size=batch_size, d_steps=d_steps,
        label_smoothing=label_smoothing, loss=loss, seed=seed,
    )
    gan = training.make_gan(settings)
    gan.g_optimizer.learning_rate = g_learning_rate  # make_gan gives both networks one rate.
    return gan


PLAIN = recipes.recipe("plain")


def train_short_run(
    d_learning_rate=PLAIN.learning_rate, g_learning_rate=PLAIN.learning_rate, batch_size=PLAIN.batch_size,
    d_steps=PLAIN.d_steps, label_smoothing=PLAIN.label_smoothing, loss=PLAIN.loss,
    steps=None, images=None, seed=config.DEFAULT_SEED, progress=None,
):
    """Train the plain `fast` GAN for `steps` generator updates (default short_run_steps()) and return a ShortRun.

    `images` (uint8) default to the offline digits (512 of them in quick mode). `progress`, if
    given, is called as progress(done, total) after every step. Introduced in notebook 05_training_loop.
    """
    from gan_helpers import data, evaluation, runs

    steps = short_run_steps() if steps is None else steps
    if not isinstance(steps, int) or isinstance(steps, bool) or steps < 1:
        raise ValueError(f"steps must be a positive integer, got {steps!r}")
    if images is None:
        images, _ = data.load_mnist("offline", verbose=False)
    if not isinstance(batch_size, int) or isinstance(batch_size, bool) or not 0 < batch_size <= len(images):
        raise ValueError(f"batch_size must be an integer from 1 to the number of images ({len(images)}), got {batch_size!r}")
    start = time.perf_counter()
    config.set_seed(seed)
    gan = short_run_gan(d_learning_rate, g_learning_rate, batch_size, d_steps, label_smoothing, loss, seed)
    recorder = StepHistory(progress)
    dataset = data.make_dataset(images, batch_size, seed=seed).repeat()
    gan.fit(dataset, steps_per_epoch=steps, epochs=1, callbacks=[recorder], verbose=0)
    generator = gan.sampling_generator
    probabilities, _ = evaluation.classify(runs.sample_digits(generator, histogram_samples(), seed=seed + 1))
    return ShortRun(
        samples=runs.sample_digits(generator, NUM_SAMPLES, seed=seed),
        history=recorder.history,
        class_histogram=np.bincount(probabilities.argmax(axis=1), minlength=evaluation.NUM_CLASSES) / len(probabilities),
        classifier_score=evaluation.classifier_score(probabilities),
        seconds=time.perf_counter() - start,
        settings=dict(d_learning_rate=d_learning_rate, g_learning_rate=g_learning_rate, batch_size=batch_size,
                      d_steps=d_steps, label_smoothing=label_smoothing, loss=loss, steps=steps),
    )


def moving_average(values, window):
    """The mean of each run of `window` consecutive values (fewer at the start): a curve without the step-to-step noise."""
    values = np.asarray(values, np.float64)
    sums = np.cumsum(np.insert(values, 0, 0.0))
    starts = np.maximum(np.arange(1, len(values) + 1) - window, 0)
    return (sums[1:] - sums[starts]) / (np.arange(1, len(values) + 1) - starts)


def plot_short_run(run):
    """A short run in one row: its digits, its losses, D(x) and D(G(z)), and its class histogram; returns a Figure."""
    from matplotlib.figure import Figure

    from gan_helpers import viz

    figure = Figure(figsize=(15, 3.6), layout="constrained")
    grid_axes, loss_axes, score_axes, histogram_axes = figure.subplots(1, 4, width_ratios=[1, 1.3, 1.3, 1.3])
    grid_axes.imshow(viz.image_grid(run.samples), cmap="gray", vmin=0, vmax=255)
    grid_axes.set_title("the fixed noise batch", fontsize=9)
    grid_axes.set_axis_off()
    steps = np.arange(1, len(run.history["d_loss"]) + 1)
    window = max(1, len(steps) // 20)
    for axes, names, title in (
        (loss_axes, ("d_loss", "g_loss"), "losses"),
        (score_axes, ("real_score", "fake_score"), "D(x) real, D(G(z)) fake"),
    ):
        for name in names:
            line, = axes.plot(steps, moving_average(run.history[name], window), label=name)
            axes.plot(steps, run.history[name], color=line.get_color(), alpha=0.25, linewidth=0.8)
        axes.set(xlabel="generator update", title=title)
        axes.title.set_fontsize(9)
        axes.legend(fontsize=7)
    score_axes.axhline(0.5, color="gray", linestyle=":", linewidth=1)
    score_axes.set_ylim(-0.02, 1.02)
    histogram_axes.bar(np.arange(10), run.class_histogram)
    histogram_axes.axhline(0.1, color="gray", linestyle=":", linewidth=1)
    histogram_axes.set(xticks=np.arange(10), xlabel="digit the classifier sees", ylabel="share")
    histogram_axes.set_title(f"classifier score {run.classifier_score:.2f} (10 at most)", fontsize=9)
    knobs = run.settings
    figure.suptitle(
        f"{knobs['loss']}, learning rates D {knobs['d_learning_rate']:.1e} and G {knobs['g_learning_rate']:.1e}, "
        f"batch {knobs['batch_size']}, d_steps {knobs['d_steps']}, smoothing {knobs['label_smoothing']:g}: "
        f"{knobs['steps']} updates in {run.seconds:.0f} s",
        fontsize=10,
    )
    return figure


def training_knobs(images=None, steps=None, seed=config.DEFAULT_SEED):
    """Knobs for a short training run and a button that trains it (notebook 05_training_loop)."""
    defaults = train_short_run.__defaults__  # One place for the default knobs: train_short_run's signature.
    d_rate, g_rate, batch_size, d_steps, smoothing, loss = defaults[:6]
    low, high = LEARNING_RATE_RANGE
    controls = {
        "d_learning_rate": Control("discriminator's learning rate", d_rate, low, high, 0.1, log=True, readout=".1e"),
        "g_learning_rate": Control("generator's learning rate", g_rate, low, high, 0.1, log=True, readout=".1e"),
        "batch_size": Control("batch size", batch_size, options=BATCH_SIZES),
        "d_steps": Control("discriminator steps per generator step", d_steps, 1, 5, 1),
        "label_smoothing": Control("label smoothing", smoothing, 0.0, 0.3, 0.05, readout=".2f"),
        "loss": Control("loss", loss, options=losses.LOSSES),
    }

    def draw(progress=None, **knobs):
        return plot_short_run(train_short_run(**knobs, steps=steps, images=images, seed=seed, progress=progress))

    title = f"Train {steps or short_run_steps()} generator updates with these settings"
    return Explorer([Panel("training", title, draw, controls, button="Train")])


# The toy lab (notebook 06_failure_modes).
TOY_STEPS_RANGE = (20, 10_000)  # Generator updates: from a glance to well past the default 6,000.
TOY_STEPS_STEP = 20
TOY_LEARNING_RATE_RANGE = (1e-4, 1e-2)


def train_toy_panel(method, d_learning_rate, g_learning_rate, steps, dataset="ring", seed=config.DEFAULT_SEED, progress=None):
    """Train one toy run and draw its samples over the discriminator's heat map, titled with its scores."""
    from gan_helpers.lab import toy

    result = toy.train(method, dataset, seed=seed, steps=steps, d_learning_rate=d_learning_rate,
                       g_learning_rate=g_learning_rate, progress=progress)
    title = (f"{method}, {steps:,} steps: {result.modes_captured} of {len(toy.mode_centers(dataset))} modes, "
             f"{result.high_quality_share:.0%} high quality ({result.seconds:.1f} s)")
    return toy.plot_samples(result.samples, dataset, surface=result.surface(), title=title)


def toy_lab(dataset="ring", seed=0, steps=None):
    """GAN Lab on the ring in a notebook: a method, both learning rates and the steps, then Train (notebook 06)."""
    from gan_helpers.lab import toy

    low, high = TOY_LEARNING_RATE_RANGE
    steps = config.default_toy_steps() if steps is None else steps
    controls = {
        "method": Control("method", "vanilla", options=config.TOY_METHODS),
        "d_learning_rate": Control("discriminator's learning rate", toy.DEFAULT_D_LEARNING_RATE, low, high, 0.1, log=True, readout=".1e"),
        "g_learning_rate": Control("generator's learning rate", toy.DEFAULT_G_LEARNING_RATE, low, high, 0.1, log=True, readout=".1e"),
        "steps": Control("generator updates", int(steps), min(TOY_STEPS_RANGE[0], int(steps)), TOY_STEPS_RANGE[1], TOY_STEPS_STEP),
    }

    def draw(progress=None, **knobs):
        return train_toy_panel(**knobs, dataset=dataset, seed=seed, progress=progress)

    return Explorer([Panel("toy", f"Train on the {dataset} of Gaussians, seed {seed}", draw, controls, button="Train")])

"""The widgets' small framework: controls, panels, the live view and its static fallback (a picture and a note)."""

import base64
import html
import io
import math
import os
import sys
import time
from dataclasses import dataclass, field

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

    With `options` it is a menu (a row of buttons with `buttons=True`); with `log=True` a slider over
    powers of ten between `minimum` and `maximum`, `step` then counting in powers of ten; otherwise an
    integer slider when `value`, `minimum`, `maximum` and `step` are all integers, and a float slider
    when they are not.
    """

    label: str
    value: object
    minimum: float = None
    maximum: float = None
    step: float = None
    options: tuple = ()
    log: bool = False
    buttons: bool = False  # With `options`: one button per option instead of a drop-down menu.
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
        """Which ipywidget shows this control: "buttons", "menu", "log", "int" or "float"."""
        if self.options:
            return "buttons" if self.buttons else "menu"
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
    elif control.kind == "buttons":
        buttons = dict(common, style={"description_width": DESCRIPTION_WIDTH, "button_width": "32px"})
        widget = ipywidgets.ToggleButtons(options=list(control.options), value=control.value, **buttons)
    else:
        # continuous_update=False: the picture is redrawn once, when the handle is released, not at every pixel.
        slider = dict(value=control.value, step=control.step, continuous_update=False, **common)
        if control.readout:
            slider["readout_format"] = control.readout
        if control.kind == "log":
            widget = ipywidgets.FloatLogSlider(
                min=math.log10(control.minimum), max=math.log10(control.maximum), base=10, **slider,
            )
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
        """The panel's display data: the live widget, then, once drawn, its picture and FALLBACK_NOTE
        for viewers without widgets.
        """
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
    data["text/html"] = (
        f'<img src="data:image/png;base64,{encoded}" alt="the default picture">'
        f'<p><em>{html.escape(note)}</em></p>'
    )
    data["image/png"] = encoded
    data["text/plain"] = note
    return data

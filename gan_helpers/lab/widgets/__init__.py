"""Sliders that explore a GAN and buttons that retrain one, made of core ipywidgets only.

- notebook 02_generator: `latent_explorer`, a trained generator's digit moved along a few latent
  directions and across its categories, and a walk from one digit to another;
- notebook 04_losses: `loss_explorer`, every generator loss and its gradient at one output of the
  discriminator;
- notebook 05_training_loop: `training_knobs`, learning rates, batch size, d_steps, label smoothing
  and loss, and a button that trains a short run;
- notebook 06_failure_modes: `toy_lab`, one method on the 2-D ring, trained on a button;
- notebook 08_conditional_gan: `digit_picker`, a conditional generator's digit picked with buttons and
  moved along style directions, and one digit morphed into another.

One module a panel (latent, loss_panel, training_panel, toy_panel, digit_panel) over a small shared base
(base); this package gathers their names. Every widget is an `Explorer` of `Panel`s. A panel
lists its controls (`Control`, described without ipywidgets) and a `draw` function that turns
their values into a matplotlib Figure; the logic behind
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

from gan_helpers.lab.widgets.base import (  # noqa: F401
    DESCRIPTION_WIDTH,
    FALLBACK_NOTE,
    PNG_DPI,
    STATIC_NOTE,
    STATIC_SETTING,
    WIDGET_VIEW,
    Control,
    Explorer,
    Panel,
    PanelView,
    fallback_bundle,
    figure_png,
    in_colab,
    make_widget,
    widgets_can_render,
)
from gan_helpers.lab.widgets.digit_panel import (  # noqa: F401
    MORPH_PICTURES,
    NUM_STYLE_SLIDERS,
    STYLE_RANGE,
    between_digits,
    conditional_parts,
    digit_images,
    digit_panel,
    digit_picker,
    morph_panel,
    plot_digit,
    plot_morph,
    style_directions,
)
from gan_helpers.lab.widgets.latent import (  # noqa: F401
    CATEGORY_VALUE,
    DIGIT_CANDIDATES,
    DIRECTION_RANGE,
    NUM_DIRECTIONS,
    PATH_PICTURES,
    PATHS,
    digit_noises,
    interpolate,
    interpolation_panel,
    latent_explorer,
    latent_panel,
    latent_walk,
    move_noise,
    plot_interpolation,
    plot_latent,
    steepest_directions,
    with_category,
)
from gan_helpers.lab.widgets.loss_panel import (  # noqa: F401
    CURVE_POINTS,
    LOGIT_RANGE,
    LOSS_COLORS,
    loss_at,
    loss_explorer,
    plot_losses_at,
)
from gan_helpers.lab.widgets.toy_panel import (  # noqa: F401
    TOY_LEARNING_RATE_RANGE,
    TOY_STEPS_RANGE,
    TOY_STEPS_STEP,
    toy_lab,
    train_toy_panel,
)
from gan_helpers.lab.widgets.training_panel import (  # noqa: F401
    BATCH_SIZES,
    LEARNING_RATE_RANGE,
    NUM_SAMPLES,
    PLAIN,
    ShortRun,
    StepHistory,
    histogram_samples,
    moving_average,
    plot_short_run,
    short_run_gan,
    short_run_steps,
    train_short_run,
    training_knobs,
)

"""Sliders that explore a GAN and buttons that retrain one, made of core ipywidgets only.

- notebook 02_generator: `latent_explorer`, a trained generator's digit moved along a few latent
  directions and across its categories, and a walk from one digit to another;
- notebook 04_losses: `loss_explorer`, every generator loss and its gradient at one output of the
  discriminator;
- notebook 05_training_loop: `training_knobs`, learning rates, batch size, d_steps, label smoothing
  and loss, and a button that trains a short run;
- notebook 06_failure_modes: `toy_lab`, one method on the 2-D ring, trained on a button.

One module a panel (latent, loss_panel, training_panel, toy_panel) over a small shared base
(base); this package gathers their names. Every widget is an `Explorer` of `Panel`s. A panel lists its controls (`Control`, described without
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

from gan_helpers.lab.widgets.base import (  # noqa: F401
    STATIC_SETTING,
    STATIC_NOTE,
    FALLBACK_NOTE,
    WIDGET_VIEW,
    PNG_DPI,
    DESCRIPTION_WIDTH,
    widgets_can_render,
    Control,
    make_widget,
    Panel,
    figure_png,
    PanelView,
    Explorer,
    in_colab,
    fallback_bundle,
)
from gan_helpers.lab.widgets.latent import (  # noqa: F401
    NUM_DIRECTIONS,
    DIRECTION_RANGE,
    CATEGORY_VALUE,
    DIGIT_CANDIDATES,
    PATH_PICTURES,
    PATHS,
    steepest_directions,
    move_noise,
    latent_walk,
    with_category,
    interpolate,
    digit_noises,
    plot_latent,
    plot_interpolation,
    latent_panel,
    interpolation_panel,
    latent_explorer,
)
from gan_helpers.lab.widgets.loss_panel import (  # noqa: F401
    LOGIT_RANGE,
    CURVE_POINTS,
    loss_at,
    LOSS_COLORS,
    plot_losses_at,
    loss_explorer,
)
from gan_helpers.lab.widgets.training_panel import (  # noqa: F401
    BATCH_SIZES,
    NUM_SAMPLES,
    LEARNING_RATE_RANGE,
    short_run_steps,
    histogram_samples,
    ShortRun,
    StepHistory,
    short_run_gan,
    PLAIN,
    train_short_run,
    moving_average,
    plot_short_run,
    training_knobs,
)
from gan_helpers.lab.widgets.toy_panel import (  # noqa: F401
    TOY_STEPS_RANGE,
    TOY_STEPS_STEP,
    TOY_LEARNING_RATE_RANGE,
    train_toy_panel,
    toy_lab,
)

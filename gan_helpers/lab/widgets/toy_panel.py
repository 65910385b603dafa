"""The toy lab of notebook 06_failure_modes: one method on the 2-D ring, trained on a button, drawn on the heat map."""



from gan_helpers import config
from gan_helpers.lab.widgets.base import Control, Explorer, Panel

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
        "d_learning_rate": Control(
            "discriminator's learning rate", toy.DEFAULT_D_LEARNING_RATE, low, high, 0.1, log=True, readout=".1e",
        ),
        "g_learning_rate": Control(
            "generator's learning rate", toy.DEFAULT_G_LEARNING_RATE, low, high, 0.1, log=True, readout=".1e",
        ),
        "steps": Control(
            "generator updates", int(steps), min(TOY_STEPS_RANGE[0], int(steps)), TOY_STEPS_RANGE[1], TOY_STEPS_STEP,
        ),
    }

    def draw(progress=None, **knobs):
        return train_toy_panel(**knobs, dataset=dataset, seed=seed, progress=progress)

    return Explorer([Panel("toy", f"Train on the {dataset} of Gaussians, seed {seed}", draw, controls, button="Train")])

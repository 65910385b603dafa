"""Checks for the exercises of notebook 06_failure_modes, and the mystery runs its first exercise shows.

Each check prints `Correct: ...` or `Not yet: <hint>` and returns True or False; none raises on a
wrong answer, so the notebook runs with the unfinished starters.
"""

import numpy as np

from gan_helpers.lab import checking

MYSTERY_STEPS = 300
FAILURES = ("mode collapse", "vanishing gradients", "oscillation")
# The failure behind each mystery run, and the hint for a learner who names another one.
MYSTERY_ANSWERS = {"A": "mode collapse", "B": "vanishing gradients", "C": "oscillation"}
MYSTERY_HINTS = {
    "A": "Look at run A's last panel: the samples' spread fell to almost 0 (all samples alike), "
         "while the losses and scores stayed calm near the balanced values.",
    "B": "In run B, D(x) went to 1 and D(G(z)) to 0 within a few dozen steps, and the generator's "
         "gradient norm fell a thousandfold: the discriminator won and the generator gets no signal.",
    "C": "Run C's losses rise and fall in waves, and D(x) and D(G(z)) take turns winning: "
         "neither network settles, each keeps overshooting the other's last move.",
}
REMEDY_OPTIONS = {
    "a": "switch the generator's loss from minimax to non-saturating (ns)",
    "b": "raise the discriminator's learning rate",
    "c": "one-sided label smoothing (real target 0.9)",
    "d": "instance noise on the discriminator's inputs",
    "e": "d_steps=5: five discriminator updates per generator update",
    "f": "spectral normalisation of the discriminator's layers",
}
REMEDIES_FOR_STRONG_DISCRIMINATOR = {"a", "c", "d", "f"}


def _normalise(text):
    return " ".join(str(text).lower().replace("-", " ").replace("_", " ").split())


def failure_name(text):
    """Map a free-text diagnosis to one of FAILURES, or None when it names none of them."""
    text = _normalise(text)
    if "collapse" in text or "mode" in text:
        return "mode collapse"
    if any(word in text for word in ("vanish", "overpower", "saturat", "too strong", "strong discriminator")) or (
        "discriminator" in text and "win" in text
    ):
        return "vanishing gradients"
    if any(word in text for word in ("oscillat", "swing", "cycl", "wave")):
        return "oscillation"
    return None


def mystery_runs(steps=MYSTERY_STEPS):
    """Per-step curves of three training runs, each with one failure: {"A": history, "B": ..., "C": ...}.

    Each history holds d_loss, g_loss, real_score, fake_score, g_grad_norm and spread (the samples'
    mean pairwise distance relative to real digits), like the notebook's own runs. The curves are
    drawn to look like real runs, with a fixed seed, so everyone sees the same picture.
    """
    rng = np.random.default_rng(6)
    step = np.arange(steps, dtype=np.float64)
    noise = lambda scale: scale * rng.standard_normal(steps)  # noqa: E731 (one short local helper)
    runs = {}
    # A: mode collapse. Balanced, calm curves; the spread of the samples falls to almost nothing.
    real_score = 0.55 + noise(0.02)
    fake_score = 0.45 + noise(0.02)
    runs["A"] = {
        "d_loss": 1.35 + noise(0.03),
        "g_loss": 0.8 + noise(0.03),
        "real_score": real_score,
        "fake_score": fake_score,
        "g_grad_norm": 0.15 + 0.3 * np.exp(-step / 15) + np.abs(noise(0.03)),
        "spread": 0.05 + 0.75 * np.exp(-step / 40) + np.abs(noise(0.01)),
    }
    # B: the discriminator overpowers the generator; its gradients vanish.
    fake_score = 0.5 * np.exp(-step / 15) + np.abs(noise(0.002))
    runs["B"] = {
        "d_loss": 1.4 * np.exp(-step / 20) + np.abs(noise(0.002)),
        "g_loss": np.log1p(-fake_score),  # minimax: log(1 - D(G(z))), flat near 0
        "real_score": 1.0 - 0.5 * np.exp(-step / 10) - np.abs(noise(0.002)),
        "fake_score": fake_score,
        "g_grad_norm": 2.0 * np.exp(-step / 35) + 1e-3 * np.exp(noise(0.3)),
        "spread": 1.3 + noise(0.02),
    }
    # C: oscillation. Waves of growing height in the losses; the scores take turns.
    wave = np.sin(2 * np.pi * step / 60) * (0.4 + step / steps)
    runs["C"] = {
        "d_loss": np.maximum(1.2 - 0.7 * wave + noise(0.08), 0.05),
        "g_loss": np.maximum(1.5 + 1.0 * wave + noise(0.1), 0.05),
        "real_score": np.clip(0.6 + 0.35 * wave + noise(0.03), 0, 1),
        "fake_score": np.clip(0.4 - 0.35 * wave + noise(0.03), 0, 1),
        "g_grad_norm": 3.0 + 2.0 * np.abs(wave) + np.abs(noise(0.3)),
        "spread": 0.8 + 0.2 * wave + noise(0.02),
    }
    return runs


def plot_mystery_runs(runs=None):
    """Draw the mystery runs: one row per run; losses, D's scores, gradient norm and spread per step."""
    from matplotlib.figure import Figure

    runs = runs or mystery_runs()
    figure = Figure(figsize=(13, 2.6 * len(runs)), layout="constrained")
    axes = figure.subplots(len(runs), 4, squeeze=False)
    for row, (name, history) in zip(axes, runs.items()):
        row[0].plot(history["d_loss"], label="d_loss")
        row[0].plot(history["g_loss"], label="g_loss")
        row[0].set_title(f"run {name}: losses")
        row[1].plot(history["real_score"], label="D(x)")
        row[1].plot(history["fake_score"], label="D(G(z))")
        row[1].set_ylim(-0.02, 1.02)
        row[1].set_title(f"run {name}: discriminator's scores")
        row[2].semilogy(history["g_grad_norm"])
        row[2].set_title(f"run {name}: generator's gradient norm")
        row[3].plot(history["spread"])
        row[3].set_ylim(0, 1.5)
        row[3].set_title(f"run {name}: spread of the samples")
        for axis in row:
            axis.set_xlabel("step")
        row[0].legend(fontsize=8)
        row[1].legend(fontsize=8)
    return figure


def check_diagnosis(answers):
    """Exercise 1: `answers` maps each mystery run ("A", "B", "C") to the failure it shows."""
    if not isinstance(answers, dict):
        print('Not yet: pass a dict such as {"A": "mode collapse", "B": "...", "C": "..."}, '
              f"got {type(answers).__name__}.")
        return False
    missing = [name for name in MYSTERY_ANSWERS if name not in answers]
    if missing:
        print(f"Not yet: give a diagnosis for every run; missing: {', '.join(missing)}.")
        return False
    for name, expected in MYSTERY_ANSWERS.items():
        named = failure_name(answers[name])
        if named is None:
            print(f"Not yet: run {name}: {answers[name]!r} names no failure; "
                  "use 'mode collapse', 'vanishing gradients' or 'oscillation'.")
            return False
        if named != expected:
            print(f"Not yet: run {name} is not {named}. {MYSTERY_HINTS[name]}")
            return False
    print("Correct: A is mode collapse (only the samples show it), B an overpowering discriminator with "
          "vanishing gradients, C oscillation. Read the curves and the samples together, every time.")
    return True


def _as_letters(choices):
    if isinstance(choices, str):
        return {letter for letter in choices.lower() if letter.isalpha()}
    try:
        return {str(choice).strip().lower() for choice in choices}
    except TypeError:
        return None


def check_remedies(choices):
    """Exercise 2: `choices` holds the letters of REMEDY_OPTIONS that help a discriminator that wins too fast."""
    letters = _as_letters(choices)
    if letters is None:
        print(f'Not yet: pass the letters as a set or a string, such as {{"a", "c"}} or "ac", got {choices!r}.')
        return False
    unknown = sorted(letters - set(REMEDY_OPTIONS))
    if unknown:
        print(f"Not yet: {', '.join(unknown)} is not an option; choose from {', '.join(REMEDY_OPTIONS)}.")
        return False
    harmful = sorted(letters & {"b", "e"})
    if harmful:
        print(f"Not yet: {' and '.join(harmful)} would make the discriminator stronger still: more or faster "
              "discriminator updates widen its lead. (d_steps helps the opposite problem, a generator that "
              "outruns its discriminator, and WGAN-GP's critic, which is meant to be trained to optimality.)")
        return False
    missing = sorted(REMEDIES_FOR_STRONG_DISCRIMINATOR - letters)
    if missing:
        print(f"Not yet: {len(missing)} more of the options help. Look for each one that either gives the "
              "generator a useful gradient although D wins, or keeps D from becoming certain.")
        return False
    print("Correct: the non-saturating loss keeps the generator's gradient alive when D wins; label smoothing, "
          "instance noise and spectral normalisation each keep D from becoming overconfident.")
    return True


def check_instance_noise(add_instance_noise):
    """Exercise 3: `add_instance_noise(images, stddev, rng)` returns images plus fresh Gaussian noise of that stddev."""
    if not callable(add_instance_noise):
        return checking.report(False, f"pass the function itself (without calling it), got {type(add_instance_noise).__name__}")
    images = np.linspace(-1, 1, 64 * 28 * 28, dtype=np.float32).reshape(64, 28, 28, 1)  # (64, 28, 28, 1)
    original = images.copy()
    for stddev in (0.5, 0.1, 0.0):
        try:
            noisy_images = np.asarray(add_instance_noise(images, stddev, np.random.default_rng(0)), dtype=np.float64)
        except Exception as error:  # A learner's function may fail in any way; report it, never raise.
            print(f"Not yet: add_instance_noise(images, {stddev}, rng) raised {type(error).__name__}: {error}")
            return False
        if not np.array_equal(images, original):
            print("Not yet: your function changed the images it was given; return a new array instead "
                  "(images + noise, not images += noise): the discriminator's real batch must stay clean.")
            return False
        if noisy_images.shape != images.shape:
            print(f"Not yet: for images of shape {images.shape} your function returned shape {noisy_images.shape}; "
                  "draw noise of the images' own shape, with rng.standard_normal(images.shape).")
            return False
        noise = noisy_images - images
        if stddev == 0.0:
            if not np.allclose(noise, 0.0):
                print("Not yet: with stddev=0 the images should come back unchanged.")
                return False
            continue
        if np.allclose(noise, 0.0):
            print(f"Not yet: with stddev={stddev} your function returned the images unchanged; "
                  "add stddev times standard normal noise.")
            return False
        if np.allclose(noise, noise[:1]):
            print("Not yet: every image got the same noise. Draw fresh noise for every pixel of every image, "
                  "so the discriminator cannot learn the noise pattern itself.")
            return False
        measured = float(noise.std())
        if abs(measured - stddev) > 0.05 * stddev or abs(float(noise.mean())) > 0.05 * stddev:
            hint = " (stddev squared? that is the variance)" if np.isclose(measured, stddev**2, rtol=0.05) else ""
            print(f"Not yet: with stddev={stddev} your noise has mean {noise.mean():.3f} and standard deviation "
                  f"{measured:.3f}{hint}; expected mean 0 and standard deviation {stddev}: "
                  "stddev * rng.standard_normal(images.shape).")
            return False
    print("Correct: fresh Gaussian noise on every pixel blurs real and fake digits into each other, so the "
          "discriminator cannot be certain. The trick tricks.InstanceNoise(0.1) "
          "(train --instance-noise 0.1) adds such noise, with losses.add_instance_noise, to every real and fake "
          "image the discriminator sees.")
    return True


RESCUE_SEED = 0  # The toy run that collapses in section 1: the plain GAN captures 1 of 8 modes.
RESCUE_STEPS = 6_000  # The toy's full budget, also in quick mode: a run takes seconds.


def check_toy_rescue(method):
    """Experiment: pick a method (config.TOY_METHODS) that brings section 1's collapsed ring run back to all 8 modes."""
    from gan_helpers import config
    from gan_helpers.lab import toy

    if method not in config.TOY_METHODS:
        return checking.report(False, f"choose one of {', '.join(config.TOY_METHODS)}, got {method!r}.")
    result = toy.train(method, dataset="ring", seed=RESCUE_SEED, steps=RESCUE_STEPS)
    captured = int(result.modes_captured)
    if captured == 8:
        return checking.report(
            True,
            f"{method} captured all 8 modes with seed {RESCUE_SEED} ({result.high_quality_share:.0%} high-quality samples). "
            "One seed is one draw: the table in section 1 shows whether it holds on every seed.",
        )
    hints = {
        "vanilla": "That is the collapsed run itself; change the method, not the seed.",
        "ns": "The non-saturating loss fixes vanishing gradients, not collapse: here it collapses even harder.",
        "wgan-gp": "At the toy's shared learning rates WGAN-GP spreads its samples between the modes; try a fix "
                   "that lets the discriminator see several samples at once.",
    }
    return checking.report(False, f"{method} captured {captured} of 8 modes. " + hints.get(
        method, "Try a method that lets the discriminator judge samples together, or that looks ahead."))

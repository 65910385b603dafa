"""Exercise checks for notebook 07_beyond_dcgan: the held-then-cosine rate, the learned prior and the shifts.

Each check prints `Correct: ...` or `Not yet: <hint>` and returns True or False; it never raises
on a wrong or broken answer, so the notebook runs with the unfinished starters.
"""

import math

import numpy as np

from gan_helpers.lab import checking

# (peak, progress, hold, floor): start, inside the hold, the hold's end, the middle of the fall, the end, past it.
RATE_CASES = (
    (2e-3, 0.0, 0.5, 0.05), (2e-3, 0.3, 0.5, 0.05), (2e-3, 0.5, 0.5, 0.05), (2e-3, 0.75, 0.5, 0.05),
    (2e-3, 1.0, 0.5, 0.05), (1e-3, 0.25, 0.0, 0.1), (1e-3, 0.9, 0.2, 0.0),
)
# (prior, shares, momentum, floor): a plain move, a starved category held at the floor, a new category appearing.
PRIOR_CASES = (
    (np.full(4, 0.25), np.array([0.4, 0.3, 0.2, 0.1]), 0.99, 0.1),
    (np.array([0.5, 0.3, 0.19, 0.01]), np.array([0.6, 0.4, 0.0, 0.0]), 0.9, 0.1),
    (np.array([0.7, 0.1, 0.1, 0.1]), np.array([0.1, 0.1, 0.1, 0.7]), 0.5, 0.2),
)
# The shifts experiment: a GAN at the course's peak rate on MEMORISE_DIGITS digits, for MEMORISE_STEPS steps.
OFFLINE_DIGITS = 5_000  # The offline digits, all of them: the first 64 train, the last 500 stay unseen.
MEMORISE_DIGITS = 64  # One batch of digits: learnt by heart within a couple of hundred steps.
HELD_OUT_DIGITS = 500  # Real digits it never trains on.
MEMORISE_STEPS = 200
MEMORISE_SEED = 42
MAX_GAP = 0.05  # Without shifts the gap reaches about 0.17 (seed 42).
MAX_AUGMENT = 0.25  # Larger shifts push a quarter of the digit out of the picture.




def expected_rate(peak, progress, hold, floor):
    """The held-then-cosine rate, as callbacks.held_cosine_rate computes it."""
    from gan_helpers import callbacks

    return callbacks.held_cosine_rate(peak, progress, hold, floor)


def check_held_cosine_rate(rate_at):
    """Check a function (peak, progress, hold, floor) -> the learning rate at that share of a run."""
    for peak, progress, hold, floor in RATE_CASES:
        answer, problem = checking.call(rate_at, peak, progress, hold, floor)
        if problem:
            return checking.report(False, problem)
        try:
            answer = float(answer)
        except (TypeError, ValueError):
            print(f"Not yet: return one number, the learning rate, got {answer!r}.")
            return False
        expected = expected_rate(peak, progress, hold, floor)
        if math.isclose(answer, expected, rel_tol=1e-6, abs_tol=1e-12):
            continue
        case = f"peak={peak:g}, progress={progress:g}, hold={hold:g}, floor={floor:g}"
        plain_cosine = peak * (floor + (1 - floor) * 0.5 * (1 + math.cos(math.pi * progress)))
        if math.isclose(answer, plain_cosine, rel_tol=1e-6):
            print(f"Not yet: for {case} the rate should still be held. Measure the fall from the end of the hold: "
                  "(progress - hold) / (1 - hold), and no less than 0.")
        elif math.isclose(answer, peak * 0.5 * (1 + math.cos(math.pi * max(0.0, progress - hold) / (1 - hold))), rel_tol=1e-6):
            print(f"Not yet: for {case} the rate falls to 0; it should end at floor * peak: "
                  "peak * (floor + (1 - floor) * cosine).")
        else:
            print(f"Not yet: for {case} you returned {answer:.6g}, expected {expected:.6g}. Hold the peak until `hold`, "
                  "then follow half a cosine from 1 down to 0 and map it onto [floor * peak, peak].")
        return False
    print("Correct: the rate stays at its peak for the first `hold` of the run, then falls along half a cosine to "
          "`floor` times the peak. callbacks.CosineLearningRate sets both optimizers' rates this way before every step.")
    return True


def expected_prior(prior, shares, momentum, floor):
    """The learned prior after one move, as tricks.LearnedPrior.move_towards makes it (in NumPy)."""
    moved = momentum * np.asarray(prior, np.float64) + (1.0 - momentum) * np.asarray(shares, np.float64)
    moved = np.maximum(moved, floor / len(moved))
    return moved / moved.sum()


def check_prior_update(update_prior):
    """Check a function (prior, shares, momentum, floor) -> the category prior after one move."""
    for prior, shares, momentum, floor in PRIOR_CASES:
        answer, problem = checking.call(update_prior, prior.copy(), shares.copy(), momentum, floor)
        if problem:
            return checking.report(False, problem)
        try:
            answer = np.asarray(answer, dtype=np.float64)
        except (TypeError, ValueError):
            print(f"Not yet: return an array with one probability per category, got {answer!r}.")
            return False
        expected = expected_prior(prior, shares, momentum, floor)
        if answer.shape == expected.shape and np.allclose(answer, expected, atol=1e-9):
            continue
        case = f"momentum={momentum}, floor={floor}"
        if answer.shape != expected.shape:
            print(f"Not yet: return one probability per category, shape {expected.shape}, got shape {answer.shape}.")
        elif not np.isclose(answer.sum(), 1.0):
            print(f"Not yet: for {case} your prior sums to {answer.sum():.4f}. Divide by the sum at the end, so it is a "
                  "probability again.")
        elif np.allclose(answer, expected_prior(prior, shares, 1.0 - momentum, floor)):
            print(f"Not yet: for {case} you moved almost all the way. momentum is the share that stays: "
                  "momentum * prior + (1 - momentum) * shares.")
        elif np.allclose(answer, expected_prior(prior, shares, momentum, 0.0)):
            print(f"Not yet: for {case} a starved category fell below the floor. No category may go under "
                  "floor / number of categories (np.maximum) before you normalise.")
        else:
            print(f"Not yet: for {case} you returned {np.round(answer, 4)}, expected {np.round(expected, 4)}.")
        return False
    print("Correct: each category keeps most of its old probability and moves a little towards how often the code "
          "head sees it among real digits, never below the floor. That is tricks.LearnedPrior.move_towards, run "
          "after every discriminator update.")
    return True


def memorisation_gap(augment, seed=MEMORISE_SEED):
    """The curves of ablation.memorisation for the plain GAN at the course's peak rate with shifts of
    `augment`, trained MEMORISE_STEPS steps on MEMORISE_DIGITS offline digits."""
    from gan_helpers import ablation, data

    images, _ = data.load_mnist("offline", max_images=OFFLINE_DIGITS, verbose=False)  # All of them, in quick mode too.
    settings = ablation.ladder()[1][1].replace(seed=seed, augment=augment)  # Rung 1: the plain GAN, the faster rate.
    return ablation.memorisation(settings, images[:MEMORISE_DIGITS], images[-HELD_OUT_DIGITS:], MEMORISE_STEPS,
                                 every=MEMORISE_STEPS // 4)


def check_shifts_stop_memorising(augment):
    """Experiment: choose the shift size `augment` that keeps the discriminator from learning 64 digits by heart:
    after MEMORISE_STEPS steps, D(x) on the digits it trains on exceeds D(x) on unseen digits by less than MAX_GAP.
    """
    value = checking.as_number(augment)
    if value is None or not 0 <= value <= MAX_AUGMENT:
        return checking.report(False, f"augment is a share of the image from 0 (no shifts) to {MAX_AUGMENT:g}, got {augment!r}.")
    curves = memorisation_gap(value)
    gaps = curves["trained"] - curves["unseen"]
    print("step  D(x) trained on  D(x) unseen  gap")
    for step, trained, unseen, gap in zip(curves["step"], curves["trained"], curves["unseen"], gaps):
        print(f"{step:4d}  {trained:15.3f}  {unseen:11.3f}  {gap:+.3f}")
    if gaps[-1] < MAX_GAP:
        return checking.report(True, f"with shifts of up to {value:g} the gap stays at {gaps[-1]:+.3f}: the discriminator "
                               "judges the digits it trains on like new ones, so its verdict on a fake is about digits, "
                               "not about which pictures it knows.")
    hint = ("the discriminator sees the same 64 pictures at the same place every time: shift them"
            if value == 0 else "the shifts are still small enough for it to recognise each picture: make them larger")
    return checking.report(False, f"after {MEMORISE_STEPS} steps the gap is {gaps[-1]:+.3f}, not below {MAX_GAP}: {hint}.")


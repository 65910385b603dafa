"""Draw the course's diagrams into docs/images/: the GAN game, the alternating update, the conditional GAN.

    python -m tools.diagrams                 # writes docs/images/gan_game.png, alternating_update.png
    python -m tools.diagrams --out FOLDER    # and conditional_gan.png

Notebooks 01 and 08 show them from markdown, so they are visible before anything runs.
"""

import argparse
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  After choosing the backend that needs no display.
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "images"
GENERATOR_COLOUR, DISCRIMINATOR_COLOUR, DATA_COLOUR, LOSS_COLOUR = "#cfe3f7", "#f9dcc4", "#e3e3e3", "#f4f1bb"
DPI = 150


def box(axes, centre, text, colour, width=2.2, height=0.9):
    """A rounded box with centred text; return its (left, right, bottom, top)."""
    x, y = centre
    axes.add_patch(FancyBboxPatch((x - width / 2, y - height / 2), width, height, boxstyle="round,pad=0.05",
                                  facecolor=colour, edgecolor="#333333", linewidth=1.2))
    axes.text(x, y, text, ha="center", va="center", fontsize=10.5)
    return x - width / 2, x + width / 2, y - height / 2, y + height / 2


def arrow(axes, start, end, text="", colour="#333333", style="-|>", offset=(0.0, 0.18)):
    axes.add_patch(FancyArrowPatch(start, end, arrowstyle=style, mutation_scale=14, color=colour, linewidth=1.4))
    if text:
        axes.text((start[0] + end[0]) / 2 + offset[0], (start[1] + end[1]) / 2 + offset[1], text,
                  ha="center", va="bottom", fontsize=9, color=colour)


def blank_axes(width, height):
    figure, axes = plt.subplots(figsize=(width, height))
    axes.set_xlim(0, width * 1.6)
    axes.set_ylim(0, height * 1.6)
    axes.axis("off")
    return figure, axes


def gan_game(path):
    """Noise -> generator -> fake image; real and fake images -> discriminator -> a score."""
    figure, axes = blank_axes(9, 3.6)
    box(axes, (1.4, 1.5), "noise z\n100 numbers", DATA_COLOUR)
    box(axes, (4.4, 1.5), "generator G\nlearns to draw", GENERATOR_COLOUR)
    box(axes, (7.4, 1.5), "fake image\nG(z)", DATA_COLOUR)
    box(axes, (7.4, 4.2), "real image x\nfrom MNIST", DATA_COLOUR)
    box(axes, (10.6, 2.85), "discriminator D\nlearns to judge", DISCRIMINATOR_COLOUR, width=2.4)
    box(axes, (13.2, 2.85), "score\nreal or fake?", LOSS_COLOUR, width=1.8)
    arrow(axes, (2.5, 1.5), (3.3, 1.5))
    arrow(axes, (5.5, 1.5), (6.3, 1.5))
    arrow(axes, (8.5, 1.6), (9.5, 2.6))
    arrow(axes, (8.5, 4.1), (9.5, 3.1))
    arrow(axes, (11.7, 2.85), (12.3, 2.85))
    axes.text(7.4, 0.35, "G wins when D calls its fakes real; D wins when it tells them apart.",
              ha="center", fontsize=10, style="italic")
    axes.set_title("The GAN game: two networks, one trained against the other", fontsize=12)
    figure.savefig(path, dpi=DPI, bbox_inches="tight")
    plt.close(figure)
    return path


def alternating_update(path):
    """Step 1: update D on real (label 1) and fake (label 0). Step 2: update G through a frozen D (label 1)."""
    figure, axes = blank_axes(9, 4.2)
    axes.text(0.2, 6.2, "1. the discriminator's update", fontsize=11, weight="bold")
    box(axes, (1.7, 5.0), "real images x\ntarget 1", DATA_COLOUR)
    box(axes, (1.7, 3.6), "fakes G(z)\ntarget 0", DATA_COLOUR)
    box(axes, (5.2, 4.3), "D", DISCRIMINATOR_COLOUR, width=1.4)
    box(axes, (8.4, 4.3), "d_loss", LOSS_COLOUR, width=1.6)
    arrow(axes, (2.8, 5.0), (4.5, 4.45))
    arrow(axes, (2.8, 3.6), (4.5, 4.15))
    arrow(axes, (5.9, 4.3), (7.6, 4.3))
    axes.text(1.7, 3.0, "(G is held still)", ha="center", va="top", fontsize=8.5, color="#555555")
    arrow(axes, (8.4, 4.75), (5.3, 4.8), "gradients change D only", colour="#b5523b", style="-|>", offset=(0, 0.25))
    axes.text(0.2, 2.5, "2. the generator's update", fontsize=11, weight="bold")
    box(axes, (1.7, 1.3), "noise z", DATA_COLOUR)
    box(axes, (4.6, 1.3), "G", GENERATOR_COLOUR, width=1.4)
    box(axes, (7.6, 1.3), "D, frozen\ntarget 1", DISCRIMINATOR_COLOUR, width=1.8)
    box(axes, (10.6, 1.3), "g_loss", LOSS_COLOUR, width=1.6)
    arrow(axes, (2.8, 1.3), (3.9, 1.3))
    arrow(axes, (5.3, 1.3), (6.7, 1.3))
    arrow(axes, (8.5, 1.3), (9.8, 1.3))
    arrow(axes, (10.6, 0.75), (4.7, 0.7), "gradients pass through D and change G only", colour="#3b6fb5",
          offset=(0, -0.45))
    axes.text(12.4, 3.0, "repeat for every\nbatch of real digits", ha="center", fontsize=10, style="italic")
    axes.set_title("One training step: the two updates take turns", fontsize=12)
    figure.savefig(path, dpi=DPI, bbox_inches="tight")
    plt.close(figure)
    return path


def conditional_gan(path):
    """The GAN game with a label y fed to both networks: G(z, y), and D judging (x, y) pairs."""
    figure, axes = blank_axes(9, 3.9)
    box(axes, (1.4, 2.7), "noise z\n100 numbers", DATA_COLOUR)
    box(axes, (4.4, 0.8), "digit y\ne.g. 7", LOSS_COLOUR, width=1.8)
    box(axes, (4.4, 2.7), "generator G\ndraws digit y", GENERATOR_COLOUR)
    box(axes, (7.4, 2.7), "fake image\nG(z, y)", DATA_COLOUR)
    box(axes, (7.4, 4.6), "real image x\nwith its label y", DATA_COLOUR, width=2.6)
    box(axes, (10.6, 3.65), "discriminator D\nis this a real y?", DISCRIMINATOR_COLOUR, width=2.5)
    box(axes, (13.3, 4.3), "score\nreal or fake?", LOSS_COLOUR, width=1.9)
    box(axes, (13.3, 3.0), "digit guess\n0 to 9", LOSS_COLOUR, width=1.9)
    arrow(axes, (2.5, 2.7), (3.3, 2.7))
    arrow(axes, (4.4, 1.25), (4.4, 2.25))
    arrow(axes, (5.5, 2.7), (6.3, 2.7))
    arrow(axes, (8.5, 2.85), (9.35, 3.35))
    arrow(axes, (8.7, 4.5), (9.35, 3.95))
    axes.plot([5.3, 10.6], [0.8, 0.8], color="#b5523b", linewidth=1.4)
    arrow(axes, (10.6, 0.8), (10.6, 3.2), colour="#b5523b")
    axes.text(8.0, 0.45, "the same y", ha="center", fontsize=9, color="#b5523b")
    arrow(axes, (11.85, 3.85), (12.35, 4.15))
    arrow(axes, (11.85, 3.45), (12.35, 3.15))
    axes.text(7.4, 5.75, "Both networks read the label: G learns to draw the digit asked for, D to reject a wrong one.",
              ha="center", fontsize=10, style="italic")
    axes.set_title("The conditional GAN: the game, told which digit", fontsize=12, pad=18)
    figure.savefig(path, dpi=DPI, bbox_inches="tight")
    plt.close(figure)
    return path


DIAGRAMS = {"gan_game.png": gan_game, "alternating_update.png": alternating_update, "conditional_gan.png": conditional_gan}


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tools.diagrams", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help="folder to write the PNGs to (default docs/images)")
    args = parser.parse_args(argv)
    try:
        args.out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        print(f"{parser.prog}: error: cannot write to {args.out}: {error.strerror or error}", file=sys.stderr)
        return 2
    for name, draw in DIAGRAMS.items():
        print("wrote", draw(args.out / name))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The 2-D toy's table: every method with every seed at the default budget (docs/toy.md keeps its output).

    python -m tools.toy_table                         # every method, seeds 0-4, the default steps
    python -m tools.toy_table --methods vanilla pacgan --seeds 0 1 --steps 500
"""

import sys

from gan_helpers import arguments, config


def main(argv=None):
    """Train the chosen methods of the toy with the chosen seeds and print the Markdown table."""
    parser = arguments.Parser(prog="python -m tools.toy_table", description=__doc__.splitlines()[0])
    parser.add_argument("--methods", nargs="+", choices=config.TOY_METHODS, metavar="NAME",
                        help=f"methods to train (default all: {', '.join(config.TOY_METHODS)})")
    parser.add_argument("--seeds", nargs="+", type=arguments.non_negative_int, metavar="SEED",
                        help=f"seeds (default {' '.join(map(str, config.TOY_SEEDS))})")
    parser.add_argument("--steps", type=arguments.positive_int,
                        help=f"generator updates per run (default {config.default_toy_steps():,})")
    parser.add_argument("--dataset", choices=config.TOY_DATASETS, default="ring", help="ring (default) or grid")
    args = parser.parse_args(argv)
    from gan_helpers.lab import toy

    rows = toy.compare(args.methods, args.seeds, dataset=args.dataset, steps=args.steps, progress=print)
    print(toy.markdown_table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())

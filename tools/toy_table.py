"""The 2-D toy's table: every method with every seed at the default budget (docs/toy.md keeps its output).

    python -m tools.toy_table
"""

import sys

from gan_helpers.lab import toy


def main():
    """Train every method of the toy with every seed and print the Markdown table."""
    print(toy.markdown_table(toy.compare(progress=print)))
    return 0


if __name__ == "__main__":
    sys.exit(main())

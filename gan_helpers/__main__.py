"""`python -m gan_helpers`: see gan_helpers.cli."""

import sys

try:
    from gan_helpers.cli import main
except KeyboardInterrupt:  # Ctrl-C before the command line has even loaded.
    print("python -m gan_helpers: interrupted", file=sys.stderr)
    sys.exit(130)

sys.exit(main())

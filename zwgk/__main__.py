"""python -m zwgk: the same as the `zwgk` command."""
import sys

from zwgk.cli import main

sys.exit(main())

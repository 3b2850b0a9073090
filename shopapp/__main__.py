"""`python -m shopapp ...` runs the command line in shopapp.cli."""

from shopapp.cli import main

raise SystemExit(main())

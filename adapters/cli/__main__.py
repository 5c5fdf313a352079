"""`python -m adapters.cli ...` runs the command line."""

from adapters.cli.main import main

main()

"""The `liftrescue` command line: the top floor of the house."""

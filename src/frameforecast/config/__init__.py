"""Configuration as data: the typed settings classes (classes.py), the values they take (values.py), the one table
of experiments × profiles (experiments.py) and the command-line options generated from it (options.py)."""

"""`live check`: the configuration checked before it meets a conference (findings.py, Redis's
persistence in persistence.py, the command in command.py). `live serve` runs the same checks at
start: an error stops it, warnings are printed."""

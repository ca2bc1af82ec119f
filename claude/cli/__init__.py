"""The command line behind ``python -m claude`` and the ``api-claude`` script.

``claude/__main__.py`` parses a message command and dispatches the subcommands here: ``common``
(the client the flags ask for, one-line errors and exit codes), ``prompt`` (the user turn from
the arguments, stdin and ``--file``), ``chat`` (the REPL), ``resources`` (count-tokens, models,
batch, files), ``render`` (how a resource prints) and ``progress`` (the terminal progress bar).
"""

__all__: list[str] = []

"""The one exception type of cubenet: a ValueError whose message says what is wrong and what to do."""


class CubenetError(ValueError):
    """Bad input or a failed run. The CLI prints ``Error: <message>`` and exits non-zero."""

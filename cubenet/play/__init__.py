"""The live playground (``cubenet play``): a loopback server that trains with cubenet's own trainer and streams to a page.

``guard`` (token, Host and Origin checks, body caps) · ``specs`` (requests validated like the CLI) ·
``sessions`` (one per tab, bounded trainings in threads) · ``server`` (the HTTP routes) · ``page``.
"""

"""The core: domain model, storage, banks, tone check and renderers.

Nothing in this package imports Textual; a test proves it, so the command line and scripts stay
fast and the model stays usable without a terminal.
"""

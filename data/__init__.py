"""The bottom layer: the domain vocabulary, the quality model, the data contract, import and storage.

Nothing in here imports from ``models``, ``planner``, ``reports`` or ``api``.
"""

"""The top layer: service functions that chain import -> score -> plan -> report, the CLI and the HTTP app.

The CLI (``api.cli``) and the HTTP app (``api.app``) are thin layers over ``api.services``.
"""

"""Service functions shared by the CLI and the HTTP app: each takes ``Settings`` and plain arguments,
returns plain results, and raises domain errors from ``data.errors``."""

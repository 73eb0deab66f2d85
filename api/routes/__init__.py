"""HTTP routes, one module per area: ``data`` (health, status, uploads, pushes), ``risk``, ``plans``,
``reports`` (JSON API under ``/api/v1``) and ``web`` (the Danish web pages)."""

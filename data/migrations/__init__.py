"""Alembic migrations of the storage schema (``data.db``), shipped inside the package.

``data.store.migrate`` runs them programmatically (no ``alembic.ini`` needed); for hand use::

    alembic -c data/migrations/alembic.ini -x url=sqlite:///.tilsynsplan/tilsynsplan.db upgrade head

A schema change: edit ``data/db.py``, then
``alembic -c data/migrations/alembic.ini -x url=sqlite:///tmp.db revision --autogenerate -m "..."``
against a database at head, review the new file in ``versions/`` and run the tests (one checks that
the migrated schema equals ``data.db.Base.metadata``).
"""

"""Data commands: validate, import, status (issue 2). Placeholder until the importer lands."""

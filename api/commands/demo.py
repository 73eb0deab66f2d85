"""CLI commands for demo (placeholder until the feature lands)."""

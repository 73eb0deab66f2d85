"""CLI commands for plan (placeholder until the feature lands)."""

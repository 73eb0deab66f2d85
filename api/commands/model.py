"""CLI commands for model (placeholder until the feature lands)."""

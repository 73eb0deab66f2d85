"""CLI commands for serve (placeholder until the feature lands)."""

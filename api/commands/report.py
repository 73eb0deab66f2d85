"""CLI commands for report (placeholder until the feature lands)."""

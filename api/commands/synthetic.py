"""CLI commands for synthetic (placeholder until the feature lands)."""

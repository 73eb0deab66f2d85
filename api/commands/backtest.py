"""CLI commands for backtest (placeholder until the feature lands)."""

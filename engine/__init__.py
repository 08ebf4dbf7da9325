"""plancascade's engine: our thin layer over SpiffWorkflow (no Flask here)."""

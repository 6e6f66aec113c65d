"""Network adapters: they translate between a messenger and the core's message types."""

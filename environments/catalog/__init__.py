"""The built-in catalog: one folder per environment, each registered by entry point."""

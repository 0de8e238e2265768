"""bridge: not built yet (see the project's open issues)."""

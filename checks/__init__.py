"""zwgk checks: pure functions over a Site. One check per module; see registry.CHECKS."""

"""Policy as data: rulebooks (one YAML per year's plan) and unit registries. No code lives here."""

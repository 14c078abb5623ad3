"""Domain core of the Community Support Fund engine: models, rules and services."""

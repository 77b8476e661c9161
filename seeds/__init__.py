"""The project's seed data (seeds/data/*.json) and its loader (seeds.loader.load_seeds)."""

"""Model modules: each declares its own `Settings` dataclass (settings only it reads) and its builder. An
experiment row names one by its module path (`method`), and config.json keeps that path, so every later stage,
in any process, finds the model again."""

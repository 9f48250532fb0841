"""Report stage: GIFs (Pillow), plots (matplotlib, Agg) and the static site (Jinja2)."""

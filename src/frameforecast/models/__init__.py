"""Model builders: video autoencoders, series forecasters, and the naive baselines."""

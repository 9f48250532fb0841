"""Data sets: Moving MNIST (generated and the standard file), monthly/hourly series, synthetic signals."""

"""Networks that learn: ReLU MLPs as lists of (W, b), their forward trace, training, model files and run folders."""

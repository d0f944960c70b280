"""AWS Lambda entry points. Each module wires production adapters and nothing else."""

"""Peluit's pure core: no environment, no boto3; given a store, a clock and the configuration."""

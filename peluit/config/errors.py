"""Configuration errors."""


class ConfigError(Exception):
    """The configuration file is missing, not TOML, or breaks a rule; the message says where."""

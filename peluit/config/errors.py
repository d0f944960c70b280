"""Configuration errors."""


class ConfigError(Exception):
    """The configuration file is missing, not TOML, or breaks a rule; the message says where."""


class RosterEditError(ConfigError):
    """A roster change cannot be made safely; the configuration file is left as it was."""

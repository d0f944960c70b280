"""Peluit's configuration: one validated TOML file (see `peluit.example.toml`)."""

from .errors import ConfigError
from .load import load_config, parse_config
from .models import Channel, Config, FieldSpec, Limits, Person, StoreConfig, Text

__all__ = [
    "Channel",
    "Config",
    "ConfigError",
    "FieldSpec",
    "Limits",
    "Person",
    "StoreConfig",
    "Text",
    "load_config",
    "parse_config",
]

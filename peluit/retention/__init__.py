"""Retention: how long a channel's cases are kept (`retention_days`), which cases are past it,
and their audited disposal (ADR 0046; operator guide, "Retention and disposal")."""

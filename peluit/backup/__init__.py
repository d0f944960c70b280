"""The backup's other half: restoring the case bucket from its replica (ADR 0047; operator
guide, "Backup and restore")."""

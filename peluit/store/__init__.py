"""Object storage: one port, a local-directory adapter and an S3 adapter, same keys on both."""

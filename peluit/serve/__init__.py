"""`peluit serve`: the site, the API and emulated presigned uploads in one local process."""

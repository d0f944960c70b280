"""What every Peluit web response carries, wherever it is served from."""

"""HTTP APIs as Powertools resolvers; the same objects serve Lambda and `peluit serve`."""

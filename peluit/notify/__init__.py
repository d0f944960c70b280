"""Content-free notifications to the review team (docs/adr/0038).

A scan (`service.run`, from the scheduled function on AWS or `peluit notify` locally) reads
only the plaintext workflow metadata (index, state.json, thread listings, read markers),
decides in a pure core (`plan`) what each person is to be told, and mails counts, never a
case id, text, name or receipt code (`mail`), through a thin adapter (`smtp`, `ses`).
"""

"""`peluit review`: the review console, a small web application on 127.0.0.1.

It holds a person's unlocked key in memory and shows decrypted cases to their own browser
only; see `guard` for what keeps other sites and other local users out.
"""

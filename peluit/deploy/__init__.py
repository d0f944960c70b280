"""`peluit deploy` and `peluit destroy`: the AWS stack (`infra/peluit.yaml`), the functions' code
and the public site. boto3 lives here and in `peluit.store.s3`, nowhere in the core."""

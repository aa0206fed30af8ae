"""Publishing a build: `sitegen deploy` to an S3-compatible bucket, and CI workflows.

The pieces, each small: `settings` reads site.toml's [deploy] table; `ready` refuses a
build that is not a complete, published one; `files` says what each output file is
(content type, cache rule, upload phase); `manifest` and `plan` compare the build with
what the bucket holds; `bucket` is the only module that speaks to the store (boto3);
`run` carries a plan out in a safe order; `ci` writes the editors' CI workflows.
docs/publishing.md explains the design for the people who run it.
"""

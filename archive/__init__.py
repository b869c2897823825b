"""S3-compatible storage of raw captures, versioned records and the Parquet catalog."""
